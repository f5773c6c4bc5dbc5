#pragma once
// One filled-in value of every reply struct (protocol/replies.hpp), shared
// by the render tests (what they print) and the client tests (what the
// fake node answers), so both check the same data.

#include <cstdint>
#include <vector>

#include "ember/protocol/replies.hpp"

namespace ember::testing {

inline pid local_pid(std::uint32_t id) { return pid{atoms::nonode_nohost, id, 0, 0}; }

inline protocol::process_row sample_process_row() {
    protocol::process_row r;
    r.pid = local_pid(42);
    r.registered_name = atom("front_desk");
    r.initial_call = "front_desk:init";
    r.current_function = "handle_call";
    r.status = atom("waiting");
    r.reductions = 123456;
    r.reduction_rate = 1520.5;
    r.memory = 2048;
    r.message_queue_len = 3;
    r.message_rate = 12.5;
    r.run_time_us = 4500;
    r.age_ms = 200'000;
    r.oldest_message_age_ms = 1200;
    r.scheduling_latency_us = 25;
    return r;
}

inline protocol::processes_page sample_page() {
    protocol::processes_page page;
    page.rows.push_back(sample_process_row());
    protocol::process_row idle;
    idle.pid = local_pid(7);
    idle.initial_call = "idle_worker";
    idle.status = atom("waiting");
    idle.reductions = 12;
    idle.memory = 3 * 1024 * 1024 + 300 * 1024;
    idle.age_ms = 5000;
    page.rows.push_back(idle);
    page.matched = 2;
    page.scanned = 1000;
    page.window_ms = 1000;
    page.cut = atom("complete");
    return page;
}

inline protocol::supervisor_row sample_supervisor() {
    protocol::supervisor_row s;
    s.pid = local_pid(40);
    s.strategy = atom("one_for_one");
    s.intensity = 3;
    s.period_ms = 5000;
    s.restarts_total = 2;
    s.children_count = 2;
    s.children = {protocol::child_row{atom("front_desk"), local_pid(42), atom("worker"), atom("permanent")},
                  protocol::child_row{atom("pool_sup"), local_pid(43), atom("supervisor"), atom("permanent")}};
    s.restarts = {protocol::restart_row{1500, atom("front_desk"), local_pid(41), "killed"}};
    return s;
}

inline protocol::process_info_reply sample_info() {
    protocol::process_info_reply i;
    i.process = sample_process_row();
    i.parent = local_pid(40);
    i.priority = atoms::normal;
    i.trap_exit = true;
    i.messages_in = 100;
    i.messages_out = 40;
    i.latency_samples = 77;
    i.runnable_wait_us = 1925;
    i.links = {local_pid(40)};
    i.monitors = {};
    i.monitored_by = {local_pid(50), local_pid(51)};
    i.messages = {"{hello,world}", "{'$gen_call',{<0.50.0>,#Ref<0.1.2.3>},get}", "ping"};
    i.state = "#{count => 3}";
    i.cut = atom("complete");
    return i;
}

inline std::vector<protocol::scheduler_row> sample_schedulers() {
    return {protocol::scheduler_row{0, 0.732, 2, 1000, 1500, 3, 40}, protocol::scheduler_row{1, 0.05, 0, 10, 12, 0, 900}};
}

inline protocol::system_info sample_system() {
    protocol::system_info s;
    s.process_count = 1234;
    s.process_limit = 1'048'576;
    s.schedulers = 2;
    s.memory = 12 * 1024 * 1024;
    s.uptime_ms = 200'000;
    s.atom_count = 900;
    s.reductions = 12'300'000;
    s.messages = 45'000;
    s.reduction_rate = 45'600;
    s.message_rate = 320;
    s.dirty_threads = 4;
    s.dirty_running = 1;
    s.dirty_completed = 17;
    s.supervisor_restarts = 2;
    return s;
}

inline std::vector<protocol::application_row> sample_apps() {
    protocol::tree_node pool;
    pool.supervisor.pid = local_pid(43);
    pool.supervisor.strategy = atom("one_for_all");
    pool.supervisor.children = {protocol::child_row{atom("w1"), local_pid(44), atom("worker"), atom("transient")},
                                protocol::child_row{atom("w2"), std::nullopt, atom("worker"), atom("temporary")}};
    protocol::tree_node root;
    root.supervisor = sample_supervisor();
    root.subtrees = {pool};
    protocol::application_row app{atom("front_desk_app"), true, "", root};
    protocol::application_row gone{atom("batch"), false, "shutdown", std::nullopt};
    return {app, gone};
}

inline std::vector<protocol::event_row> sample_events() {
    return {protocol::event_row{1, atom("long_schedule"), local_pid(42), 1, 1500, 250, 100},
            protocol::event_row{2, atom("large_memory"), local_pid(7), 0, 1600, 64 * 1024 * 1024, 32 * 1024 * 1024},
            protocol::event_row{3, atom("long_message_queue"), local_pid(42), 0, 1700, 20000, 10000}};
}

inline std::vector<protocol::warning_row> sample_warnings() {
    return {protocol::warning_row{atom("mailbox_growing"), local_pid(42), 1000, 6000, 5000, 100, "mailbox grew from 100 to 5000 messages in 6.0 s"},
            protocol::warning_row{atom("old_message"), local_pid(7), 2000, 3000, 8000, 5000, "oldest message waited 8.0 s"}};
}

inline std::vector<protocol::series> sample_series() {
    return {protocol::series{atom("process_count"), 1000, 200'000, {10, 12, 15, 15, 20}},
            protocol::series{atom("memory"), 1000, 200'000, {1024.0 * 1024, 2048.0 * 1024}},
            protocol::series{atom("utilization_0"), 1000, 200'000, {0.1, 0.5, 0.9}}};
}

inline protocol::trace_row sample_trace_row(std::uint64_t n = 0) {
    return protocol::trace_row{12'345 + n, atom("in"), local_pid(50), local_pid(42), "{hello," + std::to_string(n) + "}", 0};
}

} // namespace ember::testing
