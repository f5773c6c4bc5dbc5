// ember-node: a node with an agent to connect to (tools/ember-node/README.md).
//
//   ember-node --state-dir DIR [--agent ADDR:PORT] [--metrics ADDR:PORT]
//              [--ssh [ADDR:]PORT --authorized-keys FILE] [--ssh-allow-remote]
//              [--schedulers N] [--processes N] [--allow-non-loopback]
//
// Order of start: the front doors first (so a bad state directory, a loose
// key file or a taken port
// fails in milliseconds, before a million processes are spawned), then the
// application and the idle processes, then the lines on stdout and `ready`.
// SIGINT and SIGTERM are blocked in every thread (the mask is set before the
// node makes its threads, and they inherit it) and taken by sigwait on the
// main thread, which does nothing else: no work ever runs in a signal
// handler. The stop runs in the reverse order of the start.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "ember/agent/agent.hpp"
#include "ember/query/engine.hpp"
#include "ember/remsh/server.hpp"
#include "ember/runtime/node.hpp"
#include "node_args.hpp"
#include "shop.hpp"

using namespace ember;

namespace {

int fail(const std::string& why) {
    std::fprintf(stderr, "ember-node: %s\n", why.c_str());
    return 2;
}

// One line each, flushed at once: a test or a script reads them through a pipe.
void say(const std::string& line) {
    std::fputs((line + '\n').c_str(), stdout);
    std::fflush(stdout);
}

int run(const node_tool::node_args& args, const sigset_t& stop_signals) {
    node n({.schedulers = args.schedulers});
    query::engine engine(n);

    std::unique_ptr<agent::agent> front_door;
    if (args.agent) {
        agent::agent_options options;
        options.address = args.agent->address;
        options.port = args.agent->port;
        options.allow_non_loopback = args.allow_non_loopback;
        options.state_dir = args.state_dir;
        if (args.metrics) {
            options.metrics_address = args.metrics->address;
            options.metrics_port = args.metrics->port;
        }
        auto started = agent::agent::start(engine, std::move(options));
        if (!started) return fail(started.error());
        front_door = std::move(*started);
    }
    std::unique_ptr<remsh::server> shell;
    if (args.ssh) {
        auto started = remsh::server::start(engine, {.address = args.ssh->address,
                                                     .port = args.ssh->port,
                                                     .allow_remote = args.ssh_allow_remote,
                                                     .state_dir = args.state_dir,
                                                     .authorized_keys = args.authorized_keys});
        if (!started) return fail(started.error());
        shell = std::move(*started);
    }

    if (auto shop = node_tool::start_shop(n); !shop) return fail("the application shop did not start: " + to_string(shop.error()));
    node_tool::spawn_idle(n, args.processes);

    if (front_door) {
        say("agent: " + front_door->endpoint());
        if (args.metrics) say("metrics: " + front_door->metrics_endpoint());
        say("read-only token: " + front_door->read_only_token_file().string());
        say("admin token: " + front_door->admin_token_file().string());
    }
    if (shell) {
        say("ssh: " + shell->endpoint());
        say("ssh host key: " + shell->host_key_fingerprint());
    }
    say("ready");

    int signal = 0;
    while (sigwait(&stop_signals, &signal) != 0) {}
    say("stopping");

    // Clients first (they may be waiting on the node), then the engine's
    // sampler, then the application in order; the idle processes go with
    // the node.
    shell.reset();
    front_door.reset();
    (void)node_tool::stop_shop(n); // an error only says its supervisor gave up earlier
    n.stop();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> argv_rest(argv + 1, argv + argc);
    auto args = node_tool::parse_node_args(argv_rest);
    if (!args) return fail(args.error());
    if (args->help) {
        std::fputs(node_tool::usage().c_str(), stdout);
        return 0;
    }

    // A reader of stdout that went away must not kill the node mid-stop
    // (writes then fail quietly); the agent's sockets never raise it either.
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) return fail("cannot block SIGINT and SIGTERM");
    return run(*args, stop_signals);
}
