// The agent as tools from outside see it: /metrics read over HTTP and
// checked by Prometheus's own `promtool check metrics`, and a real Erlang
// client (an escript with gen_tcp {packet, 4}) that says hello and asks for
// {system}. Both tools are required: CI installs them (`scripts/setup
// test`), and a missing one fails the test rather than skipping it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "agent_fixture.hpp"

#ifndef EMBER_PROMTOOL
#define EMBER_PROMTOOL ""
#endif
#ifndef EMBER_ESCRIPT
#define EMBER_ESCRIPT ""
#endif
#ifndef EMBER_AGENT_TEST_DIR
#define EMBER_AGENT_TEST_DIR "."
#endif

namespace ember::agent::testing {
namespace {

struct run_result {
    int status = -1; ///< the exit status, -1 when it did not exit
    std::string output; ///< stdout and stderr
};

run_result run(const std::string& command) {
    run_result r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    if (WIFEXITED(status)) r.status = WEXITSTATUS(status);
    return r;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

/// GET `path` over HTTP/1.1 from "ADDRESS:PORT": the status line and the body.
std::pair<std::string, std::string> http_get(const std::string& endpoint, const std::string& path) {
    test_client c(endpoint); // only its socket: HTTP is no frame
    if (!c.connected()) return {"no connection", ""};
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + endpoint + "\r\nConnection: close\r\n\r\n";
    ::send(c.fd(), request.data(), request.size(), MSG_NOSIGNAL);
    std::string response;
    std::array<char, 8192> buf{};
    for (ssize_t n; (n = ::recv(c.fd(), buf.data(), buf.size(), 0)) > 0;) response.append(buf.data(), static_cast<std::size_t>(n));
    const auto line_end = response.find("\r\n");
    const auto head_end = response.find("\r\n\r\n");
    if (line_end == std::string::npos || head_end == std::string::npos) return {response, ""};
    return {response.substr(0, line_end), response.substr(head_end + 4)};
}

class agent_outside_tools : public agent_test {};

TEST_F(agent_outside_tools, metrics_pass_promtool_check_metrics) {
    const std::string promtool = find_program("promtool", EMBER_PROMTOOL);
    ASSERT_FALSE(promtool.empty()) << "promtool not found: it checks /metrics; install it with `scripts/setup test` (Debian package "
                                      "prometheus)";
    auto o = defaults();
    o.metrics_port = 0;
    start(o);
    ASSERT_FALSE(a->metrics_endpoint().empty());

    // One event, so a kind counts 1.
    const pid p = n.spawn(idle);
    for (int i = 0; i < 20; ++i) n.send(p, term::integer(i));
    ASSERT_TRUE(eventually([&] { return !q.events().empty(); }));

    const auto [status, body] = http_get(a->metrics_endpoint(), "/metrics");
    ASSERT_EQ(status, "HTTP/1.1 200 OK") << body;
    for (const char* expected :
         {"ember_scheduler_utilization{scheduler=\"0\"}", "ember_scheduler_utilization{scheduler=\"1\"}",
          "ember_scheduler_run_queue{scheduler=\"1\"}", "\nember_processes ", "\nember_process_limit ", "\nember_memory_bytes ",
          "\nember_reductions_total ", "\nember_messages_total ", "\nember_supervisor_restarts_total ",
          "ember_events_total{kind=\"long_message_queue\"} 1\n", "ember_events_total{kind=\"long_schedule\"} 0\n", "\nember_dirty_threads ",
          "\nember_dirty_queued ", "\nember_dirty_completed_total ", "\nember_runaway_threads "})
        EXPECT_NE(body.find(expected), std::string::npos) << "missing " << expected << " in\n" << body;
    EXPECT_EQ(body.find("pid="), std::string::npos) << "no per-process series";

    const auto file = dir.path() / "metrics.txt";
    std::ofstream(file) << body;
    const run_result check = run(quoted(promtool) + " check metrics < " + quoted(file.string()));
    EXPECT_EQ(check.status, 0) << "promtool check metrics:\n" << check.output << "\non\n" << body;

    EXPECT_EQ(http_get(a->metrics_endpoint(), "/nothing").first, "HTTP/1.1 404 Not Found");
    n.send(p, atoms::shutdown);
}

TEST_F(agent_outside_tools, an_erlang_client_says_hello_and_asks_for_system) {
    const std::string escript = find_program("escript", EMBER_ESCRIPT);
    ASSERT_FALSE(escript.empty()) << "escript not found: the test runs a real Erlang client; install it with `scripts/setup test` "
                                     "(Debian package erlang-base)";
    start();
    const std::string port = a->endpoint().substr(a->endpoint().rfind(':') + 1);
    const std::string script = std::string(EMBER_AGENT_TEST_DIR) + "/erlang_client.escript";
    const run_result r = run(quoted(escript) + " " + quoted(script) + " " + port + " " + quoted(a->read_only_token_file().string()));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("access => read_only"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("process_count => "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("needs_admin"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("unknown_request"), std::string::npos) << r.output;
    EXPECT_TRUE(eventually([&] { return a->connections() == 0; }));
}

} // namespace
} // namespace ember::agent::testing
