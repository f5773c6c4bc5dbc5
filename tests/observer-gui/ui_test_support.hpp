#pragma once
// A headless Dear ImGui for the UI's tests: a context with a built font
// atlas and no backend (no window, no GL), frames run by hand, and what they
// drew read back from the draw lists. Input is set before a frame, as a
// backend would: hover needs two frames, because ImGui finds the hovered
// window at NewFrame from the windows of the frame before.
//
//   headless_imgui gui;                       // one per test; it is the current context
//   gui.frame([&] { chart.draw("##c", series, options); });
//   gui.set_mouse({400, 100});
//   gui.frame([&] { drawn d = record([&] { chart.draw("##c", series, options); }); ... });
//
// Nothing here sleeps or reads a clock: io.DeltaTime is a fixed 1/60 s.

#include <cfloat>
#include <cstddef>
#include <utility>

#include <imgui.h>

namespace ember::observer::ui::test {

/// Owns an ImGui context and makes it current; destroys it at the end of
/// its scope. One at a time per thread (ImGui has one current context).
class headless_imgui {
public:
    explicit headless_imgui(ImVec2 display = {800, 600}) : context_(ImGui::CreateContext()) {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = display;
        io.DeltaTime = 1.0f / 60;
        io.IniFilename = nullptr; // no imgui.ini written by tests
        io.LogFilename = nullptr;
        unsigned char* pixels = nullptr;
        int width = 0;
        int height = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height); // builds the atlas NewFrame wants
    }
    ~headless_imgui() { ImGui::DestroyContext(context_); }
    headless_imgui(const headless_imgui&) = delete;
    headless_imgui& operator=(const headless_imgui&) = delete;

    ImGuiIO& io() { return ImGui::GetIO(); }
    /// Where the mouse is from the next frame on; off screen (ImGui's "no
    /// mouse") by default.
    void set_mouse(ImVec2 pos) { ImGui::GetIO().MousePos = pos; }
    void clear_mouse() { set_mouse({-FLT_MAX, -FLT_MAX}); }

    /// NewFrame, then one window "test" covering the display, without title
    /// bar, scrollbars or saved settings; its content starts at the style's
    /// WindowPadding (8, 8 by default).
    void begin_frame() {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("test", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove);
    }
    /// Ends the window and the frame; the draw data stays valid until the next frame.
    const ImDrawData& end_frame() {
        ImGui::End();
        ImGui::Render();
        return *ImGui::GetDrawData();
    }
    /// One whole frame with `draw` inside the window.
    template <class Draw>
    const ImDrawData& frame(Draw&& draw) {
        begin_frame();
        std::forward<Draw>(draw)();
        return end_frame();
    }

private:
    ImGuiContext* context_;
};

/// The vertices one piece of drawing added to the current window's draw
/// list: VtxBuffer[from, to). Valid until the next frame.
struct drawn {
    const ImDrawList* list = nullptr;
    int from = 0;
    int to = 0;
    int size() const noexcept { return to - from; }
    const ImDrawVert& operator[](int i) const { return list->VtxBuffer[from + i]; }
};

/// Runs `draw` (inside a window, inside a frame) and returns the vertices
/// it added to that window's draw list. What it draws into other windows
/// (a tooltip) is not counted.
template <class Draw>
drawn record(Draw&& draw) {
    const ImDrawList* list = ImGui::GetWindowDrawList();
    const int from = list->VtxBuffer.Size;
    std::forward<Draw>(draw)();
    return {list, from, list->VtxBuffer.Size};
}

/// How many of `d`'s vertices satisfy `pred(const ImDrawVert&)`.
template <class Pred>
int count_vertices(const drawn& d, Pred&& pred) {
    int n = 0;
    for (int i = 0; i < d.size(); ++i)
        if (pred(d[i])) ++n;
    return n;
}

/// Whether `p` lies in the rectangle min..max grown by `slack` on every side.
inline bool inside(ImVec2 p, ImVec2 min, ImVec2 max, float slack = 0) noexcept {
    return p.x >= min.x - slack && p.x <= max.x + slack && p.y >= min.y - slack && p.y <= max.y + slack;
}

/// All the vertices of a frame's draw data, every window's list.
inline int total_vertices(const ImDrawData& data) {
    int n = 0;
    for (int i = 0; i < data.CmdListsCount; ++i) n += data.CmdLists[i]->VtxBuffer.Size;
    return n;
}

} // namespace ember::observer::ui::test
