"""Throughput of the LRP composite on `lenet` at batch 64: glassbox's `lrp`
(epsilon-gamma-zb: zB at the first layer with bounds [0, 1], gamma 0.25 on
the convolutions, epsilon 0.25 on the dense layers, winner-takes-all max
pooling) against Zennit's EpsilonGammaBox with the same parameters, on the
same weights and the same 20 batches of MNIST test digits, each side timed
three times (median and spread). Also prints how far the two relevance maps
of four digits lie apart, so that the comparison is of the same computation.

Zennit (github.com/chr5tphr/zennit) needs PyTorch and torchvision only; give
the folder that holds its `zennit` package in ZENNIT_SRC (its checkout's
src/). Without it the script says so and exits 0.

usage: ZENNIT_SRC=.../zennit/src /usr/bin/python3 bench/lrp_zennit.py BUILD_DIR LENET.npz
"""
import torch_setup  # first: before numpy and torch load OpenBLAS

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import torch_reference as ref

build, model_path = sys.argv[1], sys.argv[2]
source = os.environ.get("ZENNIT_SRC", "")
if not os.path.isdir(os.path.join(source, "zennit")):
    print("lrp_zennit.py: Zennit not found; set ZENNIT_SRC to the src/ folder of a checkout of "
          "github.com/chr5tphr/zennit (needs python3-torchvision) to compare the LRP composite with it")
    sys.exit(0)
sys.path.insert(0, source)
from zennit.attribution import Gradient  # noqa: E402
from zennit.composites import EpsilonGammaBox  # noqa: E402

repeats, runs = 20, 3
net = ref.trained_lenet(model_path)
batches, x = ref.test_batches(os.environ.get("GLASSBOX_DATA", "data"), repeats)
composite = EpsilonGammaBox(low=0.0, high=1.0, epsilon=0.25, gamma=0.25)


def zennit_relevance(attributor, batch):
    """Relevance of the predicted class, seeded with its logit (as glassbox's lrp)."""
    def seed(output):
        return output * torch.nn.functional.one_hot(output.argmax(1), output.shape[1])
    _, relevance = attributor(batch, seed)
    return relevance


with Gradient(model=net, composite=composite) as attributor:
    zennit_relevance(attributor, batches[0])  # warm-up
    zennit_rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for b in batches:
            zennit_relevance(attributor, b)
        zennit_rates.append(64 * repeats / (time.perf_counter() - start))
    digits = zennit_relevance(attributor, x[:4].reshape(4, 1, 28, 28)).numpy().reshape(4, -1)

glassbox_rates = []
for _ in range(runs):
    out = subprocess.run([os.path.join(build, "bench", "explain_speed"), model_path, "lrp", str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    glassbox_rates.append(json.loads(out.strip().splitlines()[-1])["explanations_per_second"])

ours = []
with tempfile.TemporaryDirectory() as scratch:
    for index in range(4):
        npy = os.path.join(scratch, f"lrp{index}.npy")
        subprocess.run([os.path.join(build, "glassbox"), "explain", "--model", model_path, "--index", str(index),
                        "--method", "lrp", "--npy", npy], check=True, capture_output=True)
        ours.append(np.load(npy).reshape(-1))
ours = np.stack(ours)
gap = float(np.abs(ours - digits).max() / np.abs(digits).max())

glassbox, zennit = torch_setup.spread(glassbox_rates)[0], torch_setup.spread(zennit_rates)[0]
print(torch_setup.settings())
print(f"LRP composite on lenet, batch 64, explanations per second (median of {runs}, min-max): "
      f"glassbox {glassbox:.0f} ({min(glassbox_rates):.0f}-{max(glassbox_rates):.0f}), "
      f"Zennit EpsilonGammaBox {zennit:.0f} ({min(zennit_rates):.0f}-{max(zennit_rates):.0f}), "
      f"ratio {glassbox / zennit:.2f}; largest difference of the maps of 4 digits: {gap:.1e} of the largest value")
print(json.dumps({"benchmark": "lrp_zennit", "glassbox_per_second": glassbox_rates, "zennit_per_second": zennit_rates,
                  "ratio": glassbox / zennit, "max_relative_difference": gap,
                  "pytorch_settings": torch_setup.settings()}))
