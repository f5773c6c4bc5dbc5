// libFuzzer target for the bytes an SSH client types into the shell
// (remsh), taken as the session takes them:
//   the line editor   remsh::line_editor with an in-memory history, fed the
//                     input in chunks whose ends the input picks (escape
//                     sequences and UTF-8 split across feed() calls); between
//                     chunks, as the input says, window changes (0, 1, 5, 80,
//                     10000 columns, then redraw()), asynchronous output
//                     (suspend_for_output / resume_after_output), and answers
//                     to Tab: commands::complete's (against the fake node of
//                     the commands tests) or made of the input (odd word
//                     starts, control bytes, bad UTF-8), now or a chunk late
//                     (stale); start() after each submit and eof, as the
//                     session does.
//   the command line  commands::split_line of the whole input, parse of its
//                     words with make_atoms off (the shell's setting),
//                     closest of each word, complete of the whole input;
//                     and the same for every line the editor submits.
// The first input byte also picks the editor's limits and the history's.
// Checked for any input (line_editor.hpp, history.hpp, commands.hpp):
//  - line() is printable (is_printable_line) and at most max_line_bytes, the
//    cursor within it at a code point's start;
//  - a submitted line is printable, within the limit, and in the history
//    after (unless equal to the newest entry); after submit or eof the
//    editor is idle and only Ctrl-C acts (it writes "^C\r\n", nothing else);
//    while suspended, keys draw nothing;
//  - every output, played on a model terminal (as line_editor_test's), is
//    printable UTF-8, "\r\n" (never a bare "\n"), bells and CSI C, D, K, H,
//    2J, m; while reading, the cursor's row holds the prompt (or its tail)
//    and then the part of the line around the cursor, nothing else, and no
//    character was written to the row's last column;
//  - apply_completion: a stale answer, or one while idle, writes and changes
//    nothing; no usable candidate changes nothing (a bell when shown); one
//    replaces the word with itself and a space; several extend the word to
//    their longest common prefix or leave the line as it was;
//  - the same keys give the same events and line whether fed whole or in
//    chunks (when there is no Ctrl-C, which flushes what is held);
//  - split_line and parse give a value or a one-line error (parse's may
//    break where it quotes a word holding "\n", which no editor line has);
//    for a line the editor submitted, an error with no control byte, which
//    the shell can print as it is;
//  - complete's candidates are sorted and unique, its start within the line.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/commands/commands.hpp"
#include "ember/protocol/version.hpp"
#include "history.hpp"
#include "introspection/commands/fakes.hpp"
#include "line_editor.hpp"

namespace {

using namespace ember;
using remsh::line_editor;
using remsh::line_event;
using kind = line_event::kind;

void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "shell_input_fuzz: check failed: %s\n", what);
    std::abort();
}
#define REQUIRE(x) require((x), #x)

bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t code_points(std::string_view s) noexcept {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(c); }));
}

std::vector<std::string> split_code_points(std::string_view s) {
    std::vector<std::string> out;
    for (char c : s) {
        if (is_continuation(c) && !out.empty()) out.back() += c;
        else out.emplace_back(1, c);
    }
    return out;
}

// The prompt the session draws ("bold node name, reset, > "), and what of it
// shows: its plain text, or that text's tail when it takes more than half
// the usable row (line_editor.hpp).
const std::string prompt = "\x1b[1mnode1\x1b[0m> ";
const std::string plain_prompt = "node1> ";

// A one-row-at-a-time terminal that understands only what the editor may
// send (line_editor.hpp: "\r", the prompt, text, "\x1b[K", CSI n C / n D;
// lists and "^C" end with "\r\n"; Ctrl-L's "\x1b[H\x1b[2J"; colours; bells).
// Anything else fails. It keeps the row the cursor is on.
class screen {
public:
    void resize(std::size_t w) {
        width_ = w;
        if (cells_.size() > w) cells_.resize(w);
        col_ = std::min(col_, w - 1);
    }

    void write(std::string_view bytes) {
        for (std::size_t i = 0; i < bytes.size();) {
            const auto b = static_cast<unsigned char>(bytes[i]);
            if (b == 0x1b) {
                i = csi(bytes, i);
                prev_ = 0;
                continue;
            }
            if (b < 0x20 || b == 0x7f) {
                control(b);
                prev_ = b;
                ++i;
                continue;
            }
            std::size_t len = 1;
            while (i + len < bytes.size() && is_continuation(bytes[i + len])) ++len;
            const std::string_view cp = bytes.substr(i, len);
            REQUIRE(code_points(cp) == 1 && remsh::is_printable_line(cp)); // whole, valid, no C1 control
            print(cp);
            prev_ = b;
            i += len;
        }
    }

    // While the editor reads and shows its row: the row is the prompt, then
    // a slice of the line with the cursor on the right code point.
    void check_row(const line_editor& ed) const {
        REQUIRE(!touched_last_);
        const std::size_t usable = width_ - 1;
        const std::string shown = plain_prompt.size() <= usable / 2 ? plain_prompt : plain_prompt.substr(plain_prompt.size() - usable / 2);
        const std::size_t pc = shown.size();
        const std::size_t text_columns = usable - pc;
        for (std::size_t c = 0; c < pc; ++c) REQUIRE(c < cells_.size() && cells_[c] == std::string(1, shown[c]));
        REQUIRE(col_ >= pc && col_ - pc <= text_columns);
        const std::vector<std::string> line = split_code_points(ed.line());
        const std::size_t at = code_points(std::string_view(ed.line()).substr(0, ed.cursor()));
        REQUIRE(at >= col_ - pc); // the view starts within the line
        const std::size_t first = at - (col_ - pc);
        const std::size_t len = std::min(text_columns, line.size() - first);
        for (std::size_t k = 0; k < len; ++k) REQUIRE(pc + k < cells_.size() && cells_[pc + k] == line[first + k]);
        for (std::size_t c = pc + len; c < cells_.size(); ++c) REQUIRE(cells_[c].empty());
    }

private:
    void print(std::string_view cp) {
        if (col_ >= width_ - 1) touched_last_ = true; // the last column, or a wrap
        if (col_ < width_) {
            if (cells_.size() <= col_) cells_.resize(col_ + 1);
            cells_[col_++] = std::string(cp);
        }
    }
    void control(unsigned char b) {
        switch (b) {
        case '\r': col_ = 0; break;
        case '\n':
            REQUIRE(prev_ == '\r'); // a raw terminal needs both
            cells_.clear();
            touched_last_ = false;
            break;
        case '\a': break;
        default: REQUIRE(!"a control byte other than \\r, \\n, \\a");
        }
    }
    std::size_t csi(std::string_view s, std::size_t i) {
        REQUIRE(i + 1 < s.size() && s[i + 1] == '[');
        std::size_t j = i + 2;
        std::string params;
        while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) params += s[j++];
        REQUIRE(j < s.size());
        const char final = s[j];
        const std::size_t n = params.empty() ? 1 : std::stoul(params.substr(0, 9));
        const std::size_t at = std::min(col_, width_ - 1);
        switch (final) {
        case 'K':
            REQUIRE(params.empty());
            if (cells_.size() > at) cells_.resize(at);
            col_ = at;
            break;
        case 'C':
            REQUIRE(params.find(';') == std::string::npos && n > 0);
            col_ = std::min(at + n, width_ - 1);
            break;
        case 'D':
            REQUIRE(params.find(';') == std::string::npos && n > 0);
            col_ = at >= n ? at - n : 0;
            break;
        case 'H':
            REQUIRE(params.empty());
            col_ = 0;
            break;
        case 'J':
            REQUIRE(params == "2");
            cells_.clear();
            touched_last_ = false;
            break;
        case 'm': break;
        default: REQUIRE(!"a CSI other than C, D, K, H, J, m");
        }
        return j + 1;
    }

    std::size_t width_ = 80;
    std::vector<std::string> cells_; // "" never written or erased
    std::size_t col_ = 0;
    unsigned char prev_ = 0;
    bool touched_last_ = false;
};

// "^C\r\n" repeated: all an idle editor writes.
bool only_interrupts(std::string_view out) {
    for (; !out.empty(); out.remove_prefix(4))
        if (!out.starts_with("^C\r\n")) return false;
    return true;
}

std::uint32_t mix(std::uint32_t a, std::uint32_t b) noexcept {
    std::uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u + (a << 6) + (a >> 2));
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return h;
}

// The pieces of `text` between blanks, at most `n`, each cut at 40 bytes.
std::vector<std::string> pieces(std::string_view text, std::size_t n) {
    std::vector<std::string> out;
    while (!text.empty() && out.size() < n) {
        const std::size_t blank = text.find(' ');
        out.emplace_back(text.substr(0, std::min<std::size_t>(blank, 40)));
        if (blank == std::string_view::npos) break;
        text.remove_prefix(blank + 1);
    }
    return out;
}

bool no_control_bytes(std::string_view text) {
    return std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// The commands library on one line. `from_editor`: a line the editor
// submitted, which the shell runs and whose errors it prints.
void command_line(std::string_view line, bool from_editor, testing::fake_port& port) {
    auto words = commands::split_line(line);
    if (!words) {
        REQUIRE(!words.error().empty() && words.error().find('\n') == std::string::npos);
        if (from_editor) REQUIRE(remsh::is_printable_line(words.error()));
    } else {
        for (const std::string& w : *words) {
            const std::string_view near = commands::closest(w);
            REQUIRE(near.empty() || commands::find(near) != nullptr);
        }
        auto inv = commands::parse(*words, {.make_atoms = false});
        if (!inv) {
            // One line, unless a word it quotes holds a line break (only
            // from a line no editor gave: parse quotes words as they are).
            const bool breaks = std::any_of(words->begin(), words->end(), [](const std::string& w) { return w.find('\n') != std::string::npos; });
            REQUIRE(!inv.error().empty() && (breaks || inv.error().find('\n') == std::string::npos));
            // Printed to the operator's terminal as it is: no control byte.
            // (Not is_printable_line: the term parser's "unexpected 'c'"
            // quotes one byte of a multi-byte character, invalid UTF-8.)
            if (from_editor) REQUIRE(no_control_bytes(inv.error()));
        } else {
            REQUIRE(inv->command != nullptr || inv->help);
        }
    }
    const commands::completion c = commands::complete(port, line, 20);
    REQUIRE(c.start <= line.size());
    REQUIRE(c.candidates.size() <= 20);
    REQUIRE(std::adjacent_find(c.candidates.begin(), c.candidates.end(), std::greater_equal<>()) == c.candidates.end());
}

// An answer to a complete event, applied when due.
struct answer {
    std::string before_cursor;
    std::size_t word_start;
    std::vector<std::string> candidates;
    std::size_t due; // the chunk after which it is applied
};

class harness {
public:
    harness(std::string_view input, std::uint32_t config)
        : input_(input),
          options_{.max_line_bytes = std::array<std::size_t, 6>{4096, 4096, 4096, 1, 6, 48}[config % 6],
                   .max_held_bytes = (config >> 3) % 8 == 0 ? std::size_t{7} : std::size_t{64 * 1024},
                   .max_listed = (config >> 6) % 4 == 0 ? std::size_t{2} : std::size_t{100}},
          history_({}, 1 + (config >> 8) % 4),
          ed_(prompt, options_) {
        if ((config >> 10) % 5 != 0) {
            ed_.attach_history(&history_);
            attached_ = true;
        }
        // Entries from before: the input's first lines (some too long for a
        // small editor limit, some refused).
        std::string_view rest = input;
        for (int k = 0; k < 3 && !rest.empty(); ++k) {
            const std::size_t cr = rest.find('\r');
            add_to_history(rest.substr(0, cr));
            if (cr == std::string_view::npos) break;
            rest.remove_prefix(cr + 1);
        }
    }

    void run() {
        std::string out;
        handle(ed_.start(out), out);
        std::size_t chunk = 0;
        for (std::size_t i = 0; i < input_.size(); ++chunk) {
            const auto b = static_cast<unsigned char>(input_[i]);
            const std::size_t len = std::min<std::size_t>(1 + mix(b, static_cast<std::uint32_t>(i)) % 16, input_.size() - i);
            const std::string_view bytes = input_.substr(i, len);
            i += len;
            feed(bytes, chunk);
            apply_due(chunk);
            const std::uint32_t action = mix(static_cast<unsigned char>(bytes.back()), static_cast<std::uint32_t>(i * 31 + len));
            switch (action % 24) {
            case 0: resize(std::array<std::size_t, 5>{0, 1, 5, 80, 10000}[(action >> 8) % 5]); break;
            case 1: suspend(); break;
            case 2: resume(); break;
            default: break;
            }
        }
        apply_due(chunk + 1);
        resume();
    }

private:
    void add_to_history(std::string_view line) {
        const bool ok = history_.add(line).has_value();
        REQUIRE(ok == (!line.empty() && line.size() <= remsh::history::max_line_bytes && remsh::is_printable_line(line)));
        if (ok) REQUIRE(history_.entries().back() == line);
        REQUIRE(history_.entries().size() <= history_.limit());
    }

    void check_editor() {
        const std::string& line = ed_.line();
        REQUIRE(line.size() <= options_.max_line_bytes);
        REQUIRE(remsh::is_printable_line(line));
        REQUIRE(ed_.cursor() <= line.size());
        REQUIRE(ed_.cursor() == line.size() || !is_continuation(line[ed_.cursor()]));
        if (ed_.reading() && !hidden_) screen_.check_row(ed_);
    }

    void feed(std::string_view bytes, std::size_t chunk) {
        const bool idle = !ed_.reading();
        std::string out;
        auto events = ed_.feed(bytes, out);
        if (idle || hidden_) REQUIRE(only_interrupts(out));
        handle(std::move(events), out, chunk);
    }

    // Writes `out`, checks, and acts on events as the session does: start()
    // after a submit or eof, answers to Tab.
    void handle(std::vector<line_event> events, const std::string& out, std::size_t chunk = 0) {
        screen_.write(out);
        check_editor();
        while (true) {
            bool idle_now = false;
            for (const line_event& e : events) {
                REQUIRE(!idle_now || e.what == kind::interrupt); // only Ctrl-C acts while idle
                switch (e.what) {
                case kind::submit:
                    REQUIRE(e.line.size() <= options_.max_line_bytes && remsh::is_printable_line(e.line));
                    if (!e.line.empty() && attached_) REQUIRE(!history_.entries().empty() && history_.entries().back() == e.line);
                    command_line(e.line, true, port_);
                    idle_now = true;
                    break;
                case kind::eof:
                    REQUIRE(e.line.empty());
                    idle_now = true;
                    break;
                case kind::interrupt: REQUIRE(e.line.empty()); break;
                case kind::complete:
                    REQUIRE(e.line.size() <= options_.max_line_bytes && remsh::is_printable_line(e.line));
                    ask_completion(e.line, chunk);
                    break;
                }
            }
            if (!idle_now) return;
            REQUIRE(!ed_.reading());
            hidden_ = false;
            screen_.write("ok\r\n"); // the command's output
            std::string out2;
            events = ed_.start(out2);
            REQUIRE(ed_.reading() || !events.empty());
            screen_.write(out2);
            check_editor();
        }
    }

    void ask_completion(const std::string& before, std::size_t chunk) {
        const std::uint32_t h = mix(static_cast<std::uint32_t>(before.size()), static_cast<std::uint32_t>(chunk));
        const std::size_t due = chunk + (h & 1);
        if (h & 2) {
            commands::completion c = commands::complete(port_, before);
            REQUIRE(c.start <= before.size());
            pending_.push_back({before, c.start, std::move(c.candidates), due});
            return;
        }
        // Made of the input: where the word starts, any byte; candidates,
        // pieces of the input further on, and two that share a prefix.
        const std::size_t start = (h >> 2) % (before.size() + 2);
        std::vector<std::string> cands = pieces(input_.substr((h >> 8) % input_.size()), (h >> 4) % 5);
        if (!cands.empty() && (h & 0x1000)) {
            cands.push_back(cands.front() + "a");
            cands.push_back(cands.front() + "b");
        }
        if (h & 0x2000) cands.emplace_back();
        pending_.push_back({before, start, std::move(cands), due});
    }

    void apply_due(std::size_t chunk) {
        for (std::size_t k = 0; k < pending_.size();) {
            if (pending_[k].due > chunk) {
                ++k;
                continue;
            }
            const answer a = std::move(pending_[k]);
            pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(k));
            apply(a);
        }
    }

    void apply(const answer& a) {
        const std::string line = ed_.line();
        const std::size_t cursor = ed_.cursor();
        const bool reading = ed_.reading();
        const bool shown = reading && !hidden_;
        const std::string out = ed_.apply_completion(a.before_cursor, a.word_start, a.candidates);
        screen_.write(out);
        check_editor();
        if (hidden_) REQUIRE(out.empty());
        const bool stale = !reading || std::string_view(line).substr(0, cursor) != a.before_cursor;
        if (stale) {
            REQUIRE(out.empty() && ed_.line() == line && ed_.cursor() == cursor);
            return;
        }
        const std::string_view before = a.before_cursor;
        if (a.word_start > before.size() || (a.word_start < before.size() && is_continuation(before[a.word_start]))) return; // not a word's start
        // Not printable: ignored (line_editor.hpp); empty or longer than a
        // line may be: ignored too (line_editor.cpp; the header says nothing).
        std::vector<std::string> usable;
        for (const std::string& c : a.candidates)
            if (!c.empty() && c.size() <= options_.max_line_bytes && remsh::is_printable_line(c)) usable.push_back(c);
        std::sort(usable.begin(), usable.end());
        usable.erase(std::unique(usable.begin(), usable.end()), usable.end());
        const std::string head(before.substr(0, a.word_start));
        const std::string tail = line.substr(cursor);
        auto replaced_by = [&](const std::string& text) {
            const std::string want = head + text + tail;
            if (want.size() > options_.max_line_bytes) return ed_.line() == line && ed_.cursor() == cursor; // refused, with a bell
            return ed_.line() == want && ed_.cursor() == head.size() + text.size();
        };
        if (usable.empty()) {
            REQUIRE(ed_.line() == line && ed_.cursor() == cursor);
            REQUIRE(out == (shown ? "\a" : ""));
        } else if (usable.size() == 1) {
            REQUIRE(replaced_by(usable.front() + " "));
        } else {
            const std::string& first = usable.front();
            const std::string& last = usable.back();
            std::size_t common = static_cast<std::size_t>(std::mismatch(first.begin(), first.end(), last.begin(), last.end()).first - first.begin());
            while (common > 0 && common < first.size() && is_continuation(first[common])) --common;
            if (common > before.size() - a.word_start) REQUIRE(replaced_by(first.substr(0, common)));
            else REQUIRE(ed_.line() == line && ed_.cursor() == cursor);
        }
    }

    void resize(std::size_t columns) {
        ed_.set_width(columns);
        screen_.resize(columns == 0 ? 80 : std::clamp<std::size_t>(columns, 2, 10000));
        const std::string out = ed_.redraw(); // after a window change (line_editor.hpp)
        if (!ed_.reading() || hidden_) REQUIRE(out.empty());
        screen_.write(out);
        check_editor();
    }

    void suspend() {
        const bool shown = ed_.reading() && !hidden_;
        const std::string out = ed_.suspend_for_output();
        if (!shown) {
            REQUIRE(out.empty());
            return;
        }
        REQUIRE(!out.empty());
        hidden_ = true;
        screen_.write(out);
        screen_.write("async message\r\n");
        check_editor();
    }

    void resume() {
        const std::string out = ed_.resume_after_output();
        if (!hidden_) REQUIRE(out.empty());
        hidden_ = false;
        screen_.write(out);
        check_editor();
    }

    std::string_view input_;
    remsh::line_editor_options options_;
    remsh::history history_;
    line_editor ed_;
    bool attached_ = false;
    screen screen_;
    bool hidden_ = false;
    std::vector<answer> pending_;
    testing::fake_port port_;
};

// Events and the final line of a plain run: start(), then `chunks`, start()
// after each submit and eof.
struct plain_run {
    std::vector<line_event> events;
    std::string line;
    std::size_t cursor = 0;
};

plain_run run_plain(std::string_view input, const std::vector<std::size_t>& cuts) {
    remsh::history h({}, 4);
    line_editor ed(prompt);
    ed.attach_history(&h);
    plain_run r;
    std::string out;
    auto take = [&](std::vector<line_event> events) {
        while (true) {
            bool idle = false;
            for (auto& e : events) {
                idle = idle || e.what == kind::submit || e.what == kind::eof;
                r.events.push_back(std::move(e));
            }
            if (!idle) return;
            events = ed.start(out);
        }
    };
    take(ed.start(out));
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        take(ed.feed(input.substr(from, cut - from), out));
        from = cut;
    }
    r.line = ed.line();
    r.cursor = ed.cursor();
    return r;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    protocol::intern_atoms();
    // The fake node's names, made once so that parse's existing-atoms rule
    // sees the same atoms on every run.
    testing::fake_port port;
    for (const auto& [name, reply] : port.answers) (void)reply(term::tuple({atom(name), term::binary("front_desk")}));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The command line as typed, whole (ember-ctl's argv could hold anything).
    testing::fake_port port;
    command_line(input, false, port);

    // The editor.
    const std::uint32_t config = mix(data[0], 0);
    harness(input, config).run();

    // Fed whole or in the input's chunks: the same events and line.
    if (input.find('\x03') == std::string_view::npos) {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 0; i < size;) {
            i += std::min<std::size_t>(1 + mix(data[i], static_cast<std::uint32_t>(i)) % 16, size - i);
            cuts.push_back(i);
        }
        const plain_run whole = run_plain(input, {size});
        const plain_run chunked = run_plain(input, cuts);
        REQUIRE(whole.events == chunked.events);
        REQUIRE(whole.line == chunked.line && whole.cursor == chunked.cursor);
    }
    return 0;
}
