#!/usr/bin/env bash
# tutorial_times.sh BUILD [NAME...]: runs every tutorial program (or those
# named, e.g. 10_evaluating_explanations) in full, as a reader runs it, and
# prints a Markdown table of its wall time and peak memory (resident set, from
# GNU time). The pictures go to a scratch folder, not to runs/. The target is
# under 120 s per tutorial on 2 cores.
set -euo pipefail
build=${1:?usage: tutorial_times.sh BUILD [NAME...]}; shift
[ -x /usr/bin/time ] || { echo "tutorial_times.sh needs GNU time: apt-get install time" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for program in "$build"/tutorials/*; do
        [ -f "$program" ] && [ -x "$program" ] && names+=("$(basename "$program")")
    done
fi

echo "| tutorial | wall time (s) | peak memory (MB) | within 120 s |"
echo "|---|---:|---:|---|"
for name in "${names[@]}"; do
    program="$build/tutorials/$name"
    [ -x "$program" ] || { echo "no tutorial program $program: run make first" >&2; exit 1; }
    args=()
    grep -q -- "--out" "tutorials/$name.cpp" 2>/dev/null && args=(--out "$scratch/$name")
    if ! /usr/bin/time -f "%e %M" -o "$scratch/time" "$program" "${args[@]}" > "$scratch/$name.log" 2>&1; then
        echo "tutorial $name failed; its last lines:" >&2
        tail -5 "$scratch/$name.log" >&2
        exit 1
    fi
    read -r seconds kilobytes < "$scratch/time"
    awk -v n="$name" -v s="$seconds" -v k="$kilobytes" \
        'BEGIN { printf "| %s | %.1f | %.0f | %s |\n", n, s, k / 1024, (s < 120 ? "yes" : "no") }'
done
