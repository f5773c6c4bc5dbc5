#!/usr/bin/env bash
# ember-ctl against a real ember-node over real TCP: every command once, the
# errors an operator meets (read-only token, unknown pid, bad token,
# unreachable node), --json through a JSON parser, and a clean stop on
# SIGTERM. Waits for what it needs (the node's `ready`, a process's end)
# with bounded polls, never a fixed sleep.
#
#   ember_ctl_node_test.sh path/to/ember-node path/to/ember-ctl
set -uo pipefail
node_bin=$1
ctl_bin=$2
work=$(mktemp -d)
node_pid=
cleanup() {
  [ -n "$node_pid" ] && kill -9 "$node_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Polls `cond` (a command) every 50 ms for at most $2 seconds.
wait_for() {
  local cond=$1 seconds=$2 i
  for ((i = 0; i < seconds * 20; i++)); do
    eval "$cond" && return 0
    sleep 0.05
  done
  return 1
}

"$node_bin" --state-dir "$work/state" --agent 127.0.0.1:0 --processes 2000 --schedulers 2 >"$work/out" 2>"$work/err" &
node_pid=$!
wait_for 'grep -qx ready "$work/out"' 60 || { cat "$work/out" "$work/err" >&2; echo "FAIL: the node never said ready" >&2; exit 1; }
endpoint=$(sed -n 's/^agent: //p' "$work/out")
ro=$(sed -n 's/^read-only token: //p' "$work/out")
admin=$(sed -n 's/^admin token: //p' "$work/out")
[ -n "$endpoint" ] && [ -f "$ro" ] && [ -f "$admin" ] || { cat "$work/out" >&2; echo "FAIL: endpoint or token files missing" >&2; exit 1; }
[ "$(stat -c %a "$ro")" = 600 ] || fail "read-only.token is not mode 0600"
[ "$(stat -c %a "$work/state")" = 700 ] || fail "the state directory is not mode 0700"

ctl() { "$ctl_bin" --connect "$endpoint" --token-file "$ro" "$@"; }
ctl_admin() { "$ctl_bin" --connect "$endpoint" --token-file "$admin" "$@"; }

# Every listing works, as text and as JSON.
for cmd in "ps --limit 5" "sched" "system" "apps" "tree" "tree shop" "events" "warnings" "info front_desk" "history process_count"; do
  # shellcheck disable=SC2086
  ctl $cmd >"$work/text" 2>"$work/stderr" || fail "'$cmd' exited $?: $(cat "$work/stderr")"
  [ -s "$work/text" ] || fail "'$cmd' printed nothing"
  # shellcheck disable=SC2086
  ctl --json $cmd >"$work/json" 2>"$work/stderr" || fail "'--json $cmd' exited $?: $(cat "$work/stderr")"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/json" || fail "'--json $cmd' is not JSON: $(head -c 300 "$work/json")"
done

# ps: sorted and bounded, the named servers among the rows.
ctl --json ps --sort memory --limit 3 >"$work/ps.json" || fail "ps --json exited $?"
python3 - "$work/ps.json" <<'PY' || fail "ps --json rows are not 3 sorted by memory"
import json, sys
page = json.load(open(sys.argv[1]))
rows = page["rows"]
assert len(rows) == 3, rows
mem = [r["memory"] for r in rows]
assert mem == sorted(mem, reverse=True), mem
PY
ctl ps --filter front_desk | grep -q front_desk || fail "ps --filter front_desk does not show it"
ctl system | grep -q process_count || ctl system | grep -qi process || fail "system shows no process count"
ctl info front_desk | grep -q 'front_desk' || fail "info front_desk does not name it"

# A read-only token cannot act: non-zero, one clear line, the process lives.
if ctl kill front_desk 2>"$work/stderr"; then fail "kill with the read-only token succeeded"; fi
grep -qi admin "$work/stderr" || fail "kill with read-only token: no word of admin in: $(cat "$work/stderr")"
[ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "the error is not one line: $(cat "$work/stderr")"
ctl info front_desk >/dev/null || fail "front_desk died from a read-only kill"

# The admin token acts; the process is then unknown (a supervisor restarts
# front_desk under the same name with a new pid).
ctl --json info customer >"$work/customer.json" || fail "info customer exited $?"
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["process"]["pid"])' "$work/customer.json")
case "$pid" in \<*\>) ;; *) fail "info's pid is not <A.B.C>: $pid" ;; esac
ctl_admin kill "$pid" || fail "kill $pid with the admin token exited $?"
wait_for '! ctl info "$pid" >/dev/null 2>&1' 10 || fail "$pid still answers info after kill"
if ctl info "$pid" 2>"$work/stderr"; then fail "info of a dead pid succeeded"; fi
grep -qi 'noproc\|no process' "$work/stderr" || fail "info of a dead pid: $(cat "$work/stderr")"
if ctl info '<0.999999.0>' 2>"$work/stderr"; then fail "info of an unknown pid succeeded"; fi

# send and suspend/resume with admin.
ctl_admin send counter '{hello, <<"world">>, 42}' || fail "send exited $?"
ctl_admin suspend counter || fail "suspend exited $?"
ctl_admin resume counter || fail "resume exited $?"

# A bad token: refused, one line.
printf 'not-the-token' >"$work/bad.token"
chmod 600 "$work/bad.token"
if "$ctl_bin" --connect "$endpoint" --token-file "$work/bad.token" ps 2>"$work/stderr"; then fail "a bad token was accepted"; fi
grep -qi token "$work/stderr" || fail "bad token: $(cat "$work/stderr")"

# An unknown command and an unreachable node.
if ctl frobnicate 2>"$work/stderr"; then fail "an unknown command succeeded"; fi
grep -qi 'unknown command' "$work/stderr" || fail "unknown command: $(cat "$work/stderr")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
if "$ctl_bin" --connect "127.0.0.1:$port" --token-file "$ro" ps 2>"$work/stderr"; then fail "an unreachable node answered"; fi
[ -s "$work/stderr" ] || fail "unreachable node: no error line"

# SIGTERM stops the node cleanly.
kill -TERM "$node_pid"
wait "$node_pid"
status=$?
node_pid=
[ "$status" -eq 0 ] || fail "ember-node exited $status on SIGTERM: $(cat "$work/err")"
grep -qx stopping "$work/out" || fail "ember-node did not say stopping"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "ember-ctl against ember-node: all passed"
