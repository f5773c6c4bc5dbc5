// Load charts: per-scheduler utilization and run queues, process memory,
// reduction and message rates, and the process count, over the last 1, 5,
// 10 or 60 minutes. Drawn from history_store, which the connection seeded
// with the agent's rings on connect, so a late connect shows the past at
// once (Erlang's Observer starts its graphs empty).

#include <algorithm>
#include <array>
#include <chrono>
#include <string>

#include <imgui.h>

#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"

namespace ember::observer::ui {

namespace {

struct window_choice {
    const char* label;
    std::chrono::minutes span;
};
constexpr std::array windows{window_choice{"1 min", std::chrono::minutes(1)}, window_choice{"5 min", std::chrono::minutes(5)},
                             window_choice{"10 min", std::chrono::minutes(10)}, window_choice{"60 min", std::chrono::minutes(60)}};

} // namespace

void load_view::fill(const node_session& s, chart_data& d, std::span<const std::string> names, std::span<const std::string> labels) {
    const auto span = windows[static_cast<std::size_t>(window_index_)].span;
    d.points.resize(names.size());
    d.labels.assign(labels.begin(), labels.end());
    d.series.clear();
    for (std::size_t i = 0; i < names.size(); ++i) {
        s.history().window(names[i], span, scratch_);
        auto& pts = d.points[i];
        pts.clear();
        pts.reserve(scratch_.size());
        for (const sample& x : scratch_) pts.push_back({x.t, x.v});
    }
    for (std::size_t i = 0; i < names.size(); ++i) d.series.push_back({d.labels[i], d.points[i], 0});
}

void load_view::draw(node_session& s) {
    if (!connected_or_banner(s)) return;

    ImGui::TextUnformatted("Window");
    for (std::size_t i = 0; i < windows.size(); ++i) {
        ImGui::SameLine();
        ImGui::RadioButton(windows[i].label, &window_index_, static_cast<int>(i));
    }
    ImGui::SameLine();
    help_marker("From the agent's history rings: one sample a second, ten minutes kept by the node, an hour kept here. "
                "Hover a chart for values and times.");

    // The node's count, bounded as node_connection bounds the history it asks.
    const std::size_t schedulers = s.system() ? static_cast<std::size_t>(std::min<std::uint64_t>(s.system()->schedulers, 1024)) : 0;
    if (s.history().latest() <= 0) {
        dim_text("No history yet: the node's first sample comes within a second.");
        return;
    }
    const double now_s = s.history().latest();
    const double window_s = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(windows[static_cast<std::size_t>(window_index_)].span).count());
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const float height = ImGui::GetFontSize() * 11;

    auto chart = [&](line_chart& c, chart_data& d, const char* title, const char* id, value_unit unit, std::optional<value_range> fixed) {
        ImGui::BeginGroup();
        ImGui::TextUnformatted(title);
        ImGui::PushItemWidth(half);
        ImGui::BeginChild(id, ImVec2(half, height + ImGui::GetFontSize() * 3.5f), false, ImGuiWindowFlags_NoScrollbar);
        c.draw(id, d.series, {.unit = unit, .height = height, .window_s = window_s, .now_s = now_s, .fixed_y = fixed});
        ImGui::EndChild();
        ImGui::PopItemWidth();
        ImGui::EndGroup();
    };

    // Per scheduler: the series' names are made when the count changes, not each frame.
    if (labels_.size() != schedulers) {
        utilization_names_.clear();
        run_queue_names_.clear();
        labels_.clear();
        for (std::size_t i = 0; i < schedulers; ++i) {
            utilization_names_.push_back("utilization_" + std::to_string(i));
            run_queue_names_.push_back("run_queue_" + std::to_string(i));
            labels_.push_back("scheduler " + std::to_string(i));
        }
    }
    fill(s, data_[0], utilization_names_, labels_);
    fill(s, data_[1], run_queue_names_, labels_);
    chart(utilization_, data_[0], "Scheduler utilization", "##utilization", value_unit::percent, value_range{0, 1});
    ImGui::SameLine();
    chart(run_queue_, data_[1], "Run queue lengths", "##run_queue", value_unit::count, std::nullopt);

    // Node-wide.
    static const std::string memory[] = {"memory"};
    static const std::string memory_label[] = {"process memory"};
    static const std::string rates[] = {"reduction_rate", "message_rate"};
    static const std::string rate_labels[] = {"reductions/s", "messages/s"};
    static const std::string processes[] = {"process_count"};
    static const std::string process_labels[] = {"processes"};
    fill(s, data_[2], memory, memory_label);
    fill(s, data_[3], rates, rate_labels);
    fill(s, data_[4], processes, process_labels);
    chart(memory_, data_[2], "Memory", "##memory", value_unit::bytes, std::nullopt);
    ImGui::SameLine();
    chart(rates_, data_[3], "Reduction and message rates", "##rates", value_unit::rate, std::nullopt);
    chart(processes_, data_[4], "Processes", "##processes", value_unit::count, std::nullopt);
}

} // namespace ember::observer::ui
