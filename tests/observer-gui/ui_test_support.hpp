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
//
// A user's input (the [input] section) is given as a backend gives it, one
// step a frame: keys by GLFW's codes (ember-observer's backend), held down
// for one frame; a click as a move, a press and a release. Each helper takes
// the test's own frame (any callable running one whole frame), so it drives
// code that makes its own windows (ui::app) as well as a widget.
//
// ImGui keeps no rectangle of an item by its label; the [items] section
// finds one as ImGui's keyboard navigation does (imgui_internal.h).

#include <cfloat>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include <imgui.h>
#include <imgui_internal.h>

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
    /// One whole frame without the "test" window, for code that makes its
    /// own windows (ui::app): NewFrame, `draw`, Render.
    template <class Draw>
    const ImDrawData& bare_frame(Draw&& draw) {
        ImGui::NewFrame();
        std::forward<Draw>(draw)();
        ImGui::Render();
        return *ImGui::GetDrawData();
    }

    /// The keyboard as ember-observer has it: io.KeyMap filled with GLFW's
    /// key codes as imgui_impl_glfw 1.86 fills it (glfw_key below), and
    /// keyboard navigation on.
    void use_glfw_keys();

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

// [input] ---------------------------------------------------------------------

/// GLFW's key codes, which ember-observer's backend puts in io.KeysDown
/// (letters are their upper-case ASCII: 'F').
namespace glfw_key {
inline constexpr int space = 32, escape = 256, enter = 257, tab = 258, backspace = 259, insert = 260, del = 261, right = 262, left = 263,
                     down = 264, up = 265, page_up = 266, page_down = 267, home = 268, end = 269, keypad_enter = 335;
} // namespace glfw_key

inline void headless_imgui::use_glfw_keys() {
    ImGuiIO& io = ImGui::GetIO();
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.KeyMap[ImGuiKey_Tab] = glfw_key::tab;
    io.KeyMap[ImGuiKey_LeftArrow] = glfw_key::left;
    io.KeyMap[ImGuiKey_RightArrow] = glfw_key::right;
    io.KeyMap[ImGuiKey_UpArrow] = glfw_key::up;
    io.KeyMap[ImGuiKey_DownArrow] = glfw_key::down;
    io.KeyMap[ImGuiKey_PageUp] = glfw_key::page_up;
    io.KeyMap[ImGuiKey_PageDown] = glfw_key::page_down;
    io.KeyMap[ImGuiKey_Home] = glfw_key::home;
    io.KeyMap[ImGuiKey_End] = glfw_key::end;
    io.KeyMap[ImGuiKey_Insert] = glfw_key::insert;
    io.KeyMap[ImGuiKey_Delete] = glfw_key::del;
    io.KeyMap[ImGuiKey_Backspace] = glfw_key::backspace;
    io.KeyMap[ImGuiKey_Space] = glfw_key::space;
    io.KeyMap[ImGuiKey_Enter] = glfw_key::enter;
    io.KeyMap[ImGuiKey_Escape] = glfw_key::escape;
    io.KeyMap[ImGuiKey_KeyPadEnter] = glfw_key::keypad_enter;
    io.KeyMap[ImGuiKey_A] = 'A';
    io.KeyMap[ImGuiKey_C] = 'C';
    io.KeyMap[ImGuiKey_V] = 'V';
    io.KeyMap[ImGuiKey_X] = 'X';
    io.KeyMap[ImGuiKey_Y] = 'Y';
    io.KeyMap[ImGuiKey_Z] = 'Z';
}

/// `key` (a GLFW code) down for one frame, with Ctrl held when `ctrl`,
/// then up for one: a key press ImGui::IsKeyPressed sees once.
template <class Frame>
void press_key(Frame&& frame, int key, bool ctrl = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = ctrl;
    io.KeysDown[key] = true;
    frame();
    io.KeysDown[key] = false;
    io.KeyCtrl = false;
    frame();
}

/// Characters typed (ASCII), taken by the text field that has the keyboard in one frame.
template <class Frame>
void type_text(Frame&& frame, std::string_view text) {
    for (char c : text) ImGui::GetIO().AddInputCharacter(static_cast<unsigned char>(c));
    frame();
}

/// The left button clicked at `at`: a frame to hover there (ImGui finds the
/// hovered window from the frame before), one pressed, one released. The
/// mouse stays there.
template <class Frame>
void click(Frame&& frame, ImVec2 at) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = at;
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
}

// [items] ---------------------------------------------------------------------

/// The window of that name (a title, or its part from "###" on) if the
/// last frame drew it, else nullptr. Between frames: ImGui clears
/// ImGuiWindow::Active only at the next NewFrame.
inline ImGuiWindow* shown_window(const char* name) {
    ImGuiWindow* w = ImGui::FindWindowByName(name);
    return w && w->Active ? w : nullptr;
}

/// The first window the last frame drew whose name contains `part`: how a
/// child window is found, as ImGui names it "Parent/str_id_XXXXXXXX".
inline ImGuiWindow* shown_window_containing(std::string_view part) {
    for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
        if (w->Active && std::string_view(w->Name).find(part) != std::string_view::npos) return w;
    return nullptr;
}

/// The id ImGui gives a label, or a pushed int, under the id `seed` (a
/// window's ImGuiWindow::ID at its root, else the id pushed last).
inline ImGuiID item_id(ImGuiID seed, std::string_view label) { return ImHashStr(label.data(), label.size(), seed); }
inline ImGuiID item_id(ImGuiID seed, int pushed) { return ImHashData(&pushed, sizeof pushed, seed); }

/// Where the item `id` of `window` is on screen: it is made the keyboard
/// navigation's current item (without its highlight), a frame is run, and
/// the rectangle navigation recorded when the item was drawn is read back.
/// A frame may move navigation elsewhere first (a popup that just appeared
/// puts it on its first item): then it is tried again, up to `tries`
/// frames. nullopt when none drew it in `window`. Disabled items are found
/// too. Navigation's focus is left on `window`, as a click there would.
template <class Frame>
std::optional<ImRect> item_rect(ImGuiWindow* window, ImGuiID id, Frame&& frame, int tries = 4) {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    for (int i = 0; i < tries; ++i) {
        g.NavWindow = window;
        g.NavId = id;
        g.NavLayer = ImGuiNavLayer_Main;
        g.NavDisableHighlight = true;
        window->NavLastIds[ImGuiNavLayer_Main] = id;
        window->NavRectRel[ImGuiNavLayer_Main] = ImRect(FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX);
        frame();
        const ImRect rel = window->NavRectRel[ImGuiNavLayer_Main];
        if (g.NavId == id && g.NavIdIsAlive && rel.Min.x <= rel.Max.x) return ImGui::WindowRectRelToAbs(window, rel);
    }
    return std::nullopt;
}

} // namespace ember::observer::ui::test
