#!/usr/bin/env bash
# record_explanations.sh BUILD OUT: explains a few test inputs of small trained
# models (mlp, lenet, lstm, textcnn) with every method, composite and the
# variants their flags select, and writes, per run, the relevance (.npy) and
# the JSON line (.json), or the error message (.err) where a method refuses
# the model. Two recordings, before and after a change of explain/, are
# compared by compare_explanations.py. Needs the data (make data).
set -uo pipefail
build=$1
out=$2
mkdir -p "$out/models"
glassbox="$build/glassbox"

train() {  # train NAME ARGS...: a quick model, trained once
    local name=$1; shift
    [ -f "$out/models/$name.npz" ] || "$glassbox" train --out "$out/models/$name.npz" --epochs 1 "$@" > /dev/null 2>&1 ||
        { echo "training $name failed" >&2; exit 1; }
}
train mlp --model mlp --data mnist --limit 2000
train lenet --model lenet --data mnist --limit 2000
train lstm --model lstm --data mnist --limit 1000
train textcnn --model textcnn --data 20news --limit 600

# run MODEL INDEX TAG ARGS...: one explanation, recorded as TAG
run() {
    local model=$1 index=$2 tag=$3; shift 3
    local base="$out/$model.$index.$tag"
    if "$glassbox" explain --model "$out/models/$model.npz" --index "$index" --npy "$base.npy" "$@" \
        > "$base.out" 2> "$base.err"; then
        tail -1 "$base.out" | sed 's/"model": "[^"]*", //; s/, "npy": "[^"]*"//' > "$base.json"
        rm -f "$base.err"
    else
        rm -f "$base.npy"
    fi
    rm -f "$base.out"
}

methods="gradient sensitivity gradient-x-input taylor deconvnet guided-backprop smoothgrad integrated-gradients
         occlusion gradcam guided-gradcam lrp-0 lrp-epsilon lrp-gamma lrp-alphabeta lrp-zplus lrp-w2 lrp-flat lrp-zb
         lrp deep-taylor excitation contrastive-excitation"
for model in mlp lenet lstm textcnn; do
    for index in 0 7; do
        for method in $methods; do run "$model" "$index" "$method" --method "$method"; done
        for composite in epsilon-gamma-zb alphabeta-zb deep-taylor; do
            run "$model" "$index" "lrp-$composite" --method lrp --composite "$composite"
        done
        run "$model" "$index" taylor-mean --method taylor --baseline mean
        run "$model" "$index" taylor-search --method taylor --baseline search
        run "$model" "$index" ig-mean --method integrated-gradients --baseline mean --samples 20
        run "$model" "$index" smoothgrad-seed --method smoothgrad --samples 7 --noise 0.3 --seed 5
        run "$model" "$index" occlusion-patch --method occlusion --patch 3 --stride 1
        run "$model" "$index" eps-1 --method lrp-epsilon --epsilon 1
        run "$model" "$index" gamma-1 --method lrp-gamma --gamma 1
        run "$model" "$index" ab-1-0 --method lrp-alphabeta --alpha 1 --beta 0
        run "$model" "$index" zb-bounds --method lrp-zb --bounds -1,2
        run "$model" "$index" maxpool-prop --method lrp-epsilon --max-pool proportional
        run "$model" "$index" bias-factor --method lrp-epsilon --bias-factor 1
        run "$model" "$index" target-3 --method lrp-epsilon --target 3
        run "$model" "$index" translations --method gradient --translations 1
        run "$model" "$index" filter --method lrp-epsilon --filter 1:0,3
        run "$model" "$index" trace --method lrp-0 --trace yes
    done
done
ls "$out"/*.npy | wc -l | xargs echo "arrays:"
ls "$out"/*.err 2>/dev/null | wc -l | xargs echo "refusals:"
