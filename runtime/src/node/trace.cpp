// node::trace: a message tracer for one process. The hot paths (send and
// delivery) look at the process's `traced` flag only; the table of tracers
// behind this file's mutex is reached only for a traced process.

#include "node/node_impl.hpp"

namespace ember {

using namespace detail;

bool node::trace(const pid& p, std::shared_ptr<message_tracer> tracer) {
    process* target = impl_->table().find(p);
    if (!target || !tracer) return false;
    bool ok = false;
    impl_->set_tracer(target, p.serial, std::move(tracer), &ok);
    return ok;
}

void node::untrace(const pid& p, const message_tracer* tracer) {
    if (process* target = impl_->table().find(p)) impl_->clear_tracer(target, tracer);
}

namespace detail {

void node_impl::set_tracer(process* p, std::uint32_t serial, std::shared_ptr<message_tracer> tracer, bool* ok) {
    std::shared_ptr<message_tracer> replaced;
    {
        std::lock_guard lock(trace_mutex_);
        // Checked under the lock that finish_process's clear_tracer takes
        // after `alive` goes false: a trace set on a dying process is
        // either cleared by it or refused here.
        if (p->current_serial() != serial || !p->alive.load(std::memory_order_seq_cst) || p->is_zombie()) return;
        auto& slot = tracers_[p->index];
        if (slot.first == serial) replaced = std::move(slot.second);
        slot = {serial, std::move(tracer)};
        p->traced.store(true, std::memory_order_seq_cst);
        *ok = true;
    }
    if (replaced) replaced->on_end();
}

void node_impl::clear_tracer(process* p, const message_tracer* which) {
    std::shared_ptr<message_tracer> ended;
    {
        std::lock_guard lock(trace_mutex_);
        auto it = tracers_.find(p->index);
        if (it == tracers_.end()) return;
        if (which && it->second.second.get() != which) return;
        if (it->second.first == p->current_serial()) p->traced.store(false, std::memory_order_relaxed);
        ended = std::move(it->second.second);
        tracers_.erase(it);
    }
    ended->on_end();
}

void node_impl::trace_message(const pid& from, const pid& to, const term& message, const process* traced) {
    std::shared_ptr<message_tracer> tracer;
    {
        std::lock_guard lock(trace_mutex_);
        auto it = tracers_.find(traced->index);
        if (it == tracers_.end() || it->second.first != traced->current_serial()) return;
        tracer = it->second.second;
    }
    tracer->on_message(from, to, message);
}

} // namespace detail
} // namespace ember
