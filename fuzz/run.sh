#!/usr/bin/env bash
# run.sh BUILD SECONDS RUNS NAME...: runs each fuzzer BUILD/fuzz/fuzz-NAME for
# SECONDS (or RUNS inputs, -1: no limit) from its seed corpus fuzz/corpus/NAME,
# keeping what it learns in BUILD/corpus/NAME and a crashing, slow or
# memory-hungry input in BUILD/crashes/. Prints each fuzzer's executions and
# coverage; stops at the first problem found.
set -uo pipefail
build=$1 seconds=$2 runs=$3
shift 3
mkdir -p "$build/crashes"
for name in "$@"; do
    mkdir -p "$build/corpus/$name"
    log="$build/fuzz-$name.log"
    "$build/fuzz/fuzz-$name" "$build/corpus/$name" "fuzz/corpus/$name" -max_total_time="$seconds" -runs="$runs" \
        -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/crashes/$name-" > "$log" 2>&1
    status=$?
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    coverage=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+')
    echo "fuzz $name: ${executions:-?} executions in ${seconds} s or less, ${coverage:-no coverage line}"
    if [ "$status" -ne 0 ]; then
        grep -E '==[0-9]+==ERROR|SUMMARY|Test unit written|uncaught|deadly signal' "$log" | head -5
        echo "fuzz $name: found a problem (log: $log); fix it, and keep the input in fuzz/regressions/$name/"
        exit 1
    fi
done
