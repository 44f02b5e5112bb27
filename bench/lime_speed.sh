#!/usr/bin/env bash
# LIME's speed: an image explanation with 1000 samples on lenet (target
# under 0.25 s) and a text explanation with 5000 samples on textcnn (target
# under 5 s), each the median over 20 test examples, models trained for one
# epoch with the default settings.
# usage: bash lime_speed.sh BUILD
set -euo pipefail
build=$1
for model in lenet textcnn; do
    file=$build/bench_lime_$model.npz
    [ -f "$file" ] || "$build"/glassbox train --model "$model" --epochs 1 --out "$file" > /dev/null 2>&1
done
"$build"/bench/lime_speed "$build"/bench_lime_lenet.npz 1000 20
"$build"/bench/lime_speed "$build"/bench_lime_textcnn.npz 5000 20
