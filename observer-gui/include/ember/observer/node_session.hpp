#pragma once
// node_session: everything the Observer knows of one node, as the views
// read it: the connection, the visible view's subscriptions, the latest
// figures, the history charts draw from, the process table, the open
// process windows, the actions asked and their outcome, and a message
// trace. No GL and no ImGui: the views only draw what is here and call the
// mutators below, so every rule of routing and refreshing is tested with a
// fake node (tests/observer-gui/node_session_test.cpp).
//
//   node_session s({.where = "127.0.0.1:7070", .token = token});
//   s.connect();
//   s.set_view(view_kind::processes);
//   ... each frame:
//   s.update(clock::now());             // poll, route, ask for what is due
//   draw(s.system(), s.processes(), s.windows(), ...);
//
// Routing: pushes go by the subscription they belong to (system ->
// system(), schedulers -> schedulers(), history -> history(), applications,
// events, warnings), replies by the ticket their request was given
// (process table pages, process_info of a window, actions, the trace's
// start). A reply or push that does not decode is counted in last_error(),
// never thrown: a node newer than the Observer fails one figure, not the app.
//
// Refreshing: the process table pages and the open process windows are
// asked again at the view's interval (never while paused); pushes refresh
// the rest.
//
// Thread-safety: a node_session belongs to the UI thread (its
// node_connection's worker does the waiting).
//
// Sections: [windows] [actions] [trace] [session]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/observer/export.hpp"
#include "ember/observer/history.hpp"
#include "ember/observer/node_connection.hpp"
#include "ember/observer/process_table.hpp"
#include "ember/observer/subscriptions.hpp"

namespace ember::observer {

// [windows] ---------------------------------------------------------------------

/// One open process window: the latest `{process_info, Pid}` answer.
struct process_window {
    ember::pid pid;
    std::optional<protocol::process_info_reply> info; ///< the newest answer, kept while a refresh is in flight
    std::string error;                                 ///< why the last ask failed ("no process <0.9.0>"), "" if it did not
    bool gone = false;                                 ///< the node said the process does not exist (any more)
    std::chrono::steady_clock::time_point fetched{};   ///< when the newest answer came
    std::uint64_t ticket = 0;                          ///< in flight, 0 when none
};

// [actions] ---------------------------------------------------------------------

enum class action_kind : std::uint8_t { kill, exit, suspend, resume, send };

/// "kill", "exit", ... Any thread.
EMBER_OBSERVER_EXPORT std::string_view action_kind_name(action_kind k) noexcept;

/// An action the operator confirmed: `{kill, Pid}`, `{exit, Pid, Reason}`,
/// `{suspend, Pid}`, `{resume, Pid}`, `{send, Pid, Term}`.
struct action {
    action_kind kind = action_kind::kill;
    ember::pid pid;
    term argument; ///< exit: the reason; send: the message; else unused
    /// The Request tuple. Any thread.
    EMBER_OBSERVER_EXPORT term request() const;
};

/// What became of an action: pending until the node answers.
struct action_outcome {
    action what;
    std::string text;   ///< "kill <0.42.0>", for the log
    bool done = false;  ///< answered
    bool ok = false;
    std::string error;  ///< the node's refusal ("needs admin", "no process ...")
};

/// Reads the text typed for a `send` or an `exit` reason as an Erlang term
/// (`{hello, 42}`, `shutdown`). The error names the line and column, and
/// `offset` is the byte where it was found, to place a caret. Any thread.
struct term_input_error {
    std::size_t offset = 0;
    std::string message;
};
EMBER_OBSERVER_EXPORT expected<term, term_input_error> parse_term_input(std::string_view text);

// [trace] -----------------------------------------------------------------------

/// The bounded message trace of one process.
struct trace_session {
    static constexpr std::size_t max_rows = 10'000; ///< oldest rows go first past this
    ember::pid pid;
    protocol::trace_options options;
    std::uint64_t ticket = 0;
    bool starting = false;  ///< asked, not answered yet
    bool running = false;   ///< the node took it and has not ended it
    std::string ended;      ///< why it ended or could not start, "" while it runs
    std::deque<protocol::trace_row> rows; ///< oldest first
    std::uint64_t dropped = 0;            ///< by the node's rate cap, summed
};

// [session] ---------------------------------------------------------------------

class node_session {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::size_t max_events = 1000;     ///< newest kept
    static constexpr std::size_t max_outcomes = 100;    ///< actions kept in the log
    static constexpr std::size_t max_windows = 32;      ///< open process windows

    EMBER_OBSERVER_EXPORT explicit node_session(connection_options options);
    node_session(const node_session&) = delete;
    node_session& operator=(const node_session&) = delete;

    // --- the connection ---

    void connect() { connection_.connect(); }
    void disconnect() { connection_.disconnect(); }
    const node_connection& connection() const noexcept { return connection_; }
    connection_state state() const noexcept { return connection_.state(); }
    bool is_admin() const noexcept { return connection_.access() == protocol::access_level::admin; }
    /// The node's name once a hello was answered, else the address.
    EMBER_OBSERVER_EXPORT std::string title() const;

    /// Once a frame: takes what the connection brought, routes it, and asks
    /// for the table pages and process windows that are due. Never waits.
    EMBER_OBSERVER_EXPORT void update(clock::time_point now);

    // --- what is visible ---

    EMBER_OBSERVER_EXPORT void set_view(view_kind v);
    EMBER_OBSERVER_EXPORT void set_interval(refresh_interval r);
    view_kind view() const noexcept { return subscriptions_.view(); }
    refresh_interval interval() const noexcept { return subscriptions_.interval(); }

    // --- figures ---

    const std::optional<protocol::system_info>& system() const noexcept { return system_; }
    const std::vector<protocol::scheduler_row>& schedulers() const noexcept { return schedulers_; }
    const history_store& history() const noexcept { return history_; }
    const std::vector<protocol::application_row>& applications() const noexcept { return applications_; }
    /// Newest first, at most max_events.
    const std::deque<protocol::event_row>& events() const noexcept { return events_; }
    const std::vector<protocol::warning_row>& warnings() const noexcept { return warnings_; }
    /// The warnings held against one process (for colouring its row).
    EMBER_OBSERVER_EXPORT std::vector<const protocol::warning_row*> warnings_for(const ember::pid& p) const;
    /// When figures last came, of any kind (time_point{} before).
    clock::time_point updated_at() const noexcept { return updated_at_; }
    /// True once a push of `events` or `warnings` came (either may be empty).
    bool events_arrived() const noexcept { return events_arrived_; }
    /// The last reply or push that could not be read, or request that failed.
    const std::string& last_error() const noexcept { return last_error_; }

    // --- the process table ---

    process_table& processes() noexcept { return table_; }
    const process_table& processes() const noexcept { return table_; }

    // --- process windows ---

    /// Opens (or raises) the window of `p`; its info is asked at once. The
    /// oldest window closes past max_windows.
    EMBER_OBSERVER_EXPORT void open_window(const ember::pid& p);
    EMBER_OBSERVER_EXPORT void close_window(const ember::pid& p);
    /// In the order they were opened or last raised (open_window of one
    /// already open); the first goes first past max_windows.
    const std::vector<process_window>& windows() const noexcept { return windows_; }
    /// Asks that window's info again now.
    EMBER_OBSERVER_EXPORT void refresh_window(const ember::pid& p);

    // --- actions ---

    /// Sends a confirmed action; its outcome shows in outcomes() when the
    /// node answers. Any window of its pid is refreshed afterwards.
    EMBER_OBSERVER_EXPORT void act(action a);
    /// Newest last, at most max_outcomes.
    const std::deque<action_outcome>& outcomes() const noexcept { return outcomes_; }

    // --- trace ---

    /// Starts tracing `p` (stopping a running trace first).
    EMBER_OBSERVER_EXPORT void start_trace(const ember::pid& p, protocol::trace_options options = {});
    EMBER_OBSERVER_EXPORT void stop_trace();
    EMBER_OBSERVER_EXPORT void clear_trace();
    const std::optional<trace_session>& trace() const noexcept { return trace_; }

private:
    enum class ticket_kind : std::uint8_t { page, window, action };
    struct pending {
        ticket_kind kind = ticket_kind::page;
        page_request page{};
        ember::pid pid{};
        std::size_t outcome = 0; // index from the first outcome ever (outcomes_base_)
    };

    void route_push(const tagged_push& p);
    void route_reply(request_result& r, clock::time_point now);
    void route_trace(const tagged_push& p);
    void on_connected(const arrival& a);
    void on_lost();
    void ask_due(clock::time_point now);
    void ask_window(process_window& w);
    void fail(std::string message);

    node_connection connection_;
    view_subscriptions subscriptions_;
    history_store history_;
    process_table table_;
    std::optional<protocol::system_info> system_;
    std::vector<protocol::scheduler_row> schedulers_;
    std::vector<protocol::application_row> applications_;
    std::deque<protocol::event_row> events_;
    std::vector<protocol::warning_row> warnings_;
    std::vector<process_window> windows_;
    std::deque<action_outcome> outcomes_;
    std::size_t outcomes_base_ = 0; // outcomes dropped from the front so far
    std::optional<trace_session> trace_;
    std::map<std::uint64_t, pending> tickets_;
    clock::time_point updated_at_{};
    bool events_arrived_ = false;
    std::string last_error_;
};

} // namespace ember::observer
