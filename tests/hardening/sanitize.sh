#!/usr/bin/env bash
# sanitize.sh BUILD: the unit tests and a few command-line runs of a build made
# with AddressSanitizer and UndefinedBehaviorSanitizer (`make sanitize`). Any
# report of either sanitizer ends its program with an error, and this script
# with "sanitize: N FAILED". The command-line runs read slices of MNIST, 20
# Newsgroups and wine from the data folder (${GLASSBOX_DATA:-data}; `make data`
# fills it), so the gzip, tar, IDX, CSV and text readers run under the
# sanitizers on the real files too.
set -uo pipefail
build=${1:-build-asan}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0

# run NAME COMMAND...: passes if the command exits 0 and no sanitizer spoke.
run() {
    local name=$1; shift
    local start=$SECONDS
    if "$@" > "$scratch/out" 2> "$scratch/err" && ! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$scratch/err"; then
        echo "sanitize ok:     $name ($((SECONDS - start)) s)"
    else
        echo "sanitize FAILED: $name: $*"
        grep -E -A12 "ERROR: (Address|Leak)Sanitizer|runtime error:" "$scratch/err" | head -30
        tail -3 "$scratch/err"
        failed=$((failed + 1))
    fi
}

g="$build/glassbox"
run "unit tests"         "$build/tests/run_tests"
run "train mlp"          "$g" train --model mlp --data mnist --epochs 1 --limit 2000 --out "$scratch/mlp.npz"
run "eval"               "$g" eval --model "$scratch/mlp.npz" --limit 2000
run "explain gradient"   "$g" explain --model "$scratch/mlp.npz" --index 0 --method gradient-x-input \
                         --png "$scratch/g.png" --npy "$scratch/g.npy" --trace yes
run "explain lrp filter" "$g" explain --model "$scratch/mlp.npz" --index 0,1 --method lrp-epsilon,guided-backprop \
                         --filter 2:0,5 --png "$scratch/f.png"
run "explain lime"       "$g" explain --model "$scratch/mlp.npz" --index 0 --method lime --samples 200 \
                         --png "$scratch/lime.png"
run "explain occlusion"  "$g" explain --model "$scratch/mlp.npz" --index 3 --method occlusion --patch 7 --stride 7
run "evaluate"           "$g" evaluate --model "$scratch/mlp.npz" --metric perturbation \
                         --methods gradient,lrp-epsilon --samples 4
run "train bow-mlp"      "$g" train --model bow-mlp --data 20news --epochs 1 --limit 500 --out "$scratch/bow.npz"
run "explain bow-mlp"    "$g" explain --model "$scratch/bow.npz" --index 0 --method gradient
run "train tab-mlp"      "$g" train --model tab-mlp --data wine --epochs 5 --out "$scratch/wine.npz"
run "explain lime table" "$g" explain --model "$scratch/wine.npz" --index 0 --method lime
# bad input: one error line, exit 1, no sanitizer report
printf 'not a model' > "$scratch/bad.npz"
if "$g" eval --model "$scratch/bad.npz" > /dev/null 2> "$scratch/err"; then
    echo "sanitize FAILED: a bad model file was accepted"; failed=$((failed + 1))
elif [ "$(wc -l < "$scratch/err")" -ne 1 ] || ! grep -q "^glassbox: error: " "$scratch/err"; then
    echo "sanitize FAILED: a bad model file: not one error line"; cat "$scratch/err"; failed=$((failed + 1))
else
    echo "sanitize ok:     a bad model file is one error line"
fi

echo
if [ "$failed" -eq 0 ]; then echo "sanitize: all passed"; else echo "sanitize: $failed FAILED"; fi
[ "$failed" -eq 0 ]
