// runaway-rescue: the story Ember is built to tell, played against a live
// node with nothing but the runtime's own API (what the agent, the shell and
// the Observer read). Two pricing servers run away in a loop with no
// checkpoint, one per scheduler; the node keeps answering; the operator
// finds them in the events and the process list, kills them, and their
// supervisor starts fresh ones. Each step checks what it shows: a broken
// step prints why and the program exits 1, so the story is also a test.
//
//   runaway-rescue [--runaway-ms N]   (default 1500: how long a runaway spins)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ember/runtime/application.hpp"
#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/node.hpp"
#include "ember/runtime/stats.hpp"

using namespace ember;
using namespace std::chrono_literals;
namespace gs = ember::gen_server;
namespace sup = ember::supervisor;

namespace {

// Answers `price`; a `reprice_all` cast runs a computation written without
// checkpoints (the bug: it should yield with co_await checkpoint() now and
// then, or go to the dirty pool).
class pricer : public gs::server {
public:
    explicit pricer(std::chrono::milliseconds spin) : spin_(spin) {}
    task<gs::step> handle_call(term request, gs::from caller) override {
        if (request == "price"_atom) co_return gs::reply(term::integer(42));
        co_return co_await gs::server::handle_call(request, caller);
    }
    task<gs::step> handle_cast(term message) override {
        if (message == "reprice_all"_atom) reprice_all();
        co_return gs::noreply();
    }

private:
    void reprice_all() const {
        const auto end = std::chrono::steady_clock::now() + spin_;
        while (std::chrono::steady_clock::now() < end) {}
    }
    std::chrono::milliseconds spin_;
};

// Answers `ping`: the rest of the node, which must keep answering.
class front_desk : public gs::server {
public:
    task<gs::step> handle_call(term request, gs::from caller) override {
        if (request == "ping"_atom) co_return gs::reply("pong"_atom);
        co_return co_await gs::server::handle_call(request, caller);
    }
};

std::string show(const pid& p) { return to_string(term::from_pid(p)); }
std::string show(const term& t) { return to_string(t); }

bool fail(const std::string& why) {
    std::fprintf(stderr, "runaway-rescue: the story broke: %s\n", why.c_str());
    return false;
}

/// Polls `ready` every millisecond for up to `limit`.
template <class Ready>
bool wait_until(Ready ready, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!ready()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

std::vector<process_stats> processes(const node& n) {
    std::vector<process_stats> all;
    n.for_each_process([&](const process_stats& s) { all.push_back(s); });
    return all;
}

std::optional<process_stats> find(const node& n, const pid& p) {
    for (const process_stats& s : processes(n))
        if (s.id == p) return s;
    return std::nullopt;
}

std::string name_of(const process_stats& s) {
    return s.registered_name != atoms::undefined ? std::string(s.registered_name.name()) : std::string(s.initial_call);
}

class story {
public:
    explicit story(std::chrono::milliseconds spin) : spin_(spin) {}

    bool run() {
        return start_the_shop() && let_them_run_away() && the_node_still_answers() && the_operator_finds_them() &&
               kill_them() && the_supervisor_restarts_them() && the_zombies_unwind() && stop_the_shop();
    }

private:
    bool start_the_shop() {
        std::printf("== A node with %zu schedulers and an application, shop:\n", n_.schedulers().size());
        // Each child registered under its id, so the operator finds it by name.
        const atom eu("pricer_eu"), us("pricer_us"), desk("front_desk");
        sup::spec tree{.flags = {.strategy = sup::strategy::one_for_one, .intensity = 3, .period = 5s},
                       .children = {sup::worker<pricer>(eu, {.name = eu}, spin_), sup::worker<pricer>(us, {.name = us}, spin_),
                                    sup::worker<front_desk>(desk, {.name = desk})}};
        auto top = application::start(n_, atom("shop"), tree);
        if (!top) return fail("the application did not start: " + show(top.error()));
        top_ = *top;
        std::printf("   supervisor %s, one_for_one\n", show(top_).c_str());
        const supervisor_stats tree_now = *n_.supervisor_info(top_);
        for (const child_stats& c : tree_now.children)
            std::printf("   +- %-10s %s\n", std::string(c.id.name()).c_str(), show(*c.process).c_str());
        return true;
    }

    bool let_them_run_away() {
        std::printf("\n== Both pricers get reprice_all, a loop with no checkpoint: one per scheduler.\n");
        for (const char* name : {"pricer_eu", "pricer_us"}) {
            runaways_.push_back(*n_.whereis(atom(name)));
            gs::cast(n_, atom(name), "reprice_all"_atom);
        }
        return true;
    }

    // A client process of the node: 200 calls to front_desk, each timed, the
    // times sent back as a list (or the first error). Timed
    // in a process, as the node's other clients see it (nanoseconds).
    static process_task time_calls(pid report) {
        std::vector<term> us;
        for (int i = 0; i < 200; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            auto r = co_await gs::call("front_desk"_atom, "ping"_atom, 1000ms);
            if (!r) {
                send(report, term::binary(r.error().message()));
                co_return;
            }
            us.push_back(term::integer(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count()));
        }
        send(report, term::list(us));
    }

    bool the_node_still_answers() {
        // Past the watchdog's 10 ms the runaways hold idle-priority threads
        // of their own and fresh schedulers run everything else.
        std::this_thread::sleep_for(50ms);
        probe me(n_);
        n_.spawn(&story::time_calls, me.self());
        const std::optional<term> times = me.receive(30s);
        if (!times) return fail("the client process did not report");
        if (!times->is_list()) return fail("front_desk did not answer: " + std::string(times->text()));
        std::vector<double> us;
        for (const term& t : times->elements()) us.push_back(static_cast<double>(t.as_integer()) / 1000.0);
        std::sort(us.begin(), us.end());
        std::printf("   while they spin, front_desk answers 200 calls: p50 %.1f us, max %.0f us\n", us[us.size() / 2], us.back());
        return true;
    }

    bool the_operator_finds_them() {
        std::printf("\n== The operator looks. Events:\n");
        const bool noticed = wait_until([&] {
            int seen = 0;
            for (const runtime_event& e : n_.events())
                if (e.kind == event_kind::long_schedule && std::ranges::count(runaways_, e.id) > 0) ++seen;
            return seen == 2;
        }, 2000ms);
        if (!noticed) return fail("no long_schedule event for both pricers");
        if (n_.system().runaway_threads != 2) return fail("the runaways do not hold two threads of their own");
        for (const runtime_event& e : n_.events())
            std::printf("   %s %s on scheduler %u: running %llu ms, threshold %llu ms\n", std::string(event_kind_name(e.kind)).c_str(),
                        show(e.id).c_str(), e.scheduler, static_cast<unsigned long long>(e.value), static_cast<unsigned long long>(e.limit));

        std::printf("   top, by run time:\n   %-12s %-20s %-10s %8s %6s\n", "pid", "name", "status", "run ms", "reds");
        std::vector<process_stats> all = processes(n_);
        std::ranges::sort(all, std::greater<>{}, &process_stats::run_time_us);
        for (std::size_t i = 0; i < std::min<std::size_t>(all.size(), 5); ++i)
            std::printf("   %-12s %-20s %-10s %8.1f %6llu\n", show(all[i].id).c_str(), name_of(all[i]).c_str(),
                        std::string(process_status_name(all[i].status)).c_str(), all[i].run_time_us / 1000.0,
                        static_cast<unsigned long long>(all[i].reductions));
        if (all.size() < 2 || std::ranges::count(runaways_, all[0].id) + std::ranges::count(runaways_, all[1].id) != 2)
            return fail("the runaways are not the top two by run time");
        return true;
    }

    bool kill_them() {
        std::printf("\n== exit(Pid, kill) on both:\n");
        for (const pid& p : runaways_) {
            n_.exit(p, atoms::kill);
            auto s = find(n_, p);
            if (n_.is_alive(p) || !s || s->status != process_status::zombie)
                return fail(show(p) + " is not a zombie after the kill");
            std::printf("   %s: is_alive false, shown as %s until its code reaches a checkpoint\n", show(p).c_str(),
                        std::string(process_status_name(s->status)).c_str());
        }
        return true;
    }

    bool the_supervisor_restarts_them() {
        std::printf("\n== Their supervisor saw them die and started fresh ones:\n");
        const bool restarted = wait_until([&] { return n_.supervisor_info(top_)->restarts.size() == 2; }, 2000ms);
        if (!restarted) return fail("the supervisor did not restart both pricers");
        const supervisor_stats after = *n_.supervisor_info(top_);
        for (const restart_record& r : after.restarts)
            std::printf("   at %llu ms: %s (was %s) exited %s\n", static_cast<unsigned long long>(r.at_ms), std::string(r.child.name()).c_str(),
                        show(r.old_process).c_str(), show(r.reason).c_str());
        for (const char* name : {"pricer_eu", "pricer_us"}) {
            auto answer = call(atom(name), "price"_atom);
            if (!answer || *answer != term::integer(42)) return fail(std::string(name) + " does not answer after its restart");
            std::printf("   %s is now %s and answers price -> %s\n", name, show(*n_.whereis(atom(name))).c_str(), show(*answer).c_str());
        }
        return true;
    }

    bool the_zombies_unwind() {
        const auto t0 = std::chrono::steady_clock::now();
        const bool gone = wait_until([&] { return !find(n_, runaways_[0]) && !find(n_, runaways_[1]); }, spin_ + 5000ms);
        if (!gone) return fail("the zombies never unwound");
        if (!wait_until([&] { return n_.system().runaway_threads == 0; }, 2000ms)) return fail("a runaway thread never ended");
        std::printf("\n== The zombies reached their checkpoint and unwound %lld ms later; their threads retired.\n",
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()));
        return true;
    }

    bool stop_the_shop() {
        if (auto stopped = application::stop(n_, atom("shop")); !stopped) return fail("shop did not stop: " + show(stopped.error()));
        // The master reports the stop just before it ends. (Probes are not
        // listed: they are threads.)
        if (!wait_until([&] { return processes(n_).empty(); }, 2000ms))
        {
            std::string left;
            for (const process_stats& s : processes(n_)) left += " " + show(s.id) + " " + name_of(s) + " " + std::string(process_status_name(s.status));
            return fail("processes outlived the application:" + left);
        }
        std::printf("== shop stopped in order; no process of it is left.\n");
        return true;
    }

    // A gen_server call from this thread, which is no process (block_on);
    // the call's own 1 s timeout bounds it.
    expected<term, call_error> call(atom server, atom request) {
        auto r = block_on(n_, [server, request] { return gs::call(server, request, 1000ms); });
        if (!r) return unexpected(call_error{call_errc::exited, r.error().reason});
        return *r;
    }

    std::chrono::milliseconds spin_;
    node n_{{.schedulers = 2}};
    pid top_;
    std::vector<pid> runaways_;
};

} // namespace

int main(int argc, char** argv) {
    std::chrono::milliseconds spin = 1500ms;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runaway-ms") == 0 && i + 1 < argc) {
            spin = std::chrono::milliseconds(std::strtol(argv[++i], nullptr, 10));
        } else {
            std::fprintf(stderr, "usage: runaway-rescue [--runaway-ms N]\n");
            return 2;
        }
    }
    return story(spin).run() ? 0 : 1;
}
