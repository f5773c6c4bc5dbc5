#!/usr/bin/python3
"""The Observer end to end: a real ember-node (its agent on a free loopback
port, 100,000 idle processes), an X server of our own (Xvfb, Mesa's
software GL), and ember-observer run once per view with --screenshot; each
PNG is then read back here (stdlib only: zlib and a small unfilterer) and
must have the size asked for and not be blank.

  screenshot_test.py --observer BIN --node BIN [--out DIR] [--views V,...] [--size WxH]
  screenshot_test.py --observer BIN --bad-connect [--out DIR] [--size WxH]
  screenshot_test.py --self-check

The Observer connects with the node's read-only token, but for the trace
view, which starts a trace of the busiest process and so takes the admin
token. The PNGs are DIR/observer-VIEW.png. --bad-connect points the Observer at
127.0.0.1:1, where nothing listens: it must still draw (the node shown
unreachable) into DIR/observer-unreachable.png and exit 0, not hang or
crash.
--self-check tests only the PNG reader, on PNGs this script writes itself
(every filter type, RGB and RGBA); every other mode runs it first too.

Every wait is for the event it needs (the node's `ready`, Xvfb's display
number, the Observer's exit), bounded: nothing sleeps a fixed time and
hopes. The node and Xvfb are always stopped. Exit status 0 when all is
well, 1 with a `FAIL:` line for each failure.
"""

import argparse
import ctypes
import os
import queue
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter

ALL_VIEWS = ("system", "load", "processes", "process", "apps", "events", "trace")
WAIT = 60.0  # the most any single event is waited for, in seconds
FRAMES = 120
BAD_CONNECT_FRAMES = 30
MIN_COLOURS = 20  # a drawn window has text, borders, plots: many colours
MAX_COMMONEST = 0.98  # no single colour may cover more of the image than this
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Failure(Exception):
    """A check that failed; its message is the one line the test prints."""


# --- PNG ----------------------------------------------------------------


def read_png(data):
    """Decodes an 8-bit, non-interlaced RGB (colour type 2) or RGBA (6) PNG.
    Returns (width, height, channels, rows), rows a list of `bytes`, one per
    scanline, unfiltered. Raises Failure on anything else or on damage."""
    if not data.startswith(PNG_SIGNATURE):
        raise Failure("not a PNG: the signature is %r" % data[:8])
    pos = len(PNG_SIGNATURE)
    header = None
    idat = []
    ended = False
    while pos < len(data):
        if pos + 8 > len(data):
            raise Failure("PNG truncated in a chunk header at byte %d" % pos)
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise Failure("PNG truncated in chunk %r" % kind)
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise Failure("PNG chunk %r has a bad CRC" % kind)
        pos += 12 + length
        if header is None and kind != b"IHDR":
            raise Failure("PNG's first chunk is %r, not IHDR" % kind)
        if kind == b"IHDR":
            if length != 13:
                raise Failure("PNG IHDR is %d bytes, not 13" % length)
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            ended = True
            break
    if not ended:
        raise Failure("PNG has no IEND chunk")
    if not idat:
        raise Failure("PNG has no IDAT chunk")
    width, height, depth, colour, compression, filtering, interlace = header
    if width == 0 or height == 0:
        raise Failure("PNG is %dx%d" % (width, height))
    if depth != 8 or colour not in (2, 6):
        raise Failure("PNG is bit depth %d colour type %d; only 8-bit RGB (2) and RGBA (6) are read" % (depth, colour))
    if compression != 0 or filtering != 0 or interlace != 0:
        raise Failure("PNG has compression %d, filter method %d, interlace %d; only 0, 0, 0 are read"
                      % (compression, filtering, interlace))
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise Failure("PNG image data does not inflate: %s" % e)
    channels = 3 if colour == 2 else 4
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise Failure("PNG image data is %d bytes; %dx%d with %d channels needs %d"
                      % (len(raw), width, height, channels, height * (stride + 1)))
    return width, height, channels, unfilter(raw, width, height, channels)


def unfilter(raw, width, height, bpp):
    """Undoes PNG's per-scanline filters (0 None, 1 Sub, 2 Up, 3 Average,
    4 Paeth) for `bpp` bytes a pixel; returns the rows as `bytes`."""
    stride = width * bpp
    rows = []
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 0:
            pass
        elif kind == 1:  # Sub: + the byte bpp to the left
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up: + the byte above
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prior))
        elif kind == 3:  # Average: + floor((left + above) / 2)
            for i in range(bpp):
                line[i] = (line[i] + (prior[i] >> 1)) & 0xFF
            for i in range(bpp, stride):
                line[i] = (line[i] + ((line[i - bpp] + prior[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth: + whichever of left, above, upper-left is nearest left + above - upper-left
            for i in range(bpp):
                line[i] = (line[i] + prior[i]) & 0xFF  # left and upper-left are 0: Paeth picks above
            for i in range(bpp, stride):
                a = line[i - bpp]
                b = prior[i]
                c = prior[i - bpp]
                pa = abs(b - c)
                pb = abs(a - c)
                pc = abs(a + b - 2 * c)
                if pa <= pb and pa <= pc:
                    line[i] = (line[i] + a) & 0xFF
                elif pb <= pc:
                    line[i] = (line[i] + b) & 0xFF
                else:
                    line[i] = (line[i] + c) & 0xFF
        else:
            raise Failure("PNG scanline %d has filter type %d (only 0 to 4 exist)" % (y, kind))
        prior = bytes(line)
        rows.append(prior)
    return rows


def colour_counts(rows, channels):
    """How many pixels have each colour (a colour: the pixel's bytes)."""
    counts = Counter()
    for row in rows:
        counts.update(row[i:i + channels] for i in range(0, len(row), channels))
    return counts


def check_png(path, want_width, want_height):
    """Reads the PNG at `path` and checks its size and that it is not blank.
    Returns (distinct colours, fraction of the commonest); raises Failure."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Failure("cannot read %s: %s" % (path, e))
    width, height, channels, rows = read_png(data)
    if (width, height) != (want_width, want_height):
        raise Failure("%s is %dx%d, not the %dx%d asked for" % (path, width, height, want_width, want_height))
    counts = colour_counts(rows, channels)
    commonest = counts.most_common(1)[0][1] / (width * height)
    if len(counts) < MIN_COLOURS:
        raise Failure("%s looks blank: %d distinct colours (fewer than %d)" % (path, len(counts), MIN_COLOURS))
    if commonest > MAX_COMMONEST:
        raise Failure("%s looks blank: one colour covers %.2f%% of it (more than %.0f%%)"
                      % (path, 100 * commonest, 100 * MAX_COMMONEST))
    return len(counts), commonest


# --- the PNG reader's own test -------------------------------------------


def write_png(path, width, height, channels, pixel, filters=(0, 1, 2, 3, 4), idat_chunk=1000):
    """Writes a PNG whose pixel (x, y) is pixel(x, y) (a tuple of `channels`
    bytes), filtering row y with filters[y % len(filters)] and splitting the
    image data into IDATs of `idat_chunk` bytes. Returns the rows written."""
    stride = width * channels
    rows = [bytes(v for x in range(width) for v in pixel(x, y)) for y in range(height)]
    out = bytearray()
    prior = bytes(stride)
    for y, line in enumerate(rows):
        kind = filters[y % len(filters)]
        out.append(kind)
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prior[i]
            c = prior[i - channels] if i >= channels else 0
            if kind == 0:
                predicted = 0
            elif kind == 1:
                predicted = a
            elif kind == 2:
                predicted = b
            elif kind == 3:
                predicted = (a + b) >> 1
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)  # the spec's own form of Paeth
                predicted = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out.append((line[i] - predicted) & 0xFF)
        prior = line
    compressed = zlib.compress(bytes(out), 9)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0))
    png += chunk(b"tEXt", b"Comment\0written by screenshot_test.py's self-check")
    for i in range(0, len(compressed), idat_chunk):
        png += chunk(b"IDAT", compressed[i:i + idat_chunk])
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)
    return rows


def self_check():
    """The PNG reader against PNGs written here: each filter type alone and
    mixed, RGB and RGBA, odd sizes; the checks' verdicts on a blank image,
    a wrong size and damaged data."""
    work = tempfile.mkdtemp(prefix="ember-png-check-")
    try:
        path = os.path.join(work, "check.png")

        def varied(channels):
            # Smooth gradients (which Paeth and Average predict, with
            # carries) and a few sharp edges.
            def pixel(x, y):
                v = ((x * 7) & 0xFF, (y * 13) & 0xFF, ((x ^ y) * 5 + (40 if (x // 4 + y // 3) % 2 else 200)) & 0xFF)
                return v if channels == 3 else v + ((x * y) & 0xFF,)
            return pixel

        for channels in (3, 4):
            for filters in ((0,), (1,), (2,), (3,), (4,), (4, 0, 3, 1, 2)):
                width, height = 37, 23
                written = write_png(path, width, height, channels, varied(channels), filters)
                with open(path, "rb") as f:
                    got = read_png(f.read())
                if got != (width, height, channels, written):
                    raise Failure("self-check: the PNG reader misread a %d-channel PNG with filters %s" % (channels, filters))
        # A varied image passes; a blank one, a wrong size, a damaged one fail.
        write_png(path, 64, 40, 3, varied(3))
        check_png(path, 64, 40)
        expect_failure(lambda: check_png(path, 64, 41), "is 64x40, not the 64x41", "a wrong size")
        write_png(path, 64, 40, 4, lambda x, y: (30, 30, 30, 255))
        expect_failure(lambda: check_png(path, 64, 40), "looks blank", "a one-colour image")
        # 30 colours, but one covers 99% of the pixels: still blank.
        write_png(path, 100, 100, 3, lambda x, y: (x, x, x) if y == 0 and x < 29 else (200, 0, 0))
        expect_failure(lambda: check_png(path, 100, 100), "one colour covers", "a mostly one-colour image")
        with open(path, "rb") as f:
            data = bytearray(f.read())
        data[-20] ^= 0xFF  # inside the last IDAT (before its CRC and IEND's 12 bytes)
        expect_failure(lambda: read_png(bytes(data)), "bad CRC", "a damaged chunk")
        expect_failure(lambda: read_png(b"GIF89a" + bytes(20)), "not a PNG", "another format")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def expect_failure(action, words, what):
    try:
        action()
    except Failure as e:
        if words not in str(e):
            raise Failure("self-check: %s failed with %r, which does not say %r" % (what, str(e), words))
        return
    raise Failure("self-check: %s passed the checks" % what)


# --- the processes: node, X server, observer ------------------------------


def die_with_parent():
    """In the child, before exec: SIGTERM when this script dies, however it
    dies (ctest's timeout kills it with SIGKILL, which no `finally` sees), so
    no node or X server outlives a test. Only for children started while no
    other thread runs (fork then exec in a threaded process may deadlock in
    a preexec_fn)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class Node:
    """An ember-node with its agent on a free loopback port."""

    def __init__(self, binary, root, processes):
        self.state = os.path.join(root, "state")
        self.stderr_path = os.path.join(root, "node.stderr")
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [binary, "--state-dir", self.state, "--agent", "127.0.0.1:0", "--processes", str(processes)],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, preexec_fn=die_with_parent)
        try:
            self.wait_ready()
        except BaseException:
            self.proc.kill()  # not left running when it is not ready
            self.proc.wait()
            self.stderr.close()
            raise

    def wait_ready(self):
        self.lines = {}
        # A thread reads stdout (to its end, so the pipe never fills), and
        # the wait for `ready` is a bounded get from its queue.
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout] + [lines.put(None)], daemon=True).start()
        deadline = time.monotonic() + WAIT
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise Failure("ember-node did not say ready within %.0f s%s" % (WAIT, self.said()))
            if line is None:
                self.proc.wait(timeout=WAIT)
                raise Failure("ember-node ended (status %s) before it was ready%s" % (self.proc.returncode, self.said()))
            line = line.rstrip("\n")
            if line == "ready":
                break
            key, _, value = line.partition(": ")
            self.lines[key] = value
        if "agent" not in self.lines or "read-only token" not in self.lines:
            raise Failure("ember-node said ready without an `agent:` or `read-only token:` line: %r" % self.lines)
        self.endpoint = self.lines["agent"]
        self.token_files = {"read-only": self.lines["read-only token"], "admin": self.lines.get("admin token", "")}
        for kind, path in self.token_files.items():
            if not os.path.isfile(path):
                raise Failure("ember-node's %s token file %r does not exist" % (kind, path))

    def said(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path) as f:
            text = f.read().strip()
        return "; its stderr: " + text if text else ""

    def stop(self):
        """SIGTERM, as an operator would; the node must end with status 0."""
        try:
            if not terminate(self.proc):
                raise Failure("ember-node did not stop within %.0f s of SIGTERM" % WAIT)
        finally:
            self.stderr.close()
        if self.proc.returncode != 0:
            raise Failure("ember-node ended with status %d" % self.proc.returncode)


def terminate(proc):
    """SIGTERM, then SIGKILL after WAIT seconds; True when SIGTERM was enough."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=WAIT)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False


class XServer:
    """An Xvfb of our own on a free display, which it picks and tells us
    through a pipe (-displayfd): no guessed display numbers, no race."""

    def __init__(self, root):
        if shutil.which("Xvfb") is None:
            raise Failure("Xvfb is not installed (scripts/setup test installs xvfb)")
        self.log_path = os.path.join(root, "xvfb.log")
        self.log = open(self.log_path, "w")
        read_end, write_end = os.pipe()
        try:
            self.proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1200x24", "-nolisten", "tcp"],
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, pass_fds=(write_end,),
                preexec_fn=die_with_parent)
        finally:
            os.close(write_end)
        try:
            said = b""
            deadline = time.monotonic() + WAIT
            while not said.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_end], [], [], left)[0]:
                    raise Failure("Xvfb did not say its display within %.0f s%s" % (WAIT, self.said()))
                chunk = os.read(read_end, 64)
                if not chunk:
                    raise Failure("Xvfb ended before it said its display%s" % self.said())
                said += chunk
        except BaseException:
            self.proc.kill()  # not left running without a display to give
            self.proc.wait()
            self.log.close()
            raise
        finally:
            os.close(read_end)
        self.display = ":" + said.decode().strip()

    def said(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            text = f.read().strip()
        return "; its log: " + text[-2000:] if text else ""

    def stop(self):
        terminate(self.proc)
        self.log.close()


def run_observer(observer, display, args, frames, timeout):
    """Runs ember-observer on `display` with `args`; fails on a timeout or a
    non-zero exit, with what it printed."""
    env = dict(os.environ, DISPLAY=display, LIBGL_ALWAYS_SOFTWARE="1")
    env.pop("WAYLAND_DISPLAY", None)  # GLFW must take the X server it is given
    command = [observer, *args, "--frames", str(frames)]
    # A preexec_fn is unsafe now that a thread reads the node's stdout; util-
    # linux's setpriv sets the same parent-death signal, then execs.
    launcher = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
    started = time.monotonic()
    try:
        r = subprocess.run(launcher + command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise Failure("%s did not exit within %.0f s%s" % (" ".join(command), timeout, printed(e.stdout, e.stderr)))
    if r.returncode != 0:
        what = "was killed by signal %d" % -r.returncode if r.returncode < 0 else "exited %d" % r.returncode
        raise Failure("%s %s%s" % (" ".join(command), what, printed(r.stdout, r.stderr)))
    return time.monotonic() - started


def printed(stdout, stderr):
    def text(v):
        if isinstance(v, bytes):
            v = v.decode(errors="replace")
        return (v or "").strip()[-3000:]
    out, err = text(stdout), text(stderr)
    return (("\n--- stdout\n" + out) if out else "") + (("\n--- stderr\n" + err) if err else "")


def shoot(observer, display, path, view, size, connect_args, frames, timeout):
    """One view: run the Observer, then check its PNG at `path`. Returns a
    report line."""
    if os.path.exists(path):
        os.remove(path)  # an old screenshot must not pass for a new one
    seconds = run_observer(observer, display,
                           [*connect_args, "--screenshot", path, "--view", view, "--size", "%dx%d" % size], frames, timeout)
    if not os.path.isfile(path):
        raise Failure("ember-observer --view %s exited 0 but wrote no %s" % (view, path))
    colours, commonest = check_png(path, *size)
    return "%-10s %dx%d  %6d colours  commonest %5.1f%%  %4.1f s  %s" % (
        view, size[0], size[1], colours, 100 * commonest, seconds, path)


# --- main -----------------------------------------------------------------


def parse_size(text):
    try:
        w, h = text.lower().split("x")
        size = (int(w), int(h))
    except ValueError:
        raise argparse.ArgumentTypeError("expected WxH, e.g. 1280x800, got %r" % text)
    if size[0] <= 0 or size[1] <= 0:
        raise argparse.ArgumentTypeError("expected a positive WxH, got %r" % text)
    return size


def parse_views(text):
    views = [v for v in text.replace(",", " ").split() if v]
    unknown = [v for v in views if v not in ALL_VIEWS]
    if unknown or not views:
        raise argparse.ArgumentTypeError("views are %s; got %r" % (", ".join(ALL_VIEWS), text))
    return views


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--observer", help="the ember-observer program")
    parser.add_argument("--node", help="the ember-node program (not needed with --bad-connect)")
    parser.add_argument("--out", default="observer-screenshots", help="where the PNGs go (made if missing; default %(default)s)")
    parser.add_argument("--views", type=parse_views, default=list(ALL_VIEWS),
                        help="views to shoot, comma- or space-separated (default: %s)" % ",".join(ALL_VIEWS))
    parser.add_argument("--size", type=parse_size, default=(1280, 800), help="the window's size, WxH (default 1280x800)")
    parser.add_argument("--processes", type=int, default=100000, help="the node's idle processes (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="the most one ember-observer run may take, in seconds (default %(default)s)")
    parser.add_argument("--bad-connect", action="store_true", help="point the Observer at 127.0.0.1:1 (nothing there)")
    parser.add_argument("--self-check", action="store_true", help="test only this script's PNG reader")
    args = parser.parse_args()
    if not args.self_check:
        if not args.observer:
            parser.error("--observer is required (or --self-check)")
        if not args.bad_connect and not args.node:
            parser.error("--node is required (or --bad-connect, or --self-check)")
        for what, path in (("--observer", args.observer), ("--node", None if args.bad_connect else args.node)):
            if path and not os.access(path, os.X_OK):
                parser.error("%s %s is not an executable file" % (what, path))

    failures = []
    try:
        self_check()
        print("self-check: the PNG reader reads every filter type, RGB and RGBA; blank, wrong-size and damaged images fail")
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    if args.self_check:
        return 0

    # SIGTERM (an operator, or a harness giving up) ends the run through the
    # `finally` below, which stops the node and Xvfb.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: stopped by SIGTERM"))
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    root = tempfile.mkdtemp(prefix="ember-observer-shots-")  # mode 0700, as the node's state directory's parent
    node = None
    xserver = None
    try:
        xserver = XServer(root)
        print("Xvfb on display %s" % xserver.display)
        if args.bad_connect:
            # A token as an operator would have one: the node is what is
            # missing here, not the token (the Observer wants one per --connect).
            token_file = os.path.join(root, "unreachable.token")
            with open(os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write("0123456789abcdef" * 4 + "\n")  # the form of a real one: 64 hex digits
            connect_args = ["--connect", "127.0.0.1:1", "--token-file", token_file]
            plan = [("system", BAD_CONNECT_FRAMES, "observer-unreachable.png")]
            print("the Observer against 127.0.0.1:1, where nothing listens")
        else:
            started = time.monotonic()
            node = Node(args.node, root, args.processes)
            print("ember-node ready in %.1f s: agent %s, %d idle processes"
                  % (time.monotonic() - started, node.endpoint, args.processes))
            plan = [(view, FRAMES, "observer-%s.png" % view) for view in args.views]
        for view, frames, name in plan:
            if node is not None:
                # Read-only, as most who watch a node connect; the trace view
                # starts a trace (of the busiest process), which takes admin.
                token = node.token_files["admin" if view == "trace" else "read-only"]
                connect_args = ["--connect", node.endpoint, "--token-file", token]
            path = os.path.join(out_dir, name)
            try:
                print(shoot(args.observer, xserver.display, path, view, args.size, connect_args, frames, args.timeout), flush=True)
            except Failure as e:
                failures.append(str(e))
                print("FAIL: %s" % e, file=sys.stderr, flush=True)
            if node is not None and node.proc.poll() is not None:
                failures.append("ember-node ended (status %d) during the run%s" % (node.proc.returncode, node.said()))
                print("FAIL: %s" % failures[-1], file=sys.stderr)
                break
    except Failure as e:
        failures.append(str(e))
        print("FAIL: %s" % e, file=sys.stderr)
    finally:
        for stop in (node.stop if node else None, xserver.stop if xserver else None):
            if stop is None:
                continue
            try:
                stop()
            except Failure as e:
                failures.append(str(e))
                print("FAIL: %s" % e, file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print("%d failure(s); screenshots in %s" % (len(failures), out_dir), file=sys.stderr)
        return 1
    print("all well; screenshots in %s" % out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
