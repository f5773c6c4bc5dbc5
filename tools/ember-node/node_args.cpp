#include "node_args.hpp"

#include <charconv>
#include <limits>

namespace ember::node_tool {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

/// A whole decimal number in [0, max]; nullopt for anything else ("", "-1", "12x").
std::optional<std::uint64_t> number(std::string_view s, std::uint64_t max) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v > max) return std::nullopt;
    return v;
}

} // namespace

expected<listen_address, std::string> parse_listen_address(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return unexpected("expected ADDRESS:PORT (" + std::string(why) + "), got " + quoted(text));
    };
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        // A bare port: on loopback.
        const auto port = number(text, 65535);
        if (!port) return bad("the port is a number from 0 to 65535");
        return listen_address{"127.0.0.1", static_cast<std::uint16_t>(*port)};
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos) return bad("an IPv6 address goes in brackets");
    const auto port = number(text.substr(colon + 1), 65535);
    if (!port) return bad("the port is a number from 0 to 65535");
    return listen_address{host.empty() ? std::string("127.0.0.1") : std::string(host), static_cast<std::uint16_t>(*port)};
}

expected<node_args, std::string> parse_node_args(std::span<const std::string_view> args) {
    node_args out;
    bool have_state_dir = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view name = args[i];
        std::optional<std::string_view> inline_value;
        if (name.starts_with("--")) {
            if (const auto eq = name.find('='); eq != std::string_view::npos) {
                inline_value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
        }
        // The value of an option that takes one: after '=' or the next argument.
        const auto value = [&]() -> expected<std::string_view, std::string> {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) return unexpected(std::string(name) + ": missing value");
            return args[++i];
        };
        const auto flag = [&]() -> expected<void, std::string> {
            if (inline_value) return unexpected(std::string(name) + ": takes no value");
            return {};
        };
        const auto in_error = [&](const std::string& why) { return unexpected(std::string(name) + ": " + why); };

        if (name == "--help" || name == "-h") {
            if (auto f = flag(); !f) return unexpected(f.error());
            out.help = true;
        } else if (name == "--state-dir") {
            auto v = value();
            if (!v) return unexpected(v.error());
            if (v->empty()) return in_error("expected a directory, got ''");
            out.state_dir = std::string(*v);
            have_state_dir = true;
        } else if (name == "--agent" || name == "--metrics" || name == "--ssh") {
            auto v = value();
            if (!v) return unexpected(v.error());
            auto where = parse_listen_address(*v);
            if (!where) return in_error(where.error());
            (name == "--agent" ? out.agent : name == "--ssh" ? out.ssh : out.metrics) = std::move(*where);
        } else if (name == "--authorized-keys") {
            auto v = value();
            if (!v) return unexpected(v.error());
            if (v->empty()) return in_error("expected a file, got ''");
            out.authorized_keys = std::string(*v);
        } else if (name == "--ssh-allow-remote") {
            if (auto f = flag(); !f) return unexpected(f.error());
            out.ssh_allow_remote = true;
        } else if (name == "--schedulers") {
            auto v = value();
            if (!v) return unexpected(v.error());
            const auto n = number(*v, 1024);
            if (!n) return in_error("expected a number from 0 (one per core) to 1024, got " + quoted(*v));
            out.schedulers = static_cast<unsigned>(*n);
        } else if (name == "--processes") {
            auto v = value();
            if (!v) return unexpected(v.error());
            const auto n = number(*v, max_idle_processes);
            if (!n) return in_error("expected a number from 0 to " + std::to_string(max_idle_processes) + ", got " + quoted(*v));
            out.processes = static_cast<std::size_t>(*n);
        } else if (name == "--allow-non-loopback") {
            if (auto f = flag(); !f) return unexpected(f.error());
            out.allow_non_loopback = true;
        } else {
            return unexpected("unknown argument " + quoted(args[i]) + " (ember-node --help lists them)");
        }
    }
    if (out.help) return out;
    if (!have_state_dir) return unexpected(std::string("--state-dir DIR is required"));
    if (!out.agent && !out.ssh) return unexpected(std::string("give a front door: --agent ADDR:PORT and/or --ssh [ADDR:]PORT (port 0: a free port)"));
    if (out.metrics && !out.agent) return unexpected(std::string("--metrics is served by the agent: give --agent too"));
    if (out.ssh && out.authorized_keys.empty())
        return unexpected(std::string("--ssh needs --authorized-keys FILE (the public keys that may log in, OpenSSH's format)"));
    return out;
}

std::string usage() {
    return "usage: ember-node --state-dir DIR [--agent ADDR:PORT] [--metrics ADDR:PORT]\n"
           "                  [--ssh [ADDR:]PORT --authorized-keys FILE] [--ssh-allow-remote]\n"
           "                  [--schedulers N] [--processes N] [--allow-non-loopback]\n"
           "\n"
           "A node running a small supervised application (shop: counter, front_desk,\n"
           "customer) plus N idle processes, with an agent and/or an SSH shell to\n"
           "connect to (at least one).\n"
           "\n"
           "  --state-dir DIR       the agent's tokens (read-only.token, admin.token), the\n"
           "                        SSH host key, audit log and histories; made mode 0700\n"
           "                        when missing, refused when looser\n"
           "  --agent ADDR:PORT     where the agent listens; port 0 picks a free one\n"
           "  --metrics ADDR:PORT   serve Prometheus /metrics there (off by default)\n"
           "  --ssh [ADDR:]PORT     serve the SSH shell there (docs/shell.md); the address\n"
           "                        is 127.0.0.1 when not given\n"
           "  --authorized-keys FILE  the keys that may log in over SSH, each read-only\n"
           "                        unless its line has the admin option\n"
           "  --ssh-allow-remote    let --ssh listen beyond loopback (logs a warning)\n"
           "  --schedulers N        scheduler threads (default 0: one per core)\n"
           "  --processes N         idle processes for scale (default 0, at most 4000000)\n"
           "  --allow-non-loopback  let --agent/--metrics listen beyond loopback\n"
           "\n"
           "Prints `agent: ADDR:PORT`, `metrics: ADDR:PORT` (with --metrics),\n"
           "`read-only token: FILE`, `admin token: FILE` (with --agent), `ssh: ADDR:PORT`\n"
           "and `ssh host key: SHA256:...` (with --ssh), then `ready`; stops on\n"
           "SIGINT or SIGTERM (prints `stopping`, exits 0). Bad arguments or an agent\n"
           "that cannot start: one line on stderr, exit status 2.\n";
}

} // namespace ember::node_tool
