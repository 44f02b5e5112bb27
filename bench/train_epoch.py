"""Seconds per training epoch of a glassbox model and of the same model in
PyTorch on this machine, in one run: same data, batch 64, SGD (lr 0.05,
momentum 0.9, constant). Prints both and the ratio glassbox / PyTorch
(below 1: glassbox is faster).

usage: /usr/bin/python3 bench/train_epoch.py BUILD_DIR MODEL [EPOCHS]
       MODEL: mlp | lenet | lstm
"""
import json
import os
import subprocess
import sys

import torch

import torch_reference as ref

build, model = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
threads = os.cpu_count()
data_dir = os.environ.get("GLASSBOX_DATA", "data")

out = subprocess.run(
    [os.path.join(build, "glassbox"), "train", "--model", model, "--data", "mnist", "--epochs", str(epochs),
     "--batch", "64", "--lr", "0.05", "--momentum", "0.9", "--schedule", "constant",
     "--out", os.path.join(build, "bench_" + model + ".npz")],
    check=True, capture_output=True, text=True).stdout
glassbox = json.loads(out.strip().splitlines()[-1])["seconds_per_epoch"]

torch.set_num_threads(threads)
torch.set_flush_denormal(True)  # glassbox flushes denormals too (nn/fpu.hpp)
x, y = ref.load_mnist(data_dir, "train")
net, shape = ref.MODELS[model]()
seconds = ref.train_epochs(net, x.reshape((-1,) + shape), y, epochs, batch=64,
                           optimizer=lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9))
pytorch = sum(seconds) / len(seconds)

ratio = glassbox / pytorch
print(f"{model} on MNIST, batch 64, SGD, {threads} threads, mean of {epochs} epochs:"
      f" glassbox {glassbox:.3f} s/epoch, PyTorch {torch.__version__} {pytorch:.3f} s/epoch, ratio {ratio:.2f}")
print(json.dumps({"benchmark": "train_epoch", "model": model, "glassbox_seconds_per_epoch": glassbox,
                  "pytorch_seconds_per_epoch": pytorch, "ratio": ratio}))
