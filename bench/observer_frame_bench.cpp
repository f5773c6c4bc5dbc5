// ember-bench-observer [--processes N] [--frames N] [--schedulers N]
//                      [--node-age S] [--node PATH] [--json]
// What one frame of the Observer costs its UI thread (issue 12, "Performance":
// the Processes and Load views against a node with 1,000,000 processes,
// under 4 ms of CPU per frame). Figures, never pass/fail; scripts/bench runs
// it as the workload observer_frame.
//
// The node is a real ember-node (found beside this program, or --node), a
// child process (sent SIGTERM if this one dies) with --processes N
// (1,000,000 by default), --schedulers N (2) and its agent on a free
// loopback port; the Observer is the whole of ember::observer::ui::app,
// talking to it over TCP as the desktop program does. No window and no GL:
// the app draws into a bare Dear ImGui context (1600x1000, ImGui's default
// font), so what is timed is NewFrame + app::frame + Render: polling the
// connection, decoding what came, laying out and tessellating the view.
// Turning the draw lists into pixels is the GPU's, and not here.
//
// Per view (processes, then load): frames until app::settled() (at most 60
// s), 50 warm-up frames, then --frames (300) timed ones. Frames are paced at
// 60 per second, sleeping to the next 16.7 ms tick as vsync would, so the
// table's pages (refreshed every second) and the node's pushes come as in
// real use: most frames only draw, about one a second also takes in a reply.
// Each frame's CPU time is the thread's (CLOCK_THREAD_CPUTIME_ID, so the
// node and the connection's worker sharing the cores do not count), its
// wall time beside it. One line per view (one JSON object with --json).
// The Load view draws the node's history, one sample a second since it
// started: a node just started has a few seconds of it, where its default
// 5-minute window holds 300; --node-age 300 waits (drawing, untimed) until
// the node has been up that long (history_samples says what was held,
// history_gaps how many of them are breaks in the line).
//
// Then, for scripts/bench's comparison with Erlang, what one refresh of the
// Processes tab costs the node: the page the view asks (200 rows by
// reductions) through a second connection, 20 times, wall ms. Erlang's
// Observer gathers process_info of every process on each refresh instead;
// bench/erlang/agent_bench.erl (agent_top) measures that.
//
// Links ember::observer_ui only, never the runtime: the node is another
// process, as for the Observer itself.
//
// Sections: [node] [frames] [refresh] [main]

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h> // mkdtemp
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <imgui.h>

#include "bench_util.hpp"
#include "ember/client/client.hpp"
#include "ember/client/endpoint.hpp"
#include "ember/observer_ui/app.hpp"

extern char** environ;

using namespace ember;
using namespace ember::bench;
using namespace std::chrono_literals;

namespace {

constexpr double target_ms = 4.0;
constexpr int warmup_frames = 50;
constexpr auto settle_timeout = 60s;
constexpr auto ready_timeout = 300s; // a million processes take seconds to spawn; a slow machine more
constexpr auto tick = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / 60));

// For die(): neither the child nor its state directory outlives a failed run.
pid_t node_pid = -1;
std::filesystem::path state_dir;

void stop_node() {
    if (node_pid <= 0) return;
    kill(node_pid, SIGTERM);
    // ember-node stops in order on SIGTERM; a bounded wait, then SIGKILL.
    const auto until = clock_type::now() + 20s;
    int status = 0;
    while (waitpid(node_pid, &status, WNOHANG) == 0) {
        if (clock_type::now() > until) {
            kill(node_pid, SIGKILL);
            waitpid(node_pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(10ms);
    }
    node_pid = -1;
}

void remove_state_dir() {
    if (state_dir.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(state_dir, ignored);
    state_dir.clear();
}

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "ember-bench-observer: %s\n", why.c_str());
    stop_node();
    remove_state_dir();
    std::exit(1);
}

// [node] ----------------------------------------------------------------------

/// ember-node as a child: started with its stdout through a pipe, waited
/// for until it says `ready`; stopped (SIGTERM, then SIGKILL) and its state
/// directory removed with the object.
class node_child {
public:
    node_child(const std::filesystem::path& exe, std::size_t processes, unsigned schedulers) {
        if (access(exe.c_str(), X_OK) != 0) die("no ember-node at " + exe.string() + " (build it beside this program, or give --node)");
        char dir[] = "/tmp/ember-bench-observer-XXXXXX";
        if (mkdtemp(dir) == nullptr) die("cannot make a state directory under /tmp");
        state_dir = dir;
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) die(std::string("pipe: ") + std::strerror(errno));
        out_ = fds[0];

        const std::string state = (state_dir / "state").string(); // made 0700 by ember-node
        const std::string procs = std::to_string(processes);
        const std::string scheds = std::to_string(schedulers);
        const std::string program = exe.string();
        std::vector<const char*> argv{program.c_str()};
        for (const char* a : {"--state-dir", state.c_str(), "--agent", "127.0.0.1:0", "--processes", procs.c_str(), "--schedulers", scheds.c_str()})
            argv.push_back(a);
        argv.push_back(nullptr);
        // fork and exec rather than posix_spawn: the child asks for SIGTERM
        // when this process dies, so a crashed or killed bench leaves no node.
        const pid_t parent = getpid();
        const pid_t pid = fork();
        if (pid < 0) die(std::string("fork: ") + std::strerror(errno));
        if (pid == 0) { // the child: async-signal-safe calls only
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) _exit(127); // the parent died before prctl
            dup2(fds[1], STDOUT_FILENO); // dup2 clears O_CLOEXEC on 1
            execve(program.c_str(), const_cast<char* const*>(argv.data()), environ);
            _exit(127);
        }
        close(fds[1]);
        node_pid = pid;

        // Its lines, until `ready`, within ready_timeout.
        const auto until = clock_type::now() + ready_timeout;
        std::string buffer;
        bool ready = false;
        while (!ready) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now()).count();
            if (left <= 0) die("ember-node did not say ready in " + std::to_string(ready_timeout.count()) + " s");
            pollfd p{out_, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000))) <= 0) continue;
            char chunk[512];
            const ssize_t n = read(out_, chunk, sizeof chunk);
            if (n <= 0) die("ember-node ended before ready (see its error above)");
            buffer.append(chunk, static_cast<std::size_t>(n));
            for (std::size_t eol; (eol = buffer.find('\n')) != std::string::npos; buffer.erase(0, eol + 1)) {
                const std::string line = buffer.substr(0, eol);
                if (line.rfind("agent: ", 0) == 0) endpoint_ = line.substr(7);
                else if (line.rfind("read-only token: ", 0) == 0) token_file_ = line.substr(17);
                else if (line == "ready") ready = true;
            }
        }
        if (endpoint_.empty() || token_file_.empty()) die("ember-node said ready without its agent: and read-only token: lines");
        auto token = client::read_token_file(token_file_);
        if (!token) die(token.error().describe());
        token_ = std::move(*token);
    }
    ~node_child() {
        stop_node(); // the pipe stays open until it is gone: its `stopping` line must not meet a closed pipe
        close(out_);
        remove_state_dir();
    }
    node_child(const node_child&) = delete;
    node_child& operator=(const node_child&) = delete;

    const std::string& endpoint() const { return endpoint_; }
    const std::string& token() const { return token_; }

private:
    int out_ = -1;
    std::string endpoint_, token_file_, token_;
};

// [frames] --------------------------------------------------------------------

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/// A Dear ImGui context with no backend: a display size, a built font
/// atlas, nothing drawn to a screen. As ember-observer sets it up, less the
/// window.
class headless_gui {
public:
    headless_gui() {
        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = {1600, 1000};
        io.DeltaTime = 1.0f / 60;
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard; // as ember-observer: keyboard navigation on
        for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k; // what a backend does; no key is ever pressed
        ImGui::StyleColorsDark();
        ImFontConfig font;
        font.SizePixels = 13.0f;
        io.Fonts->AddFontDefault(&font);
        unsigned char* pixels = nullptr;
        int width = 0, height = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height); // the atlas NewFrame wants
    }
    ~headless_gui() { ImGui::DestroyContext(); }
    headless_gui(const headless_gui&) = delete;
    headless_gui& operator=(const headless_gui&) = delete;
};

struct frame_time {
    double cpu_ms = 0, wall_ms = 0;
    bool took_in = false; ///< a reply or push changed what the view shows in this frame
};

/// What the view shows, cheaply compared: the table's first row (its page
/// replaced on a refresh), the table's size, and when figures last came.
struct shown_key {
    const void* first_row = nullptr;
    std::size_t rows = 0;
    clock_type::time_point updated{};
    double history_latest = 0;
    friend bool operator==(const shown_key&, const shown_key&) = default;
};

shown_key key_of(observer::ui::app& a) {
    observer::node_session* s = a.current_node();
    if (!s) return {};
    return {s->processes().row(0), s->processes().row_count(), s->updated_at(), s->history().latest()};
}

/// Frames at 60 per second: sleeps to the next tick (skipping ticks a slow
/// frame overran, as vsync does), then one timed frame.
class pacer {
public:
    frame_time frame(observer::ui::app& a) {
        next_ += tick;
        const auto now = clock_type::now();
        if (next_ < now) next_ = now; // late: no catching up in a burst
        std::this_thread::sleep_until(next_);
        const shown_key before = key_of(a);
        const double c0 = thread_cpu_ms();
        const auto t0 = clock_type::now();
        ImGui::NewFrame();
        a.frame(t0);
        ImGui::Render();
        const double c1 = thread_cpu_ms();
        const auto t1 = clock_type::now();
        return {c1 - c0, std::chrono::duration<double, std::milli>(t1 - t0).count(), !(key_of(a) == before)};
    }

private:
    clock_type::time_point next_ = clock_type::now();
};

/// Samples held for the process count chart (one a second while the node
/// runs), or the gaps among them (NaN: the line breaks there).
double history_samples(const observer::node_session& s, bool gaps) {
    const observer::time_series* t = s.history().find("process_count");
    if (!t) return 0;
    if (!gaps) return static_cast<double>(t->size());
    double n = 0;
    for (std::size_t i = 0; i < t->size(); ++i) n += std::isnan((*t)[i].v) ? 1 : 0;
    return n;
}

struct view_figures {
    std::string view;
    std::vector<std::pair<std::string, double>> values;
};

view_figures bench_view(observer::ui::app& a, pacer& p, const char* view, int frames, unsigned schedulers, double node_age_s) {
    a.show(*observer::ui::parse_view(view));
    const auto t0 = clock_type::now();
    p.frame(a); // the tab is chosen on the next frame: settled() is about it only after
    while (!a.settled()) {
        if (clock_type::now() - t0 > settle_timeout) die(std::string(view) + ": the view did not show its data in 60 s");
        p.frame(a);
    }
    const double settle_s = seconds_since(t0);
    observer::node_session* s = a.current_node();
    if (s->state() != observer::connection_state::connected) die(std::string(view) + ": not connected to the node: " + s->connection().last_error());
    // --node-age (the Load view): the node's uptime to reach first (frames
    // drawn, not timed), so the charts hold that many seconds of samples.
    const auto age_deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(node_age_s + 60));
    while (s->history().latest() < node_age_s) {
        if (clock_type::now() > age_deadline) die(std::string(view) + ": the node's history did not reach --node-age");
        p.frame(a);
    }
    for (int i = 0; i < warmup_frames; ++i) p.frame(a);

    std::vector<double> cpu, wall, took_in_cpu;
    std::size_t slowest = 0;
    std::vector<frame_time> all;
    for (int i = 0; i < frames; ++i) {
        const frame_time f = p.frame(a);
        all.push_back(f);
        cpu.push_back(f.cpu_ms);
        wall.push_back(f.wall_ms);
        if (f.took_in) took_in_cpu.push_back(f.cpu_ms);
        if (f.cpu_ms > all[slowest].cpu_ms) slowest = all.size() - 1;
    }
    std::vector<double> drawing_only;
    for (const frame_time& f : all)
        if (!f.took_in) drawing_only.push_back(f.cpu_ms);
    const double processes = s->system() ? static_cast<double>(s->system()->process_count) : static_cast<double>(s->processes().row_count());
    view_figures out{view,
                     {{"schedulers", schedulers},
                      {"processes", processes},
                      {"frame_cpu_median_ms", quantile(cpu, 0.5)},
                      {"frame_cpu_p99_ms", quantile(cpu, 0.99)},
                      {"frame_cpu_max_ms", quantile(cpu, 1.0)},
                      {"frame_wall_median_ms", quantile(wall, 0.5)},
                      {"frame_wall_p99_ms", quantile(wall, 0.99)},
                      {"frame_wall_max_ms", quantile(wall, 1.0)},
                      // Frames that took in a reply or push (decoding it on the UI
                      // thread) beside those that only drew: the slow ones are here.
                      {"took_in_frames", static_cast<double>(took_in_cpu.size())},
                      {"took_in_cpu_median_ms", took_in_cpu.empty() ? 0 : quantile(took_in_cpu, 0.5)},
                      {"draw_only_cpu_median_ms", drawing_only.empty() ? 0 : quantile(drawing_only, 0.5)},
                      {"slowest_frame_took_in", all[slowest].took_in ? 1.0 : 0.0},
                      {"settle_s", settle_s},
                      {"frames", static_cast<double>(frames)},
                      {"target_ms", target_ms}}};
    if (view == std::string_view("load")) {
        out.values.emplace_back("history_samples", history_samples(*s, false));
        out.values.emplace_back("history_gaps", history_samples(*s, true));
    }
    return out;
}

// [refresh] -------------------------------------------------------------------

/// One refresh of the Processes tab as the node sees it: the view's page
/// (process_table's 200 rows, by reductions, from the top) through its own
/// connection, 20 times. The round trip's wall time: scan, sort, encode,
/// TCP, decode.
view_figures bench_refresh(const node_child& node, unsigned schedulers) {
    auto c = client::client::connect(node.endpoint(), node.token());
    if (!c) die("refresh: " + c.error().describe());
    protocol::processes_options page;
    page.sort = protocol::process_sort::reductions;
    page.limit = observer::process_table::default_page_rows;
    std::vector<double> ms;
    double cut = 0, scanned = 0;
    for (int i = 0; i < 20; ++i) {
        const auto t0 = clock_type::now();
        auto reply = (*c)->processes(page);
        ms.push_back(seconds_since(t0) * 1e3);
        if (!reply) die("refresh: processes: " + reply.error().describe());
        if (reply->cut != atom("complete")) ++cut; // stopped by the node's time budget: reported, not hidden
        scanned = static_cast<double>(reply->scanned);
    }
    return {"refresh",
            {{"schedulers", schedulers},
             {"processes", scanned},
             {"rows", static_cast<double>(page.limit)},
             {"page_median_ms", quantile(ms, 0.5)},
             {"page_p99_ms", quantile(ms, 0.99)},
             {"cut", cut}}};
}

/// Counts whole (1000006, not 1.00001e+06), times to 6 digits.
void put(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) std::printf("%.0f", v);
    else std::printf("%.6g", v);
}

void print(const view_figures& f, bool json) {
    if (json) {
        std::printf("{\"workload\":\"observer_frame\",\"view\":\"%s\"", f.view.c_str());
        for (const auto& [k, v] : f.values) {
            std::printf(",\"%s\":", k.c_str());
            put(v);
        }
        std::printf("}\n");
    } else {
        std::printf("observer_frame %-9s", f.view.c_str());
        for (const auto& [k, v] : f.values) {
            std::printf("  %s=", k.c_str());
            put(v);
        }
        std::printf("\n");
    }
    std::fflush(stdout);
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: ember-bench-observer [--processes N] [--frames N] [--schedulers N] [--node-age S] [--node PATH] [--json]\n");
    std::exit(2);
}

} // namespace

// [main] ----------------------------------------------------------------------

int main(int argc, char** argv) {
    std::size_t processes = 1'000'000;
    int frames = 300;
    unsigned schedulers = 2;
    double node_age_s = 0;
    bool json = false;
    std::filesystem::path node_exe = std::filesystem::read_symlink("/proc/self/exe").parent_path() / "ember-node";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        try {
            if (a == "--json") json = true;
            else if (a == "--processes" && has_value) processes = std::stoul(argv[++i]);
            else if (a == "--frames" && has_value) frames = std::stoi(argv[++i]);
            else if (a == "--schedulers" && has_value) schedulers = static_cast<unsigned>(std::stoul(argv[++i]));
            else if (a == "--node" && has_value) node_exe = argv[++i];
            else if (a == "--node-age" && has_value) node_age_s = std::stod(argv[++i]);
            else usage();
        } catch (const std::exception&) {
            usage();
        }
    }
    if (frames < 1 || schedulers < 1 || node_age_s < 0 || node_age_s > 3600) usage();
    signal(SIGPIPE, SIG_IGN); // a node that dies mid-run is an error line, not a silent exit

    node_child node(node_exe, processes, schedulers);
    std::vector<view_figures> out;
    {
        headless_gui gui;
        observer::ui::app a;
        a.add_node(node.endpoint(), node.token());
        pacer p;
        for (const char* view : {"processes", "load"})
            out.push_back(bench_view(a, p, view, frames, schedulers, view == std::string_view("load") ? node_age_s : 0));
    } // the app (and its connection) goes before the node
    out.push_back(bench_refresh(node, schedulers));
    for (const view_figures& f : out) print(f, json);
    return 0;
}
