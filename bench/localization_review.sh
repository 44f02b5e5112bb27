#!/usr/bin/env bash
# The costly rows of tutorial 14 (RISE, extremal perturbation, LIME) on the
# same MNIST scenes as the tutorial (seed 14, 56 x 56) and its allconv-gap
# model: pointing game and energy share over SCENES scenes per kind,
# deletion and insertion areas over the first CURVES. Prints one Markdown
# row per kind, method and metric with its wall-clock seconds and the load
# average when it ended.
# usage: bash localization_review.sh BUILD [MODEL]
#   MODEL: the tutorial's model (default runs/14_localization_review/allconv_gap.npz;
#          made by running BUILD/tutorials/14_localization_review if missing)
#   environment: SCENES (300), CURVES (30), KINDS ("single same different"),
#     METHODS ("rise extremal-perturbation lime"), RISE_MASKS (4000, the paper's),
#     EP_ITERATIONS (800, the reference's), LIME_SAMPLES (1000, lime's default)
set -euo pipefail
build=$1
model=${2:-runs/14_localization_review/allconv_gap.npz}
if [ ! -f "$model" ]; then
    "$build"/tutorials/14_localization_review --out "$(dirname "$model")" > /dev/null
fi
scenes=${SCENES:-300}
curves=${CURVES:-30}
masks=${RISE_MASKS:-4000}
iterations=${EP_ITERATIONS:-800}
samples=${LIME_SAMPLES:-1000}
echo "scenes $scenes, curves $curves; rise: $masks masks, 7 x 7 grid; extremal-perturbation: area 0.1, $iterations iterations; lime: $samples samples"
echo "| kind | method | metric | scenes | result | seconds | load |"
echo "|---|---|---|---|---|---|---|"
for kind in ${KINDS:-single same different}; do
    for method in ${METHODS:-rise extremal-perturbation lime}; do
        case $method in
            rise) parameters=(--masks "$masks" --grid 7) ;;
            extremal-perturbation) parameters=(--area 0.1 --iterations "$iterations") ;;
            lime) parameters=(--method-samples "$samples") ;;
            *) parameters=() ;;
        esac
        for metric in pointing deletion insertion; do
            n=$scenes
            [ "$metric" = pointing ] || n=$curves
            start=$(date +%s.%N)
            row=$("$build"/glassbox evaluate --model "$model" --metric "$metric" --data mnist-scenes --scene "$kind" \
                --seed 14 --samples "$n" --methods "$method" "${parameters[@]}" | grep '^| '"$method"' |')
            seconds=$(echo "$(date +%s.%N) - $start" | bc)
            result=$(echo "$row" | cut -d'|' -f3- | sed 's/ |$//; s/ | /, /g; s/^ //')
            printf '| %s | %s | %s | %d | %s | %.0f | %s |\n' "$kind" "$method" "$metric" "$n" "$result" "$seconds" \
                "$(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
