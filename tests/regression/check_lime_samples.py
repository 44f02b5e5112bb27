#!/usr/bin/python3
"""check_lime_samples.py SAMPLES.npz KERNEL_WIDTH SELECTION LIME_REPO: refits
the neighbourhood that `glassbox explain --method lime --save-samples` wrote
with lime's own LimeBase.explain_instance_with_data (lime/lime_base.py of the
lime repository at LIME_REPO, github.com/marcotcr/lime) and prints the
largest difference of intercept, coefficients, score and local prediction,
relative to the largest coefficient. KERNEL_WIDTH and SELECTION are those of
the JSON line ("kernel_width", "selection"). Needs numpy, scipy, sklearn."""
import functools
import importlib.util
import os
import sys

import numpy as np

path, width, selection, repo = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
spec = importlib.util.spec_from_file_location("lime_base", os.path.join(repo, "lime", "lime_base.py"))
lime_base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lime_base)

z = np.load(path)
rows, scores, distances = z["rows"].astype(np.float64), z["scores"].astype(np.float64), z["distances"].astype(np.float64)
label = int(z["label"][0])
probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))  # glassbox explains the softmax probability
probabilities /= probabilities.sum(axis=1, keepdims=True)
kernel = functools.partial(lambda d, w: np.sqrt(np.exp(-(d ** 2) / w ** 2)), w=width)
base = lime_base.LimeBase(kernel, verbose=False)
intercept, terms, score, local = base.explain_instance_with_data(
    rows, probabilities, distances, label, len(z["features"]), feature_selection=selection.replace("-", "_"))
theirs = dict(terms)
ours = dict(zip(z["features"].astype(int), z["coefficients"].astype(np.float64)))
scale = max(abs(v) for v in theirs.values())
assert set(theirs) == set(ours), f"different features: lime {sorted(theirs)}, glassbox {sorted(ours)}"
worst = max(abs(theirs[f] - ours[f]) for f in theirs) / scale
print(f"features {sorted(theirs)}: coefficients {worst:.2e}, intercept {abs(intercept - z['intercept'][0]) / scale:.2e}, "
      f"score {abs(score - z['score'][0]):.2e}, local prediction {abs(local[0] - z['local_prediction'][0]) / scale:.2e}")
