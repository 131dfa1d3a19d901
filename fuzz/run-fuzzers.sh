#!/bin/sh
# run-fuzzers.sh: runs libFuzzer targets one after the other, each for a fixed time, and
# says for each what it did: executions, seconds, coverage, corpus size, and whether it
# crashed (a crash, a sanitizer report, a leak, a hang or a memory blow-up), with the input
# that did it. Exit status 1 when any target crashed. `make fuzz` calls it (fuzz/local.am).
#
#   run-fuzzers.sh SEEDS OUT SECONDS TARGET...
#
# TARGET is a built fuzz/NAME_fuzzer. It reads its committed seeds from SEEDS/NAME/ and
# keeps the inputs it finds in OUT/corpus/NAME/ (read again by the next run); a crash input
# goes to OUT/crashes/, the whole libFuzzer output to OUT/logs/NAME.log. One at a time: a
# fuzzer keeps a core busy, and the machines this runs on are shared.
set -u

if [ $# -lt 4 ]; then
    echo "usage: $0 SEEDS OUT SECONDS TARGET..." >&2
    exit 2
fi
seeds=$1 out=$2 seconds=$3
shift 3
mkdir -p "$out/corpus" "$out/crashes" "$out/logs" || exit 2

# The value of a "stat::NAME: N" line of libFuzzer's -print_final_stats output.
final_stat() {
    sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

# A field ("cov", "ft", "corp") of libFuzzer's last status line ("#N DONE cov: ... corp: 12/3Kb").
last_status_field() {
    grep -E '^#[0-9]+' "$2" | tail -n 1 | sed -n "s/.* $1: \([^ ]*\).*/\1/p"
}

crashed=0
for target in "$@"; do
    name=$(basename "$target" | sed 's/_fuzzer$//')
    log="$out/logs/$name.log"
    mkdir -p "$out/corpus/$name"
    [ -d "$seeds/$name" ] || echo "fuzz: $name: no seed corpus in $seeds/$name" >&2
    start=$(date +%s)
    # -timeout: an input taking longer is a hang; -rss_limit_mb: more memory is a crash.
    "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$name-" "$out/corpus/$name" "$seeds/$name" >"$log" 2>&1
    status=$?
    elapsed=$(($(date +%s) - start))
    runs=$(final_stat number_of_executed_units "$log")
    summary="$name: ${runs:-0} executions in ${elapsed} s, coverage $(last_status_field cov "$log") edges"
    summary="$summary / $(last_status_field ft "$log") features, corpus $(last_status_field corp "$log")"
    summary="$summary (inputs/bytes), $(find "$out/corpus/$name" -type f | wc -l) kept in $out/corpus/$name"
    if [ "$status" -eq 0 ]; then
        echo "fuzz: $summary: no crash"
    else
        crashed=$((crashed + 1))
        input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        echo "fuzz: $summary: CRASHED (exit status $status)"
        echo "fuzz: $name: input: ${input:-none written}; reproduce: $target ${input:-}"
        echo "fuzz: $name: ---- the report in $log ----"
        grep -v -E '^(#[0-9]+|INFO:|[[:space:]]*NEW_FUNC)' "$log" | head -n 40
        echo "fuzz: $name: ----"
    fi
done
echo "fuzz: $# targets, $crashed crashed"
[ "$crashed" -eq 0 ]
