#pragma once
// --screenshot: the current GL framebuffer as a PNG file (stb_image_write,
// from Debian's libstb-dev).

#include <string>

namespace ember::observer {

/// Reads the back buffer of the current GL context (its viewport's size)
/// and writes it to `path` as an 8-bit RGB PNG, top row first. Returns ""
/// on success, else why not ("cannot write FILE: ..."). The GL thread only.
std::string write_framebuffer_png(const std::string& path);

} // namespace ember::observer
