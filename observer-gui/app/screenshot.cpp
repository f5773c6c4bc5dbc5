// --screenshot (screenshot.hpp).

#include "screenshot.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

namespace ember::observer {

std::string write_framebuffer_png(const std::string& path) {
    GLint viewport[4] = {0, 0, 0, 0};
    glGetIntegerv(GL_VIEWPORT, viewport);
    const int width = viewport[2], height = viewport[3];
    if (width <= 0 || height <= 0) return "cannot write " + path + ": the framebuffer is empty";
    const std::size_t row = static_cast<std::size_t>(width) * 3;
    std::vector<unsigned char> pixels(row * static_cast<std::size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    if (const GLenum e = glGetError(); e != GL_NO_ERROR) return "cannot read the framebuffer: GL error " + std::to_string(e);
    // GL's rows run bottom to top; PNG's top to bottom.
    stbi_flip_vertically_on_write(1);
    errno = 0;
    const int ok = stbi_write_png(path.c_str(), width, height, 3, pixels.data(), static_cast<int>(row));
    if (!ok) return "cannot write " + path + (errno ? std::string(": ") + std::strerror(errno) : std::string());
    return {};
}

} // namespace ember::observer
