// tree_layout: the tidy layout of a supervision tree for the Applications
// view's graph (see tree_layout.hpp for the rules and the bounds).

#include "tree_layout.hpp"

#include <algorithm>
#include <optional>

namespace ember::observer::ui {

namespace {

// The subtree of child `c`, if the tree holds one. The node lists subtrees
// in the order of the children they belong to (introspection/query's
// tree_of), so the next unmatched one is tried first and a lookup costs
// one comparison; the search over all of them is only for a supervisor
// child when that order does not hold (a subtree the node cut short).
const protocol::tree_node* subtree_of(const protocol::tree_node& n, const protocol::child_row& c, std::size_t& next) {
    if (!c.pid) return nullptr;
    const auto& subs = n.subtrees;
    if (next < subs.size() && subs[next].supervisor.pid == *c.pid) return &subs[next++];
    if (c.type != "supervisor"_atom) return nullptr;
    for (const auto& s : subs)
        if (s.supervisor.pid == *c.pid) return &s;
    return nullptr;
}

class layouter {
public:
    explicit layouter(const tree_layout_options& options)
        : budget_(std::max<std::size_t>(options.max_boxes, 1)), max_depth_(std::max<std::size_t>(options.max_depth, 1)) {}

    tree_layout run(const protocol::tree_node& root) {
        place(&root, nullptr, layout_box::no_parent, 0);
        out_.rows = next_row_;
        return std::move(out_);
    }

private:
    // Places one box, then its children below it in the list, then gives it
    // its row: the children's rows are known only once they are placed.
    // Indices, not references: the vector grows meanwhile. The caller
    // checked the budget.
    void place(const protocol::tree_node* sub, const protocol::child_row* child, std::size_t parent, std::size_t depth) {
        const std::size_t at = out_.boxes.size();
        layout_box b;
        b.kind = (sub || (child && child->type == "supervisor"_atom)) ? box_kind::supervisor : box_kind::worker;
        b.supervisor = sub ? &sub->supervisor : nullptr;
        b.child = child;
        b.parent = parent;
        b.depth = depth;
        out_.boxes.push_back(b);
        out_.columns = std::max(out_.columns, depth + 1);
        --budget_;

        std::optional<double> first;
        double last = 0;
        if (sub) place_children(*sub, at, depth, first, last);
        out_.boxes[at].row = first ? (*first + last) / 2 : static_cast<double>(next_row_++);
    }

    void place_children(const protocol::tree_node& n, std::size_t at, std::size_t depth, std::optional<double>& first, double& last) {
        const auto note = [&](std::size_t child_box) {
            const double row = out_.boxes[child_box].row;
            if (!first) first = row;
            last = row;
        };
        const auto& children = n.supervisor.children;
        std::size_t drawn = 0;
        if (depth + 1 < max_depth_) {
            std::size_t next_sub = 0;
            for (const protocol::child_row& c : children) {
                if (budget_ == 0) break;
                const std::size_t child_box = out_.boxes.size();
                place(subtree_of(n, c, next_sub), &c, at, depth + 1);
                note(child_box);
                ++drawn;
            }
        }
        // What was not drawn, by our bounds or by the node's, is one box
        // after the rest, so the band of rows stays whole.
        const std::uint64_t total = std::max<std::uint64_t>(n.supervisor.children_count, children.size());
        if (drawn == total) return;
        out_.not_drawn += children.size() - drawn;
        layout_box m;
        m.kind = box_kind::more;
        m.parent = at;
        m.depth = depth + 1;
        m.more = total - drawn;
        m.row = static_cast<double>(next_row_++);
        out_.boxes.push_back(m);
        out_.columns = std::max(out_.columns, depth + 2);
        note(out_.boxes.size() - 1);
    }

    tree_layout out_;
    std::size_t budget_;
    std::size_t max_depth_;
    std::size_t next_row_ = 0;
};

} // namespace

tree_layout layout_tree(const protocol::tree_node& root, const tree_layout_options& options) { return layouter(options).run(root); }

} // namespace ember::observer::ui
