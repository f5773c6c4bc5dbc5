// The text of `applications`: a table (apps) and the supervision trees
// (tree).
//
// A tree_node holds a supervisor and the subtrees of those of its children
// that are supervisors; the drawing walks the children in start order and,
// at a child whose pid roots a subtree, descends into it, so every child
// shows in its place and a supervisor's strategy shows beside it.
//
//   front_desk  running
//   <0.40.0>  one_for_one, 2 restarts
//   ├─ front_desk  <0.41.0>  worker  permanent
//   └─ pool_sup  <0.43.0>  supervisor  permanent  one_for_all, 0 restarts
//      └─ w1  <0.44.0>  worker  transient
//   restarts of <0.40.0> (newest last):
//       AT  CHILD       OLD PID   REASON
//    1.5 s  front_desk  <0.41.0>  killed
//
// The restart history of each supervisor that has one follows its tree:
// the last few restarts, which say what has been dying and why.

#include <algorithm>

#include "ember/render/text.hpp"
#include "table.hpp"

namespace ember::render {
namespace {

using detail::column;

// Nesting drawn at most this deep: a tree is data from the network.
constexpr std::size_t max_drawn_depth = 64;
// Restarts listed a supervisor, the newest; the JSON has all the node keeps.
constexpr std::size_t max_listed_restarts = 5;

std::string name_of(atom a) { return a == atoms::undefined ? std::string("-") : std::string(a.name()); }

std::uint64_t restarts_in(const protocol::tree_node& n, std::size_t depth = 0) {
    std::uint64_t total = n.supervisor.restarts_total;
    if (depth < max_drawn_depth)
        for (const auto& sub : n.subtrees) total += restarts_in(sub, depth + 1);
    return total;
}

std::string strategy_text(const protocol::supervisor_row& s) {
    return name_of(s.strategy) + ", " + std::to_string(s.restarts_total) + (s.restarts_total == 1 ? " restart" : " restarts");
}

const protocol::tree_node* subtree_of(const protocol::tree_node& n, const std::optional<pid>& child) {
    if (!child) return nullptr;
    for (const auto& sub : n.subtrees)
        if (sub.supervisor.pid == *child) return &sub;
    return nullptr;
}

void draw_children(std::string& out, const protocol::tree_node& n, const std::string& prefix, std::size_t depth, std::size_t width) {
    const auto& children = n.supervisor.children;
    for (std::size_t i = 0; i < children.size(); ++i) {
        const protocol::child_row& c = children[i];
        const bool last = i + 1 == children.size();
        const protocol::tree_node* sub = subtree_of(n, c.pid);
        std::string line = prefix + (last ? "\u2514\u2500 " : "\u251c\u2500 ") + name_of(c.id) + "  " + (c.pid ? pid_text(*c.pid) : "-") + "  " +
                           name_of(c.type) + "  " + name_of(c.restart);
        if (sub) line += "  " + strategy_text(sub->supervisor);
        detail::append_line(out, line, width);
        if (sub && depth < max_drawn_depth) draw_children(out, *sub, prefix + (last ? "   " : "\u2502  "), depth + 1, width);
    }
}

void draw_restarts(std::string& out, const protocol::tree_node& n, std::size_t depth, const text_options& options) {
    const auto& restarts = n.supervisor.restarts;
    if (!restarts.empty()) {
        const std::size_t shown = std::min(restarts.size(), max_listed_restarts);
        std::string head = "restarts of " + pid_text(n.supervisor.pid) + " (newest last";
        if (shown < n.supervisor.restarts_total) head += "; the last " + std::to_string(shown) + " of " + std::to_string(n.supervisor.restarts_total);
        detail::append_line(out, head + "):", options.width);
        out += detail::restarts_table(std::span(restarts).last(shown), options.width, options.colour);
    }
    if (depth < max_drawn_depth)
        for (const auto& sub : n.subtrees) draw_restarts(out, sub, depth + 1, options);
}

} // namespace

std::string text(std::span<const protocol::application_row> apps, const text_options& options) {
    if (apps.empty()) return "no applications\n";
    detail::table t({column{"NAME", false, true, 10}, column{"STATUS"}, column{"SUPERVISOR"}, column{"CHILDREN", true}, column{"RESTARTS", true},
                     column{"EXIT REASON", false, true, 12, 1}});
    for (const auto& a : apps) {
        const bool tree = a.tree.has_value();
        t.add({name_of(a.name), a.running ? "running" : "stopped", tree ? pid_text(a.tree->supervisor.pid) : "-",
               tree ? std::to_string(a.tree->supervisor.children.size()) : "-", tree ? count_text(restarts_in(*a.tree)) : "-",
               a.exit_reason.empty() ? "-" : a.exit_reason});
    }
    return t.render(options.width, options.colour);
}

std::string tree(std::span<const protocol::application_row> apps, std::string_view only, const text_options& options) {
    std::string out;
    for (const auto& a : apps) {
        if (!only.empty() && a.name.name() != only) continue;
        if (!out.empty()) out += '\n';
        detail::append_line(out, name_of(a.name) + "  " + (a.running ? "running" : "stopped" + (a.exit_reason.empty() ? "" : ": " + a.exit_reason)),
                            options.width);
        if (!a.tree) continue;
        detail::append_line(out, pid_text(a.tree->supervisor.pid) + "  " + strategy_text(a.tree->supervisor), options.width);
        draw_children(out, *a.tree, "", 0, options.width);
        draw_restarts(out, *a.tree, 0, options);
    }
    return out;
}

} // namespace ember::render
