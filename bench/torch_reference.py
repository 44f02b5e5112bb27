"""The glassbox models and training loop in PyTorch, for speed comparisons.

Used by the bench/*.py scripts; run on Debian's python3-torch. Never a
dependency of glassbox itself.
"""
import gzip
import os
import time

import numpy as np
import torch


def load_mnist(data_dir, split):
    """MNIST images as float32 (N, 784) in [0, 1] and int64 labels."""
    def read(name):
        path = os.path.join(data_dir, "mnist", name)
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            return f.read()
    prefix = "train" if split == "train" else "t10k"
    images = read(prefix + "-images-idx3-ubyte.gz")
    labels = read(prefix + "-labels-idx1-ubyte.gz")
    x = np.frombuffer(images, dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255.0
    y = np.frombuffer(labels, dtype=np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def mlp():
    """glassbox's `mlp`: 784-300-100-10 with ReLU."""
    return torch.nn.Sequential(
        torch.nn.Linear(784, 300), torch.nn.ReLU(),
        torch.nn.Linear(300, 100), torch.nn.ReLU(),
        torch.nn.Linear(100, 10))


def lenet():
    """glassbox's `lenet`: LeNet-5 with ReLU and max pooling."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10))


class RowLSTM(torch.nn.Module):
    """glassbox's `lstm`: an LSTM (hidden 128) over the 28 rows of a digit, then Linear 128 -> 10."""
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(28, 128, batch_first=True)
        self.out = torch.nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.out(h[-1])


# name -> (model, shape of one example)
MODELS = {"mlp": lambda: (mlp(), (784,)), "lenet": lambda: (lenet(), (1, 28, 28)),
          "lstm": lambda: (RowLSTM(), (28, 28))}


def train_epochs(model, x, y, epochs, batch, lr, momentum, seed=1):
    """Seconds of each epoch of SGD with momentum on (x, y), as glassbox trains."""
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    model.train()
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(y))
        for i in range(0, len(y), batch):
            idx = order[i:i + batch]
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    return seconds
