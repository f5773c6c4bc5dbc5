#pragma once
// tree_layout: where each box of a supervision tree goes in the
// Applications view's graph. A pure function of the tree, so the layout is
// tested without ImGui (tests/observer-gui/views_test.cpp) and the view
// only scales it to pixels and draws.
//
// A tidy layout drawn left to right: a box's depth is its column; boxes
// without children take consecutive rows, in the order their supervisor
// started them; a supervisor sits halfway between its first and its last
// child. Each subtree so holds a band of rows of its own: siblings never
// overlap and edges never cross.
//
//   root ─┬─ a            row 0
//         ├─ b ─┬─ b1     row 1
//         │     └─ b2     row 2      (b at 1.5, root at (0 + 3) / 2)
//         └─ c            row 3
//
// A tree is data from the network and is bounded twice here: at most
// max_boxes boxes (the children left over at that point become one
// "+N more" box) and at most max_depth columns (recursion stays shallow).
// A supervisor whose children the node cut (children_count above
// children.size()) gets a "+N more" box too.
//
// Any thread; nothing is thrown but std::bad_alloc.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "ember/protocol/replies.hpp"

namespace ember::observer::ui {

enum class box_kind : std::uint8_t {
    supervisor, ///< the root, a child with a subtree, or a child of type supervisor
    worker,
    more,       ///< "+N more": children not drawn
};

/// One box. Its pointers point into the tree given to layout_tree(), so a
/// layout lives no longer than that tree (the view lays out again each
/// frame: the node replaces its applications whenever it pushes them).
struct layout_box {
    static constexpr std::size_t no_parent = std::numeric_limits<std::size_t>::max();
    box_kind kind = box_kind::worker;
    /// A supervisor's own row (children, strategy, restarts); nullptr for a
    /// worker, a `more` box, and a supervisor child the tree holds no
    /// subtree of (not running, or cut by the node's bounds).
    const protocol::supervisor_row* supervisor = nullptr;
    /// How its parent lists it; nullptr for the root and for `more`.
    const protocol::child_row* child = nullptr;
    std::size_t parent = no_parent; ///< index in tree_layout::boxes
    std::size_t depth = 0;          ///< the column, 0 for the root
    double row = 0;                 ///< the centre, in rows from the top
    std::uint64_t more = 0;         ///< kind `more`: how many children it stands for
};

struct tree_layout {
    /// Pre-order: a parent before its children, children in start order.
    std::vector<layout_box> boxes;
    std::size_t rows = 0;    ///< rows taken: the graph's height
    std::size_t columns = 0; ///< the deepest column + 1: the graph's width
    /// Children left out here by max_boxes or max_depth (the `more` boxes
    /// count them; their own descendants are not counted). Children the
    /// node itself left out are not in this figure.
    std::uint64_t not_drawn = 0;
};

struct tree_layout_options {
    /// Boxes drawn at most, `more` boxes aside (one at most per supervisor
    /// drawn); at least the root is drawn.
    std::size_t max_boxes = 2000;
    /// Columns of supervisors and workers at most, at least 1; the children
    /// of a supervisor in the last of them are one `more` box in the column
    /// after.
    std::size_t max_depth = 64;
};

/// Lays out the tree rooted at `root`.
tree_layout layout_tree(const protocol::tree_node& root, const tree_layout_options& options = {});

} // namespace ember::observer::ui
