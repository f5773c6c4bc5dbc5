#pragma once
// The one door from an ember::node to its node_impl, for the runtime's own
// sources (probe, block_on, the OTP layer's node_services). node.hpp names
// this struct a friend and nothing else; code outside runtime/src cannot
// include this header.

#include "ember/runtime/node.hpp"

namespace ember::detail {

struct node_access {
    static node_impl& impl(node& n) noexcept { return *n.impl_; }
    static const node_impl& impl(const node& n) noexcept { return *n.impl_; }
};

} // namespace ember::detail
