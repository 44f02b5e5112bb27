"""Explanations per second of `gradient` and `guided-backprop` on `lenet` at
batch 64, in glassbox and with PyTorch autograd (guided backprop by ReLU
backward hooks) on the same weights and images, in one run, each side timed
three times. Prints the medians and their ratio glassbox / PyTorch (above 1:
glassbox is faster), and the cost of an LRP explanation (`lrp`,
`deep-taylor`) against a gradient explanation. PyTorch runs as
torch_setup.py sets it up.

usage: /usr/bin/python3 bench/explain_speed.py BUILD_DIR LENET.npz
"""
import torch_setup  # first: before numpy and torch load OpenBLAS

import json
import os
import subprocess
import sys
import time

import torch

import torch_reference as ref

build, model_path = sys.argv[1], sys.argv[2]
repeats, runs = 20, 3
net = ref.trained_lenet(model_path)
batches, x = ref.test_batches(os.environ.get("GLASSBOX_DATA", "data"), repeats)


def torch_rate(guided):
    hooks = [m.register_full_backward_hook(lambda m, gi, go: (torch.clamp(gi[0], min=0),))
             for m in net if isinstance(m, torch.nn.ReLU)] if guided else []
    def explain(b):
        xi = b.clone().requires_grad_(True)
        out = net(xi)
        out.gather(1, out.argmax(1, keepdim=True)).sum().backward()
        return xi.grad
    explain(batches[0])
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for b in batches:
            explain(b)
        rates.append(64 * repeats / (time.perf_counter() - start))
    for h in hooks:
        h.remove()
    return torch_setup.spread(rates)[0]


def glassbox_rate(method):
    """The median of three runs of bench/explain_speed."""
    rates = []
    for _ in range(runs):
        out = subprocess.run([os.path.join(build, "bench", "explain_speed"), model_path, method, str(repeats)],
                             check=True, capture_output=True, text=True).stdout
        rates.append(json.loads(out.strip().splitlines()[-1])["explanations_per_second"])
    return torch_setup.spread(rates)[0]


print(torch_setup.settings())
results = {}
for method, guided in [("gradient", False), ("guided-backprop", True)]:
    glassbox = glassbox_rate(method)
    pytorch = torch_rate(guided)
    results[method] = {"glassbox": glassbox, "pytorch": pytorch, "ratio": glassbox / pytorch}
    print(f"{method} on lenet, batch 64, median of {runs}: glassbox {glassbox:.0f}/s, PyTorch {pytorch:.0f}/s, "
          f"ratio {glassbox / pytorch:.2f}")
# LRP is one forward and one modified backward pass: its cost against the gradient's.
lrp = {}
for method in ["lrp", "deep-taylor"]:
    rate = glassbox_rate(method)
    lrp[method] = {"per_second": rate, "cost_vs_gradient": results["gradient"]["glassbox"] / rate}
    print(f"{method} on lenet, batch 64: {rate:.0f}/s, {results['gradient']['glassbox'] / rate:.2f}x the gradient's cost")
print(json.dumps({"benchmark": "explain_speed", "results": results, "lrp": lrp}))
