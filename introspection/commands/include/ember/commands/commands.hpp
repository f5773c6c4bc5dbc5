#pragma once
// ember::commands: the operator's commands, once, for every front door that
// takes typed commands: ember-ctl (over ember::client) and the SSH shell
// (remsh, in-process over ember::query). A command's table entry, its
// argument checks, its request and its rendering (ember::render) live here;
// a front door only says where requests go (a `port`) and where output goes
// (a `console`).
//
//   auto inv = commands::parse(commands::split_line("ps --sort memory --limit 5").value());
//   if (!inv) { console.error(inv.error()); return commands::exit_usage; }
//   int status = commands::run(port, *inv, console);
//
// Depends on protocol and render only: no client, no query, no runtime.
//
// Thread-safety: the table and the pure functions are safe from any thread;
// run() and complete() block the calling thread (a front door calls them
// off its I/O thread), using `port` and `console` from that thread only.
//
// Sections: [table] [parsing] [ports] [running] [completion]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/commands/export.hpp"
#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/term.hpp"

namespace ember::commands {

// [table] -------------------------------------------------------------------

/// What a positional argument is, for completion and help.
enum class argument_kind : std::uint8_t { none, process, application, series, term, command };

struct command_spec {
    std::string_view name;
    std::string_view arguments; ///< for the usage line: "PID|NAME [REASON]"
    std::size_t min_args = 0;
    std::size_t max_args = 0;              ///< SIZE_MAX: any number
    std::vector<std::string_view> options; ///< "--sort" ..., each taking a value
    std::string_view summary;              ///< one line for `help`
    bool admin = false;                    ///< needs an admin token or key
    argument_kind first_argument = argument_kind::none; ///< what its first positional argument names
};

/// Every command, in the order `help` lists them: help, ps, top, info,
/// messages, state, kill, exit, suspend, resume, send, sched, mem, system,
/// apps, tree, events, warnings, history, trace.
EMBER_COMMANDS_EXPORT std::span<const command_spec> table();
/// The command of that name, or null.
EMBER_COMMANDS_EXPORT const command_spec* find(std::string_view name);
/// The command name nearest a mistyped one, or empty: for "unknown command
/// 'pss' (did you mean ps?)". A unique prefix wins ("hist" -> history);
/// otherwise the nearest name by edit distance (a swap of two neighbours
/// counts one), at most 2 and less than the typed word's length, so "xy"
/// suggests nothing; on a tie the first in table order.
EMBER_COMMANDS_EXPORT std::string_view closest(std::string_view name);

/// The sort keys --sort takes (ps, top): the protocol's names, then the
/// short names people type ("mem", "reds", "mq", ...), each with the
/// protocol name it stands for. For help and completion.
struct sort_alias {
    std::string_view alias;
    std::string_view name;
};
EMBER_COMMANDS_EXPORT std::span<const sort_alias> sort_aliases();

// [parsing] -----------------------------------------------------------------

/// What a command line asked for.
struct invocation {
    const command_spec* command = nullptr; ///< with `help CMD` or `CMD --help`: that command, help set
    bool help = false;                     ///< print usage; ask the node nothing
    bool json = false;                     ///< --json: the JSON of docs/protocol.md, as ember-ctl prints it
    std::vector<std::string> args;         ///< positional arguments after the command
    /// The command's own options ("--sort" -> "memory"), values as checked
    /// by parse (a sort alias is stored as its protocol name: "mem" -> "memory").
    std::map<std::string, std::string, std::less<>> options;
    /// The TERM of send, the REASON of exit and kill, as parse read it (so
    /// run() needs no atom-making rule of its own); unset for the others.
    std::optional<term> value;
};

/// How parse() reads what a user typed.
struct parse_settings {
    /// Atoms a TERM or REASON names are made when true: right in ember-ctl,
    /// whose atom table is its own (the node still refuses atoms it does not
    /// know, with unknown_atom). A front door inside the node (the SSH
    /// shell) sets false: an atom the node does not have is then a usage
    /// error, since a node makes no atoms from input.
    bool make_atoms = true;
};

/// Splits a typed line into words. Blanks (space, tab) separate words;
/// outside brackets '...' and "..." quote (the quotes are removed; "" is an
/// empty word), a backslash escapes the next character (also inside "...",
/// not inside '...'); inside {...}, [...], #{...} or <<...>> everything up
/// to the matching bracket is kept as typed, quotes and all, so
/// `send front_desk {hello, "a b"}` gives three words. A bracket group is
/// part of the word it starts in (`x{a b}y` is one word). Columns count
/// characters from 1. Errors, one line each:
///   unclosed { at column 20
///   ] does not close { at column 7
///   unclosed " at column 6
///   nothing after \ at column 9
EMBER_COMMANDS_EXPORT expected<std::vector<std::string>, std::string> split_line(std::string_view line);

/// Reads words (command first). --json and --help go anywhere; a command's
/// options after it, as "--opt value" or "--opt=value"; "--" ends options.
/// Values are checked here (numbers in range, sort keys, terms that parse),
/// so a bad one costs no round trip. The error is one line for the user:
///   unknown command 'pss' (did you mean ps?)
///   missing arguments for kill (kill PID|NAME [REASON])
///   --limit is a number from 1 to 10000, found 'x'
///   cannot read TERM '{a,' as an Erlang term: ... at column 4
/// An empty span is "no command given". `help` alone (or `--help` with no
/// command) gives command null and help set; `help CMD` and `CMD --help`
/// give CMD with help set (its arguments are then not counted).
EMBER_COMMANDS_EXPORT expected<invocation, std::string> parse(std::span<const std::string> words, const parse_settings& settings = {});

/// An option's value read as a whole number from `min` to `max`, for a
/// front door's own options too (ember-ctl's --timeout): the error is
/// "--limit is a number from 1 to 10000, found 'x'".
EMBER_COMMANDS_EXPORT expected<std::size_t, std::string> read_number(std::string_view option, std::string_view text, std::size_t min,
                                                                     std::size_t max);

/// The whole help text (every command, its options, the sort keys), or one
/// command's usage line, summary and options. `program` leads usage lines:
/// "ember-ctl" or "" for the shell. A front door adds its own options
/// around the whole text (ember-ctl: --connect, ...).
EMBER_COMMANDS_EXPORT std::string usage(std::string_view program = {});
EMBER_COMMANDS_EXPORT std::string usage(const command_spec& c, std::string_view program = {});
/// One command's usage line alone, no newline:
/// "ember-ctl ps [--sort KEY] [--limit N] [--offset N] [--filter TEXT]".
EMBER_COMMANDS_EXPORT std::string usage_line(const command_spec& c, std::string_view program = {});

// [ports] -------------------------------------------------------------------

/// A trace's news since the last poll: rows, and whether it ended (and why).
/// A trace the node ends with an error (any code but `complete`) is an
/// error of poll(), not `ended`.
struct trace_news {
    std::vector<protocol::trace_row> rows;
    bool ended = false;
    std::string end_message; ///< when ended: "the process exited", "gave 1000 messages", ...
};

class trace_feed {
public:
    virtual ~trace_feed() = default; ///< stops the trace on the node if still running
    /// Waits at most `wait` for news. An error ends the trace.
    virtual expected<trace_news, protocol::error_reason> poll(std::chrono::milliseconds wait) = 0;
};

/// Where requests go: a node's agent through ember::client (ember-ctl), or
/// ember::query in-process (the SSH shell). Errors are error_reason values
/// whose message is the one line the user sees (ember-ctl's read "Code:
/// Message", as ember::client's describe() has it: "noproc: no process
/// <0.42.0>"; a port may leave the code out); a port adds the hint that
/// fits its door ("use the node's admin.token", "this key is read-only").
/// run() prints that line as
/// it is, except for noproc on a process argument, which it says itself
/// from what was typed, whatever words the node used, and in the port's
/// form: "noproc: no process <0.99.0>" when the port's line led with its
/// code, "no process named 'nobody'" when it did not. Lines run() makes
/// itself read "Code: Message" too ("noproc: no application named x").
class port {
public:
    virtual ~port() = default;
    /// A Request of protocol/request.hpp to its reply Value.
    virtual expected<term, protocol::error_reason> request(const term& request) = 0;
    /// `{trace, Who, Opts}`: rows come through the feed.
    virtual expected<std::unique_ptr<trace_feed>, protocol::error_reason> trace(const term& who,
                                                                               const protocol::trace_options& options) = 0;
};

/// Where output goes, and what the user does meanwhile.
class console {
public:
    virtual ~console() = default;
    /// Output text; lines end with '\n' (a PTY front door makes that "\r\n").
    virtual void write(std::string_view text) = 0;
    /// One error line, without its '\n'.
    virtual void error(std::string_view line) = 0;
    /// The terminal's size; 0 when unknown or not a terminal (a pipe: no limit).
    virtual std::size_t columns() const = 0;
    virtual std::size_t rows() const = 0;
    /// A terminal that redraws in place (ANSI): `top` refreshes; table
    /// headers are bold. False for a pipe: no escape is ever written then.
    virtual bool interactive() const = 0;
    /// True once the user cancelled (Ctrl-C; or q while `top` runs).
    virtual bool cancelled() const = 0;
    /// Waits at most `wait` for a cancel; returns cancelled().
    virtual bool wait_cancelled(std::chrono::milliseconds wait) = 0;
};

// [running] -----------------------------------------------------------------

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1; ///< the node said no, or could not be reached
inline constexpr int exit_usage = 2;  ///< bad command line

/// Runs one parsed command: its requests through `port`, its output on
/// `console`. `top` and `trace` run until cancelled (top: or --count
/// refreshes; on a console that is not interactive, top prints one frame
/// unless --count says more). Returns the exit status; a failure has
/// printed one error line. `help` asks the node nothing.
///
/// Output: listings as render::text (or render::json, indent 2, with
/// --json); control prints "ok" ("\"ok\"" with --json); trace rows and top
/// frames with --json are JSON Lines (one object a line). docs/ember-ctl.md
/// shows each.
EMBER_COMMANDS_EXPORT int run(port& node, const invocation& inv, console& out);

// [completion] --------------------------------------------------------------

/// What Tab offers at the end of `line` (the text before the cursor): the
/// word being completed starts at `start` in `line`; each candidate replaces
/// it whole. Command names, option names, option values (sort keys,
/// resolutions), and for a process argument the registered names and pids
/// the node has that start with the word (one processes request, at most
/// `max_candidates`), the node's application names for `tree`, the series
/// names for `history`. Never fails: no candidates when the node cannot say.
struct completion {
    std::size_t start = 0;
    std::vector<std::string> candidates; ///< sorted, unique
};
EMBER_COMMANDS_EXPORT completion complete(port& node, std::string_view line, std::size_t max_candidates = 100);

} // namespace ember::commands
