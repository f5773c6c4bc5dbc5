#pragma once
// A fresh private directory per test, gone with all it holds when the test
// ends, and what a shell command prints: the scaffolding the tests of files
// on disk (keys, history, audit log, private files) would otherwise each
// write again.

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace ember::testing {

/// mkdtemp(parent/prefixXXXXXX), mode 0700; removed recursively on
/// destruction. A failure throws, which fails the test that made it.
class temp_dir {
public:
    explicit temp_dir(std::string_view prefix, const std::filesystem::path& parent = std::filesystem::temp_directory_path()) {
        std::string pattern = (parent / (std::string(prefix) + "XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
        path_ = pattern;
        if (::chmod(path_.c_str(), 0700) != 0) {
            const int e = errno;
            std::error_code ec;
            std::filesystem::remove_all(path_, ec);
            throw std::system_error(e, std::generic_category(), "chmod 700 " + pattern);
        }
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& p) const { return path_ / p; }

private:
    std::filesystem::path path_;
};

/// What a command prints on its stdout ("" when it cannot be started).
inline std::string command_output(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr) return out;
    char buf[512];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
    return out;
}

} // namespace ember::testing
