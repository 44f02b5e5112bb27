#!/usr/bin/env bash
# test.sh BUILD: the unit tests (Catch2), then a smoke run of the command line
# and of every tutorial on a small slice of MNIST. Ends with one line
# "tests: P passed, F failed" counting Catch2's test cases and the smoke runs.
# The tutorials' smoke runs go in a second lane beside the unit tests and the
# command line's, so both cores work, and the first lane takes those left
# when it is done; the second lane's lines are printed after the first's.
set -uo pipefail
build=${1:-build}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# A run that hangs (a deadlock, or a crash handler waiting on a lock the
# crash left held) fails after this many seconds instead of holding the
# machine: the unit tests take about a minute, a smoke run under 20 s.
UNIT_TIMEOUT=${UNIT_TIMEOUT:-1200}
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-600}

# smoke NAME COMMAND...: runs a program; passes if it exits 0 and, for
# glassbox, ends its output with a JSON line. Prints one "smoke ok:" or
# "smoke FAILED:" line, which the count at the end reads.
# A smoke run uses one thread (GLASSBOX_THREADS=1): two lanes of them keep
# both cores busy, where two programs with a thread per core each would wait
# on each other's threads (a parallel job ends only when every worker has
# taken its turn). The unit tests keep a thread per core, so that they test
# the parallel code paths.
smoke() {
    local name=$1; shift
    local start=$SECONDS
    if GLASSBOX_THREADS=1 timeout -k 10 "$SMOKE_TIMEOUT" "$@" > "$scratch/$lane.out" 2> "$scratch/$lane.err" &&
       { [[ $1 != */glassbox ]] || tail -1 "$scratch/$lane.out" | grep -q '^{.*}$'; }; then
        echo "smoke ok:     $name ($((SECONDS - start)) s)"
    else
        echo "smoke FAILED: $name: $*"
        [ $((SECONDS - start)) -ge "$SMOKE_TIMEOUT" ] && echo "(stopped after $SMOKE_TIMEOUT s: SMOKE_TIMEOUT)"
        tail -5 "$scratch/$lane.err"
    fi
}

# Each tutorial with the arguments of a quick run; a tutorial missing here fails.
declare -A tutorial_args=(
    [01_autodiff]=""
    [02_mlp_mnist]="--epochs 1 --limit 2000 --out $scratch/02"
    [03_cnn_mnist]="--epochs 1 --limit 2000 --out $scratch/03"
    [04_text_newsgroups]="--epochs 1 --limit 1000"
    [05_lstm_unrolled]="--epochs 1 --limit 2000 --out $scratch/05"
    [06_gradient_family]="--epochs 1 --limit 500 --out $scratch/06"
    [07_lrp_mlp]="--epochs 1 --limit 1000 --out $scratch/07"
    [08_deep_taylor]="--epochs 1 --limit 1000 --out $scratch/08"
    [09_lrp_text]="--epochs 1 --limit 500 --out $scratch/09"
    [10_evaluating_explanations]="--epochs 1 --text-epochs 1 --limit 300 --samples 20 --out $scratch/10"
    [11_lime]="--epochs 1 --text-epochs 1 --limit 300 --digits 4 --seeds 2 --out $scratch/11"
    [12_rule_extraction]="--epochs 1 --limit 1000 --samples 500 --tree-rows 500 --more-digits none --out $scratch/12"
    [13_activation_maximization]="--epochs 1 --expert-epochs 1 --generator-epochs 1 --lenet-epochs 1 --limit 1000 --steps 20 --out $scratch/13"
    [14_localization_review]="--epochs 1 --limit 1000 --scenes 6 --costly 2 --ep-scenes 1 --curves 2 --rise-masks 100 --iterations 20 --lime-samples 50 --out $scratch/14"
    [15_figures]="--epochs 1 --limit 500 --seeds 1 --digits 4 --out $scratch/15"
    [16_model_validation]="--epochs 1 --text-epochs 1 --seeds 1 --posts 20 --limit 300 --out $scratch/16"
)
# The slowest smoke runs first (about 17, 12, 11, 7 and 7 s on a 2-core AVX2 machine, beside the unit tests), then the rest.
slowest_first=(11_lime 14_localization_review 10_evaluating_explanations 12_rule_extraction 09_lrp_text)

# Runs every tutorial that no lane has claimed yet. A lane claims a tutorial
# by creating the folder $scratch/claimed-NAME (mkdir is atomic), so each runs once:
# the second lane starts on them at once, the first joins when its own runs
# are done, and the two end about together.
tutorial_lane() {
    local lane=$1 name
    for name in "${slowest_first[@]}" $(ls "$build/tutorials" 2> /dev/null); do
        [ -x "$build/tutorials/$name" ] && [ -f "$build/tutorials/$name" ] || continue
        mkdir "$scratch/claimed-$name" 2> /dev/null || continue
        if [ -z "${tutorial_args[$name]+set}" ]; then
            echo "smoke FAILED: tutorial $name has no entry in scripts/test.sh"
            continue
        fi
        # shellcheck disable=SC2086  # the arguments are meant to split
        smoke "tutorial $name" "$build/tutorials/$name" ${tutorial_args[$name]}
    done
}
tutorial_lane tutorials > "$scratch/tutorials.log" 2>&1 &
tutorials_pid=$!
lane=cli

timeout -k 10 "$UNIT_TIMEOUT" "$build/tests/run_tests" | tee "$scratch/unit.log"
unit_status=${PIPESTATUS[0]}
{ [ "$unit_status" -eq 124 ] || [ "$unit_status" -eq 137 ]; } && echo "unit tests: stopped after $UNIT_TIMEOUT s (UNIT_TIMEOUT); the last test named above hangs"
summary=$(grep -E "^(All tests passed|test cases:)" "$scratch/unit.log" | tail -1)
if [[ $summary =~ ^All\ tests\ passed.*in\ ([0-9]+)\ test\ case ]]; then
    passed=${BASH_REMATCH[1]}; failed=0
elif [[ $summary =~ test\ cases:\ *([0-9]+)\ \|\ *([0-9]+)\ passed\ \|\ *([0-9]+)\ failed ]]; then
    passed=${BASH_REMATCH[2]}; failed=${BASH_REMATCH[3]}
else
    passed=0; failed=1  # the runner crashed before its summary
fi
[ "$unit_status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

echo
echo "smoke runs on slices of MNIST and 20 Newsgroups (data folder: ${GLASSBOX_DATA:-data})"
{
smoke "glassbox train"   "$build/glassbox" train --model mlp --data mnist --epochs 1 --limit 2000 \
                         --out "$scratch/mlp.npz" --curves "$scratch/curves.png"
smoke "glassbox eval"    "$build/glassbox" eval --model "$scratch/mlp.npz" --data mnist --limit 2000
smoke "glassbox predict" "$build/glassbox" predict --model "$scratch/mlp.npz" --data mnist --png "$scratch/p.png"
smoke "glassbox explain" "$build/glassbox" explain --model "$scratch/mlp.npz" --index 0 --method guided-backprop \
                         --png "$scratch/h.png" --npy "$scratch/h.npy" --trace yes
smoke "glassbox train bow-mlp" "$build/glassbox" train --model bow-mlp --data 20news --epochs 1 --limit 1000 \
                         --out "$scratch/bow.npz"
smoke "glassbox eval bow-mlp" "$build/glassbox" eval --model "$scratch/bow.npz" --limit 1000
smoke "glassbox explain lime" "$build/glassbox" explain --model "$scratch/mlp.npz" --index 0 --method lime \
                         --samples 300 --png "$scratch/lime.png" --save-samples "$scratch/lime.npz" --trace yes
smoke "glassbox train tab-mlp" "$build/glassbox" train --model tab-mlp --data wine --out "$scratch/wine.npz"
smoke "glassbox explain lime table" "$build/glassbox" explain --model "$scratch/wine.npz" --index 0 --method lime
smoke "glassbox pick"    "$build/glassbox" pick --model "$scratch/wine.npz" --instances 8 --budget 2 --samples 500
smoke "glassbox methods" "$build/glassbox" methods
smoke "glassbox train one-vs-rest" "$build/glassbox" train --model mlp --hidden 20,10 --one-vs-rest 1 --data mnist \
                         --epochs 1 --limit 2000 --out "$scratch/mlp1.npz"
smoke "glassbox rules"   "$build/glassbox" rules --model "$scratch/mlp1.npz" --limit 500 --samples 1000 \
                         --max-depth 3 --min-cases 20 --simplify yes --out "$scratch/rules.txt" --png "$scratch/rules.png"
smoke "glassbox rules pedagogical" "$build/glassbox" rules --model "$scratch/mlp1.npz" --method pedagogical \
                         --limit 500 --samples 1000 --prune-inputs yes
smoke "glassbox rules table" "$build/glassbox" rules --model "$scratch/wine.npz" --class 0 --max-depth 3
smoke "glassbox train tree" "$build/glassbox" train --model tree --data mnist --limit 1000 --max-depth 8 \
                         --out "$scratch/tree.txt" --importance "$scratch/gini.png"
smoke "glassbox train forest" "$build/glassbox" train --model forest --data breast-cancer --trees 10 \
                         --out "$scratch/forest.txt"
smoke "glassbox train allconv-gap" "$build/glassbox" train --model allconv-gap --data mnist --epochs 1 --limit 2000 \
                         --out "$scratch/gap.npz"
smoke "glassbox explain rise" "$build/glassbox" explain --model "$scratch/gap.npz" --index 0 --method rise \
                         --masks 200 --save-masks "$scratch/rise.npz" --png "$scratch/rise.png"
smoke "glassbox explain extremal, cam" "$build/glassbox" explain --model "$scratch/gap.npz" --index 0,1 \
                         --method extremal-perturbation,cam --iterations 50 --png "$scratch/ep.png"
smoke "glassbox explain scenes" "$build/glassbox" explain --model "$scratch/gap.npz" --data mnist-scenes \
                         --scene same --index 0,1 --method cam,excitation --png "$scratch/scenes.png"
smoke "glassbox evaluate pointing" "$build/glassbox" evaluate --model "$scratch/gap.npz" --metric pointing \
                         --data mnist-scenes --scene different --samples 20 --methods cam,gradcam,excitation
smoke "glassbox evaluate deletion" "$build/glassbox" evaluate --model "$scratch/gap.npz" --metric deletion \
                         --scene same --samples 3 --methods cam,rise --masks 100
smoke "glassbox train rbm" "$build/glassbox" train --model rbm --data mnist --epochs 1 --limit 2000 --hidden 64 \
                         --out "$scratch/rbm.npz"
smoke "glassbox train vae" "$build/glassbox" train --model vae --data mnist --epochs 1 --limit 2000 --hidden 64 \
                         --out "$scratch/vae.npz"
for method in am am-expert am-generator; do
    generator=(); [ $method = am-generator ] && generator=(--generator "$scratch/vae.npz")
    smoke "glassbox visualize $method" "$build/glassbox" visualize --model "$scratch/mlp.npz" --method $method \
                         --class all --steps 20 --expert "$scratch/rbm.npz" "${generator[@]}" \
                         --png "$scratch/$method.png" --npy "$scratch/$method.npy"
done
smoke "glassbox visualize invert" "$build/glassbox" visualize --model "$scratch/mlp.npz" --method invert --index 0 \
                         --layer 1 --steps 50 --png "$scratch/invert.png"
tutorial_lane cli
} | tee "$scratch/smoke.log"
wait "$tutorials_pid"
cat "$scratch/tutorials.log"
cat "$scratch/tutorials.log" >> "$scratch/smoke.log"
passed=$((passed + $(grep -c "^smoke ok:" "$scratch/smoke.log")))
failed=$((failed + $(grep -c "^smoke FAILED:" "$scratch/smoke.log")))
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
