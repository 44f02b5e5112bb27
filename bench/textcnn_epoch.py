"""Seconds per training epoch of `textcnn` on 20 Newsgroups (11,314 training
posts, headers, footers and quotes removed, 400 word ids each), batch 64,
Adam, in glassbox and in PyTorch on this machine, in one run: EPOCHS epochs
of each side (default 3), in turns (torch_setup.alternate); prints the median
epoch with its spread and the ratio of the medians glassbox / PyTorch.
PyTorch runs as torch_setup.py sets it up.

usage: /usr/bin/python3 bench/textcnn_epoch.py BUILD_DIR [EPOCHS]
"""
import torch_setup  # first: before numpy and torch load OpenBLAS

import json
import os
import sys

import torch

import torch_reference as ref

build = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
data_dir = os.environ.get("GLASSBOX_DATA", "data")

x, y, vocabulary = ref.load_newsgroups_ids(data_dir)
glassbox, pytorch = torch_setup.alternate(
    torch_setup.glassbox_epoch(
        [os.path.join(build, "glassbox"), "train", "--model", "textcnn", "--data", "20news", "--batch", "64", "--lr",
         "0.003", "--schedule", "constant", "--out", os.path.join(build, "bench_textcnn.npz")]),
    ref.epoch_trainer(ref.TextCNN(vocabulary), x, y, batch=64, optimizer=lambda ps: torch.optim.Adam(ps, lr=0.003)),
    epochs)
ratio = torch_setup.spread(glassbox)[0] / torch_setup.spread(pytorch)[0]
print(torch_setup.settings())
print(f"textcnn on 20 Newsgroups, batch 64, Adam, seconds per epoch: glassbox {torch_setup.show(glassbox)}, "
      f"PyTorch {torch_setup.show(pytorch)}, ratio of medians {ratio:.2f}")
print(torch_setup.peak_memory())
print(json.dumps({"benchmark": "textcnn_epoch", "glassbox_epoch_seconds": glassbox,
                  "pytorch_epoch_seconds": pytorch, "ratio": ratio, "pytorch_settings": torch_setup.settings()}))
