// Requests: kinds and their atoms, who needs admin, the shape check, and
// the processes options with their bounds and defaults.
#include <gtest/gtest.h>

#include "ember/protocol/request.hpp"
#include "ember/protocol/version.hpp"
#include "ember/term/parse.hpp"

namespace ember::protocol {
namespace {

term p(std::string_view text) { return parse(text).value(); }

std::vector<request_kind> all_kinds() {
    std::vector<request_kind> out;
    for (std::size_t i = 0; i < request_kind_count; ++i) out.push_back(static_cast<request_kind>(i));
    return out;
}

TEST(protocol_request_kind, names_and_atoms_round_trip) {
    const char* expected_names[] = {"processes", "process_info", "schedulers", "system", "applications", "events",
                                    "warnings", "history", "kill", "exit", "suspend", "resume",
                                    "send", "trace", "subscribe", "unsubscribe"};
    ASSERT_EQ(std::size(expected_names), request_kind_count);
    for (request_kind k : all_kinds()) {
        EXPECT_EQ(request_kind_name(k), expected_names[static_cast<std::size_t>(k)]);
        auto back = request_kind_of(atom(request_kind_name(k)));
        ASSERT_TRUE(back) << request_kind_name(k);
        EXPECT_EQ(*back, k);
    }
}

TEST(protocol_request_kind, an_unknown_atom_is_unknown_request) {
    auto k = request_kind_of(atom("frobnicate"));
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().code, atom("unknown_request"));
    EXPECT_EQ(k.error().message, "unknown request 'frobnicate'");
    EXPECT_FALSE(request_kind_of(atoms::ok));
}

TEST(protocol_request_kind, exactly_the_actions_need_admin) {
    for (request_kind k : all_kinds()) {
        const std::string_view n = request_kind_name(k);
        const bool action = n == "kill" || n == "exit" || n == "suspend" || n == "resume" || n == "send" || n == "trace";
        EXPECT_EQ(needs_admin(k), action) << n;
    }
    static_assert(needs_admin(request_kind::kill) && !needs_admin(request_kind::processes), "usable at compile time");
}

TEST(protocol_request_kind, the_vocabulary_exists_before_any_frame) {
    ASSERT_TRUE(intern_atoms());
    ASSERT_TRUE(intern_atoms()) << "idempotent";
    for (request_kind k : all_kinds()) EXPECT_TRUE(atom::existing(request_kind_name(k))) << request_kind_name(k);
    for (std::size_t i = 0; i < process_sort_count; ++i) EXPECT_TRUE(atom::existing(process_sort_name(static_cast<process_sort>(i))));
    for (const char* name : {"hello", "event", "sort", "limit", "offset", "filter", "admin", "read_only", "bad_request", "bad_token",
                             "bad_version", "bad_hello", "needs_admin", "unknown_request", "unknown_atom", "frame_too_large"})
        EXPECT_TRUE(atom::existing(name)) << name;
}

TEST(protocol_parse_request, every_example_of_the_issue_parses) {
    const std::pair<const char*, request_kind> examples[] = {
        {"{processes}", request_kind::processes},
        {"{processes, #{sort => memory, limit => 5, offset => 10, filter => <<\"w\">>}}", request_kind::processes},
        {"{process_info, <0.42.0>}", request_kind::process_info},
        {"{schedulers}", request_kind::schedulers},
        {"{system}", request_kind::system},
        {"{applications}", request_kind::applications},
        {"{events}", request_kind::events},
        {"{warnings}", request_kind::warnings},
        {"{history, [process_count, memory]}", request_kind::history},
        {"{kill, <0.42.0>}", request_kind::kill},
        {"{exit, <0.42.0>, shutdown}", request_kind::exit},
        {"{suspend, <0.42.0>}", request_kind::suspend},
        {"{resume, <0.42.0>}", request_kind::resume},
        {"{send, <0.42.0>, {hello, world}}", request_kind::send},
        {"{trace, <0.42.0>, #{count => 100}}", request_kind::trace},
        {"{subscribe, schedulers, 1000}", request_kind::subscribe},
        {"{unsubscribe, 7}", request_kind::unsubscribe},
    };
    for (const auto& [text, kind] : examples) {
        auto r = parse_request(p(text));
        ASSERT_TRUE(r) << text << ": " << r.error().message;
        EXPECT_EQ(r->kind, kind) << text;
        EXPECT_EQ(r->args().size(), p(text).size() - 1);
    }
}

TEST(protocol_parse_request, arguments_are_the_elements_after_the_kind) {
    auto r = parse_request(p("{exit, <0.42.0>, shutdown}"));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->args().size(), 2u);
    EXPECT_TRUE(r->args()[0].is_pid());
    EXPECT_EQ(r->args()[1], term(atoms::shutdown));
}

TEST(protocol_parse_request, a_request_that_is_no_tuple_led_by_an_atom_is_bad_request) {
    for (const char* text : {"system", "{}", "[system]", "{<<\"system\">>}", "{1, system}", "#{system => 1}"}) {
        auto r = parse_request(p(text));
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, atom("bad_request")) << text;
    }
}

TEST(protocol_parse_request, an_unknown_kind_is_unknown_request) {
    auto r = parse_request(p("{frobnicate, 1}"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, atom("unknown_request"));
}

TEST(protocol_parse_request, the_wrong_number_of_arguments_is_bad_request) {
    struct {
        const char* text;
        const char* message;
    } cases[] = {
        {"{system, now}", "system takes 0 arguments, found {system,now}"},
        {"{kill}", "kill takes 1 argument, found {kill}"},
        {"{exit, <0.42.0>}", "exit takes 2 arguments, found {exit,<0.42.0>}"},
        {"{processes, #{}, extra}", "processes takes 0 to 1 arguments, found {processes,#{},extra}"},
        {"{subscribe, schedulers}", "subscribe takes 2 arguments, found {subscribe,schedulers}"},
    };
    for (const auto& c : cases) {
        auto r = parse_request(p(c.text));
        ASSERT_FALSE(r) << c.text;
        EXPECT_EQ(r.error().code, atom("bad_request"));
        EXPECT_EQ(r.error().message, c.message);
    }
}

TEST(protocol_processes_options, defaults) {
    auto r = parse_request(p("{processes}"));
    ASSERT_TRUE(r);
    auto o = processes_options_of(*r);
    ASSERT_TRUE(o);
    EXPECT_EQ(*o, processes_options{});
    EXPECT_EQ(o->sort, process_sort::reductions);
    EXPECT_EQ(o->limit, processes_options::default_limit);
    EXPECT_EQ(o->offset, 0u);
    EXPECT_EQ(o->filter, "");
    auto empty = parse_processes_options(p("#{}"));
    ASSERT_TRUE(empty);
    EXPECT_EQ(*empty, processes_options{});
}

TEST(protocol_processes_options, every_key) {
    auto o = parse_processes_options(p("#{sort => message_queue_len, limit => 10000, offset => 20, filter => <<\"worker\">>}"));
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(*o, (processes_options{process_sort::message_queue_len, 10000, 20, "worker"}));
}

TEST(protocol_processes_options, every_sort_key) {
    for (std::size_t i = 0; i < process_sort_count; ++i) {
        const auto key = static_cast<process_sort>(i);
        auto o = parse_processes_options(term::map({{atom("sort"), atom(process_sort_name(key))}}));
        ASSERT_TRUE(o) << process_sort_name(key);
        EXPECT_EQ(o->sort, key);
    }
}

TEST(protocol_processes_options, round_trip) {
    const processes_options o{process_sort::age, 50, 100, "sup"};
    EXPECT_EQ(to_term(o), p("#{sort => age, limit => 50, offset => 100, filter => <<\"sup\">>}"));
    auto back = from_term<processes_options>(to_term(o));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, o);
    EXPECT_EQ(from_term<processes_options>(to_term(processes_options{})).value(), processes_options{});
}

TEST(protocol_processes_options, out_of_bounds_or_unknown_is_bad_request_naming_the_key) {
    struct {
        const char* opts;
        const char* message;
    } cases[] = {
        {"[{limit, 5}]", "processes: Opts is a map such as #{sort => memory, limit => 20}, found [{limit,5}]"},
        {"#{limit => 0}", "processes: limit must be an integer from 1 to 10000, found 0"},
        {"#{limit => 10001}", "processes: limit must be an integer from 1 to 10000, found 10001"},
        {"#{limit => -1}", "processes: limit must be an integer from 1 to 10000, found -1"},
        {"#{limit => 2.0}", "processes: limit must be an integer from 1 to 10000, found 2.0"},
        {"#{offset => -5}", "processes: offset must be an integer from 0 to 100000000, found -5"},
        {"#{offset => 100000001}", "processes: offset must be an integer from 0 to 100000000, found 100000001"},
        {"#{sort => colour}", "processes: sort is one of reductions, reduction_rate, memory, message_queue_len, message_rate, run_time, age, found colour"},
        {"#{sort => <<\"memory\">>}", "processes: sort is one of reductions, reduction_rate, memory, message_queue_len, message_rate, run_time, age, found <<\"memory\">>"},
        {"#{filter => worker}", "processes: filter is a binary such as <<\"worker\">>, found worker"},
        {"#{colour => red}", "processes: unknown option colour; the options are sort, limit, offset and filter"},
        {"#{<<\"limit\">> => 5}", "processes: option keys are atoms, found <<\"limit\">>"},
    };
    for (const auto& c : cases) {
        auto o = parse_processes_options(p(c.opts));
        ASSERT_FALSE(o) << c.opts;
        EXPECT_EQ(o.error().code, atom("bad_request"));
        EXPECT_EQ(o.error().message, c.message);
    }
}

TEST(protocol_processes_options, the_filter_is_bounded) {
    EXPECT_TRUE(parse_processes_options(term::map({{atom("filter"), term::binary(std::string(processes_options::max_filter_bytes, 'f'))}})));
    auto o = parse_processes_options(term::map({{atom("filter"), term::binary(std::string(processes_options::max_filter_bytes + 1, 'f'))}}));
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().message, "processes: filter of 257 bytes is over the limit of 256");
}

TEST(protocol_processes_options, only_for_a_processes_request) {
    auto r = parse_request(p("{system}"));
    ASSERT_TRUE(r);
    EXPECT_FALSE(processes_options_of(*r));
}

} // namespace
} // namespace ember::protocol
