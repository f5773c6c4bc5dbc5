#pragma once
// One SSH session channel: the requests a client may make on it (pty, env,
// window-change, then shell or exec; nothing else) and what follows:
//
//   shell  an interactive shell: a prompt with the node's name, the line
//          editor, history, Tab completion; each command runs as a job and
//          its output is sent as the channel's window allows; Ctrl-C cancels
//          it (q too while `top` runs); Ctrl-D leaves.
//   exec   one command (`ssh host ps --limit 5`): its output, errors on the
//          error stream, its exit status, then the channel closes.
//
// Refused with a failure reply: subsystems (sftp), X11 and agent forwarding
// (no handler is installed for them, so libssh answers failure), a second
// shell or exec on the same channel.
//
// Thread-safety: SSH thread only (libssh's callbacks come on it).

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "command_job.hpp"
#include "ember/commands/commands.hpp"
#include "ember/protocol/messages.hpp"

namespace ember::remsh {

class connection;
class history;
class line_editor;
struct line_event;

class session_channel {
public:
    session_channel(connection& owner, ssh_channel channel);
    ~session_channel(); ///< frees the libssh channel; a running job is handed to the server's orphans
    session_channel(const session_channel&) = delete;
    session_channel& operator=(const session_channel&) = delete;

    /// After each poll: starts a requested shell or exec, moves job output
    /// to the channel, finishes commands. Returns false once the channel is
    /// closed and can be dropped.
    bool service();
    /// The client typed or ran something recently (for the idle timeout).
    bool busy() const { return job_ != nullptr; }
    ssh_channel handle() const { return channel_; }

private:
    enum class mode { waiting, shell, exec, closing };

    // libssh's callbacks (userdata: this).
    static int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* self);
    static void on_eof(ssh_session, ssh_channel, void* self);
    static void on_close(ssh_session, ssh_channel, void* self);
    static int on_pty_request(ssh_session, ssh_channel, const char* term, int width, int height, int pxwidth, int pxheight, void* self);
    static int on_shell_request(ssh_session, ssh_channel, void* self);
    static int on_exec_request(ssh_session, ssh_channel, const char* command, void* self);
    static int on_env_request(ssh_session, ssh_channel, const char* name, const char* value, void* self);
    static int on_window_change(ssh_session, ssh_channel, int width, int height, int pxwidth, int pxheight, void* self);
    static int on_subsystem_request(ssh_session, ssh_channel, const char* subsystem, void* self);

    void start_shell();
    void typed(std::string_view bytes);
    void act_on(const std::vector<line_event>& events);
    /// Ctrl-C (and q in top) cancels the running command.
    void cancel_on_keys(std::string_view bytes);
    void cancel_job();
    void send(const std::string& bytes);
    /// Parses and starts one command line; false when it could not start
    /// (the error is written).
    bool start_command(const std::string& line);
    void start_completion(const std::string& before_cursor);
    void finish_command();
    void finish_completion();
    void pump_output();
    void write(std::string_view text, bool error = false);
    /// Output as it goes on the wire: CRLF, and errors in red, on a PTY.
    std::string on_the_wire(std::string_view text, bool error) const;
    /// Sends wire bytes: errors to the error stream without a PTY.
    int put(std::string_view bytes, bool error);
    void write_prompt();
    std::string prompt() const;
    void close_with(int status);

    connection& owner_;
    ssh_channel channel_;
    ssh_channel_callbacks_struct callbacks_{};
    mode mode_ = mode::waiting;
    bool start_pending_ = false;
    bool closed_by_peer_ = false;
    bool pty_ = false;
    std::size_t columns_ = 0;
    std::size_t rows_ = 0;
    std::size_t env_count_ = 0;
    std::string exec_line_;

    std::unique_ptr<line_editor> editor_;
    std::deque<output_chunk> outbox_; ///< taken from the job, waiting for the window
    std::shared_ptr<command_job> job_;
    std::string job_line_;
    std::string job_command_; ///< its command name ("top" reads q as cancel)
    bool job_cancelled_ = false;
    std::shared_ptr<command_job> completion_job_;
    std::shared_ptr<commands::completion> completion_result_;
    std::string completion_before_;
};

} // namespace ember::remsh
