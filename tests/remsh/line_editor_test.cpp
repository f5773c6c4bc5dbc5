// The SSH shell's line editor (remsh/src/line_editor.hpp): every key, split
// escape sequences and UTF-8, history with a draft, Ctrl-C and Ctrl-D, the
// typeahead held while idle, completion, and the drawing. What the editor
// writes goes through a tiny terminal (below) that understands only what
// the editor may send, so assertions are on what the operator would see.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "history.hpp"
#include "line_editor.hpp"

namespace ember::remsh {
namespace {

using kind = line_event::kind;

// A terminal just big enough for the editor's output: printable code
// points (one column each, autowrap at the right margin, as xterm), \r, \n,
// \b, \a and CSI K, C, D, H, J, m. Anything else fails the test, so the
// editor cannot start sending what these assertions would not see.
class terminal {
public:
    explicit terminal(std::size_t width) : width_(width) { rows_.emplace_back(width_); }

    void write(std::string_view bytes) {
        for (std::size_t i = 0; i < bytes.size();) {
            const auto b = static_cast<unsigned char>(bytes[i]);
            if (b == 0x1b) {
                i = csi(bytes, i);
                continue;
            }
            if (b < 0x20 || b == 0x7f) {
                control(b);
                ++i;
                continue;
            }
            std::size_t len = 1;
            while (i + len < bytes.size() && (static_cast<unsigned char>(bytes[i + len]) & 0xC0) == 0x80) ++len;
            print(bytes.substr(i, len));
            i += len;
        }
    }

    // Cells of a row: "" never written or erased, else one code point.
    const std::vector<std::string>& cells(std::size_t r) const { return rows_.at(r); }
    std::string row(std::size_t r) const {
        std::string s;
        for (const auto& c : rows_.at(r)) s += c.empty() ? " " : c;
        return s.substr(0, s.find_last_not_of(' ') + 1);
    }
    std::size_t cursor_row() const { return row_; }
    std::size_t cursor_col() const { return col_; }
    std::size_t width() const { return width_; }
    int bells = 0;
    int wraps = 0;

private:
    void print(std::string_view cp) {
        if (col_ >= width_) { // pending wrap
            ++wraps;
            newline();
            col_ = 0;
        }
        rows_[row_][col_++] = std::string(cp);
    }
    void newline() {
        if (++row_ == rows_.size()) rows_.emplace_back(width_);
    }
    void control(unsigned char b) {
        switch (b) {
        case '\r': col_ = 0; break;
        case '\n': newline(); break;
        case '\b': col_ = col_ > 0 ? std::min(col_, width_ - 1) - 1 : 0; break;
        case '\a': ++bells; break;
        default: ADD_FAILURE() << "unexpected control byte " << int(b);
        }
    }
    std::size_t csi(std::string_view s, std::size_t i) {
        if (i + 1 >= s.size() || s[i + 1] != '[') {
            ADD_FAILURE() << "ESC without [";
            return s.size();
        }
        std::size_t j = i + 2;
        std::string params;
        while (j < s.size() && s[j] >= 0x30 && s[j] <= 0x3F) params += s[j++];
        if (j >= s.size()) {
            ADD_FAILURE() << "unterminated CSI";
            return s.size();
        }
        const char final = s[j];
        const std::size_t n = params.empty() ? 1 : std::stoul(params);
        // In the pending-wrap state the cursor is on the last column.
        const std::size_t at = std::min(col_, width_ - 1);
        switch (final) {
        case 'K':
            EXPECT_TRUE(params.empty()) << "only CSI K (erase to the right)";
            for (std::size_t c = at; c < width_; ++c) rows_[row_][c].clear();
            col_ = at;
            break;
        case 'C': col_ = std::min(at + n, width_ - 1); break;
        case 'D': col_ = at >= n ? at - n : 0; break;
        case 'H':
            row_ = 0;
            col_ = 0;
            break;
        case 'J':
            EXPECT_EQ(params, "2");
            for (auto& r : rows_) std::fill(r.begin(), r.end(), std::string());
            break;
        case 'm': break;
        default: ADD_FAILURE() << "unexpected CSI final " << final;
        }
        return j + 1;
    }

    std::size_t width_;
    std::vector<std::vector<std::string>> rows_;
    std::size_t row_ = 0;
    std::size_t col_ = 0;
};

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::vector<std::string> split_code_points(std::string_view s) {
    std::vector<std::string> out;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) == 0x80 && !out.empty()) out.back() += c;
        else out.emplace_back(1, c);
    }
    return out;
}

// An editor wired to a terminal, started (prompt drawn).
struct session {
    explicit session(std::size_t width = 80, std::string prompt = "> ", line_editor_options options = {})
        : ed(std::move(prompt), options),
          term(width) {
        ed.set_width(width);
        restart();
    }

    std::vector<line_event> restart() {
        std::string out;
        auto events = ed.start(out);
        term.write(out);
        last = out;
        return events;
    }

    std::vector<line_event> type(std::string_view bytes) {
        std::string out;
        auto events = ed.feed(bytes, out);
        term.write(out);
        last = out;
        return events;
    }

    void show(const std::string& bytes) {
        term.write(bytes);
        last = bytes;
    }

    // What the row holding the cursor shows after the first `prompt` columns,
    // up to the first cell never written.
    std::string shown_text(std::size_t prompt) const {
        const auto& cells = term.cells(term.cursor_row());
        std::string s;
        for (std::size_t c = prompt; c < cells.size() && !cells[c].empty(); ++c) s += cells[c];
        return s;
    }

    // The screen agrees with line() and cursor(): the row shows a slice of
    // the line right after the prompt, with the cursor on the right code
    // point, nothing wrapped and the last column free.
    void expect_consistent(std::size_t prompt) const {
        SCOPED_TRACE("line '" + ed.line() + "'");
        EXPECT_EQ(term.wraps, 0);
        ASSERT_LT(term.cursor_col(), term.width());
        ASSERT_GE(term.cursor_col(), prompt);
        const auto& cells = term.cells(term.cursor_row());
        EXPECT_TRUE(cells[term.width() - 1].empty()) << "the last column must stay empty";
        const auto line = split_code_points(ed.line());
        const std::size_t at = code_points(std::string_view(ed.line()).substr(0, ed.cursor()));
        const std::size_t column = term.cursor_col() - prompt;
        ASSERT_GE(at, column) << "the view starts before the line";
        const std::size_t first = at - column;
        std::size_t c = prompt;
        for (std::size_t k = first; k < line.size() && c < cells.size() && !cells[c].empty(); ++k, ++c)
            ASSERT_EQ(cells[c], line[k]) << "column " << c;
        for (; c < cells.size(); ++c) ASSERT_TRUE(cells[c].empty()) << "stale text at column " << c;
        if (!line.empty()) {
            EXPECT_FALSE(shown_text(prompt).empty()) << "a line with nothing of it shown";
        }
    }

    line_editor ed;
    terminal term;
    std::string last;
};

std::string ctrl(char c) { return std::string(1, static_cast<char>(c & 0x1f)); }
std::string alt(char c) { return std::string("\x1b") + c; }

const std::string left = "\x1b[D";
const std::string right = "\x1b[C";
const std::string up = "\x1b[A";
const std::string down = "\x1b[B";
const std::string enter = "\r";

// --- drawing the prompt and typing -------------------------------------------

TEST(LineEditor, StartDrawsThePrompt) {
    line_editor ed("ember> ");
    EXPECT_FALSE(ed.reading());
    std::string out;
    EXPECT_TRUE(ed.start(out).empty());
    EXPECT_EQ(out, "\rember> \x1b[K");
    EXPECT_TRUE(ed.reading());
}

TEST(LineEditor, TypingEchoesJustTheCharacters) {
    session s;
    s.type("h");
    EXPECT_EQ(s.last, "h");
    s.type("ello");
    EXPECT_EQ(s.last, "ello");
    EXPECT_EQ(s.ed.line(), "hello");
    EXPECT_EQ(s.ed.cursor(), 5u);
    EXPECT_EQ(s.term.row(0), "> hello");
    s.expect_consistent(2);
}

TEST(LineEditor, EnterSubmitsAndGoesIdle) {
    session s;
    const auto events = s.type("ls -l" + enter);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], (line_event{kind::submit, "ls -l"}));
    EXPECT_TRUE(s.ed.line().empty());
    EXPECT_EQ(s.ed.cursor(), 0u);
    EXPECT_FALSE(s.ed.reading());
    EXPECT_EQ(s.last, "ls -l\r\n");
    EXPECT_EQ(s.term.cursor_row(), 1u);
}

TEST(LineEditor, CrLfIsOneEnterEvenSplitAcrossFeeds) {
    session s;
    EXPECT_EQ(s.type("a\r\n").size(), 1u);
    EXPECT_TRUE(s.restart().empty());
    EXPECT_EQ(s.type("b\r").size(), 1u);
    s.type("\n"); // held while idle, then swallowed as the rest of "\r\n"
    EXPECT_TRUE(s.restart().empty());
    const auto events = s.type("c\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].line, "c");
}

TEST(LineEditor, TwoCarriageReturnsAreTwoEnters) {
    session s;
    ASSERT_EQ(s.type("x\r\r").size(), 1u);
    const auto events = s.restart();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], (line_event{kind::submit, ""}));
}

TEST(LineEditor, TypeaheadIsHeldUntilStartAndReplayedLineByLine) {
    session s;
    auto events = s.type("ls\npwd\nda");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].line, "ls");
    EXPECT_EQ(s.last, "ls\r\n") << "nothing after the submit is echoed while idle";
    events = s.restart();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].line, "pwd");
    EXPECT_EQ(s.term.row(1), "> pwd");
    EXPECT_TRUE(s.restart().empty());
    EXPECT_EQ(s.ed.line(), "da");
    EXPECT_EQ(s.term.row(2), "> da");
}

TEST(LineEditor, TypeaheadIsBounded) {
    line_editor_options options;
    options.max_held_bytes = 4;
    session s(80, "> ", options);
    s.type("x\nabcdefgh");
    s.restart();
    EXPECT_EQ(s.ed.line(), "abcd");
}

TEST(LineEditor, CtrlCWhileIdleInterruptsAtOnceAndFlushesTypeahead) {
    session s;
    s.type("sleep 10\n");
    const auto events = s.type("abc" + ctrl('c') + "def");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::interrupt);
    EXPECT_EQ(s.last, "^C\r\n");
    EXPECT_TRUE(s.restart().empty());
    EXPECT_EQ(s.ed.line(), "def");
}

TEST(LineEditor, BytesBeforeTheFirstStartAreHeld) {
    line_editor ed("> ");
    std::string out;
    EXPECT_TRUE(ed.feed("early", out).empty());
    EXPECT_TRUE(out.empty());
    ed.start(out);
    EXPECT_EQ(ed.line(), "early");
}

// --- cursor movement ----------------------------------------------------------

TEST(LineEditor, LeftAndRightInAllTheirSpellings) {
    for (const auto& [l, r] : std::vector<std::pair<std::string, std::string>>{{left, right}, {"\x1bOD", "\x1bOC"}, {ctrl('b'), ctrl('f')}}) {
        session s;
        s.type("abc" + l + l + "X");
        EXPECT_EQ(s.ed.line(), "aXbc");
        EXPECT_EQ(s.ed.cursor(), 2u);
        s.type(r + "Y" + r + r + r + "Z");
        EXPECT_EQ(s.ed.line(), "aXbYcZ") << "right stops at the end";
        s.type(l + l + l + l + l + l + l + l + "0");
        EXPECT_EQ(s.ed.line(), "0aXbYcZ") << "left stops at the start";
        s.expect_consistent(2);
    }
}

TEST(LineEditor, MovingWritesOnlyCursorMoves) {
    session s;
    s.type("abc");
    s.type(left);
    EXPECT_EQ(s.last, "\x1b[D");
    s.type(ctrl('a'));
    EXPECT_EQ(s.last, "\x1b[2D");
    s.type(ctrl('e'));
    EXPECT_EQ(s.last, "\x1b[3C");
}

TEST(LineEditor, HomeAndEndInAllTheirSpellings) {
    const std::vector<std::string> homes = {"\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", ctrl('a')};
    const std::vector<std::string> ends = {"\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", ctrl('e')};
    for (const auto& home : homes) {
        session s;
        s.type("abc" + home + "X");
        EXPECT_EQ(s.ed.line(), "Xabc") << "home " << home.substr(1);
    }
    for (const auto& end : ends) {
        session s;
        s.type("abc" + ctrl('a') + end + "X");
        EXPECT_EQ(s.ed.line(), "abcX") << "end " << end.substr(1);
    }
}

// --- deleting -----------------------------------------------------------------

TEST(LineEditor, DeleteAndBackspace) {
    session s;
    s.type("abcd" + ctrl('a') + "\x1b[3~");
    EXPECT_EQ(s.ed.line(), "bcd");
    s.type(ctrl('e') + "\x7f");
    EXPECT_EQ(s.ed.line(), "bc");
    s.type(std::string("\x08"));
    EXPECT_EQ(s.ed.line(), "b");
    s.type(std::string("\x7f\x7f\x7f"));
    EXPECT_EQ(s.ed.line(), "") << "backspace at the start does nothing";
    s.type("xy" + ctrl('e') + "\x1b[3~");
    EXPECT_EQ(s.ed.line(), "xy") << "delete at the end does nothing";
    s.expect_consistent(2);
}

TEST(LineEditor, BackspaceAtTheEndErasesTheCell) {
    session s;
    s.type("abc");
    s.type("\x7f");
    EXPECT_EQ(s.term.row(0), "> ab");
    EXPECT_EQ(s.last, "\x1b[D\x1b[K");
}

TEST(LineEditor, KillAndYank) {
    session s;
    s.type("foo bar  baz" + ctrl('w'));
    EXPECT_EQ(s.ed.line(), "foo bar  ");
    s.type(ctrl('w'));
    EXPECT_EQ(s.ed.line(), "foo ") << "Ctrl-W takes the blanks before the word too";
    s.type(ctrl('y'));
    EXPECT_EQ(s.ed.line(), "foo bar  ");
    s.type(ctrl('a') + right + right + ctrl('k'));
    EXPECT_EQ(s.ed.line(), "fo");
    EXPECT_EQ(s.ed.cursor(), 2u);
    s.type("zzz" + left + ctrl('u'));
    EXPECT_EQ(s.ed.line(), "z");
    EXPECT_EQ(s.ed.cursor(), 0u);
    s.type(ctrl('e') + ctrl('y'));
    EXPECT_EQ(s.ed.line(), "zfozz");
    s.expect_consistent(2);
}

TEST(LineEditor, AltWordKeys) {
    session s;
    s.type("proc:info(self_pid, x)");
    s.type(alt('b'));
    EXPECT_EQ(s.ed.cursor(), std::string("proc:info(self_pid, ").size());
    s.type(alt('b'));
    EXPECT_EQ(s.ed.cursor(), std::string("proc:info(").size()) << "'_' is part of a word";
    s.type(alt('d'));
    EXPECT_EQ(s.ed.line(), "proc:info(, x)");
    s.type(alt('f'));
    EXPECT_EQ(s.ed.cursor(), std::string("proc:info(, x").size());
    s.type("\x1b\x7f");
    EXPECT_EQ(s.ed.line(), "proc:info(, )");
    s.type("\x1b[1;5D");
    EXPECT_EQ(s.ed.cursor(), std::string("proc:").size()) << "Ctrl-Left";
    s.type("\x1b[1;3C");
    EXPECT_EQ(s.ed.cursor(), std::string("proc:info").size()) << "Alt-Right";
    s.expect_consistent(2);
}

TEST(LineEditor, CtrlLClearsTheScreenAndRedraws) {
    session s;
    s.type("ab" + left);
    s.type(ctrl('l'));
    EXPECT_EQ(s.last.rfind("\x1b[H\x1b[2J", 0), 0u);
    EXPECT_EQ(s.term.row(0), "> ab");
    EXPECT_EQ(s.term.cursor_col(), 3u);
}

TEST(LineEditor, OtherControlsDoNothing) {
    session s;
    s.type(std::string("a\x00\x07\x12\x14\x1c\x1f", 7) + "b");
    EXPECT_EQ(s.ed.line(), "ab");
}

// --- UTF-8 --------------------------------------------------------------------

TEST(LineEditor, Utf8MovesByCodePoint) {
    session s;
    s.type("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"); // é € 😀
    EXPECT_EQ(s.ed.cursor(), 9u);
    s.type(left);
    EXPECT_EQ(s.ed.cursor(), 5u);
    s.type("\x7f");
    EXPECT_EQ(s.ed.line(), "\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ(s.ed.cursor(), 2u);
    EXPECT_EQ(s.term.row(0), "> \xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ(s.term.cursor_col(), 3u);
    s.expect_consistent(2);
}

TEST(LineEditor, Utf8SplitAcrossFeeds) {
    session s;
    s.type("\xe2");
    s.type("\x82");
    EXPECT_EQ(s.ed.line(), "");
    s.type("\xac");
    EXPECT_EQ(s.ed.line(), "\xe2\x82\xac");
}

TEST(LineEditor, InvalidUtf8AndC1ControlsAreDropped) {
    session s;
    s.type("\xff"
           "a\x80"
           "b\xc3(c\xe0\x80\x80"
           "d\xed\xa0\x80"
           "e\xc2\x85"
           "f\xf4\x90\x80\x80"
           "g");
    EXPECT_EQ(s.ed.line(), "ab(cdefg");
}

// --- escape sequences ---------------------------------------------------------

TEST(LineEditor, EscapeSequencesSplitAcrossFeeds) {
    session s;
    s.type("abc");
    s.type("\x1b");
    s.type("[");
    s.type("D");
    EXPECT_EQ(s.ed.cursor(), 2u);
    s.type("\x1b[1;");
    s.type("5");
    s.type("D");
    EXPECT_EQ(s.ed.cursor(), 0u);
    s.type("\x1bO");
    s.type("F");
    EXPECT_EQ(s.ed.cursor(), 3u);
    EXPECT_EQ(s.ed.line(), "abc");
}

TEST(LineEditor, UnknownSequencesAreSwallowedWhole) {
    session s;
    s.type("\x1b[200~pasted\x1b[201~");
    EXPECT_EQ(s.ed.line(), "pasted") << "bracketed paste markers";
    s.type("\x1b[15~\x1bOP\x1b[?1;2c\x1b[<0;10;5M\x1b[2~\x1b[5~\x1b[I\x1b[1;2P");
    EXPECT_EQ(s.ed.line(), "pasted") << "F5, F1, a device report, a mouse click, Insert, Page Up, focus, Shift-F1";
    EXPECT_EQ(s.ed.cursor(), 6u);
}

TEST(LineEditor, AnOverlongSequenceIsDroppedAndInputResumes) {
    session s;
    s.type("\x1b[" + std::string(40, '1') + "x");
    // 32 parameter bytes are kept, the 33rd ends the sequence; the rest is
    // read as keys.
    EXPECT_EQ(s.ed.line(), std::string(7, '1') + "x");
}

TEST(LineEditor, AControlInsideASequenceStillActs) {
    session s;
    s.type("ab");
    const auto events = s.type("\x1b[1" + ctrl('c'));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::interrupt);
    s.type("\x1b" + ctrl('c'));
    EXPECT_EQ(s.ed.line(), "");
    s.type("x\x1b\r");
    EXPECT_FALSE(s.ed.reading()) << "ESC then Enter is Enter";
}

TEST(LineEditor, AltWithAnUnboundKeyIsIgnored) {
    session s;
    s.type("a\x1bxb\x1b\x1b"
           "c");
    EXPECT_EQ(s.ed.line(), "ab");
}

// --- history ------------------------------------------------------------------

TEST(LineEditor, UpAndDownWalkTheHistoryKeepingTheDraft) {
    for (const auto& [u, d] : std::vector<std::pair<std::string, std::string>>{{up, down}, {"\x1bOA", "\x1bOB"}, {ctrl('p'), ctrl('n')}}) {
        history h({});
        ASSERT_TRUE(h.add("one"));
        ASSERT_TRUE(h.add("two"));
        session s;
        s.ed.attach_history(&h);
        s.type("dra");
        s.type(u);
        EXPECT_EQ(s.ed.line(), "two");
        EXPECT_EQ(s.ed.cursor(), 3u);
        s.type(u);
        EXPECT_EQ(s.ed.line(), "one");
        s.type(u);
        EXPECT_EQ(s.ed.line(), "one");
        EXPECT_EQ(s.term.bells, 1) << "the oldest entry rings";
        s.type(d);
        EXPECT_EQ(s.ed.line(), "two");
        s.type(d);
        EXPECT_EQ(s.ed.line(), "dra") << "the draft comes back";
        s.type(d);
        EXPECT_EQ(s.ed.line(), "dra");
        s.expect_consistent(2);
    }
}

TEST(LineEditor, EditsToARecalledEntryAreDroppedTheDraftIsNot) {
    history h({});
    ASSERT_TRUE(h.add("old"));
    session s;
    s.ed.attach_history(&h);
    s.type("new" + up + "er" + down);
    EXPECT_EQ(s.ed.line(), "new");
    s.type(up);
    EXPECT_EQ(s.ed.line(), "old");
}

TEST(LineEditor, SubmitAddsToTheHistoryUnlessEmptyOrRepeated) {
    history h({});
    session s;
    s.ed.attach_history(&h);
    for (const char* line : {"a", "a", "", "b", "a"}) {
        s.type(std::string(line) + enter);
        s.restart();
    }
    EXPECT_EQ(h.entries(), (std::vector<std::string>{"a", "b", "a"}));
}

TEST(LineEditor, NoHistoryMeansUpDoesNothing) {
    session s;
    s.type("x" + up + down);
    EXPECT_EQ(s.ed.line(), "x");
    history h({});
    s.ed.attach_history(&h);
    s.type(up);
    EXPECT_EQ(s.ed.line(), "x");
}

// --- Ctrl-C, Ctrl-D, Tab ------------------------------------------------------

TEST(LineEditor, CtrlCDropsTheLineAndRedrawsThePrompt) {
    session s;
    s.type("abc" + left + left);
    const auto events = s.type(ctrl('c'));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], (line_event{kind::interrupt, ""}));
    EXPECT_TRUE(s.ed.reading());
    EXPECT_EQ(s.ed.line(), "");
    EXPECT_EQ(s.term.row(0), "> abc^C");
    EXPECT_EQ(s.term.row(1), ">");
    EXPECT_EQ(s.term.cursor_row(), 1u);
    EXPECT_EQ(s.term.cursor_col(), 2u);
}

TEST(LineEditor, CtrlDEndsOnAnEmptyLineAndDeletesOtherwise) {
    session s;
    s.type("abc" + ctrl('a') + ctrl('d'));
    EXPECT_EQ(s.ed.line(), "bc");
    s.type(ctrl('e') + ctrl('d'));
    EXPECT_EQ(s.ed.line(), "bc") << "at the end there is nothing to delete";
    s.type(ctrl('u'));
    const auto events = s.type(ctrl('d') + "more");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::eof);
    EXPECT_FALSE(s.ed.reading());
    EXPECT_EQ(s.ed.line(), "");
}

TEST(LineEditor, TabAsksForCompletionWithTheTextBeforeTheCursor) {
    session s;
    s.type("abcd" + left + left);
    const auto events = s.type("\t");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], (line_event{kind::complete, "ab"}));
    EXPECT_TRUE(s.last.empty());
    EXPECT_EQ(s.ed.line(), "abcd");
}

// --- completion ---------------------------------------------------------------

TEST(LineEditorCompletion, OneCandidateReplacesTheWordAndAddsASpace) {
    session s;
    s.type("proc in" + std::string("xy") + left + left);
    const auto events = s.type("\t");
    ASSERT_EQ(events.size(), 1u);
    s.show(s.ed.apply_completion(events[0].line, 5, {"info"}));
    EXPECT_EQ(s.ed.line(), "proc info xy");
    EXPECT_EQ(s.ed.cursor(), 10u);
    EXPECT_EQ(s.term.row(0), "> proc info xy");
    s.expect_consistent(2);
}

TEST(LineEditorCompletion, SeveralExtendToTheirCommonPrefix) {
    session s;
    s.type("pr");
    s.show(s.ed.apply_completion("pr", 0, {"processes", "process", "process_info", "process"}));
    EXPECT_EQ(s.ed.line(), "process");
    EXPECT_EQ(s.term.row(0), "> process");
}

TEST(LineEditorCompletion, CommonPrefixStopsAtACharacter) {
    session s;
    s.type("x");
    // "é" and "è" share their first byte only.
    s.show(s.ed.apply_completion("x", 0, {"x\xc3\xa9", "x\xc3\xa8"}));
    EXPECT_EQ(s.ed.line(), "x");
    EXPECT_EQ(s.term.row(1), "x\xc3\xa8  x\xc3\xa9");
}

TEST(LineEditorCompletion, WhenThePrefixAddsNothingTheyAreListed) {
    session s(20);
    s.type("go p");
    const std::vector<std::string> candidates = {"pc", "pa", "pb", "pdd", "pe", "pf", "pg"};
    s.show(s.ed.apply_completion("go p", 3, candidates));
    EXPECT_EQ(s.ed.line(), "go p");
    // Columns of 5 (the widest and 2), 4 in 20: two rows, down the columns.
    EXPECT_EQ(s.term.row(1), "pa   pc   pe   pg");
    EXPECT_EQ(s.term.row(2), "pb   pdd  pf");
    EXPECT_EQ(s.term.row(3), "> go p");
    EXPECT_EQ(s.term.cursor_row(), 3u);
    s.expect_consistent(2);
}

TEST(LineEditorCompletion, LongListsAreCut) {
    session s(80);
    s.type("c");
    std::vector<std::string> candidates;
    for (int i = 0; i < 150; ++i) candidates.push_back((i < 100 ? "ca" : "cb") + std::to_string(1000 + i));
    s.show(s.ed.apply_completion("c", 0, candidates));
    EXPECT_NE(s.last.find("ca1099"), std::string::npos);
    EXPECT_EQ(s.last.find("cb1100"), std::string::npos);
    EXPECT_NE(s.last.find("... and 50 more\r\n"), std::string::npos);
    EXPECT_EQ(s.term.row(s.term.cursor_row()), "> c");
}

TEST(LineEditorCompletion, AStaleAnswerIsIgnored) {
    session s;
    const auto events = s.type("pr\t");
    s.type("o");
    EXPECT_EQ(s.ed.apply_completion(events[0].line, 0, {"process"}), "");
    EXPECT_EQ(s.ed.line(), "pro");
    s.type(enter);
    EXPECT_EQ(s.ed.apply_completion("", 0, {"x"}), "") << "idle";
}

TEST(LineEditorCompletion, NoCandidateRingsAndBadOnesAreIgnored) {
    session s;
    s.type("x");
    EXPECT_EQ(s.ed.apply_completion("x", 0, {}), "\a");
    EXPECT_EQ(s.ed.apply_completion("x", 0, {"x\x1b[2J", "x\ny", ""}), "\a");
    EXPECT_EQ(s.ed.apply_completion("x", 5, {"xy"}), "") << "a word start past the cursor";
    EXPECT_EQ(s.ed.line(), "x");
}

TEST(LineEditorCompletion, ACandidatePastTheLimitRings) {
    line_editor_options options;
    options.max_line_bytes = 6;
    session s(80, "> ", options);
    s.type("ab");
    EXPECT_EQ(s.ed.apply_completion("ab", 0, {"abcdefgh"}), "\a");
    EXPECT_EQ(s.ed.line(), "ab");
}

// --- limits -------------------------------------------------------------------

TEST(LineEditor, TheLineIsCappedWithOneBell) {
    line_editor_options options;
    options.max_line_bytes = 5;
    session s(80, "> ", options);
    s.type("abcdefg");
    EXPECT_EQ(s.ed.line(), "abcde");
    EXPECT_EQ(s.term.bells, 1);
    s.type("\x7f\xe2\x82\xac");
    EXPECT_EQ(s.ed.line(), "abcd") << "a character that does not fit whole is refused";
    s.type("z");
    EXPECT_EQ(s.ed.line(), "abcdz");
}

TEST(LineEditor, ARecalledEntryIsCutToTheLimit) {
    line_editor_options options;
    options.max_line_bytes = 4;
    history h({});
    ASSERT_TRUE(h.add("ab\xe2\x82\xac"));
    session s(80, "> ", options);
    s.ed.attach_history(&h);
    s.type(up);
    EXPECT_EQ(s.ed.line(), "ab");
}

// --- prompt, width and scrolling ----------------------------------------------

TEST(LineEditorDraw, PromptWidthIgnoresColours) {
    EXPECT_EQ(display_width("\x1b[1;32member\x1b[0m> "), 7u);
    EXPECT_EQ(display_width("n\xc3\xb8"
                            "de> "),
              6u);
    line_editor ed("\x1b[32mA\x1b[0m\n\x1b[2J> ");
    std::string out;
    ed.start(out);
    EXPECT_EQ(out, "\r\x1b[32mA\x1b[0m> \x1b[K") << "colours kept, other controls dropped";
}

TEST(LineEditorDraw, AWidePromptIsCutToItsPlainTail) {
    session s(10, "\x1b[1mvery-long-prompt>\x1b[0m ");
    EXPECT_EQ(s.term.row(0), "pt>");
    s.type("abcdefghij");
    s.expect_consistent(4);
}

TEST(LineEditorDraw, ALongLineScrollsToKeepTheCursorVisible) {
    session s(20);
    const std::string text = "the quick brown fox jumps over the lazy dog";
    for (char c : text) {
        s.type(std::string(1, c));
        s.expect_consistent(2);
    }
    EXPECT_EQ(s.term.row(0).substr(2).back(), 'g');
    s.type(ctrl('a'));
    s.expect_consistent(2);
    EXPECT_EQ(s.term.row(0), "> the quick brown f");
    for (int i = 0; i < 30; ++i) {
        s.type(right);
        s.expect_consistent(2);
    }
    s.type(ctrl('e'));
    s.expect_consistent(2);
    for (int i = 0; i < 30; ++i) {
        s.type("\x7f");
        s.expect_consistent(2);
    }
    EXPECT_EQ(s.ed.line(), text.substr(0, text.size() - 30));
    EXPECT_EQ(s.term.row(0), "> " + text.substr(0, text.size() - 30));
}

TEST(LineEditorDraw, SetWidthThenRedraw) {
    session s(80);
    s.type(std::string(50, 'x') + "END");
    s.ed.set_width(20);
    terminal narrow(20);
    narrow.write(s.ed.redraw());
    EXPECT_EQ(narrow.row(0).substr(narrow.row(0).size() - 3), "END");
    EXPECT_EQ(narrow.cursor_col(), narrow.row(0).size());
    EXPECT_LT(narrow.cursor_col(), 20u);
    EXPECT_EQ(narrow.wraps, 0);
}

TEST(LineEditorDraw, SetWidthZeroMeans80) {
    session s(80);
    s.ed.set_width(0);
    s.type(std::string(70, 'y'));
    s.expect_consistent(2);
    EXPECT_EQ(s.term.row(0), "> " + std::string(70, 'y'));
}

TEST(LineEditorDraw, SuspendAndResumeAroundOtherOutput) {
    session s;
    s.type("abc" + left);
    EXPECT_EQ(s.ed.suspend_for_output(), "\r\x1b[K");
    s.show("\r\x1b[K");
    s.type("d"); // keys while suspended edit but draw nothing
    EXPECT_EQ(s.last, "");
    s.show(to_crlf("node down\n"));
    s.show(s.ed.resume_after_output());
    EXPECT_EQ(s.term.row(0), "node down");
    EXPECT_EQ(s.term.row(1), "> abdc");
    EXPECT_EQ(s.term.cursor_col(), 5u);
    EXPECT_EQ(s.ed.resume_after_output(), "") << "only once";
}

TEST(LineEditorDraw, NothingIsDrawnWhileIdle) {
    session s;
    s.type("a\r");
    EXPECT_EQ(s.ed.redraw(), "");
    EXPECT_EQ(s.ed.suspend_for_output(), "");
}

TEST(LineEditorDraw, ToCrlf) {
    EXPECT_EQ(to_crlf("a\nb\r\nc\n\n"), "a\r\nb\r\nc\r\n\r\n");
    EXPECT_EQ(to_crlf(""), "");
}

// Random keys, fed in random pieces, at widths down to 2 and with a
// coloured prompt: after every piece the screen agrees with the line, and
// with a full redraw of it (so the incremental updates are right).
TEST(LineEditorDraw, RandomEditingKeepsTheScreenRight) {
    const std::vector<std::string> keys = {"a",       "b",       " ",         "\xc3\xa9", "\xe2\x82\xac", "xyz",       left,      right,     "\x1bOD",
                                           ctrl('a'), ctrl('e'), "\x7f",      "\x1b[3~",  ctrl('k'),      ctrl('u'),   ctrl('w'), ctrl('y'), alt('b'),
                                           alt('f'),  alt('d'),  "\x1b[1;5C", up,         down,           "\x1b[200~", "\x1b[H"};
    std::mt19937 rng(20240611);
    for (std::size_t width : {2u, 3u, 5u, 9u, 20u, 33u}) {
        for (const std::string prompt : {"", "> ", "\x1b[1;32mnode1\x1b[0m> "}) {
            SCOPED_TRACE("width " + std::to_string(width) + " prompt '" + prompt + "'");
            history h({});
            ASSERT_TRUE(h.add("an older command with some length to it"));
            ASSERT_TRUE(h.add("x"));
            session s(width, prompt);
            s.ed.attach_history(&h);
            // The columns the prompt takes as drawn: what precedes the cursor
            // on an empty line.
            const std::size_t p = s.term.cursor_col();
            std::string pending;
            std::size_t longest = 0;
            for (int step = 0; step < 400; ++step) {
                pending += keys[rng() % keys.size()];
                if (rng() % 3 != 0) continue;
                const std::size_t cut = rng() % (pending.size() + 1);
                s.type(pending.substr(0, cut));
                pending.erase(0, cut);
                if (s.ed.line().empty()) {
                    EXPECT_EQ(s.term.cursor_col(), p);
                }
                s.expect_consistent(p);
                if (::testing::Test::HasFatalFailure()) return;
                terminal fresh(width);
                fresh.write(s.ed.redraw());
                EXPECT_EQ(fresh.row(0), s.term.row(s.term.cursor_row()));
                EXPECT_EQ(fresh.cursor_col(), s.term.cursor_col());
                s.show(s.ed.redraw()); // the same bytes: the screen must not change
                s.expect_consistent(p);
                longest = std::max(longest, code_points(s.ed.line()));
            }
            EXPECT_GT(longest, width) << "the line never needed scrolling";
        }
    }
}

} // namespace
} // namespace ember::remsh
