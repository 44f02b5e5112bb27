"""Seconds per training epoch of a glassbox model and of the same model in
PyTorch on this machine, in one run: same data, batch 64, SGD (lr 0.05,
momentum 0.9, constant). EPOCHS epochs of each side (default 3), in turns
(torch_setup.alternate); prints the median epoch with its spread, and the
ratio of the medians glassbox / PyTorch (below 1: glassbox is faster).
PyTorch runs as torch_setup.py sets it up: every core, OpenBLAS free to
choose its kernels.

usage: /usr/bin/python3 bench/train_epoch.py BUILD_DIR MODEL [EPOCHS]
       MODEL: mlp | lenet | lstm
"""
import torch_setup  # first: before numpy and torch load OpenBLAS

import json
import os
import sys

import torch

import torch_reference as ref

build, model = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
data_dir = os.environ.get("GLASSBOX_DATA", "data")

x, y = ref.load_mnist(data_dir, "train")
net, shape = ref.MODELS[model]()
glassbox, pytorch = torch_setup.alternate(
    torch_setup.glassbox_epoch(
        [os.path.join(build, "glassbox"), "train", "--model", model, "--data", "mnist", "--batch", "64", "--lr", "0.05",
         "--momentum", "0.9", "--schedule", "constant", "--out", os.path.join(build, "bench_" + model + ".npz")]),
    ref.epoch_trainer(net, x.reshape((-1,) + shape), y, batch=64,
                      optimizer=lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)),
    epochs)

ratio = torch_setup.spread(glassbox)[0] / torch_setup.spread(pytorch)[0]
print(torch_setup.settings())
print(f"{model} on MNIST, batch 64, SGD, seconds per epoch: glassbox {torch_setup.show(glassbox)}, "
      f"PyTorch {torch_setup.show(pytorch)}, ratio of medians {ratio:.2f}")
print(torch_setup.peak_memory())
print(json.dumps({"benchmark": "train_epoch", "model": model, "glassbox_epoch_seconds": glassbox,
                  "pytorch_epoch_seconds": pytorch, "ratio": ratio, "pytorch_settings": torch_setup.settings()}))
