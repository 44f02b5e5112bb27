#!/usr/bin/env bash
# Activation maximization's costs: training the RBM expert and the VAE
# generator with `glassbox train`'s defaults on all of MNIST (target: each
# under 5 minutes on 2 cores), and the ten class prototypes of each variant
# on the mlp with `glassbox visualize --class all` (target: under 30 s each).
# Wall-clock seconds, as the JSON lines report them.
# usage: bash synthesis_speed.sh BUILD
set -euo pipefail
build=$1
seconds() { grep -o '"seconds": [0-9.e+-]*' | tail -1 | cut -d' ' -f2; }
report() { awk -v what="$1" -v s="$2" -v target="$3" \
    'BEGIN { printf "%-44s %8.1f s   target %5d s   %s\n", what, s, target, (s < target ? "met" : "NOT met") }'; }
mlp=$build/bench_synthesis_mlp.npz
[ -f "$mlp" ] || "$build"/glassbox train --model mlp --out "$mlp" > /dev/null 2>&1
for model in rbm vae; do
    s=$("$build"/glassbox train --model $model --data mnist --out "$build/bench_synthesis_$model.npz" 2> /dev/null | seconds)
    report "train --model $model (defaults)" "$s" 300
done
for method in am am-expert am-generator; do
    s=$("$build"/glassbox visualize --model "$mlp" --method $method --class all --expert "$build/bench_synthesis_rbm.npz" \
        $([ $method = am-generator ] && echo --generator "$build/bench_synthesis_vae.npz") \
        --png "$build/bench_synthesis_$method.png" | seconds)
    report "visualize --method $method --class all" "$s" 30
done
