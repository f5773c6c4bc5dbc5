// process_table: pages of the node's sorted process table, asked for as
// they come on screen.

#include "ember/observer/process_table.hpp"

#include <algorithm>

namespace ember::observer {

term page_request::request() const { return term::tuple({"processes"_atom, to_term(options)}); }

process_table::process_table(std::size_t page_rows, std::size_t max_pages)
    : page_rows_(std::clamp<std::size_t>(page_rows, 1, protocol::processes_options::max_limit)), max_pages_(std::max<std::size_t>(max_pages, 1)) {}

// --- what to show ---

void process_table::set_sort(protocol::process_sort key, sort_direction direction) {
    if (key == key_ && direction == direction_) return;
    key_ = key;
    direction_ = direction;
    reset(); // the total does not depend on the order: it stays
}

void process_table::set_filter(std::string_view text) {
    std::size_t cut = std::min(text.size(), protocol::processes_options::max_filter_bytes);
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // not inside a character
    text = text.substr(0, cut);
    if (text == filter_) return;
    filter_ = std::string(text);
    reset();
    total_.reset();
}

void process_table::set_refresh(std::optional<std::chrono::milliseconds> every) { refresh_ = every; }

void process_table::set_visible(std::size_t first, std::size_t last) {
    first_ = first;
    // At most half the cache at once, so what is on screen is never evicted
    // by its own neighbours, and one call never asks for thousands of pages.
    last_ = std::min(std::max(first, last), first + page_rows_ * std::max<std::size_t>(max_pages_ / 2, 1));
}

void process_table::reset() {
    ++epoch_;
    pages_.clear();
    in_flight_.clear(); // their replies carry the old epoch and are dropped
    failed_.clear();
}

// --- requests ---

std::vector<std::size_t> process_table::visible_pages() const {
    std::vector<std::size_t> out;
    if (first_ >= last_) return out;
    for (std::size_t p = first_ / page_rows_; p <= (last_ - 1) / page_rows_; ++p) {
        if (total_ && p > 0 && p * page_rows_ >= *total_) break; // past the end
        out.push_back(p);
    }
    return out;
}

bool process_table::page_due(std::size_t page, clock::time_point now) const {
    if (in_flight_.contains(page)) return false;
    // A page that failed waits a refresh (a second when paused) before it
    // is asked again, so a lasting error is not asked every frame.
    if (auto f = failed_.find(page); f != failed_.end() && now - f->second < refresh_.value_or(retry_after_error)) return false;
    auto it = pages_.find(page);
    if (it == pages_.end()) return true;
    return refresh_ && now - it->second.fetched >= *refresh_;
}

bool process_table::refresh_due(clock::time_point now) const {
    const auto pages = visible_pages();
    if (pages.empty()) return false;
    if (direction_ == sort_direction::ascending && !total_) return page_due(page_request::probe, now);
    return std::any_of(pages.begin(), pages.end(), [&](std::size_t p) { return page_due(p, now); });
}

page_request process_table::make_request(std::size_t page) const {
    page_request r;
    r.page = page;
    r.epoch = epoch_;
    r.options.sort = key_;
    r.options.filter = filter_;
    if (page == page_request::probe) {
        r.options.limit = 1;
        return r;
    }
    const std::size_t start = page * page_rows_;
    if (direction_ == sort_direction::descending) {
        r.options.offset = std::min(start, protocol::processes_options::max_offset);
        r.options.limit = page_rows_;
        return r;
    }
    // Ascending: the mirrored range of the node's largest-first order.
    const std::size_t total = total_.value_or(0);
    const std::size_t end = total > start ? total - start : 0;
    r.options.offset = std::min(end > page_rows_ ? end - page_rows_ : 0, protocol::processes_options::max_offset);
    r.options.limit = std::max<std::size_t>(end - std::min(end, r.options.offset), 1);
    r.reversed = true;
    return r;
}

std::vector<page_request> process_table::take_requests(clock::time_point now) {
    std::vector<page_request> out;
    const auto pages = visible_pages();
    if (pages.empty()) return out;
    if (direction_ == sort_direction::ascending && !total_) {
        if (page_due(page_request::probe, now)) {
            in_flight_.insert(page_request::probe);
            out.push_back(make_request(page_request::probe));
        }
        return out;
    }
    for (std::size_t p : pages) {
        if (!page_due(p, now)) continue;
        in_flight_.insert(p);
        out.push_back(make_request(p));
    }
    return out;
}

void process_table::on_page(const page_request& r, const protocol::processes_page& page, clock::time_point now) {
    if (r.epoch != epoch_) return; // asked before the sort or filter changed
    in_flight_.erase(r.page);
    failed_.erase(r.page);
    total_ = static_cast<std::size_t>(page.matched);
    if (r.page == page_request::probe) return;
    cached c{page.rows, now};
    if (r.reversed) std::reverse(c.rows.begin(), c.rows.end());
    if (c.rows.size() > page_rows_) c.rows.resize(page_rows_);
    pages_[r.page] = std::move(c);
    evict();
}

void process_table::on_error(const page_request& r, clock::time_point now) {
    if (r.epoch != epoch_) return;
    in_flight_.erase(r.page);
    failed_[r.page] = now;
}

// The pages farthest from the visible ones go first.
void process_table::evict() {
    const std::size_t lo = first_ / page_rows_;
    const std::size_t hi = last_ > first_ ? (last_ - 1) / page_rows_ : lo;
    auto distance = [&](std::size_t p) { return p < lo ? lo - p : p > hi ? p - hi : 0; };
    while (pages_.size() > max_pages_) {
        auto far = std::max_element(pages_.begin(), pages_.end(),
                                    [&](const auto& a, const auto& b) { return distance(a.first) < distance(b.first); });
        pages_.erase(far);
    }
}

// --- rows ---

const protocol::process_row* process_table::row(std::size_t index) const {
    auto it = pages_.find(index / page_rows_);
    if (it == pages_.end()) return nullptr;
    const std::size_t i = index % page_rows_;
    return i < it->second.rows.size() ? &it->second.rows[i] : nullptr;
}

// --- selection ---

void process_table::select(const ember::pid& p) { selected_ = p; }

void process_table::clear_selection() noexcept { selected_.reset(); }

std::optional<std::size_t> process_table::selected_row() const {
    if (!selected_) return std::nullopt;
    for (const auto& [page, c] : pages_)
        for (std::size_t i = 0; i < c.rows.size(); ++i)
            if (c.rows[i].pid == *selected_) return page * page_rows_ + i;
    return std::nullopt;
}

} // namespace ember::observer
