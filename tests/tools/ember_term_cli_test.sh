#!/usr/bin/env bash
# ember-term from the outside: encode/decode pipes, hex mode, and clear
# errors with non-zero exits on bad input.
set -u
bin=$1
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then echo "FAIL $1: expected [$2] got [$3]"; fail=1; else echo "ok   $1"; fi
}

check "round trip" '{ok,<0.42.0>,#{name => <<"x">>}}' "$("$bin" encode '{ok,<0.42.0>,#{name => <<"x">>}}' | "$bin" decode)"
check "hex encode" "83 68 02 77 02 6f 6b 61 01" "$("$bin" encode --hex '{ok,1}')"
check "hex decode" "[]" "$(echo '83 6a' | "$bin" decode --hex)"
check "term from stdin" "[1,2]" "$(echo '[1,2].' | "$bin" encode | "$bin" decode)"
check "version" "ember-term" "$("$bin" --version | cut -d' ' -f1)"

err=$("$bin" encode '{a,' 2>&1 >/dev/null); rc=$?
check "bad term exit" 1 "$rc"
case "$err" in *"line 1, column 4"*) echo "ok   bad term message";; *) echo "FAIL bad term message: $err"; fail=1;; esac

err=$(printf '\x83\x6c\xff\xff\xff\xff' | "$bin" decode 2>&1 >/dev/null); rc=$?
check "bad bytes exit" 1 "$rc"
case "$err" in *truncated*) echo "ok   bad bytes message";; *) echo "FAIL bad bytes message: $err"; fail=1;; esac

"$bin" frobnicate >/dev/null 2>&1; check "unknown command exit" 2 "$?"
exit $fail
