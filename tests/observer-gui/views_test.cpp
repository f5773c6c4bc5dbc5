// observer-gui/ui/src/tree_layout: the Applications view's graph laid out
// without ImGui: supervisors centred on their children, siblings apart,
// depth as the column, and the bounds that keep a large tree drawable.

#include "tree_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace ember::observer::ui {
namespace {

pid local(std::uint32_t id) { return pid{atoms::nonode_nohost, id, 0, 0}; }

protocol::tree_node supervisor(std::uint32_t p) {
    protocol::tree_node n;
    n.supervisor.pid = local(p);
    n.supervisor.strategy = "one_for_one"_atom;
    return n;
}

void add_worker(protocol::tree_node& n, std::uint32_t p) {
    n.supervisor.children.push_back({atom("w" + std::to_string(p)), local(p), "worker"_atom, "permanent"_atom});
    ++n.supervisor.children_count;
}

void add_supervisor(protocol::tree_node& n, protocol::tree_node child) {
    const std::uint32_t p = child.supervisor.pid.id;
    n.supervisor.children.push_back({atom("s" + std::to_string(p)), local(p), "supervisor"_atom, "permanent"_atom});
    ++n.supervisor.children_count;
    n.subtrees.push_back(std::move(child));
}

// A tree of random shape, the same each run: up to `depth` levels of
// supervisors, workers and supervisors interleaved in start order.
protocol::tree_node random_tree(std::mt19937& random, std::uint32_t& next_pid, int depth) {
    protocol::tree_node n = supervisor(next_pid++);
    const int children = std::uniform_int_distribution<int>(0, 6)(random);
    for (int i = 0; i < children; ++i) {
        if (depth > 1 && std::uniform_int_distribution<int>(0, 2)(random) == 0) add_supervisor(n, random_tree(random, next_pid, depth - 1));
        else add_worker(n, next_pid++);
    }
    return n;
}

std::vector<std::size_t> children_of(const tree_layout& l, std::size_t parent) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < l.boxes.size(); ++i)
        if (l.boxes[i].parent == parent) out.push_back(i);
    return out;
}

// Every rule of tree_layout.hpp that holds for any tree.
void expect_tidy(const tree_layout& l) {
    ASSERT_FALSE(l.boxes.empty());
    EXPECT_EQ(l.boxes[0].parent, layout_box::no_parent);
    EXPECT_EQ(l.boxes[0].depth, 0u);
    std::size_t deepest = 0;
    for (std::size_t i = 0; i < l.boxes.size(); ++i) {
        const layout_box& b = l.boxes[i];
        deepest = std::max(deepest, b.depth);
        EXPECT_GE(b.row, 0) << "box " << i;
        EXPECT_LE(b.row, static_cast<double>(l.rows) - 1) << "box " << i;
        if (i > 0) {
            ASSERT_LT(b.parent, i) << "a parent comes before its children";
            EXPECT_EQ(b.depth, l.boxes[b.parent].depth + 1) << "box " << i << ": depth is the column";
        }
        const auto children = children_of(l, i);
        if (!children.empty()) {
            EXPECT_DOUBLE_EQ(b.row, (l.boxes[children.front()].row + l.boxes[children.back()].row) / 2) << "box " << i << " is not centred";
        }
        for (std::size_t k = 1; k < children.size(); ++k)
            EXPECT_GT(l.boxes[children[k]].row, l.boxes[children[k - 1]].row) << "children in start order, top to bottom";
    }
    EXPECT_EQ(l.columns, deepest + 1);
    // No two boxes of a column overlap: a row apart at least.
    std::map<std::size_t, std::vector<double>> columns;
    for (const layout_box& b : l.boxes) columns[b.depth].push_back(b.row);
    for (auto& [depth, rows] : columns) {
        std::sort(rows.begin(), rows.end());
        for (std::size_t k = 1; k < rows.size(); ++k) EXPECT_GE(rows[k] - rows[k - 1], 1.0) << "column " << depth;
    }
}

TEST(tree_layout, a_lone_supervisor_is_one_box) {
    const protocol::tree_node root = supervisor(1);
    const tree_layout l = layout_tree(root);
    ASSERT_EQ(l.boxes.size(), 1u);
    EXPECT_EQ(l.boxes[0].kind, box_kind::supervisor);
    EXPECT_EQ(l.boxes[0].supervisor, &root.supervisor);
    EXPECT_EQ(l.boxes[0].child, nullptr);
    EXPECT_EQ(l.boxes[0].row, 0);
    EXPECT_EQ(l.rows, 1u);
    EXPECT_EQ(l.columns, 1u);
}

TEST(tree_layout, supervisors_sit_between_their_first_and_last_child) {
    // root -> a, b -> (b1, b2), c: the drawing of tree_layout.hpp.
    protocol::tree_node root = supervisor(1);
    add_worker(root, 2);
    protocol::tree_node b = supervisor(3);
    add_worker(b, 4);
    add_worker(b, 5);
    add_supervisor(root, std::move(b));
    add_worker(root, 6);

    const tree_layout l = layout_tree(root);
    ASSERT_EQ(l.boxes.size(), 6u);
    // Pre-order: root, a, b, b1, b2, c.
    EXPECT_EQ(l.boxes[0].row, 1.5);
    EXPECT_EQ(l.boxes[1].row, 0);
    EXPECT_EQ(l.boxes[2].row, 1.5);
    EXPECT_EQ(l.boxes[3].row, 1);
    EXPECT_EQ(l.boxes[4].row, 2);
    EXPECT_EQ(l.boxes[5].row, 3);
    EXPECT_EQ(l.rows, 4u);
    EXPECT_EQ(l.columns, 3u);

    EXPECT_EQ(l.boxes[1].kind, box_kind::worker);
    EXPECT_EQ(l.boxes[1].child, &root.supervisor.children[0]);
    EXPECT_EQ(l.boxes[1].supervisor, nullptr);
    EXPECT_EQ(l.boxes[2].kind, box_kind::supervisor);
    EXPECT_EQ(l.boxes[2].supervisor, &root.subtrees[0].supervisor);
    EXPECT_EQ(l.boxes[2].child, &root.supervisor.children[1]);
    EXPECT_EQ(l.boxes[3].parent, 2u);
    expect_tidy(l);
}

TEST(tree_layout, depth_is_the_column) {
    // A chain root -> s2 -> s3 -> s4 -> worker.
    protocol::tree_node s4 = supervisor(4);
    add_worker(s4, 5);
    protocol::tree_node s3 = supervisor(3);
    add_supervisor(s3, std::move(s4));
    protocol::tree_node s2 = supervisor(2);
    add_supervisor(s2, std::move(s3));
    protocol::tree_node root = supervisor(1);
    add_supervisor(root, std::move(s2));

    const tree_layout l = layout_tree(root);
    ASSERT_EQ(l.boxes.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(l.boxes[i].depth, i);
        EXPECT_EQ(l.boxes[i].row, 0) << "one row: every box centred on its only child";
    }
    EXPECT_EQ(l.columns, 5u);
    EXPECT_EQ(l.rows, 1u);
}

TEST(tree_layout, random_trees_are_tidy) {
    std::mt19937 random(12);
    for (int round = 0; round < 200; ++round) {
        std::uint32_t next_pid = 1;
        const protocol::tree_node root = random_tree(random, next_pid, 5);
        const tree_layout l = layout_tree(root, {.max_boxes = 1'000'000});
        ASSERT_EQ(l.boxes.size(), next_pid - 1) << "every process drawn in round " << round;
        expect_tidy(l);
        if (HasFailure()) FAIL() << "round " << round;
    }
}

TEST(tree_layout, subtrees_out_of_order_are_still_found) {
    protocol::tree_node root = supervisor(1);
    add_supervisor(root, supervisor(2));
    protocol::tree_node s3 = supervisor(3);
    add_worker(s3, 4);
    add_supervisor(root, std::move(s3));
    std::swap(root.subtrees[0], root.subtrees[1]);

    const tree_layout l = layout_tree(root);
    ASSERT_EQ(l.boxes.size(), 4u);
    EXPECT_EQ(l.boxes[1].supervisor, &root.subtrees[1].supervisor); // <0.2.0>
    EXPECT_EQ(l.boxes[2].supervisor, &root.subtrees[0].supervisor); // <0.3.0>
    EXPECT_EQ(l.boxes[3].parent, 2u);
    expect_tidy(l);
}

TEST(tree_layout, a_supervisor_child_without_a_subtree_is_a_supervisor_box) {
    protocol::tree_node root = supervisor(1);
    root.supervisor.children.push_back({"pool"_atom, local(2), "supervisor"_atom, "permanent"_atom});
    root.supervisor.children.push_back({"idle"_atom, std::nullopt, "worker"_atom, "transient"_atom}); // not running
    root.supervisor.children_count = 2;

    const tree_layout l = layout_tree(root);
    ASSERT_EQ(l.boxes.size(), 3u);
    EXPECT_EQ(l.boxes[1].kind, box_kind::supervisor);
    EXPECT_EQ(l.boxes[1].supervisor, nullptr);
    EXPECT_EQ(l.boxes[2].kind, box_kind::worker);
    expect_tidy(l);
}

TEST(tree_layout, children_the_node_cut_are_one_more_box) {
    protocol::tree_node root = supervisor(1);
    for (std::uint32_t p = 2; p < 5; ++p) add_worker(root, p);
    root.supervisor.children_count = 1500; // the node sent a page of 3

    const tree_layout l = layout_tree(root);
    ASSERT_EQ(l.boxes.size(), 5u);
    const layout_box& more = l.boxes.back();
    EXPECT_EQ(more.kind, box_kind::more);
    EXPECT_EQ(more.more, 1497u);
    EXPECT_EQ(more.parent, 0u);
    EXPECT_EQ(more.row, 3);
    EXPECT_EQ(l.not_drawn, 0u) << "none left out here";
    expect_tidy(l);
}

TEST(tree_layout, boxes_are_capped) {
    protocol::tree_node root = supervisor(1);
    for (std::uint32_t p = 2; p < 1002; ++p) add_worker(root, p);
    root.supervisor.children_count = 1500;

    const tree_layout l = layout_tree(root, {.max_boxes = 50});
    const auto drawn = std::count_if(l.boxes.begin(), l.boxes.end(), [](const layout_box& b) { return b.kind != box_kind::more; });
    EXPECT_EQ(drawn, 50);
    ASSERT_EQ(l.boxes.size(), 51u);
    EXPECT_EQ(l.boxes.back().kind, box_kind::more);
    EXPECT_EQ(l.boxes.back().more, 1500u - 49u);
    EXPECT_EQ(l.not_drawn, 1000u - 49u);
    EXPECT_EQ(l.rows, 50u);
    expect_tidy(l);
}

TEST(tree_layout, a_capped_deep_tree_keeps_the_cap_and_stays_tidy) {
    // 1 + 21 supervisors of 100 workers: 2122 boxes, over the default cap,
    // which falls in the 20th supervisor.
    protocol::tree_node root = supervisor(1);
    std::uint32_t next_pid = 2;
    for (int s = 0; s < 21; ++s) {
        protocol::tree_node sub = supervisor(next_pid++);
        for (int w = 0; w < 100; ++w) add_worker(sub, next_pid++);
        add_supervisor(root, std::move(sub));
    }
    const tree_layout l = layout_tree(root);
    const auto drawn = std::count_if(l.boxes.begin(), l.boxes.end(), [](const layout_box& b) { return b.kind != box_kind::more; });
    EXPECT_EQ(drawn, 2000);
    EXPECT_EQ(l.not_drawn, 21u + 1u);
    // The supervisor the cap fell in shows the rest of its workers, and the
    // root the supervisors it could not reach.
    ASSERT_EQ(std::count_if(l.boxes.begin(), l.boxes.end(), [](const layout_box& b) { return b.kind == box_kind::more; }), 2);
    const layout_box& workers_more = l.boxes[l.boxes.size() - 2];
    EXPECT_EQ(workers_more.kind, box_kind::more);
    EXPECT_EQ(workers_more.more, 21u);
    EXPECT_EQ(l.boxes[workers_more.parent].depth, 1u);
    EXPECT_EQ(l.boxes.back().kind, box_kind::more);
    EXPECT_EQ(l.boxes.back().parent, 0u);
    EXPECT_EQ(l.boxes.back().more, 1u);
    expect_tidy(l);
}

TEST(tree_layout, depth_is_capped) {
    protocol::tree_node s3 = supervisor(3);
    add_worker(s3, 4);
    add_worker(s3, 5);
    protocol::tree_node s2 = supervisor(2);
    add_supervisor(s2, std::move(s3));
    protocol::tree_node root = supervisor(1);
    add_supervisor(root, std::move(s2));

    const tree_layout l = layout_tree(root, {.max_depth = 2});
    ASSERT_EQ(l.boxes.size(), 3u); // root, s2, and "+1 more" for s3
    EXPECT_EQ(l.boxes[2].kind, box_kind::more);
    EXPECT_EQ(l.boxes[2].more, 1u);
    EXPECT_EQ(l.boxes[2].depth, 2u);
    EXPECT_EQ(l.columns, 3u);
    EXPECT_EQ(l.not_drawn, 1u);
    expect_tidy(l);
}

} // namespace
} // namespace ember::observer::ui
