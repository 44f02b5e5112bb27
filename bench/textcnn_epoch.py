"""Seconds per training epoch of `textcnn` on 20 Newsgroups (11,314 training
posts, headers, footers and quotes removed, 400 word ids each), batch 64,
Adam, in glassbox and in PyTorch on this machine, in one run. Prints both and
the ratio glassbox / PyTorch.

usage: /usr/bin/python3 bench/textcnn_epoch.py BUILD_DIR [EPOCHS]
"""
import json
import os
import subprocess
import sys

import torch

import torch_reference as ref

build = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
data_dir = os.environ.get("GLASSBOX_DATA", "data")

out = subprocess.run(
    [os.path.join(build, "glassbox"), "train", "--model", "textcnn", "--data", "20news", "--epochs", str(epochs),
     "--batch", "64", "--lr", "0.003", "--schedule", "constant", "--out", os.path.join(build, "bench_textcnn.npz")],
    check=True, capture_output=True, text=True).stdout
glassbox = json.loads(out.strip().splitlines()[-1])["seconds_per_epoch"]

torch.set_num_threads(os.cpu_count())
torch.set_flush_denormal(True)
x, y, vocabulary = ref.load_newsgroups_ids(data_dir)
seconds = ref.train_epochs(ref.TextCNN(vocabulary), x, y, epochs, batch=64,
                           optimizer=lambda ps: torch.optim.Adam(ps, lr=0.003))
pytorch = sum(seconds) / len(seconds)
ratio = glassbox / pytorch
print(f"textcnn on 20 Newsgroups, batch 64, Adam, {os.cpu_count()} threads, mean of {epochs} epochs:"
      f" glassbox {glassbox:.3f} s/epoch, PyTorch {torch.__version__} {pytorch:.3f} s/epoch, ratio {ratio:.2f}")
print(json.dumps({"benchmark": "textcnn_epoch", "glassbox_seconds_per_epoch": glassbox,
                  "pytorch_seconds_per_epoch": pytorch, "ratio": ratio}))
