// The line editor: decoding what the client's terminal sends, editing, and
// drawing the single row the line is shown in. See line_editor.hpp for the
// model (reading and idle, one row scrolled sideways).
//
// Sections:
//   [text]     UTF-8 and escape-sequence helpers, to_crlf, display_width
//   [setup]    prompt, width, history, start, feed, typeahead while idle
//   [decode]   the byte state machine: ground, ESC, CSI and SS3 sequences
//   [edit]     what each key does to the line
//   [complete] apply_completion and the candidate list
//   [draw]     scrolling and redrawing, suspend and resume

#include "line_editor.hpp"

#include <algorithm>
#include <utility>

namespace ember::remsh {
namespace {

// [text] ---------------------------------------------------------------------

constexpr unsigned char esc = 0x1b;
// Parameter bytes kept for one escape sequence: enough for any key's
// (ESC [ 1 ; 5 C, ESC [ 2 0 0 ~); a longer one is dropped.
constexpr std::size_t max_sequence_bytes = 32;

bool is_continuation(unsigned char b) noexcept { return (b & 0xC0) == 0x80; }
bool is_continuation(char c) noexcept { return is_continuation(static_cast<unsigned char>(c)); }

std::size_t code_points(std::string_view s) noexcept {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(c); }));
}

// Byte offset of code point `index` of `s` (its size when past the end).
std::size_t offset_of(std::string_view s, std::size_t index) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_continuation(s[i])) continue;
        if (index == 0) return i;
        --index;
    }
    return s.size();
}

// Bytes in the UTF-8 sequence that `lead` starts; 0 when it cannot start
// one (a continuation, the overlong leads C0 and C1, past U+10FFFF).
std::size_t utf8_length(unsigned char lead) noexcept {
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// Whether `b` may follow `lead`: the narrower ranges rule out overlong
// forms, surrogates and code points past U+10FFFF as soon as they start.
bool second_byte_ok(unsigned char lead, unsigned char b) noexcept {
    switch (lead) {
    case 0xE0: return b >= 0xA0 && b <= 0xBF;
    case 0xED: return b >= 0x80 && b <= 0x9F;
    case 0xF0: return b >= 0x90 && b <= 0xBF;
    case 0xF4: return b >= 0x80 && b <= 0x8F;
    default: return is_continuation(b);
    }
}

// Index just past the escape sequence starting at s[i] == ESC: a CSI
// (ESC [ parameters final) whole, anything else as ESC and one byte.
std::size_t skip_escape(std::string_view s, std::size_t i) noexcept {
    if (i + 1 >= s.size()) return s.size();
    if (s[i + 1] != '[') return i + 2;
    std::size_t j = i + 2;
    while (j < s.size() && s[j] >= 0x20 && s[j] <= 0x3F) ++j;
    if (j < s.size() && s[j] >= 0x40 && s[j] <= 0x7E) ++j;
    return j;
}

// ESC [ digits and semicolons m: a colour or attribute, which is all a
// prompt may do besides printing.
bool is_colour(std::string_view seq) noexcept {
    if (seq.size() < 3 || seq[1] != '[' || seq.back() != 'm') return false;
    return std::all_of(seq.begin() + 2, seq.end() - 1, [](char c) { return (c >= '0' && c <= '9') || c == ';'; });
}

// The prompt without what could move the cursor or wrap the row.
std::string clean_prompt(std::string_view s, bool keep_colours) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b == esc) {
            const std::size_t j = skip_escape(s, i);
            if (keep_colours && is_colour(s.substr(i, j - i))) out.append(s.substr(i, j - i));
            i = j;
            continue;
        }
        if (b >= 0x20 && b != 0x7f) out += s[i];
        ++i;
    }
    return out;
}

void move_cursor(std::string& out, std::size_t from, std::size_t to) {
    if (to == from) return;
    const std::size_t n = to > from ? to - from : from - to;
    out += "\x1b[";
    if (n != 1) out += std::to_string(n);
    out += to > from ? 'C' : 'D';
}

// Word characters for Alt-b, Alt-f, Alt-d, Alt-Backspace and Ctrl-arrows:
// letters, digits, '_' (Erlang names) and anything beyond ASCII.
bool is_word_byte(char c) noexcept {
    const auto b = static_cast<unsigned char>(c);
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b >= 0x80;
}

} // namespace

std::string to_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    char prev = 0;
    for (char c : text) {
        if (c == '\n' && prev != '\r') out += '\r';
        out += c;
        prev = c;
    }
    return out;
}

std::size_t display_width(std::string_view text) noexcept {
    std::size_t columns = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b == esc) {
            i = skip_escape(text, i);
            continue;
        }
        if (b >= 0x20 && b != 0x7f && !is_continuation(b)) ++columns;
        ++i;
    }
    return columns;
}

// [setup] --------------------------------------------------------------------

line_editor::line_editor(std::string prompt, line_editor_options options) : options_(options) {
    options_.max_line_bytes = std::max<std::size_t>(options_.max_line_bytes, 1);
    set_prompt(std::move(prompt));
}

void line_editor::set_prompt(std::string prompt) {
    prompt_ = clean_prompt(prompt, true);
    layout_prompt();
}

void line_editor::set_width(std::size_t columns) {
    // 2 columns at least: one for text, one kept empty. The upper bound
    // only guards the arithmetic against a client's nonsense.
    width_ = columns == 0 ? 80 : std::clamp<std::size_t>(columns, 2, 10000);
    layout_prompt();
}

void line_editor::attach_history(history* h) noexcept {
    history_ = h;
    browsing_ = false;
    draft_.clear();
}

// A prompt taking more than half the usable row would leave too little for
// the line: its plain tail is drawn instead ("...node1> " rather than
// nothing), so the line always has at least half the row.
void line_editor::layout_prompt() {
    const std::size_t usable = width_ - 1;
    const std::size_t columns = display_width(prompt_);
    if (columns <= usable / 2) {
        shown_prompt_ = prompt_;
        prompt_columns_ = columns;
    } else {
        const std::string plain = clean_prompt(prompt_, false);
        const std::size_t keep = usable / 2;
        shown_prompt_ = plain.substr(offset_of(plain, code_points(plain) - keep));
        prompt_columns_ = keep;
    }
    stale_ = true;
}

std::vector<line_event> line_editor::start(std::string& out) {
    std::vector<line_event> events;
    rang_ = false;
    reading_ = true;
    hidden_ = false;
    stale_ = true;
    draw_all(out);
    const std::string typed = std::exchange(held_, {});
    consume(typed, out, events);
    return events;
}

std::vector<line_event> line_editor::feed(std::string_view bytes, std::string& out) {
    std::vector<line_event> events;
    rang_ = false;
    consume(bytes, out, events);
    return events;
}

void line_editor::consume(std::string_view bytes, std::string& out, std::vector<line_event>& events) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        // A submit or eof makes the editor idle: the rest waits for start().
        if (!reading_) return hold(bytes.substr(i), out, events);
        step(static_cast<unsigned char>(bytes[i]), out, events);
    }
}

void line_editor::hold(std::string_view bytes, std::string& out, std::vector<line_event>& events) {
    for (char c : bytes) {
        if (c == 0x03) {
            // Ctrl-C in typeahead acts now and flushes the rest, as ISIG
            // does: the operator wants the running command stopped.
            held_.clear();
            after_cr_ = false;
            out += "^C\r\n";
            events.push_back({line_event::kind::interrupt, {}});
            continue;
        }
        if (held_.size() < options_.max_held_bytes) held_ += c;
    }
}

// [decode] -------------------------------------------------------------------

void line_editor::step(unsigned char b, std::string& out, std::vector<line_event>& events) {
    // "\r\n" is one Enter, even when split across feed() calls.
    if (std::exchange(after_cr_, false) && b == '\n') return;
    switch (state_) {
    case input_state::ground: return ground_byte(b, out, events);
    case input_state::escape: return escape_byte(b, out, events);
    case input_state::csi:
    case input_state::ss3: return sequence_byte(b, out, events);
    }
}

void line_editor::ground_byte(unsigned char b, std::string& out, std::vector<line_event>& events) {
    if (utf8_missing_ > 0) {
        const bool fits = utf8_.size() == 1 ? second_byte_ok(static_cast<unsigned char>(utf8_[0]), b) : is_continuation(b);
        if (fits) {
            utf8_ += static_cast<char>(b);
            if (--utf8_missing_ == 0) {
                const std::string code_point = std::exchange(utf8_, {});
                // C1 controls (U+0080..U+009F) are valid UTF-8 but would
                // act on the terminal.
                if (is_printable_line(code_point)) insert(code_point, out);
            }
            return;
        }
        // A broken sequence is dropped; this byte starts afresh.
        utf8_.clear();
        utf8_missing_ = 0;
    }
    if (b >= 0x20 && b < 0x7f) {
        const char c = static_cast<char>(b);
        return insert(std::string_view(&c, 1), out);
    }
    if (b >= 0x80) {
        if (const std::size_t len = utf8_length(b); len > 0) {
            utf8_.assign(1, static_cast<char>(b));
            utf8_missing_ = len - 1;
        }
        return;
    }
    control(b, out, events);
}

void line_editor::escape_byte(unsigned char b, std::string& out, std::vector<line_event>& events) {
    state_ = input_state::ground;
    switch (b) {
    case '[':
        state_ = input_state::csi;
        sequence_.clear();
        return;
    case 'O':
        state_ = input_state::ss3;
        sequence_.clear();
        return;
    case esc: // ESC ESC: some terminals prefix Alt+arrow so; start again
        state_ = input_state::escape;
        return;
    case 0x7f:
    case 0x08: return kill(word_left(cursor_), cursor_, out); // Alt-Backspace
    case 'b': return move_to(word_left(cursor_), out);
    case 'f': return move_to(word_right(cursor_), out);
    case 'd': return kill(cursor_, word_right(cursor_), out);
    default: break;
    }
    // Not an Alt+key: a control or a character acts as itself (so Ctrl-C
    // after a stray ESC still interrupts); other Alt+keys are unbound.
    if (b < 0x20 || b >= 0x80) ground_byte(b, out, events);
}

void line_editor::sequence_byte(unsigned char b, std::string& out, std::vector<line_event>& events) {
    if (b < 0x20 || b >= 0x7f) {
        // A control inside a sequence acts (ECMA-48), and ends the
        // sequence: what came before it was garbage.
        state_ = input_state::ground;
        return ground_byte(b, out, events);
    }
    if (b >= 0x40) {
        state_ = input_state::ground;
        return dispatch_sequence(b, out);
    }
    if (sequence_.size() >= max_sequence_bytes) {
        state_ = input_state::ground;
        return;
    }
    sequence_ += static_cast<char>(b);
}

void line_editor::dispatch_sequence(unsigned char final_byte, std::string& out) {
    // Private markers (< = > ?) and intermediate bytes belong to reports
    // and mouse events, which a line editor has no use for.
    if (!std::all_of(sequence_.begin(), sequence_.end(), [](char c) { return (c >= '0' && c <= '9') || c == ';'; })) return;
    // ESC [ key ; modifier final, as xterm sends; an absent field is 0 / 1.
    unsigned key = 0;
    unsigned modifier = 1;
    std::size_t field = 0;
    unsigned value = 0;
    bool any = false;
    auto end_field = [&] {
        if (field == 0) key = value;
        if (field == 1 && any) modifier = value;
        ++field;
        value = 0;
        any = false;
    };
    for (char c : sequence_) {
        if (c == ';') {
            end_field();
            continue;
        }
        value = std::min(value * 10 + static_cast<unsigned>(c - '0'), 99999u);
        any = true;
    }
    end_field();
    // Alt (2) or Ctrl (4) in the modifier makes an arrow move by word.
    const bool by_word = modifier > 1 && ((modifier - 1) & 6) != 0;
    switch (final_byte) {
    case 'A': return walk_history(-1, out);
    case 'B': return walk_history(+1, out);
    case 'C': return move_to(by_word ? word_right(cursor_) : next_char(cursor_), out);
    case 'D': return move_to(by_word ? word_left(cursor_) : prev_char(cursor_), out);
    case 'H': return move_to(0, out);
    case 'F': return move_to(line_.size(), out);
    case '~':
        switch (key) {
        case 1:
        case 7: return move_to(0, out);
        case 4:
        case 8: return move_to(line_.size(), out);
        case 3: return static_cast<void>(replace(cursor_, next_char(cursor_), {}, out));
        default: return; // Insert, Page Up/Down, function keys, paste markers 200/201
        }
    default: return;
    }
}

// [edit] ---------------------------------------------------------------------

void line_editor::control(unsigned char b, std::string& out, std::vector<line_event>& events) {
    switch (b) {
    case 0x01: return move_to(0, out); // Ctrl-A
    case 0x02: return move_to(prev_char(cursor_), out); // Ctrl-B
    case 0x03: return interrupt(out, events); // Ctrl-C
    case 0x04: // Ctrl-D
        if (!line_.empty()) return static_cast<void>(replace(cursor_, next_char(cursor_), {}, out));
        if (visible()) out += "\r\n";
        reset_line();
        reading_ = false;
        events.push_back({line_event::kind::eof, {}});
        return;
    case 0x05: return move_to(line_.size(), out); // Ctrl-E
    case 0x06: return move_to(next_char(cursor_), out); // Ctrl-F
    case 0x08: // Ctrl-H
    case 0x7f: return static_cast<void>(replace(prev_char(cursor_), cursor_, {}, out));
    case '\t': return events.push_back({line_event::kind::complete, line_.substr(0, cursor_)});
    case '\r': after_cr_ = true; return submit(out, events);
    case '\n': return submit(out, events);
    case 0x0b: return kill(cursor_, line_.size(), out); // Ctrl-K
    case 0x0c: // Ctrl-L
        if (!visible()) return;
        out += "\x1b[H\x1b[2J";
        stale_ = true;
        return draw_all(out);
    case 0x0e: return walk_history(+1, out); // Ctrl-N
    case 0x10: return walk_history(-1, out); // Ctrl-P
    case 0x15: return kill(0, cursor_, out); // Ctrl-U
    case 0x17: return kill(blank_word_left(cursor_), cursor_, out); // Ctrl-W
    case 0x19: return insert(kill_, out); // Ctrl-Y
    case esc: state_ = input_state::escape; return;
    default: return; // other controls do nothing
    }
}

void line_editor::insert(std::string_view text, std::string& out) {
    if (!text.empty()) replace(cursor_, cursor_, text, out);
}

bool line_editor::replace(std::size_t from, std::size_t to, std::string_view text, std::string& out) {
    if (from == to && text.empty()) return true;
    if (line_.size() - (to - from) + text.size() > options_.max_line_bytes) {
        bell(out);
        return false;
    }
    line_.replace(from, to - from, text);
    cursor_ = from + text.size();
    update(out);
    return true;
}

void line_editor::move_to(std::size_t pos, std::string& out) {
    cursor_ = pos;
    update(out);
}

void line_editor::kill(std::size_t from, std::size_t to, std::string& out) {
    if (from == to) return;
    kill_ = line_.substr(from, to - from);
    replace(from, to, {}, out);
}

void line_editor::walk_history(int direction, std::string& out) {
    if (history_ == nullptr) return;
    const std::vector<std::string>& entries = history_->entries();
    if (!browsing_) {
        if (direction > 0 || entries.empty()) return;
        draft_ = line_;
        browsing_ = true;
        history_index_ = entries.size();
    }
    // The history may have shrunk since (a load()); past its end is the draft.
    std::size_t index = std::min(history_index_, entries.size());
    if (direction < 0) {
        if (index == 0) return bell(out);
        --index;
    } else {
        ++index;
    }
    if (index >= entries.size()) {
        line_ = std::exchange(draft_, {});
        browsing_ = false;
    } else {
        line_ = entries[index];
        history_index_ = index;
        // An entry longer than this editor's limit is cut at a character.
        if (line_.size() > options_.max_line_bytes) {
            std::size_t cut = options_.max_line_bytes;
            while (cut > 0 && is_continuation(line_[cut])) --cut;
            line_.resize(cut);
        }
    }
    cursor_ = line_.size();
    update(out);
}

void line_editor::submit(std::string& out, std::vector<line_event>& events) {
    if (visible()) out += "\r\n";
    std::string line = std::exchange(line_, {});
    if (history_ != nullptr && !line.empty()) {
        const std::vector<std::string>& entries = history_->entries();
        // The editor has nobody to tell when the file cannot be written;
        // the entry is in memory all the same.
        if (entries.empty() || entries.back() != line) static_cast<void>(history_->add(line));
    }
    reset_line();
    reading_ = false;
    events.push_back({line_event::kind::submit, std::move(line)});
}

void line_editor::interrupt(std::string& out, std::vector<line_event>& events) {
    if (visible()) {
        // "^C" after the whole line, not over its middle.
        move_to(line_.size(), out);
        out += "^C\r\n";
    }
    reset_line();
    events.push_back({line_event::kind::interrupt, {}});
    draw_all(out);
}

void line_editor::reset_line() {
    line_.clear();
    cursor_ = 0;
    browsing_ = false;
    draft_.clear();
    view_ = 0;
    stale_ = true;
}

std::size_t line_editor::prev_char(std::size_t pos) const noexcept {
    if (pos == 0) return 0;
    --pos;
    while (pos > 0 && is_continuation(line_[pos])) --pos;
    return pos;
}

std::size_t line_editor::next_char(std::size_t pos) const noexcept {
    if (pos >= line_.size()) return line_.size();
    ++pos;
    while (pos < line_.size() && is_continuation(line_[pos])) ++pos;
    return pos;
}

// Word boundaries fall on code point starts: every byte of a non-ASCII
// character counts as a word byte.
std::size_t line_editor::word_left(std::size_t pos) const noexcept {
    while (pos > 0 && !is_word_byte(line_[pos - 1])) --pos;
    while (pos > 0 && is_word_byte(line_[pos - 1])) --pos;
    return pos;
}

std::size_t line_editor::word_right(std::size_t pos) const noexcept {
    while (pos < line_.size() && !is_word_byte(line_[pos])) ++pos;
    while (pos < line_.size() && is_word_byte(line_[pos])) ++pos;
    return pos;
}

// Ctrl-W's word: up to the previous blank, as in a terminal's WERASE.
std::size_t line_editor::blank_word_left(std::size_t pos) const noexcept {
    while (pos > 0 && line_[pos - 1] == ' ') --pos;
    while (pos > 0 && line_[pos - 1] != ' ') --pos;
    return pos;
}

// [complete] -----------------------------------------------------------------

std::string line_editor::apply_completion(std::string_view before_cursor, std::size_t word_start, const std::vector<std::string>& candidates) {
    std::string out;
    rang_ = false;
    // Keys typed while the candidates were computed win over them.
    if (!reading_ || std::string_view(line_).substr(0, cursor_) != before_cursor) return out;
    if (word_start > before_cursor.size() || (word_start < before_cursor.size() && is_continuation(before_cursor[word_start]))) return out;

    std::vector<std::string> usable;
    for (const std::string& c : candidates)
        if (!c.empty() && c.size() <= options_.max_line_bytes && is_printable_line(c)) usable.push_back(c);
    std::sort(usable.begin(), usable.end());
    usable.erase(std::unique(usable.begin(), usable.end()), usable.end());

    if (usable.empty()) {
        bell(out);
        return out;
    }
    if (usable.size() == 1) {
        replace(word_start, cursor_, usable.front() + " ", out);
        return out;
    }
    // Sorted: the common prefix of all is that of the first and the last.
    const std::string& first = usable.front();
    const std::string& last = usable.back();
    std::size_t common = static_cast<std::size_t>(std::mismatch(first.begin(), first.end(), last.begin(), last.end()).first - first.begin());
    while (common > 0 && common < first.size() && is_continuation(first[common])) --common;
    if (common > before_cursor.size() - word_start) {
        replace(word_start, cursor_, std::string_view(first).substr(0, common), out);
        return out;
    }
    list_candidates(usable, out);
    return out;
}

// Down the columns, as ls and bash do, under the line; then the prompt and
// line again below the list.
void line_editor::list_candidates(const std::vector<std::string>& candidates, std::string& out) {
    if (!visible()) return;
    const std::size_t shown = std::min(candidates.size(), options_.max_listed);
    std::size_t widest = 0;
    for (std::size_t i = 0; i < shown; ++i) widest = std::max(widest, code_points(candidates[i]));
    const std::size_t column = widest + 2;
    const std::size_t per_row = std::max<std::size_t>(width_ / column, 1);
    const std::size_t rows = (shown + per_row - 1) / per_row;
    out += "\r\n";
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t k = 0; k < per_row; ++k) {
            const std::size_t i = k * rows + r;
            if (i >= shown) break;
            out += candidates[i];
            if ((k + 1) * rows + r < shown) out.append(column - code_points(candidates[i]), ' ');
        }
        out += "\r\n";
    }
    if (candidates.size() > shown) out += "... and " + std::to_string(candidates.size() - shown) + " more\r\n";
    stale_ = true;
    draw_all(out);
}

// [draw] ---------------------------------------------------------------------

std::size_t line_editor::text_columns() const noexcept {
    // The last column stays empty: a character written there leaves the
    // terminal in its pending-wrap state, where "\x1b[K" and cursor moves
    // differ between terminals.
    return width_ - 1 - prompt_columns_;
}

// Where the view starts so that the cursor is inside it. Jumps by half a
// row, so that typing at the end of a long line redraws every half row
// rather than on every key; and when, after deleting, the whole line fits or
// less than half the row is used while text hides on the left, scrolls back.
void line_editor::scroll() noexcept {
    const std::size_t columns = text_columns();
    const std::size_t half = std::max<std::size_t>(columns / 2, 1);
    const std::size_t total = code_points(line_);
    const std::size_t at = code_points(std::string_view(line_).substr(0, cursor_));
    if (total <= columns) view_ = 0;
    else if (view_ > 0 && total < view_ + half) view_ = total - columns;
    if (at < view_) view_ = at > half ? at - half : 0;
    else if (at > view_ + columns) view_ = at - half;
}

std::string line_editor::visible_text() const {
    const std::size_t from = offset_of(line_, view_);
    const std::string_view rest = std::string_view(line_).substr(from);
    return std::string(rest.substr(0, offset_of(rest, text_columns())));
}

void line_editor::draw_all(std::string& out) {
    if (!visible()) return;
    scroll();
    out += '\r';
    out += shown_prompt_;
    shown_text_ = visible_text();
    out += shown_text_;
    out += "\x1b[K";
    const std::size_t cursor_column = code_points(std::string_view(line_).substr(0, cursor_)) - view_;
    move_cursor(out, code_points(shown_text_), cursor_column);
    shown_cursor_ = cursor_column;
    stale_ = false;
}

// Rewrites the row from the first column that changed, so typing at the
// end writes just the character and moving writes just a cursor move.
void line_editor::update(std::string& out) {
    if (!visible()) return;
    const std::size_t old_view = view_;
    scroll();
    if (stale_ || view_ != old_view) return draw_all(out);
    std::string text = visible_text();
    if (text != shown_text_) {
        std::size_t same =
            static_cast<std::size_t>(std::mismatch(text.begin(), text.end(), shown_text_.begin(), shown_text_.end()).first - text.begin());
        // Both are valid UTF-8 with the same prefix, so backing off to a
        // code point start in one is the same in the other.
        const std::string& longer = text.size() > same ? text : shown_text_;
        while (same > 0 && is_continuation(longer[same])) --same;
        move_cursor(out, shown_cursor_, code_points(std::string_view(text).substr(0, same)));
        out.append(text, same);
        const std::size_t columns = code_points(text);
        if (columns < code_points(shown_text_)) out += "\x1b[K";
        shown_cursor_ = columns;
        shown_text_ = std::move(text);
    }
    const std::size_t cursor_column = code_points(std::string_view(line_).substr(0, cursor_)) - view_;
    move_cursor(out, shown_cursor_, cursor_column);
    shown_cursor_ = cursor_column;
}

void line_editor::bell(std::string& out) {
    if (rang_ || !visible()) return;
    out += '\a';
    rang_ = true;
}

std::string line_editor::redraw() {
    std::string out;
    stale_ = true;
    draw_all(out);
    return out;
}

std::string line_editor::suspend_for_output() {
    if (!visible()) return {};
    hidden_ = true;
    stale_ = true;
    return "\r\x1b[K";
}

std::string line_editor::resume_after_output() {
    if (!hidden_) return {};
    hidden_ = false;
    return redraw();
}

} // namespace ember::remsh
