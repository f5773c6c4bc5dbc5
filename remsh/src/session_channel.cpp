// One session channel: shell or exec (session_channel.hpp).
//
// Sections: [callbacks] [shell] [commands] [output]

#include "session_channel.hpp"

#include <algorithm>

#include "connection.hpp"
#include "history.hpp"
#include "line_editor.hpp"
#include "query_port.hpp"

namespace ember::remsh {
namespace {

constexpr std::string_view bold = "\x1b[1m";
constexpr std::string_view red = "\x1b[31m";
constexpr std::string_view reset = "\x1b[0m";

// Environment variables a client may set: few and small, since nothing here
// reads them but the record of the session.
constexpr std::size_t max_env_requests = 32;

std::size_t clamp_size(int v, std::size_t max) { return v <= 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(v), max); }

} // namespace

session_channel::session_channel(connection& owner, ssh_channel channel) : owner_(owner), channel_(channel) {
    callbacks_.userdata = this;
    callbacks_.channel_data_function = &session_channel::on_data;
    callbacks_.channel_eof_function = &session_channel::on_eof;
    callbacks_.channel_close_function = &session_channel::on_close;
    callbacks_.channel_pty_request_function = &session_channel::on_pty_request;
    callbacks_.channel_shell_request_function = &session_channel::on_shell_request;
    callbacks_.channel_exec_request_function = &session_channel::on_exec_request;
    callbacks_.channel_env_request_function = &session_channel::on_env_request;
    callbacks_.channel_pty_window_change_function = &session_channel::on_window_change;
    callbacks_.channel_subsystem_request_function = &session_channel::on_subsystem_request;
    ssh_callbacks_init(&callbacks_);
    ssh_set_channel_callbacks(channel_, &callbacks_);
}

session_channel::~session_channel() {
    auto& ctx = owner_.context();
    for (auto* job : {&job_, &completion_job_}) {
        if (!*job) continue;
        (*job)->cancel();
        if (job == &job_) ctx.running_commands -= 1;
        ctx.orphans.push_back(std::move(*job)); // joined by the SSH thread once it returns
    }
    ssh_remove_channel_callbacks(channel_, &callbacks_);
    ssh_channel_free(channel_);
}

// [callbacks] ---------------------------------------------------------------

int session_channel::on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    if (is_stderr) return static_cast<int>(len);
    s.owner_.touched(connection::clock::now());
    const std::string_view bytes(static_cast<const char*>(data), len);
    if (s.mode_ == mode::shell) s.typed(bytes);
    // An exec reads no input; on a PTY (ssh -t host top) its keys can still
    // end it. The rest is dropped.
    else if (s.mode_ == mode::exec && s.pty_) s.cancel_on_keys(bytes);
    return static_cast<int>(len);
}

void session_channel::on_eof(ssh_session, ssh_channel, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    // An exec's client sends EOF at once (ssh without -t, stdin at its
    // end): the command still runs. A shell's EOF means the user is gone.
    if (s.mode_ == mode::shell && !s.job_) s.close_with(0);
}

void session_channel::on_close(ssh_session, ssh_channel, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    s.closed_by_peer_ = true;
    s.cancel_job();
}

int session_channel::on_pty_request(ssh_session, ssh_channel, const char*, int width, int height, int, int, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    if (s.mode_ != mode::waiting) return -1;
    s.pty_ = true;
    s.columns_ = clamp_size(width, 10'000);
    s.rows_ = clamp_size(height, 10'000);
    return 0;
}

int session_channel::on_shell_request(ssh_session, ssh_channel, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    if (s.mode_ != mode::waiting) return -1;
    s.mode_ = mode::shell;
    s.start_pending_ = true; // after libssh has sent the success reply
    return 0;
}

int session_channel::on_exec_request(ssh_session, ssh_channel, const char* command, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    if (s.mode_ != mode::waiting || !command) return -1;
    s.mode_ = mode::exec;
    s.exec_line_ = std::string(command).substr(0, 4096);
    s.start_pending_ = true;
    return 0;
}

int session_channel::on_env_request(ssh_session, ssh_channel, const char*, const char*, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    // Accepted and unused (LANG, TERM...): refusing would only make clients
    // print warnings. Bounded so a client cannot make us count forever.
    return ++s.env_count_ <= max_env_requests ? 0 : -1;
}

int session_channel::on_window_change(ssh_session, ssh_channel, int width, int height, int, int, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    s.columns_ = clamp_size(width, 10'000);
    s.rows_ = clamp_size(height, 10'000);
    if (s.editor_) {
        s.editor_->set_width(s.columns_);
        s.send(s.editor_->redraw()); // nothing while a command runs
    }
    if (s.job_) s.job_->resize(s.columns_, s.rows_);
    return 0;
}

int session_channel::on_subsystem_request(ssh_session, ssh_channel, const char* subsystem, void* self) {
    auto& s = *static_cast<session_channel*>(self);
    s.owner_.context().audit.write("refused", {{"peer", s.owner_.peer()},
                                               {"key", s.owner_.fingerprint()},
                                               {"reason", std::string("subsystem ") + (subsystem ? subsystem : "?")}});
    return -1;
}

// [shell] -------------------------------------------------------------------

std::string session_channel::prompt() const {
    const std::string name = owner_.context().options.node_name;
    if (!pty_) return name + "> ";
    return std::string(bold) + name + std::string(reset) + "> ";
}

void session_channel::start_shell() {
    editor_ = std::make_unique<line_editor>(prompt());
    editor_->set_width(columns_);
    editor_->attach_history(owner_.typed_lines());
    const auto& ctx = owner_.context();
    write("Ember shell on node " + ctx.options.node_name + " (" + std::string(owner_.role_text()) +
          " key). `help` lists the commands; Ctrl-D leaves.\n");
    write_prompt();
}

void session_channel::write_prompt() {
    if (!editor_) return;
    std::string out;
    auto events = editor_->start(out); // may replay lines typed ahead while the command ran
    send(out);
    act_on(events);
}

void session_channel::send(const std::string& bytes) {
    if (!bytes.empty()) ssh_channel_write(channel_, bytes.data(), static_cast<uint32_t>(bytes.size()));
}

void session_channel::typed(std::string_view bytes) {
    if (!editor_) return;
    if (job_ && job_command_ == "top") {
        // top owns the keys while it runs: nothing typed at it is kept for
        // the prompt.
        cancel_on_keys(bytes);
        return;
    }
    // While another command runs the editor holds what is typed (and
    // replays it at the next prompt); Ctrl-C comes through as an event.
    std::string out;
    auto events = editor_->feed(bytes, out);
    send(out);
    act_on(events);
}

void session_channel::cancel_on_keys(std::string_view bytes) {
    const bool quits = bytes.find('\x03') != std::string_view::npos ||
                       (job_command_ == "top" && bytes.find_first_of("qQ") != std::string_view::npos);
    if (quits) cancel_job();
}

void session_channel::cancel_job() {
    if (!job_ || job_cancelled_) return;
    job_cancelled_ = true; // the audit log says "cancelled"
    job_->cancel();
}

void session_channel::act_on(const std::vector<line_event>& events) {
    for (const auto& e : events) {
        switch (e.what) {
        case line_event::kind::submit: {
            const auto first = e.line.find_first_not_of(" \t");
            if (first == std::string::npos) {
                write_prompt();
                return;
            }
            const auto last = e.line.find_last_not_of(" \t");
            if (e.line.substr(first, last - first + 1) == "quit") {
                close_with(0);
                return;
            }
            if (!start_command(e.line)) write_prompt();
            return; // the editor is idle now: later events come with the next start()
        }
        case line_event::kind::interrupt: cancel_job(); break;
        case line_event::kind::eof: close_with(0); return;
        case line_event::kind::complete: start_completion(e.line); break;
        }
    }
}

void session_channel::start_completion(const std::string& before_cursor) {
    if (completion_job_) return; // one at a time; a second Tab while it runs is dropped
    auto result = std::make_shared<commands::completion>();
    auto& ctx = owner_.context();
    completion_before_ = before_cursor;
    completion_result_ = result;
    completion_job_ = command_job::start({}, ctx.wake, [&engine = ctx.engine, access = owner_.access(), before_cursor, result](commands::console&) {
        query_port port(engine, access);
        *result = commands::complete(port, before_cursor);
        return commands::exit_ok;
    });
}

void session_channel::finish_completion() {
    if (!completion_job_ || !completion_job_->done()) return;
    completion_job_.reset(); // its thread has returned: the join is immediate
    if (!editor_ || job_) return;
    const std::string out = editor_->apply_completion(completion_before_, completion_result_->start, completion_result_->candidates);
    send(out);
}

// [commands] ----------------------------------------------------------------

bool session_channel::start_command(const std::string& line) {
    auto& ctx = owner_.context();
    const auto started = std::chrono::steady_clock::now();
    auto usage_failure = [&](const std::string& message) {
        write(message + "\n", true);
        owner_.audit_command(line, "usage", message, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started));
        return false;
    };
    auto words = commands::split_line(line);
    if (!words) return usage_failure(words.error());
    if (words->empty()) return usage_failure("no command given (help lists them)");
    // Atoms only from what the node has made already: typed text must not
    // grow the node's atom table, which is never collected.
    auto inv = commands::parse(*words, {.make_atoms = false});
    if (!inv) return usage_failure(inv.error());
    if (ctx.running_commands >= ctx.options.max_running_commands)
        return usage_failure("the node runs " + std::to_string(ctx.running_commands) + " shell commands already; try again in a moment");
    ctx.running_commands += 1;
    job_line_ = line;
    job_command_ = inv->command ? std::string(inv->command->name) : std::string("help");
    job_cancelled_ = false;
    const bool interactive = pty_;
    job_ = command_job::start({.columns = pty_ ? columns_ : 0, .rows = pty_ ? rows_ : 0, .interactive = interactive}, ctx.wake,
                              [&engine = ctx.engine, access = owner_.access(), inv = std::move(*inv)](commands::console& console) {
                                  query_port port(engine, access);
                                  return commands::run(port, inv, console);
                              });
    return true;
}

void session_channel::finish_command() {
    auto& ctx = owner_.context();
    const int status = job_->status();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - job_->started());
    const std::string_view outcome = job_cancelled_                       ? "cancelled"
                                     : status == commands::exit_ok     ? "ok"
                                     : status == commands::exit_usage  ? "usage"
                                                                       : "failed";
    owner_.audit_command(job_line_, outcome, job_->last_error(), took);
    job_.reset();
    ctx.running_commands -= 1;
    if (mode_ == mode::exec) {
        close_with(status);
        return;
    }
    if (job_cancelled_ && job_command_ != "top") write("(cancelled)\n");
    write_prompt();
}

// [output] ------------------------------------------------------------------

std::string session_channel::on_the_wire(std::string_view text, bool error) const {
    if (!pty_) return std::string(text);
    std::string bytes = to_crlf(text);
    return error ? std::string(red) + bytes + std::string(reset) : bytes;
}

int session_channel::put(std::string_view bytes, bool error) {
    // Without a PTY errors have a stream of their own; on one they are red.
    const auto n = static_cast<uint32_t>(bytes.size());
    return error && !pty_ ? ssh_channel_write_stderr(channel_, bytes.data(), n) : ssh_channel_write(channel_, bytes.data(), n);
}

void session_channel::write(std::string_view text, bool error) { put(on_the_wire(text, error), error); }

void session_channel::pump_output() {
    // Send what the window takes now; the rest waits for the next poll
    // (the job's buffer is the back-pressure on the command). The outbox
    // holds bytes as they go on the wire (CRLF and colour on a PTY).
    std::size_t window = ssh_channel_window_size(channel_);
    while (window > 0) {
        if (outbox_.empty() && job_) {
            job_->take(outbox_, std::min<std::size_t>(window, 64 * 1024));
            for (auto& chunk : outbox_) chunk.text = on_the_wire(chunk.text, chunk.error);
        }
        if (outbox_.empty()) return;
        auto& chunk = outbox_.front();
        const int written = put(std::string_view(chunk.text).substr(0, window), chunk.error);
        if (written <= 0) return;
        window -= std::min(window, static_cast<std::size_t>(written));
        chunk.text.erase(0, static_cast<std::size_t>(written));
        if (chunk.text.empty()) outbox_.pop_front();
    }
}

void session_channel::close_with(int status) {
    if (mode_ == mode::closing) return;
    mode_ = mode::closing;
    cancel_job();
    if (!closed_by_peer_ && ssh_channel_is_open(channel_)) {
        ssh_channel_request_send_exit_status(channel_, status);
        ssh_channel_send_eof(channel_);
        ssh_channel_close(channel_);
    }
}

bool session_channel::service() {
    if (start_pending_) {
        start_pending_ = false;
        if (mode_ == mode::shell) start_shell();
        else if (mode_ == mode::exec && !start_command(exec_line_)) close_with(commands::exit_usage);
    }
    if (job_) {
        pump_output();
        if (job_ && job_->done() && !job_->has_output() && outbox_.empty()) finish_command();
    }
    finish_completion();
    if (closed_by_peer_ || ssh_channel_is_closed(channel_)) {
        if (!job_) return false;
        job_->cancel();
        return !job_->done(); // dropped once the command has returned; the destructor parks it otherwise
    }
    return true;
}

} // namespace ember::remsh
