// node_services: the OTP layer's narrow view of node_impl.

#include "otp/node_services.hpp"

#include "node/node_access.hpp"
#include "node/node_impl.hpp"

namespace ember::detail {

node_services node_services::running() { return node_services(*running_process().node); }
node_services node_services::of(node& n) { return node_services(node_access::impl(n)); }
std::int64_t node_services::now_ns() const { return node_->now_ns(); }
unsigned node_services::restart_limit_margin() const { return node_->options().restart_limit_margin; }
void node_services::record_event(const runtime_event& e) const { node_->record_event(e); }
supervision_registry& node_services::supervision() const { return node_->supervision(); }

} // namespace ember::detail
