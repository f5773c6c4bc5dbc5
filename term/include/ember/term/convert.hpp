#pragma once
// Conversions between terms and C++ types, so process code reads like C++:
//
//   term msg = make_tuple(atoms::ok, 42, std::string("x"));   // {ok,42,<<"x">>}
//   auto n = from_term<int>(msg[1]);                            // expected<int>
//
// Built in: term, atom, bool, integers (range-checked), floating point,
// std::string (a binary; a list of character codes also reads), pid,
// reference, std::optional (nullopt is 'undefined'), std::vector (list),
// std::map (map), std::pair and std::tuple (tuple).
//
// A user struct converts once term_traits<T> is specialised. For a struct
// that should travel as a map of its fields, derive from map_record:
//
//   struct point { int x = 0; int y = 0; };
//   template <> struct ember::term_traits<point> : ember::map_record<point> {
//       static constexpr auto fields = std::tuple{field("x", &point::x), field("y", &point::y)};
//   };                                                          // #{x => 1,y => 2}

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/term/print.hpp"
#include "ember/term/term.hpp"

namespace ember {

/// Specialise with `static term to_term(const T&)` and
/// `static expected<T, term_error> from_term(const term&)`.
template <class T>
struct term_traits;

template <class T>
term to_term(const T& value) {
    return term_traits<std::remove_cvref_t<T>>::to_term(value);
}
inline term to_term(const char* text) { return term::binary(std::string_view(text)); }

/// Converts `t` to T or says why it cannot (code term_errc::conversion).
template <class T>
expected<T, term_error> from_term(const term& t) {
    return term_traits<T>::from_term(t);
}

/// {to_term(a), to_term(b), ...}
template <class... Ts>
term make_tuple(const Ts&... values) {
    return term::tuple({to_term(values)...});
}
/// [to_term(a), to_term(b), ...]
template <class... Ts>
term make_list(const Ts&... values) {
    return term::list({to_term(values)...});
}

/// The conversion error for `t` when a `wanted` was expected.
inline term_error conversion_error(std::string_view wanted, const term& t) {
    return {term_errc::conversion, 0, "expected " + std::string(wanted) + ", found " + to_string(t, {.max_depth = 4, .max_chars = 80})};
}

// ---- built-in traits ------------------------------------------------------

template <>
struct term_traits<term> {
    static term to_term(const term& t) { return t; }
    static expected<term, term_error> from_term(const term& t) { return t; }
};

template <>
struct term_traits<atom> {
    static term to_term(atom a) { return a; }
    static expected<atom, term_error> from_term(const term& t) {
        if (!t.is_atom()) return unexpected(conversion_error("an atom", t));
        return t.as_atom();
    }
};

template <>
struct term_traits<bool> {
    static term to_term(bool b) { return b ? atoms::true_ : atoms::false_; }
    static expected<bool, term_error> from_term(const term& t) {
        if (t == term(atoms::true_)) return true;
        if (t == term(atoms::false_)) return false;
        return unexpected(conversion_error("true or false", t));
    }
};

template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct term_traits<T> {
    static term to_term(T v) {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t))
            if (v > static_cast<T>(std::numeric_limits<std::int64_t>::max())) throw std::out_of_range("integer over int64 has no term yet");
        return term::integer(static_cast<std::int64_t>(v));
    }
    static expected<T, term_error> from_term(const term& t) {
        if (!t.is_integer()) return unexpected(conversion_error("an integer", t));
        const std::int64_t v = t.as_integer();
        if (!std::in_range<T>(v)) return unexpected(conversion_error("an integer that fits the C++ type", t));
        return static_cast<T>(v);
    }
};

template <class T>
    requires std::is_floating_point_v<T>
struct term_traits<T> {
    static term to_term(T v) { return term::float64(static_cast<double>(v)); }
    static expected<T, term_error> from_term(const term& t) {
        if (!t.is_number()) return unexpected(conversion_error("a number", t));
        return static_cast<T>(t.as_number());
    }
};

template <>
struct term_traits<std::string> {
    static term to_term(const std::string& s) { return term::binary(s); }
    static expected<std::string, term_error> from_term(const term& t) {
        if (t.is_binary()) return std::string(t.text());
        if (t.is_proper_list()) { // an Erlang string: a list of bytes
            std::string out;
            for (const term& c : t.elements()) {
                if (!c.is_integer() || c.as_integer() < 0 || c.as_integer() > 255) return unexpected(conversion_error("a binary or a string", t));
                out += static_cast<char>(c.as_integer());
            }
            return out;
        }
        return unexpected(conversion_error("a binary or a string", t));
    }
};

template <>
struct term_traits<std::string_view> {
    static term to_term(std::string_view s) { return term::binary(s); }
};

template <>
struct term_traits<pid> {
    static term to_term(const pid& p) { return term::from_pid(p); }
    static expected<pid, term_error> from_term(const term& t) {
        if (!t.is_pid()) return unexpected(conversion_error("a pid", t));
        return t.as_pid();
    }
};

template <>
struct term_traits<reference> {
    static term to_term(const reference& r) { return term::from_reference(r); }
    static expected<reference, term_error> from_term(const term& t) {
        if (!t.is_reference()) return unexpected(conversion_error("a reference", t));
        return t.as_reference();
    }
};

template <class T>
struct term_traits<std::optional<T>> {
    static term to_term(const std::optional<T>& v) { return v ? ember::to_term(*v) : term(atoms::undefined); }
    static expected<std::optional<T>, term_error> from_term(const term& t) {
        if (t == term(atoms::undefined)) return std::optional<T>();
        auto v = ember::from_term<T>(t);
        if (!v) return unexpected(std::move(v).error());
        return std::optional<T>(std::move(*v));
    }
};

template <class T, class A>
struct term_traits<std::vector<T, A>> {
    static term to_term(const std::vector<T, A>& v) {
        std::vector<term> items;
        items.reserve(v.size());
        for (const auto& x : v) items.push_back(ember::to_term(x));
        return term::list(items);
    }
    static expected<std::vector<T, A>, term_error> from_term(const term& t) {
        if (!t.is_proper_list()) return unexpected(conversion_error("a proper list", t));
        std::vector<T, A> out;
        out.reserve(t.size());
        for (const term& e : t.elements()) {
            auto v = ember::from_term<T>(e);
            if (!v) return unexpected(std::move(v).error());
            out.push_back(std::move(*v));
        }
        return out;
    }
};

template <class K, class V, class C, class A>
struct term_traits<std::map<K, V, C, A>> {
    static term to_term(const std::map<K, V, C, A>& m) {
        std::vector<std::pair<term, term>> entries;
        entries.reserve(m.size());
        for (const auto& [k, v] : m) entries.emplace_back(ember::to_term(k), ember::to_term(v));
        return term::map(std::move(entries));
    }
    static expected<std::map<K, V, C, A>, term_error> from_term(const term& t) {
        if (!t.is_map()) return unexpected(conversion_error("a map", t));
        std::map<K, V, C, A> out;
        for (const map_entry& e : t.entries()) {
            auto k = ember::from_term<K>(e.key);
            if (!k) return unexpected(std::move(k).error());
            auto v = ember::from_term<V>(e.value);
            if (!v) return unexpected(std::move(v).error());
            out.emplace(std::move(*k), std::move(*v));
        }
        return out;
    }
};

template <class... Ts>
struct term_traits<std::tuple<Ts...>> {
    static term to_term(const std::tuple<Ts...>& v) {
        return std::apply([](const auto&... x) { return make_tuple(x...); }, v);
    }
    static expected<std::tuple<Ts...>, term_error> from_term(const term& t) {
        if (!t.is_tuple() || t.size() != sizeof...(Ts)) return unexpected(conversion_error("a tuple of " + std::to_string(sizeof...(Ts)), t));
        return convert_elements(t, std::index_sequence_for<Ts...>{});
    }

private:
    template <std::size_t... I>
    static expected<std::tuple<Ts...>, term_error> convert_elements(const term& t, std::index_sequence<I...>) {
        std::tuple<expected<Ts, term_error>...> parts{ember::from_term<Ts>(t[I])...};
        std::optional<term_error> first_error;
        ((first_error || std::get<I>(parts) ? void() : void(first_error = std::get<I>(parts).error())), ...);
        if (first_error) return unexpected(std::move(*first_error));
        return std::tuple<Ts...>{std::move(*std::get<I>(parts))...};
    }
};

template <class A, class B>
struct term_traits<std::pair<A, B>> {
    static term to_term(const std::pair<A, B>& p) { return make_tuple(p.first, p.second); }
    static expected<std::pair<A, B>, term_error> from_term(const term& t) {
        auto v = term_traits<std::tuple<A, B>>::from_term(t);
        if (!v) return unexpected(std::move(v).error());
        return std::pair<A, B>(std::move(std::get<0>(*v)), std::move(std::get<1>(*v)));
    }
};

// ---- structs as maps --------------------------------------------------------

/// One field of a record: its key in the map and the member it maps to.
template <class T, class M>
struct record_field {
    const char* name;
    M T::*member;
};
template <class T, class M>
constexpr record_field<T, M> field(const char* name, M T::*member) {
    return {name, member};
}

/// Base for term_traits<T> of a struct that travels as #{field => value}.
/// The derived traits give `static constexpr auto fields = std::tuple{...}`.
/// T must be default-constructible; unknown keys in the map are ignored.
template <class T>
struct map_record {
    static term to_term(const T& value) {
        std::vector<std::pair<term, term>> entries;
        std::apply([&](const auto&... f) { (entries.emplace_back(atom(f.name), ember::to_term(value.*(f.member))), ...); },
                   term_traits<T>::fields);
        return term::map(std::move(entries));
    }
    static expected<T, term_error> from_term(const term& t) {
        if (!t.is_map()) return unexpected(conversion_error("a map", t));
        T out{};
        std::optional<term_error> error;
        std::apply([&](const auto&... f) { (read_field(t, f, out, error), ...); }, term_traits<T>::fields);
        if (error) return unexpected(std::move(*error));
        return out;
    }

private:
    template <class F>
    static void read_field(const term& t, const F& f, T& out, std::optional<term_error>& error) {
        if (error) return;
        const auto key = atom::existing(f.name);
        const term* v = key ? t.find(*key) : nullptr;
        if (!v) {
            error = term_error{term_errc::conversion, 0, std::string("missing field ") + f.name};
            return;
        }
        using member_type = std::remove_cvref_t<decltype(out.*(f.member))>;
        auto converted = ember::from_term<member_type>(*v);
        if (!converted) {
            error = term_error{term_errc::conversion, 0, std::string("field ") + f.name + ": " + converted.error().message};
            return;
        }
        out.*(f.member) = std::move(*converted);
    }
};

} // namespace ember
