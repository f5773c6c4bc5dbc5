// ember-observer: the Observer's window. GLFW + OpenGL 3 + the Dear ImGui
// backends Debian's libimgui-dev ships, around ember::observer_ui::app.
//
//   ember-observer [--connect HOST:PORT]... [--token-file F]... [--font-scale X]
//   ember-observer --connect HOST:PORT --token-file F
//                  --screenshot FILE.png --frames N [--view V] [--size WxH]
//
// With --screenshot it waits (at most --settle-timeout) until the view
// shows what it is for (app::settled: connected and its figures came, or
// the node cannot be reached), renders N more frames, writes the
// framebuffer as a PNG and exits: tests and docs/observer.md use it.
//
// Exit status: 0, 1 for a failure at run time (no display, no GL, the PNG
// not written), 2 for bad options.

#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "ember/client/endpoint.hpp"
#include "ember/observer_ui/app.hpp"
#include "screenshot.hpp"

namespace {

using namespace ember::observer;
using clock = std::chrono::steady_clock;

struct options {
    std::vector<std::string> connect;
    std::vector<std::string> token_files;
    std::string screenshot;
    int frames = 60;
    std::string view = "system";
    std::string size = "1280x800";
    float font_scale = 1.0f;
    double settle_timeout_s = 20;
    int width = 0, height = 0;
};

std::optional<std::pair<int, int>> parse_size(const std::string& text) {
    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X')) return std::nullopt;
    if (w < 320 || h < 240 || w > 8192 || h > 8192) return std::nullopt;
    return std::pair{w, h};
}

void glfw_error(int code, const char* text) { std::fprintf(stderr, "ember-observer: GLFW error %d: %s\n", code, text); }

// One frame: poll events, build the UI, render it. `no_mouse`: a
// screenshot is taken with no pointer over the window, wherever the
// display put it, so no row shows hovered.
void frame(GLFWwindow* window, ui::app& a, bool no_mouse = false) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (no_mouse) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    a.frame(clock::now());
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

int run(const options& o, std::vector<std::string> tokens, const ui::view_choice& view) {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "ember-observer: no display (GLFW could not start; is DISPLAY set?)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWwindow* window = glfwCreateWindow(o.width, o.height, "Ember Observer", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "ember-observer: no OpenGL 3 window could be made\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(o.screenshot.empty() ? 1 : 0); // a screenshot need not wait for vsync

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.IniFilename = nullptr; // no imgui.ini in the working directory
    ImGui::StyleColorsDark();
    ImGui::GetStyle().ScaleAllSizes(o.font_scale);
    // The font atlas at the scale asked for, so text is crisp; later
    // changes in the View menu scale it (app::frame).
    ImFontConfig font;
    font.SizePixels = 13.0f * o.font_scale;
    io.Fonts->AddFontDefault(&font);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    int status = 0;
    {
        ui::app a({.font_scale = o.font_scale});
        for (std::size_t i = 0; i < o.connect.size(); ++i) a.add_node(o.connect[i], tokens[i]);
        a.show(view);
        if (o.screenshot.empty()) {
            while (!glfwWindowShouldClose(window)) {
                frame(window, a);
                glfwSwapBuffers(window);
            }
        } else {
            const auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.settle_timeout_s));
            while (!a.settled() && clock::now() < deadline && !glfwWindowShouldClose(window)) {
                frame(window, a, true);
                glfwSwapBuffers(window);
            }
            if (!a.settled()) std::fprintf(stderr, "ember-observer: the view did not settle in %.0f s; taking the picture anyway\n", o.settle_timeout_s);
            for (int i = 0; i < o.frames; ++i) {
                frame(window, a, true);
                if (i + 1 < o.frames) glfwSwapBuffers(window);
            }
            // The back buffer holds the last frame, not yet swapped.
            if (const std::string error = write_framebuffer_png(o.screenshot); !error.empty()) {
                std::fprintf(stderr, "ember-observer: %s\n", error.c_str());
                status = 1;
            }
        }
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return status;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    CLI::App cli{"ember-observer: watch and operate live Ember nodes (docs/observer.md)"};
    cli.add_option("--connect", o.connect, "a node's agent, HOST:PORT (repeat for several nodes)");
    cli.add_option("--token-file", o.token_files, "its token file (read-only.token or admin.token); one per --connect");
    cli.add_option("--font-scale", o.font_scale, "text size for high-DPI screens (0.75 to 3)")->check(CLI::Range(0.75f, 3.0f));
    cli.add_option("--screenshot", o.screenshot, "render, write the window as this PNG, and exit");
    cli.add_option("--frames", o.frames, "with --screenshot: frames to render once the view settled")->check(CLI::Range(1, 100000));
    cli.add_option("--view", o.view, "the view shown first: system, load, processes, process, apps, events, trace");
    cli.add_option("--size", o.size, "window size, WxH (320x240 to 8192x8192)");
    cli.add_option("--settle-timeout", o.settle_timeout_s, "with --screenshot: seconds to wait for the view's figures")->check(CLI::Range(0.0, 600.0));
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e) == 0 ? 0 : 2;
    }

    const auto size = parse_size(o.size);
    if (!size) {
        std::fprintf(stderr, "ember-observer: --size %s: want WxH, e.g. 1280x800 (320x240 to 8192x8192)\n", o.size.c_str());
        return 2;
    }
    std::tie(o.width, o.height) = *size;
    const auto view = ui::parse_view(o.view);
    if (!view) {
        std::fprintf(stderr, "ember-observer: --view %s: want system, load, processes, process, apps, events or trace\n", o.view.c_str());
        return 2;
    }
    if (o.token_files.size() != o.connect.size()) {
        std::fprintf(stderr, "ember-observer: give one --token-file per --connect (%zu --connect, %zu --token-file)\n", o.connect.size(),
                     o.token_files.size());
        return 2;
    }
    // Read and checked before any window opens: a typo is one line here.
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < o.connect.size(); ++i) {
        if (auto e = ember::client::parse_endpoint(o.connect[i]); !e) {
            std::fprintf(stderr, "ember-observer: --connect %s: %s\n", o.connect[i].c_str(), e.error().describe().c_str());
            return 2;
        }
        auto token = ember::client::read_token_file(o.token_files[i]);
        if (!token) {
            std::fprintf(stderr, "ember-observer: %s\n", token.error().describe().c_str());
            return 2;
        }
        tokens.push_back(std::move(*token));
    }
    return run(o, std::move(tokens), *view);
}
