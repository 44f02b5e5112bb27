"""Seconds per training epoch of the MLP (784-300-100-10, ReLU) on MNIST at
batch 64 with SGD (lr 0.05, momentum 0.9, constant), in glassbox and in
PyTorch on this machine, in one run. Prints both and the ratio
glassbox / PyTorch (below 1: glassbox is faster).

usage: /usr/bin/python3 bench/mlp_epoch.py BUILD_DIR [EPOCHS]
"""
import json
import os
import subprocess
import sys

import torch

from torch_reference import load_mnist, mlp, train_epochs

build = sys.argv[1] if len(sys.argv) > 1 else "build"
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
threads = os.cpu_count()
data_dir = os.environ.get("GLASSBOX_DATA", "data")

out = subprocess.run(
    [os.path.join(build, "glassbox"), "train", "--model", "mlp", "--data", "mnist", "--epochs", str(epochs),
     "--batch", "64", "--lr", "0.05", "--momentum", "0.9", "--schedule", "constant",
     "--out", os.path.join(build, "bench_mlp.npz")],
    check=True, capture_output=True, text=True).stdout
glassbox = json.loads(out.strip().splitlines()[-1])

torch.set_num_threads(threads)
torch.set_flush_denormal(True)  # glassbox flushes denormals too (nn/fpu.hpp)
x, y = load_mnist(data_dir, "train")
seconds = train_epochs(mlp(), x, y, epochs, batch=64, lr=0.05, momentum=0.9)
pytorch = sum(seconds) / len(seconds)

ratio = glassbox["seconds_per_epoch"] / pytorch
print(f"MLP 784-300-100-10, MNIST, batch 64, SGD, {threads} threads, mean of {epochs} epochs")
print(f"  glassbox: {glassbox['seconds_per_epoch']:.3f} s/epoch")
print(f"  PyTorch {torch.__version__} ({torch.__config__.parallel_info().splitlines()[0]}): {pytorch:.3f} s/epoch")
print(f"  ratio glassbox/PyTorch: {ratio:.2f}")
print(json.dumps({"benchmark": "mlp_epoch", "glassbox_seconds_per_epoch": glassbox["seconds_per_epoch"],
                  "pytorch_seconds_per_epoch": pytorch, "ratio": ratio}))
