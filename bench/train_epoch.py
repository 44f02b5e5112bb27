"""Seconds per training epoch of a glassbox model and of the same model in
PyTorch on this machine, in one run: same data, batch 64, SGD (lr 0.05,
momentum 0.9, constant). Each side trains EPOCHS epochs (default 3); prints
the median epoch with its spread, and the ratio of the medians glassbox /
PyTorch (below 1: glassbox is faster). PyTorch runs as torch_setup.py sets it
up: every core, OpenBLAS free to choose its kernels.

usage: /usr/bin/python3 bench/train_epoch.py BUILD_DIR MODEL [EPOCHS]
       MODEL: mlp | lenet | lstm
"""
import torch_setup  # first: before numpy and torch load OpenBLAS

import json
import os
import subprocess
import sys

import torch

import torch_reference as ref

build, model = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
data_dir = os.environ.get("GLASSBOX_DATA", "data")

out = subprocess.run(
    [os.path.join(build, "glassbox"), "train", "--model", model, "--data", "mnist", "--epochs", str(epochs),
     "--batch", "64", "--lr", "0.05", "--momentum", "0.9", "--schedule", "constant",
     "--out", os.path.join(build, "bench_" + model + ".npz")],
    check=True, capture_output=True, text=True).stdout
glassbox = json.loads(out.strip().splitlines()[-1])["epoch_seconds"]

x, y = ref.load_mnist(data_dir, "train")
net, shape = ref.MODELS[model]()
pytorch = ref.train_epochs(net, x.reshape((-1,) + shape), y, epochs, batch=64,
                           optimizer=lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9))

ratio = torch_setup.spread(glassbox)[0] / torch_setup.spread(pytorch)[0]
print(torch_setup.settings())
print(f"{model} on MNIST, batch 64, SGD, seconds per epoch: glassbox {torch_setup.show(glassbox)}, "
      f"PyTorch {torch_setup.show(pytorch)}, ratio of medians {ratio:.2f}")
print(torch_setup.peak_memory())
print(json.dumps({"benchmark": "train_epoch", "model": model, "glassbox_epoch_seconds": glassbox,
                  "pytorch_epoch_seconds": pytorch, "ratio": ratio, "pytorch_settings": torch_setup.settings()}))
