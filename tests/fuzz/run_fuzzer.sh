#!/usr/bin/env bash
# run_fuzzer.sh BINARY SEED_DIR SECONDS: fuzz for SECONDS from the seeds in a
# scratch corpus (the checked-in seeds are never written to). Any crash,
# leak or failed round-trip check fails the test and leaves the input in the
# scratch folder, whose path is printed.
set -eu
bin=$1 seeds=$2 seconds=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/ember-fuzz.XXXXXX")
mkdir -p "$work/corpus"
cp "$seeds"/* "$work/corpus/"
cd "$work"
if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 corpus; then
    rm -rf "$work"
else
    echo "fuzzer failed; inputs kept in $work" >&2
    exit 1
fi
