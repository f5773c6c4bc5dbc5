#pragma once
// The line editor of the SSH shell's PTY sessions. The session feeds it the
// bytes the client's terminal sent (keys, escape sequences, UTF-8) and
// writes to the channel the bytes it produces; it answers with events: a
// line submitted, Ctrl-C, Ctrl-D, Tab. Pure: no I/O, no libssh, no clock,
// so every key is a unit test (tests/remsh/line_editor_test.cpp).
//
//   line_editor ed("ember> ");
//   ed.attach_history(&hist);
//   std::string out;
//   auto ev = ed.start(out);              // draws the prompt
//   ev = ed.feed(bytes_from_client, out);  // then write `out` to the channel
//   for (auto& e : ev) if (e.what == line_event::kind::submit) run(e.line);
//   ... when the command is done: ed.start(out) again.
//
// Reading and idle: start() shows the prompt and the editor reads a line.
// Submitting it (Enter) or Ctrl-D makes it idle: what the client types
// while the command runs is held, unechoed, and replayed by the next
// start(), as a terminal's line discipline holds typeahead. So a pasted
// block of lines runs one line at a time, each echoed after its prompt.
// Ctrl-C is the exception, as with a terminal's ISIG: it acts at once,
// also while idle, and flushes what was held.
//
// The display is one row: the prompt, then as much of the line as fits,
// scrolled sideways to keep the cursor visible; the last column stays
// empty so the terminal never wraps. Every code point counts as one
// column (wide CJK characters will misalign). Redraws are "\r", the
// prompt, the visible text, "\x1b[K" and cursor moves (CSI n C / n D);
// an edit rewrites only from the first changed column.
//
// A lone ESC cannot be told from the start of a sequence without a clock:
// ESC then a letter is Alt+letter, and the Escape key alone does nothing
// until the next byte.
//
// Not thread-safe: owner only (the session's SSH thread).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "history.hpp"

namespace ember::remsh {

/// What the session has to act on, in the order the keys came.
struct line_event {
    enum class kind : unsigned char {
        submit, ///< Enter: `line` is the line; the editor is idle until start()
        interrupt, ///< Ctrl-C: the line was dropped; cancel the running command, if any
        eof, ///< Ctrl-D on an empty line: end the session; the editor is idle
        complete, ///< Tab: `line` is the text before the cursor; answer with apply_completion()
    };
    kind what;
    std::string line;

    friend bool operator==(const line_event&, const line_event&) = default;
};

struct line_editor_options {
    /// Longest line in bytes; keys past it are refused with a bell.
    std::size_t max_line_bytes = 4096;
    /// Typeahead held while idle; bytes past it are dropped.
    std::size_t max_held_bytes = 64 * 1024;
    /// Completion candidates listed at most; then "... and N more".
    std::size_t max_listed = 100;
};

/// "\n" becomes "\r\n" (a "\r\n" already there stays as it is): a PTY
/// session's output needs both, as the client's terminal is raw. Any thread.
std::string to_crlf(std::string_view text);

/// Columns `text` takes on a terminal: one per code point, none for
/// control characters and CSI escape sequences (ESC [ ... final byte, such
/// as colours). Any thread.
std::size_t display_width(std::string_view text) noexcept;

class line_editor {
public:
    /// `prompt` may hold colour (CSI ... m) sequences; its other control
    /// characters and escape sequences are dropped, as it must fit one row.
    explicit line_editor(std::string prompt, line_editor_options options = {});

    /// Takes effect at the next redraw; call redraw() to show it now.
    void set_prompt(std::string prompt);
    /// The client's terminal width in columns (0, unknown: 80). Takes
    /// effect at the next redraw; call redraw() after a window change.
    void set_width(std::size_t columns);
    /// The history Up and Down walk through and that submitted lines are
    /// added to (non-empty, unless equal to the newest entry); may be null.
    /// Not owned: it must outlive the editor, or be detached first.
    void attach_history(history* h) noexcept;

    /// Starts reading a line: appends to `out` the bytes that draw the
    /// prompt and the line so far, then replays the typeahead held while
    /// idle, which may already give events (a pasted block's next line).
    std::vector<line_event> start(std::string& out);

    /// Handles the bytes the client sent (escape sequences and UTF-8 may
    /// be split across calls), appends to `out` the bytes to write back,
    /// and returns the events, in order. Invalid UTF-8 and unknown keys are
    /// dropped.
    std::vector<line_event> feed(std::string_view bytes, std::string& out);

    /// The answer to a complete event whose line was `before_cursor`: the
    /// word being completed starts at byte `word_start` of it. Returns the
    /// bytes to write: nothing when the line changed since (the answer is
    /// stale) or the editor is idle; a bell when there is no candidate.
    /// One candidate replaces the word, followed by a space; several extend
    /// it to their longest common prefix, or when that adds nothing are
    /// listed in columns under the line, which is then drawn again.
    /// Candidates that are not printable (is_printable_line) are ignored.
    std::string apply_completion(std::string_view before_cursor, std::size_t word_start, const std::vector<std::string>& candidates);

    /// Draws the prompt and line again (after set_width or set_prompt);
    /// nothing when idle.
    std::string redraw();
    /// Before writing other output while reading (an asynchronous message):
    /// the bytes that clear the prompt's row. Write the output, ending with
    /// "\r\n", then resume_after_output(). Keys fed in between edit the line
    /// but draw nothing.
    std::string suspend_for_output();
    /// The bytes that draw the prompt and line again after
    /// suspend_for_output().
    std::string resume_after_output();

    /// For tests and the session: the line being edited (UTF-8), the cursor
    /// as a byte offset into it, and whether a line is being read.
    const std::string& line() const noexcept { return line_; }
    std::size_t cursor() const noexcept { return cursor_; }
    bool reading() const noexcept { return reading_; }

private:
    enum class input_state : unsigned char { ground, escape, csi, ss3 };

    void consume(std::string_view bytes, std::string& out, std::vector<line_event>& events);
    void hold(std::string_view bytes, std::string& out, std::vector<line_event>& events);
    void step(unsigned char b, std::string& out, std::vector<line_event>& events);
    void ground_byte(unsigned char b, std::string& out, std::vector<line_event>& events);
    void escape_byte(unsigned char b, std::string& out, std::vector<line_event>& events);
    void sequence_byte(unsigned char b, std::string& out, std::vector<line_event>& events);
    void control(unsigned char b, std::string& out, std::vector<line_event>& events);
    void dispatch_sequence(unsigned char final_byte, std::string& out);

    // Editing
    void insert(std::string_view text, std::string& out);
    bool replace(std::size_t from, std::size_t to, std::string_view text, std::string& out);
    void move_to(std::size_t pos, std::string& out);
    void kill(std::size_t from, std::size_t to, std::string& out);
    void walk_history(int direction, std::string& out);
    void submit(std::string& out, std::vector<line_event>& events);
    void interrupt(std::string& out, std::vector<line_event>& events);
    void reset_line();
    std::size_t prev_char(std::size_t pos) const noexcept;
    std::size_t next_char(std::size_t pos) const noexcept;
    std::size_t word_left(std::size_t pos) const noexcept;
    std::size_t word_right(std::size_t pos) const noexcept;
    std::size_t blank_word_left(std::size_t pos) const noexcept;

    // Drawing
    bool visible() const noexcept { return reading_ && !hidden_; }
    std::size_t text_columns() const noexcept;
    void scroll() noexcept;
    std::string visible_text() const;
    void draw_all(std::string& out);
    void update(std::string& out);
    void bell(std::string& out);
    void list_candidates(const std::vector<std::string>& candidates, std::string& out);
    void layout_prompt();

    line_editor_options options_;
    std::string prompt_; // as set, without controls other than colours
    std::string shown_prompt_; // what is drawn: prompt_, or its plain tail when it is too wide
    std::size_t prompt_columns_ = 0;
    std::size_t width_ = 80;

    std::string line_;
    std::size_t cursor_ = 0; // byte offset, always at a code point's start
    std::string kill_; // the text Ctrl-Y yanks

    history* history_ = nullptr;
    bool browsing_ = false; // showing an entry; draft_ holds the line being edited
    std::size_t history_index_ = 0; // the entry shown while browsing
    std::string draft_;

    // Input decoding, kept across feed() calls.
    input_state state_ = input_state::ground;
    std::string sequence_; // parameter bytes after ESC [ or ESC O
    std::string utf8_; // a code point begun
    std::size_t utf8_missing_ = 0;
    bool after_cr_ = false; // a "\n" right after "\r" is the same Enter

    bool reading_ = false;
    bool hidden_ = false; // between suspend_for_output and resume_after_output
    std::string held_; // typeahead while idle
    bool rang_ = false; // one bell per call is enough

    // What the client's screen shows, valid while visible() and not stale_.
    bool stale_ = true;
    std::size_t view_ = 0; // first code point of the line shown
    std::string shown_text_; // the part of the line shown
    std::size_t shown_cursor_ = 0; // cursor column after the prompt
};

} // namespace ember::remsh
