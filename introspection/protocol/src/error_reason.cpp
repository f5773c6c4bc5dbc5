// error_reason: {Code, Message}.

#include "ember/protocol/error_reason.hpp"

namespace ember::protocol {

error_reason make_reason(std::string_view code, std::string message) { return {atom(code), std::move(message)}; }

} // namespace ember::protocol

namespace ember {

term term_traits<protocol::error_reason>::to_term(const protocol::error_reason& r) {
    return term::tuple({r.code, term::binary(r.message)});
}

expected<protocol::error_reason, term_error> term_traits<protocol::error_reason>::from_term(const term& t) {
    if (!t.is_tuple() || t.size() != 2 || !t[0].is_atom()) return unexpected(conversion_error("{Code, Message} with an atom Code", t));
    auto message = ember::from_term<std::string>(t[1]);
    if (!message) return unexpected(conversion_error("a binary Message in {Code, Message}", t));
    return protocol::error_reason{t[0].as_atom(), std::move(*message)};
}

} // namespace ember
