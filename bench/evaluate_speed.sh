#!/usr/bin/env bash
# Region perturbation of 1000 MNIST test digits for three methods (and the
# random baseline), 4 x 4 regions, 49 steps: wall-clock seconds for the mlp
# and for lenet. Target: under a minute each on 2 cores.
# usage: bash evaluate_speed.sh BUILD
set -euo pipefail
build=$1
for model in mlp lenet; do
    file=$build/bench_eval_$model.npz
    [ -f "$file" ] || "$build"/glassbox train --model "$model" --epochs 1 --out "$file" > /dev/null 2>&1
    start=$(date +%s%N)
    "$build"/glassbox evaluate --model "$file" --metric perturbation --methods sensitivity,lrp-epsilon,lrp \
        --samples 1000 > /dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    printf 'region perturbation, %s, 1000 digits, 3 methods + random: %d.%01d s\n' "$model" $((ms / 1000)) $((ms % 1000 / 100))
done
