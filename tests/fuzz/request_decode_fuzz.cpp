// libFuzzer target for the decoders that read one term from the other
// side, on both ends of a connection, and for what prints their results:
//   the node's side    parse_request, parse_processes_options, from_term<hello>
//   the client's side  read_server_message, client::read_inbound,
//                      client::read_hello_reply, and client::decode_reply
//                      as every reply struct of replies.hpp
//   the renderers      render::text and render::json of whatever decoded
// The first input byte picks a text width (0: none, else 20 + byte % 200);
// the rest is one External Term Format body, decoded as the agent decodes
// (atoms refused, depth bounded). Checked for any input:
//  - every decoder gives a value or an error with a message;
//  - a decoded struct converts back to a term that decodes to itself;
//  - text and JSON are made for whatever decoded, within the sanitizers
//    (hostile names, odd UTF-8, huge numbers, deep trees).
#include <cstdint>
#include <cstdlib>

#include "ember/client/decode.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"
#include "ember/protocol/version.hpp"
#include "ember/render/json.hpp"
#include "ember/render/text.hpp"
#include "ember/term/etf.hpp"

namespace {

using namespace ember;

void require(bool ok) {
    if (!ok) std::abort();
}

template <class T>
void check_round_trip(const T& value) {
    auto back = from_term<T>(to_term(value));
    require(back && *back == value);
}

// Decodes `value` as T the way the client does, then renders it.
template <class T, class Render>
void as_reply(const term& value, Render render) {
    auto r = client::decode_reply<T>("fuzz", value);
    if (!r) {
        require(r.error().errc == client::client_errc::bad_reply && !r.error().message.empty());
        return;
    }
    check_round_trip(*r);
    (void)render(*r);
    require(!render::json(*r).empty());
}

void every_reply(const term& value, std::size_t width) {
    const render::text_options o{.width = width};
    auto text = [&o](const auto& v) { return render::text(v, o); };
    as_reply<protocol::processes_page>(value, text);
    as_reply<protocol::process_info_reply>(value, text);
    as_reply<std::vector<protocol::scheduler_row>>(value, text);
    as_reply<protocol::system_info>(value, text);
    as_reply<std::vector<protocol::application_row>>(value, text);
    as_reply<std::vector<protocol::application_row>>(value, [&o](const auto& v) { return render::tree(v, {}, o); });
    as_reply<std::vector<protocol::event_row>>(value, text);
    as_reply<std::vector<protocol::warning_row>>(value, text);
    as_reply<std::vector<protocol::series>>(value, text);
    as_reply<protocol::trace_row>(value, text);
    as_reply<protocol::trace_options>(value, [](const auto&) { return 0; });
}

void node_side(const term& t) {
    if (auto req = protocol::parse_request(t)) {
        require(req->args().size() + 1 == t.size());
        if (req->kind == protocol::request_kind::processes) {
            if (auto o = protocol::processes_options_of(*req); !o) require(!o.error().message.empty());
        }
    } else {
        require(!req.error().message.empty());
    }
    if (auto o = protocol::parse_processes_options(t)) {
        require(o->limit >= 1 && o->limit <= protocol::processes_options::max_limit);
        check_round_trip(*o);
    } else {
        require(!o.error().message.empty());
    }
    if (auto h = from_term<protocol::hello>(t)) {
        require(h->token.size() <= protocol::hello::max_token_bytes);
        require(to_term(*h) == t);
    } else {
        require(!h.error().message.empty());
    }
}

void client_side(const term& t, std::size_t width) {
    if (auto m = protocol::read_server_message(t); !m) require(!m.error().message.empty());
    if (auto h = client::read_hello_reply(t, "fuzz:1"); !h) require(!h.error().describe().empty());
    auto in = client::read_inbound(t);
    if (!in) {
        require(in.error().errc == client::client_errc::bad_reply);
    } else if (auto* reply = std::get_if<protocol::reply_envelope>(&*in); reply && reply->result) {
        every_reply(*reply->result, width);
    } else if (auto* push = std::get_if<protocol::push_envelope>(&*in)) {
        every_reply(push->value, width);
    }
    every_reply(t, width);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    protocol::intern_atoms();
    // Names the seeds use that are no protocol atom, as a node's replies would carry.
    for (const char* name : {"front_desk", "front_desk_app", "pool_sup", "w1", "w2", "batch", "process_count", "memory", "utilization_0"})
        (void)atom(name);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t width = data[0] == 0 ? 0 : 20 + data[0] % 200;
    const std::span<const std::byte> body(reinterpret_cast<const std::byte*>(data + 1), size - 1);
    auto t = etf::decode(body, {.max_depth = 32, .max_bytes = 4096, .existing_atoms_only = true});
    if (!t) return 0;
    node_side(*t);
    client_side(*t, width);
    require(!render::json(*t).empty());
    return 0;
}
