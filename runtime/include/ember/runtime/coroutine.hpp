#pragma once
// Coroutine types of Ember processes.
//
//   process_task  the return type of a process's top-level function:
//                   ember::process_task echo() { for (;;) { ... co_await ember::receive(); } }
//   task<T>       a coroutine a process calls and co_awaits, for code that
//                 receives or yields below the top level:
//                   ember::task<int> ask(ember::pid p) { ...; co_return n; }
//
// Both allocate their frames through the runtime's frame allocator, which
// reuses memory between processes and counts each frame against the
// process it belongs to (its memory figure in the tools).
//
// Contract: inside a process, co_await only Ember awaitables (receive,
// sleep_for, checkpoint, task<T>, ...). The scheduler learns why a process
// stopped from them; a foreign awaitable would leave it guessing.
//
// Parameters of a process function are copied into its frame; take them by
// value (a reference would dangle once spawn returns).

#include <coroutine>
#include <cstddef>
#include <exception>
#include <utility>
#include <variant>

#include "ember/runtime/export.hpp"

namespace ember {

namespace detail {
/// Frame memory: size-classed free lists per thread, charged to the process
/// that runs (or is being spawned). Thread-safe.
EMBER_RUNTIME_EXPORT void* allocate_frame(std::size_t size);
EMBER_RUNTIME_EXPORT void deallocate_frame(void* frame, std::size_t size) noexcept;

struct frame_allocated {
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { deallocate_frame(frame, size); }
};
} // namespace detail

/// The return type of a process function. Owned by the runtime once spawned.
class process_task {
public:
    struct promise_type : detail::frame_allocated {
        process_task get_return_object() noexcept { return process_task(std::coroutine_handle<promise_type>::from_promise(*this)); }
        // Created suspended: spawn decides when it first runs.
        std::suspend_always initial_suspend() noexcept { return {}; }
        // Stays suspended at the end so the scheduler can read the outcome
        // and destroy the frame itself.
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { exception = std::current_exception(); }

        std::exception_ptr exception;
    };

    process_task(process_task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    process_task& operator=(process_task&&) = delete;
    ~process_task() {
        if (handle_) handle_.destroy();
    }

    /// Internal: hands the coroutine to the runtime.
    std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

private:
    explicit process_task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    std::coroutine_handle<promise_type> handle_;
};

namespace detail {
template <class T>
struct task_result {
    std::variant<std::monostate, T, std::exception_ptr> value;
    template <class U>
    void return_value(U&& v) { value.template emplace<1>(std::forward<U>(v)); }
    void unhandled_exception() noexcept { value.template emplace<2>(std::current_exception()); }
    T take() {
        if (value.index() == 2) std::rethrow_exception(std::get<2>(value));
        return std::move(std::get<1>(value));
    }
};
template <>
struct task_result<void> {
    std::exception_ptr exception;
    void return_void() noexcept {}
    void unhandled_exception() noexcept { exception = std::current_exception(); }
    void take() {
        if (exception) std::rethrow_exception(exception);
    }
};
} // namespace detail

/// A coroutine called from a process and co_awaited at once. Starts when
/// awaited; resumes its caller when done (symmetric transfer: no stack
/// growth however deep the calls go). Exceptions, including a kill, pass
/// through to the caller.
template <class T = void>
class [[nodiscard]] task {
public:
    struct promise_type : detail::frame_allocated, detail::task_result<T> {
        std::coroutine_handle<> continuation;

        task get_return_object() noexcept { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        struct final_awaiter {
            bool await_ready() noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept { return h.promise().continuation; }
            void await_resume() noexcept {}
        };
        final_awaiter final_suspend() noexcept { return {}; }
    };

    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    task& operator=(task&&) = delete;
    ~task() {
        if (handle_) handle_.destroy();
    }

    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
        handle_.promise().continuation = caller;
        return handle_;
    }
    T await_resume() { return handle_.promise().take(); }

private:
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    std::coroutine_handle<promise_type> handle_;
};

} // namespace ember
