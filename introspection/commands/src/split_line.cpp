// split_line: a typed line into words, as a Unix shell would for the plain
// parts, but with Erlang terms kept whole. An operator types
//
//   send front_desk {hello, "a b", [1, 2]}
//
// and means three words; a shell's rules would make five and eat the
// quotes the term needs. So a bracket group ({...}, [...], <<...>>, and
// #{...} through its '{') is taken as typed up to its matching bracket,
// skipping brackets inside the term's own strings, quoted atoms and $c
// characters; outside groups, quotes and backslashes work as in sh.
//
// Errors name the column (characters from 1), so the shell can point at it.

#include "ember/commands/commands.hpp"

namespace ember::commands {
namespace {

bool continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

class splitter {
public:
    explicit splitter(std::string_view line) : line_(line) {}

    expected<std::vector<std::string>, std::string> run() {
        while (i_ < line_.size()) {
            const char c = line_[i_];
            if (c == ' ' || c == '\t') {
                end_word();
                ++i_;
                continue;
            }
            in_word_ = true;
            std::optional<std::string> error;
            if (c == '\\') error = escaped();
            else if (c == '"' || c == '\'') error = quoted(c);
            else if (opens_group()) error = group();
            else word_ += line_[i_++];
            if (error) return unexpected(std::move(*error));
        }
        end_word();
        return std::move(words_);
    }

private:
    std::size_t column(std::size_t at) const noexcept {
        std::size_t col = 1;
        for (std::size_t k = 0; k < at && k < line_.size(); ++k) col += !continuation(line_[k]);
        return col;
    }
    std::string at_column(std::size_t at) const { return " at column " + std::to_string(column(at)); }

    void end_word() {
        if (in_word_) words_.push_back(std::move(word_));
        word_.clear();
        in_word_ = false;
    }

    // The whole code point after `from` (UTF-8 stays whole).
    std::size_t code_point_end(std::size_t from) const noexcept {
        std::size_t k = from + 1;
        while (k < line_.size() && continuation(line_[k])) ++k;
        return k;
    }

    std::optional<std::string> escaped() {
        if (i_ + 1 >= line_.size()) return "nothing after \\" + at_column(i_);
        const std::size_t end = code_point_end(i_ + 1);
        word_.append(line_.substr(i_ + 1, end - i_ - 1));
        i_ = end;
        return std::nullopt;
    }

    // '...' takes everything as it is; "..." lets a backslash escape.
    std::optional<std::string> quoted(char q) {
        const std::size_t open = i_;
        for (std::size_t k = i_ + 1; k < line_.size(); ++k) {
            if (line_[k] == q) {
                i_ = k + 1;
                return std::nullopt;
            }
            if (q == '"' && line_[k] == '\\' && k + 1 < line_.size()) ++k;
            word_ += line_[k];
        }
        return std::string("unclosed ") + q + at_column(open);
    }

    bool opens_group() const noexcept {
        const char c = line_[i_];
        return c == '{' || c == '[' || (c == '<' && i_ + 1 < line_.size() && line_[i_ + 1] == '<');
    }

    // From an opening bracket to its match, copied as typed.
    std::optional<std::string> group() {
        struct open {
            std::string_view closer;
            std::string_view opener;
            std::size_t at;
        };
        std::vector<open> stack;
        std::size_t k = i_;
        while (k < line_.size()) {
            const char c = line_[k];
            const bool two = k + 1 < line_.size();
            if (c == '"' || c == '\'') { // a string or quoted atom inside the term
                std::size_t e = k + 1;
                while (e < line_.size() && line_[e] != c) e += line_[e] == '\\' ? 2 : 1;
                if (e >= line_.size()) return std::string("unclosed ") + c + at_column(k);
                k = e + 1;
            } else if (c == '$') { // $} is a character, not a bracket
                k += (two && line_[k + 1] == '\\') ? 3 : 2;
            } else if (c == '{' || c == '[') {
                stack.push_back({c == '{' ? "}" : "]", c == '{' ? "{" : "[", k});
                ++k;
            } else if (c == '<' && two && line_[k + 1] == '<') {
                stack.push_back({">>", "<<", k});
                k += 2;
            } else if (c == '}' || c == ']' || (c == '>' && two && line_[k + 1] == '>' && stack.back().closer == ">>")) {
                const std::string_view closer = c == '>' ? std::string_view(">>") : line_.substr(k, 1);
                if (stack.back().closer != closer) return std::string(closer) + " does not close " + std::string(stack.back().opener) + at_column(k);
                stack.pop_back();
                k += closer.size();
                if (stack.empty()) {
                    word_.append(line_.substr(i_, k - i_));
                    i_ = k;
                    return std::nullopt;
                }
            } else {
                ++k;
            }
        }
        return "unclosed " + std::string(stack.back().opener) + at_column(stack.back().at);
    }

    std::string_view line_;
    std::size_t i_ = 0;
    std::vector<std::string> words_;
    std::string word_;
    bool in_word_ = false;
};

} // namespace

expected<std::vector<std::string>, std::string> split_line(std::string_view line) { return splitter(line).run(); }

} // namespace ember::commands
