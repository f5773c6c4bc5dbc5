#!/usr/bin/env bash
# component_rule_test.sh ROOT: configures tests/cmake/component_rule with
# allowed and forbidden dependencies and checks that ember_add_component
# accepts the first and fails configuration, with a clear message, on the
# second (docs/ARCHITECTURE.md's rule). Configuration only: nothing is built.
set -u
root=${1:?usage: component_rule_test.sh EMBER_ROOT}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
case_no=0

configure() { # expect(ok|fail) pattern args...
  local expect=$1 pattern=$2
  shift 2
  case_no=$((case_no + 1))
  local out rc
  out=$(cmake -S "$root/tests/cmake/component_rule" -B "$work/b$case_no" -G Ninja -DEMBER_ROOT="$root" "$@" 2>&1)
  rc=$?
  if [ "$expect" = ok ] && [ $rc -ne 0 ]; then
    echo "FAIL: $* was refused:"; echo "$out" | grep -A3 'CMake Error'; failures=$((failures + 1))
  elif [ "$expect" = fail ] && { [ $rc -eq 0 ] || ! echo "$out" | grep -q "$pattern"; }; then
    echo "FAIL: $* was accepted, or refused without '$pattern'"; failures=$((failures + 1))
  else
    echo "ok: $expect $*"
  fi
}

configure ok '' -DNAME=protocol -DDEPENDS=term
configure ok '' -DNAME=runtime -DDEPENDS=term
configure ok '' -DNAME=observer -DDEPENDS=term      # reached through client -> protocol
configure fail 'may not depend on' -DNAME=client -DDEPENDS=runtime
configure fail 'may not depend on' -DNAME=term -DDEPENDS=runtime
configure fail 'does not declare' -DNAME=protocol -DDEPENDS= -DEXTRA_LINK=ember::term
configure fail 'does not declare' -DNAME=runtime -DDEPENDS=term -DEXTRA_LINK=Threads::Threads
configure fail 'not a component' -DNAME=gadget -DDEPENDS=term

echo "$((case_no - failures)) passed, $failures failed"
[ $failures -eq 0 ]
