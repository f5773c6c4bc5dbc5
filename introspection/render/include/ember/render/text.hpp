#pragma once
// The text of every reply (protocol/replies.hpp) for people: aligned
// tables like `top` and `ps`, with humane units (12.3 MiB, 350 ms, 3m 20s).
// ember-ctl prints these and so will the SSH shell, so a reply reads the
// same wherever it is asked; scripts use json.hpp instead.
//
//   std::cout << render::text(page, {.width = 100});
//   PID        NAME         STATUS    REDS  MEMORY  MSGQ ...
//   <0.42.0>   front_desk   waiting  12345  1.2 KiB    3 ...
//
// Width: with a width, a table first shortens its widest free-text column
// (names, functions, messages: cut with "…"), then drops the columns least
// needed (latency, run time, age, rates) until it fits; lines of trees and
// key-value lists are cut at the width. 0 means no limit. Output is UTF-8
// and ends with a newline unless empty.
//
// Pure functions: any thread; nothing is thrown but std::bad_alloc.
//
// Sections: [options] [units] [replies]

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ember/protocol/replies.hpp"
#include "ember/render/export.hpp"

namespace ember::render {

// [options] -----------------------------------------------------------------

struct text_options {
    /// Columns to fit in (a terminal's width); 0: no limit.
    std::size_t width = 0;
    /// Table headers in bold (ANSI "\x1b[1m" ... "\x1b[0m"), for a terminal;
    /// never for a pipe or a file. Widths are measured without the escapes.
    bool colour = false;
};

// [units] -------------------------------------------------------------------

/// <0.42.0> (a pid of another node: <N.42.0> with that node's number).
EMBER_RENDER_EXPORT std::string pid_text(const pid& p);
/// 512 B, 1.5 KiB, 12.3 MiB, 123 MiB, 1.0 GiB.
EMBER_RENDER_EXPORT std::string bytes_text(std::uint64_t bytes);
/// 350 ms, 1.2 s, 12.3 s, 3m 20s, 2h 05m, 3d 04h.
EMBER_RENDER_EXPORT std::string ms_text(std::uint64_t ms);
/// 850 us, 1.2 ms, 123 ms, then as ms_text.
EMBER_RENDER_EXPORT std::string us_text(std::uint64_t us);
/// 123456 below a million; 1.23M, 12.3M, 123M, 1.23G above.
EMBER_RENDER_EXPORT std::string count_text(std::uint64_t n);
/// A per-second figure: 0, 0.5, 12.5, 999.9, 1.2k, 12.3k, 1.23M.
EMBER_RENDER_EXPORT std::string rate_text(double per_second);
/// 0..1 as 73.2%.
EMBER_RENDER_EXPORT std::string percent_text(double fraction);

// [replies] -----------------------------------------------------------------

/// `ps`: one row per process, then a line saying how many matched and were
/// scanned, and whether the answer was cut short.
EMBER_RENDER_EXPORT std::string text(const protocol::processes_page& page, const text_options& options = {});
/// `info`: every counter as "key  value" lines, then links and monitors,
/// the mailbox preview, the state, and the children and restarts of a
/// supervisor.
EMBER_RENDER_EXPORT std::string text(const protocol::process_info_reply& info, const text_options& options = {});
/// `sched`: one row per scheduler.
EMBER_RENDER_EXPORT std::string text(std::span<const protocol::scheduler_row> rows, const text_options& options = {});
/// `system`: node-wide figures as "key  value" lines.
EMBER_RENDER_EXPORT std::string text(const protocol::system_info& info, const text_options& options = {});
/// `apps`: one row per application (its root supervisor, children, restarts).
EMBER_RENDER_EXPORT std::string text(std::span<const protocol::application_row> apps, const text_options& options = {});
/// `tree`: each application's supervision tree drawn as a tree (├─ └─),
/// a supervisor child followed by its own children. With `only`, just the
/// application of that name (nothing when none has it).
EMBER_RENDER_EXPORT std::string tree(std::span<const protocol::application_row> apps, std::string_view only = {}, const text_options& options = {});
/// `events`: one row per event, its value in the unit of its kind.
EMBER_RENDER_EXPORT std::string text(std::span<const protocol::event_row> rows, const text_options& options = {});
/// `warnings`: one row per warning with its evidence and message.
EMBER_RENDER_EXPORT std::string text(std::span<const protocol::warning_row> rows, const text_options& options = {});
/// `history`: one row per series (last, min, max in its unit) and a
/// sparkline of its most recent values that fit.
EMBER_RENDER_EXPORT std::string text(std::span<const protocol::series> rows, const text_options& options = {});
/// `trace`: one line per traced message, no header (rows come one by one):
///   "  12.345 s  in   <0.1.0> -> <0.42.0>  {hello,world}"
EMBER_RENDER_EXPORT std::string text(const protocol::trace_row& row, const text_options& options = {});

} // namespace ember::render
