#!/usr/bin/env bash
# rules_mnist.sh [BUILD]: DeepRED's MNIST task ("digit D vs the rest", a 784-100-50-2 ReLU network
# trained by glassbox) for digits 1, 0 and 7 (DIGITS="1 0 7"): DeepRED and the pedagogical C4.5 tree, each
# with fidelity, accuracy, rules, terms, seconds and peak MB (the JSON line of `glassbox rules`), then the
# wall and CPU time of the whole command (/usr/bin/time).
# The targets of the DeepRED comparison: fidelity >= 99.0% with at most 12 rules, under 2 minutes
# and 1 GB on 2 cores. Settings: all 60000 training digits, C4.5 depth 4, min cases 100, pruning
# confidence 0.5, simplified keeping rules that add at least 20 agreements, trees scoring their
# features on the machine's cores (--threads).
# Measured (runs in parallel while other jobs kept the two cores at a load average of about 25, so the
# wall-clock seconds are the busy machine's; CPU = user + system seconds of the command):
#   digit 1, DeepRED: fidelity 99.00%, accuracy 98.95%, 5 rules, 53 conditions (2450 terms before
#     simplification), layer_fidelity [0.9986, 0.9955, 0.9793], 813 MB, 106 s CPU (extraction 1125 s wall)
#     On the idle machine (load 0.7), the same command with --threads at its default (2 cores): the same rules,
#     extraction 57.0 s, 58.6 s wall for the command, 99.1 s user, 833 MB resident.
#   digit 1, pedagogical: 96.55%, 1 rule, 4 conditions, 776 MB, 17.5 s CPU
#   digit 0, DeepRED: stopped at the cap of 20000 terms (substituting layer 1 into the pixels), 69.4 s CPU;
#     at confidence 0.25 too (the rules over the pixels passed 20000 terms, 71.8 s CPU)
#   digit 7, DeepRED: stopped at the cap (the rules over the pixels passed 20000 terms), 153.3 s CPU
#   with --max-depth 3 instead (same other settings): digit 0 97.71% fidelity, 97.69% accuracy, 5 rules,
#     26 conditions (42 terms before simplification), 813 MB, 39.6 s CPU; digit 7 95.45%, 95.35%, 7 rules,
#     13 conditions (3455 terms), 813 MB, 64.6 s CPU
#   digit 0, pedagogical: 96.41%, 3 rules, 11 conditions, 776 MB, 16.4 s CPU
#   digit 7, pedagogical: 92.61%, 4 rules, 7 conditions, 776 MB, 15.2 s CPU
set -euo pipefail
build=${1:-build}
runs=${RUNS:-runs}
mkdir -p "$runs"
for digit in ${DIGITS:-1 0 7}; do
    model="$runs/mlp_100_50_vs_$digit.npz"
    [ -f "$model" ] || "$build/glassbox" train --model mlp --hidden 100,50 --one-vs-rest "$digit" --data mnist \
        --out "$model" > /dev/null
    for method in deepred pedagogical; do
        echo "digit $digit, $method:"
        /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KB" \
            "$build/glassbox" rules --model "$model" --method "$method" --max-depth 4 --min-cases 100 \
            --confidence 0.5 --simplify yes --min-rule-gain 20 || echo "digit $digit, $method: stopped, see above"
    done
done
