// The supervision registry; see supervision_registry.hpp.

#include "otp/supervision_registry.hpp"

#include <algorithm>

namespace ember::detail {

void supervision_registry::publish(supervisor_stats s) {
    std::lock_guard lock(mutex_);
    supervisors_[key(s.id)] = std::move(s);
}

void supervision_registry::withdraw(const pid& supervisor) {
    std::lock_guard lock(mutex_);
    supervisors_.erase(key(supervisor));
}

std::optional<supervisor_stats> supervision_registry::find(const pid& supervisor) const {
    std::lock_guard lock(mutex_);
    auto it = supervisors_.find(key(supervisor));
    if (it == supervisors_.end() || it->second.id != supervisor) return std::nullopt;
    return it->second;
}

std::vector<pid> supervision_registry::supervisors() const {
    std::lock_guard lock(mutex_);
    std::vector<pid> out;
    out.reserve(supervisors_.size());
    for (const auto& [k, s] : supervisors_) out.push_back(s.id);
    return out;
}

bool supervision_registry::claim_application(atom name) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(applications_.begin(), applications_.end(), [&](const application_stats& x) { return x.name == name; });
    if (it != applications_.end() && it->running) return false;
    application_stats starting{name, {}, true, atoms::undefined};
    if (it == applications_.end()) applications_.push_back(starting);
    else *it = starting;
    return true;
}

void supervision_registry::set_application(application_stats a) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(applications_.begin(), applications_.end(), [&](const application_stats& x) { return x.name == a.name; });
    if (it == applications_.end()) applications_.push_back(std::move(a));
    else *it = std::move(a);
}

std::vector<application_stats> supervision_registry::applications() const {
    std::lock_guard lock(mutex_);
    return applications_;
}

} // namespace ember::detail
