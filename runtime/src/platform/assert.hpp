#pragma once
// EMBER_ASSERT(cond, message): a check that stays on in release builds.
// For contracts whose breach would corrupt a node rather than fail one
// call, above all "called from inside a process": an agent or a shell
// thread calling a process function is the likeliest bug in a front door,
// and it must stop with a message, not scribble on a scheduler's state.

namespace ember::detail {
/// Prints "ember: <message> (<condition> failed at <file>:<line>)" to
/// stderr and aborts.
[[noreturn]] void assert_failed(const char* condition, const char* message, const char* file, int line) noexcept;
} // namespace ember::detail

#define EMBER_ASSERT(cond, message) \
    ((cond) ? static_cast<void>(0) : ::ember::detail::assert_failed(#cond, message, __FILE__, __LINE__))
