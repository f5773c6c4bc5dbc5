// Conversions of the handshake and the envelopes. Each from_term checks the
// shape first (tuple, arity, tag atom) and says what it found otherwise.

#include "ember/protocol/messages.hpp"

namespace ember {
namespace {

// {Tag, Value} with Tag one of two atoms: which one, or nullopt.
std::optional<bool> tagged_pair(const term& t, atom first, atom second) {
    if (!t.is_tuple() || t.size() != 2) return std::nullopt;
    if (t[0] == first) return true;
    if (t[0] == second) return false;
    return std::nullopt;
}

// {ok, Value} | {error, Reason} as expected<T, error_reason>.
template <class T>
expected<expected<T, protocol::error_reason>, term_error> read_result(const term& t, std::string_view what) {
    const auto ok = tagged_pair(t, atoms::ok, atoms::error);
    if (!ok) return unexpected(conversion_error(std::string(what) + ": {ok, Value} or {error, Reason}", t));
    if (*ok) {
        auto v = from_term<T>(t[1]);
        if (!v) return unexpected(term_error{term_errc::conversion, 0, std::string(what) + ": " + v.error().message});
        return expected<T, protocol::error_reason>(std::move(*v));
    }
    auto r = from_term<protocol::error_reason>(t[1]);
    if (!r) return unexpected(term_error{term_errc::conversion, 0, std::string(what) + ": " + r.error().message});
    return expected<T, protocol::error_reason>(unexpected(std::move(*r)));
}

template <class T>
term write_result(const expected<T, protocol::error_reason>& r) {
    if (r) return term::tuple({atoms::ok, ember::to_term(*r)});
    return term::tuple({atoms::error, ember::to_term(r.error())});
}

} // namespace

term term_traits<protocol::hello>::to_term(const protocol::hello& h) {
    return term::tuple({"hello"_atom, term::integer(h.version), term::binary(h.token)});
}

expected<protocol::hello, term_error> term_traits<protocol::hello>::from_term(const term& t) {
    if (!t.is_tuple() || t.size() != 3 || t[0] != "hello"_atom) return unexpected(conversion_error("{hello, ProtocolVersion, Token}", t));
    if (!t[1].is_integer()) return unexpected(conversion_error("an integer ProtocolVersion", t[1]));
    if (!t[2].is_binary()) return unexpected(conversion_error("a binary Token", t[2]));
    if (t[2].size() > protocol::hello::max_token_bytes)
        return unexpected(term_error{term_errc::conversion, 0,
                                     "a Token of " + std::to_string(t[2].size()) + " bytes is over the limit of " +
                                         std::to_string(protocol::hello::max_token_bytes)});
    return protocol::hello{t[1].as_integer(), std::string(t[2].text())};
}

term term_traits<protocol::access_level>::to_term(protocol::access_level a) {
    return a == protocol::access_level::admin ? "admin"_atom : "read_only"_atom;
}

expected<protocol::access_level, term_error> term_traits<protocol::access_level>::from_term(const term& t) {
    if (t == "admin"_atom) return protocol::access_level::admin;
    if (t == "read_only"_atom) return protocol::access_level::read_only;
    return unexpected(conversion_error("admin or read_only", t));
}

term term_traits<protocol::hello_reply>::to_term(const protocol::hello_reply& r) { return write_result(r.result); }

expected<protocol::hello_reply, term_error> term_traits<protocol::hello_reply>::from_term(const term& t) {
    auto r = read_result<protocol::hello_info>(t, "hello reply");
    if (!r) return unexpected(std::move(r).error());
    return protocol::hello_reply{std::move(*r)};
}

term term_traits<protocol::request_envelope>::to_term(const protocol::request_envelope& e) { return term::tuple({e.ref, e.request}); }

expected<protocol::request_envelope, term_error> term_traits<protocol::request_envelope>::from_term(const term& t) {
    if (!t.is_tuple() || t.size() != 2) return unexpected(conversion_error("{Ref, Request}", t));
    return protocol::request_envelope{t[0], t[1]};
}

term term_traits<protocol::reply_envelope>::to_term(const protocol::reply_envelope& e) { return term::tuple({e.ref, write_result(e.result)}); }

expected<protocol::reply_envelope, term_error> term_traits<protocol::reply_envelope>::from_term(const term& t) {
    if (!t.is_tuple() || t.size() != 2) return unexpected(conversion_error("{Ref, {ok, Value}} or {Ref, {error, Reason}}", t));
    auto r = read_result<term>(t[1], "reply");
    if (!r) return unexpected(std::move(r).error());
    return protocol::reply_envelope{t[0], std::move(*r)};
}

term term_traits<protocol::push_envelope>::to_term(const protocol::push_envelope& e) {
    return term::tuple({e.ref, term::tuple({"event"_atom, e.value})});
}

expected<protocol::push_envelope, term_error> term_traits<protocol::push_envelope>::from_term(const term& t) {
    if (!t.is_tuple() || t.size() != 2 || !t[1].is_tuple() || t[1].size() != 2 || t[1][0] != "event"_atom)
        return unexpected(conversion_error("{Ref, {event, Value}}", t));
    return protocol::push_envelope{t[0], t[1][1]};
}

} // namespace ember

namespace ember::protocol {

expected<server_message, term_error> read_server_message(const term& t) {
    if (t.is_tuple() && t.size() == 2 && t[1].is_tuple() && t[1].size() == 2 && t[1][0] == "event"_atom) {
        auto p = from_term<push_envelope>(t);
        if (!p) return unexpected(std::move(p).error());
        return server_message(std::move(*p));
    }
    auto r = from_term<reply_envelope>(t);
    if (!r) return unexpected(std::move(r).error());
    return server_message(std::move(*r));
}

} // namespace ember::protocol
