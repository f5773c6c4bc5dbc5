// ember::node: the public face of node_impl (spawn.cpp, node_stats.cpp and
// probe.cpp hold the rest of the public API).

#include "node/node_impl.hpp"
#include "platform/assert.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"

namespace ember {

using namespace detail;

node::node(node_options options) : impl_(std::make_unique<node_impl>(options)) { impl_->start(); }

node::~node() {
    impl_->stop();
    // Destroy what is left. Their destructors may call runtime functions,
    // so each runs as the current process; no signals go out (the node is
    // going away as a whole).
    thread_role role(impl_.get(), nullptr, nullptr);
    for (std::size_t i = 0; i < impl_->table().made(); ++i) {
        process* p = impl_->table().at(static_cast<std::uint32_t>(i));
        if (!p->alive.load(std::memory_order_acquire) || p->external) continue;
        role.act_as(p);
        if (p->top) p->top.destroy();
        p->top = {};
        close_mailbox(p);
        flush_outbox(); // what a destructor sent: to processes closing anyway
    }
}

void node::send(const pid& to, term message) { impl_->deliver(to, new_envelope(envelope_kind::message, std::move(message))); }

bool node::send(atom name, term message) {
    auto to = impl_->whereis(name);
    if (!to) return false;
    send(*to, std::move(message));
    return true;
}

void node::exit(const pid& target, term reason) {
    if (reason == atoms::kill) {
        process* t = impl_->table().find(target);
        if (t && impl_->kill_runaway(t)) return;
        if (t) mark_doomed(t, target.serial); // is_alive says false from here on
    }
    // From outside any process, the signal comes from the node itself (<0.0.0>).
    process* self = impl_->node_process();
    impl_->deliver(target, new_envelope(envelope_kind::exit, std::move(reason), self->index, self->current_serial()));
}

std::optional<pid> node::whereis(atom name) const { return impl_->whereis(name); }

bool node::is_alive(const pid& p) const {
    const process* t = impl_->table().find(p);
    return t && !t->doomed.load(std::memory_order_acquire);
}

void node::stop() { impl_->stop(); }

std::size_t node::run_until_idle(std::chrono::milliseconds horizon) {
    EMBER_ASSERT(impl_->options().deterministic, "node::run_until_idle is for deterministic nodes");
    return impl_->run_until_idle(std::chrono::duration_cast<std::chrono::nanoseconds>(horizon).count());
}

} // namespace ember
