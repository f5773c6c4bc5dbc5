#!/usr/bin/python3
"""The SSH shell from the outside: a real ember-node with --ssh, reached by
OpenSSH's own `ssh` (keys made by ssh-keygen, the node's host key in a
known_hosts file, StrictHostKeyChecking on), by tmux driving an interactive
session on a PTY, and by hand-made packets for clients that misbehave on
purpose. (paramiko, the other raw client at hand, knows none of the ciphers
the node offers; raw_client_test.cpp drives libssh's client for what needs
a key exchange first.)

  ssh_test.py EMBER_NODE [unittest args, e.g. -k test_exec_listing]

Every wait is for the event it needs (a line, a prompt, a closed socket),
in a bounded loop: nothing sleeps a fixed time and hopes.
"""

import json
import os
import re
import queue
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

NODE = None  # set from argv
WAIT = 30.0  # the most any single event is waited for, in seconds


def wait_for(predicate, what, timeout=WAIT, every=0.05):
    """Polls `predicate` until it returns something true; fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(every)


class Node:
    """An ember-node with the SSH shell on a free loopback port."""

    def __init__(self, root, keys_file, extra=()):
        self.state = os.path.join(root, "state")
        self.proc = subprocess.Popen(
            [NODE, "--state-dir", self.state, "--ssh", "127.0.0.1:0", "--authorized-keys", keys_file, "--schedulers", "2", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = {}
        # A thread reads stdout, so a wait for `ready` is bounded without
        # select() on a buffered pipe (which misses lines already read).
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout] + [lines.put(None)], daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError("ember-node did not say ready")
            if line is None:
                raise AssertionError("ember-node ended before it was ready")
            line = line.rstrip("\n")
            if line == "ready":
                break
            key, _, value = line.partition(": ")
            self.lines[key] = value
        self.port = int(self.lines["ssh"].rsplit(":", 1)[1])
        self.fingerprint = self.lines["ssh host key"]

    def stop(self):
        """Stops the node as an operator would (SIGTERM) and checks it ended
        well: status 0 (a sanitizer's report at exit makes it non-zero)."""
        self.proc.terminate()
        try:
            self.proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise AssertionError("ember-node did not stop on SIGTERM")
        if self.proc.returncode != 0:
            raise AssertionError("ember-node ended with status %d" % self.proc.returncode)

    def audit(self):
        with open(os.path.join(self.state, "audit.log")) as f:
            return f.read()


def keygen(path, comment):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path], check=True)
    with open(path + ".pub") as f:
        return f.read().strip()


class ShellTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="ember-ssh-")
        os.chmod(cls.root, 0o700)
        cls.admin_key = os.path.join(cls.root, "admin")
        cls.reader_key = os.path.join(cls.root, "reader")
        cls.stranger_key = os.path.join(cls.root, "stranger")
        admin_pub = keygen(cls.admin_key, "operator@ember")
        reader_pub = keygen(cls.reader_key, "watcher@ember")
        keygen(cls.stranger_key, "stranger@elsewhere")
        cls.keys_file = os.path.join(cls.root, "authorized_keys")
        with open(cls.keys_file, "w") as f:
            f.write("# who may log in\nadmin " + admin_pub + "\n" + reader_pub + "\n")
        os.chmod(cls.keys_file, 0o600)
        cls.node = Node(cls.root, cls.keys_file)
        with open(os.path.join(cls.node.state, "ssh_host_ed25519_key.pub")) as f:
            host_pub = f.read().split()
        cls.known_hosts = os.path.join(cls.root, "known_hosts")
        with open(cls.known_hosts, "w") as f:
            f.write("[127.0.0.1]:%d %s %s\n" % (cls.node.port, host_pub[0], host_pub[1]))

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def ssh_args(self, key, *extra):
        # `extra` first: for ssh the first value of an option wins.
        return ["ssh", *extra, "-F", "/dev/null", "-p", str(self.node.port), "-i", key,
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "UserKnownHostsFile=" + self.known_hosts,
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "-o", "LogLevel=ERROR", "operator@127.0.0.1"]

    def ssh(self, key, *command, extra=()):
        return subprocess.run(self.ssh_args(key, *extra) + ["--", *command], capture_output=True, text=True, timeout=WAIT)

    def pid_of(self, name):
        r = self.ssh(self.admin_key, "ps", "--filter", name, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [row for row in json.loads(r.stdout)["rows"] if row.get("registered_name") == name]
        self.assertTrue(rows, r.stdout)
        return rows[0]["pid"]

    # --- exec mode -------------------------------------------------------

    def test_exec_listing(self):
        r = self.ssh(self.reader_key, "ps", "--sort", "memory", "--limit", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r"^PID\s+NAME")
        self.assertNotIn("\x1b", r.stdout)  # no colour without a PTY
        self.assertGreaterEqual(len([l for l in lines if l.startswith("<0.")]), 5)
        self.assertEqual(r.stderr, "")

    def test_exec_json_is_ember_ctl_json(self):
        r = self.ssh(self.reader_key, "ps", "--limit", "3", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        page = json.loads(r.stdout)
        self.assertEqual(len(page["rows"]), 3)
        for key in ("pid", "reductions", "memory", "message_queue_len", "status"):
            self.assertIn(key, page["rows"][0])
        r = self.ssh(self.reader_key, "system", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("process_count", json.loads(r.stdout))

    def test_exec_errors_are_one_line_and_non_zero(self):
        r = self.ssh(self.reader_key, "pss")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'pss' (did you mean ps?)", r.stderr)
        r = self.ssh(self.reader_key, "info", "<0.99999.0>")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("no process", r.stderr)
        r = self.ssh(self.admin_key, "send", "front_desk", "{hello,")
        self.assertEqual(r.returncode, 2)
        self.assertIn("column", r.stderr)

    def test_a_running_command_does_not_stall_other_sessions(self):
        # A top that goes on for a long time (one frame a second) holds its
        # own thread; another session's command still runs and returns.
        top = subprocess.Popen(self.ssh_args(self.reader_key) + ["--", "top", "--count", "1000"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        try:
            first = top.stdout.readline()  # the first frame has begun
            self.assertTrue(first.startswith("node "), first)
            r = self.ssh(self.reader_key, "system")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("processes", r.stdout)
            self.assertIsNone(top.poll())  # top still runs
        finally:
            top.kill()
            top.communicate()

    def test_kill_and_the_process_is_gone(self):
        victim = self.pid_of("customer")
        r = self.ssh(self.admin_key, "kill", victim)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "ok"), r.stderr)
        # An exit signal is delivered at the process's next checkpoint: wait
        # for the node to say it is gone.
        wait_for(lambda: self.ssh(self.reader_key, "info", victim).returncode == 1, "the killed process to be gone")
        r = self.ssh(self.reader_key, "info", victim)
        self.assertIn("no process", r.stderr)
        # Its supervisor restarted it, and the tree says so: the restart
        # history names the child, its old pid and why it died.
        def restart_shown():
            out = self.ssh(self.reader_key, "tree", "shop").stdout
            return re.search(r"customer\s+" + re.escape(victim) + r"\s+killed", out)
        wait_for(restart_shown, "the restart in the tree")
        audit = self.node.audit()
        self.assertRegex(audit, r"command .*kill " + re.escape(victim) + r".*outcome=ok")

    def test_read_only_key_refused_on_kill(self):
        victim = self.pid_of("counter")
        r = self.ssh(self.reader_key, "kill", victim)
        self.assertEqual(r.returncode, 1)
        self.assertIn("admin", r.stderr)
        self.assertIn("read-only", r.stderr)
        self.assertEqual(self.ssh(self.reader_key, "info", victim).returncode, 0)  # still alive

    def test_unknown_key_refused(self):
        r = self.ssh(self.stranger_key, "ps")
        self.assertEqual(r.returncode, 255)
        self.assertIn("Permission denied (publickey)", r.stderr)
        self.assertIn("unknown key", self.node.audit())

    def test_port_forwarding_refused(self):
        # -W asks for a direct-tcpip channel: stdio forwarding to the node's own port.
        # (ssh says why the channel failed only at LogLevel VERBOSE.)
        r = subprocess.run(self.ssh_args(self.admin_key, "-W", "127.0.0.1:%d" % self.node.port, "-o", "LogLevel=VERBOSE"),
                           capture_output=True, text=True,
                           timeout=WAIT, input="")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("administratively prohibited", r.stderr)

    # --- interactive, on a PTY through tmux --------------------------------

    def test_interactive_session(self):
        tmux = ["tmux", "-L", "ember-ssh-test-%d" % os.getpid()]
        ssh = " ".join("'" + a + "'" for a in self.ssh_args(self.admin_key, "-tt"))
        subprocess.run(tmux + ["new-session", "-d", "-x", "120", "-y", "40", ssh], check=True)
        try:
            screen = lambda: subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True).stdout
            keys = lambda *k: subprocess.run(tmux + ["send-keys", *k], check=True)
            # capture-pane drops the blanks that end a row: the prompt's space too.
            prompt = "nonode@nohost> "
            wait_for(lambda: prompt.rstrip() in screen(), "the prompt")
            keys("ps --limit 3", "Enter")
            wait_for(lambda: re.search(r"^PID\s+NAME", screen(), re.M), "ps output")
            wait_for(lambda: screen().rstrip().endswith(prompt.rstrip()), "the prompt after ps")
            # History: Up brings the last line back.
            keys("Up")
            wait_for(lambda: screen().rstrip().endswith(prompt + "ps --limit 3"), "history recall")
            keys("C-u")
            # Completion of a command, then of a registered name.
            keys("sys", "Tab")
            wait_for(lambda: screen().rstrip().endswith(prompt + "system"), "command completion")
            keys("C-u", "info front_d", "Tab")
            wait_for(lambda: screen().rstrip().endswith(prompt + "info front_desk"), "name completion")
            keys("C-u")
            # top refreshes until Ctrl-C.
            keys("top", "Enter")
            wait_for(lambda: "reds/s" in screen().lower() or "REDS/S" in screen(), "top's table")
            keys("C-c")
            wait_for(lambda: screen().rstrip().endswith(prompt.rstrip()), "the prompt after Ctrl-C on top")
            # An unknown command: one line, closest match.
            keys("pss", "Enter")
            wait_for(lambda: "did you mean ps?" in screen(), "the closest match")
            keys("C-d")
            wait_for(lambda: subprocess.run(tmux + ["has-session"], capture_output=True).returncode != 0, "the session to end")
        finally:
            subprocess.run(tmux + ["kill-server"], capture_output=True)
        history_dir = os.path.join(self.node.state, "history")
        files = os.listdir(history_dir)
        self.assertEqual(len(files), 1)
        with open(os.path.join(history_dir, files[0])) as f:
            self.assertIn("ps --limit 3", f.read().splitlines())

    # --- clients that misbehave (tests/remsh/raw_client_test.cpp has the
    # ones that need a key exchange first) ---------------------------------

    def raw_connection(self):
        """A TCP connection that has read the node's identification line and
        sent its own, as an SSH client starts."""
        s = socket.create_connection(("127.0.0.1", self.node.port), timeout=WAIT)
        banner = b""
        while not banner.endswith(b"\n"):
            chunk = s.recv(1)
            self.assertTrue(chunk, "the node closed before its banner")
            banner += chunk
        self.assertTrue(banner.startswith(b"SSH-2.0-"), banner)
        s.sendall(b"SSH-2.0-ember_test_raw\r\n")
        return s

    @staticmethod
    def packet(payload):
        """An unencrypted SSH binary packet (RFC 4253 section 6)."""
        padding = 8 - (len(payload) + 5) % 8
        if padding < 4:
            padding += 8
        body = bytes([padding]) + payload + b"\0" * padding
        return len(body).to_bytes(4, "big") + body

    @staticmethod
    def ssh_string(b):
        return len(b).to_bytes(4, "big") + b

    def assert_cut_off(self, s):
        """The node closes the connection: reads end (the node may first send
        its own key exchange init)."""
        def closed():
            try:
                return s.recv(65536) == b""
            except ConnectionResetError:
                return True
        wait_for(closed, "the node to close the connection")

    def test_channel_open_before_key_exchange_is_cut_off(self):
        s = self.raw_connection()
        try:
            # SSH_MSG_CHANNEL_OPEN "session", sender channel 0, window, packet size
            s.sendall(self.packet(bytes([90]) + self.ssh_string(b"session") + (0).to_bytes(4, "big") +
                                  (1 << 20).to_bytes(4, "big") + (32768).to_bytes(4, "big")))
            self.assert_cut_off(s)
        finally:
            s.close()
        self.assertEqual(self.ssh(self.reader_key, "system").returncode, 0)

    def test_service_request_before_key_exchange_is_cut_off(self):
        s = self.raw_connection()
        try:
            s.sendall(self.packet(bytes([5]) + self.ssh_string(b"ssh-connection")))  # SSH_MSG_SERVICE_REQUEST
            self.assert_cut_off(s)
        finally:
            s.close()
        self.assertEqual(self.ssh(self.reader_key, "system").returncode, 0)

    def test_idle_connections_stay_within_limits(self):
        socks = []
        try:
            for _ in range(200):
                s = socket.socket()
                s.settimeout(WAIT)
                s.connect(("127.0.0.1", self.node.port))
                socks.append(s)
            # A legitimate login still works while they sit there.
            r = self.ssh(self.reader_key, "system")
            self.assertEqual(r.returncode, 0, r.stderr)
            # The node keeps at most max_unauthenticated (10) of them: the
            # rest are closed by it.
            def closed_count():
                n = 0
                for s in socks:
                    s.setblocking(False)
                    try:
                        while True:
                            data = s.recv(4096)
                            if not data:
                                n += 1
                                break
                    except BlockingIOError:
                        pass
                    except OSError:
                        n += 1
                return n >= 190
            wait_for(closed_count, "the node to close all but 10 idle connections")
        finally:
            for s in socks:
                s.close()


class StartTest(unittest.TestCase):
    def test_loose_authorized_keys_refused_at_start(self):
        root = tempfile.mkdtemp(prefix="ember-ssh-")
        try:
            os.chmod(root, 0o700)
            pub = keygen(os.path.join(root, "k"), "k")
            keys = os.path.join(root, "authorized_keys")
            with open(keys, "w") as f:
                f.write(pub + "\n")
            os.chmod(keys, 0o666)
            r = subprocess.run([NODE, "--state-dir", os.path.join(root, "state"), "--ssh", "0", "--authorized-keys", keys],
                               capture_output=True, text=True, timeout=WAIT)
            self.assertEqual(r.returncode, 2)
            self.assertIn("writable by", r.stderr)
            self.assertNotIn("ready", r.stdout)
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    NODE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
