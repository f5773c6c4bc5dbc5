#pragma once
// ember::expected: the subset of C++23 std::expected that Ember uses.
//
// Why our own: GCC 12 ships <expected>, but Clang 14 (a supported compiler)
// cannot compile libstdc++'s version because its __cpp_concepts is too old.
// The names and semantics match std::expected so that switching later is a
// search-and-replace.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ember {

/// Wraps an error value so that expected<T, E> can be built from it.
template <class E>
class unexpected {
public:
    explicit unexpected(E e) : error_(std::move(e)) {}
    const E& error() const& noexcept { return error_; }
    E&& error() && noexcept { return std::move(error_); }

private:
    E error_;
};

template <class E>
unexpected(E) -> unexpected<E>;

/// A value of T or an error of E. Thread-compatible (like any value type).
/// Accessing value() when holding an error is a precondition violation.
template <class T, class E>
class [[nodiscard]] expected {
public:
    using value_type = T;
    using error_type = E;

    template <class U = T>
        requires std::is_constructible_v<T, U&&>
    expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
    expected(const unexpected<E>& u) : v_(std::in_place_index<1>, u.error()) {}
    expected(unexpected<E>&& u) : v_(std::in_place_index<1>, std::move(u).error()) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { assert(has_value() && "expected::value() on an error"); return std::get<0>(v_); }
    const T& value() const& { assert(has_value() && "expected::value() on an error"); return std::get<0>(v_); }
    T&& value() && { assert(has_value() && "expected::value() on an error"); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const& { assert(!has_value() && "expected::error() on a value"); return std::get<1>(v_); }
    E&& error() && { assert(!has_value() && "expected::error() on a value"); return std::get<1>(std::move(v_)); }

    template <class U>
    T value_or(U&& fallback) const& { return has_value() ? value() : static_cast<T>(std::forward<U>(fallback)); }

private:
    std::variant<T, E> v_;
};

/// expected<void, E>: success carries no value.
template <class E>
class [[nodiscard]] expected<void, E> {
public:
    expected() = default;
    expected(const unexpected<E>& u) : error_(u.error()), ok_(false) {}
    expected(unexpected<E>&& u) : error_(std::move(u).error()), ok_(false) {}

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const E& error() const& { assert(!ok_ && "expected::error() on a value"); return error_; }

private:
    E error_{};
    bool ok_ = true;
};

} // namespace ember
