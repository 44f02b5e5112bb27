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


class TextCNN(torch.nn.Module):
    """glassbox's `textcnn`: embedding 64, a convolution over 1 word with 512 filters, ReLU,
    max over time, dropout 0.5, linear."""
    def __init__(self, vocabulary, classes=20):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, 64, padding_idx=0)
        self.conv = torch.nn.Conv1d(64, 512, 1)
        self.dropout = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(512, classes)

    def forward(self, ids):
        h = torch.relu(self.conv(self.embedding(ids).transpose(1, 2)))
        return self.out(self.dropout(h.max(2)[0]))


def load_newsgroups_ids(data_dir, length=400, min_count=2, max_words=20000):
    """20 Newsgroups training posts as glassbox encodes them: scikit-learn's three removals, its
    token pattern on lower-cased text, a vocabulary (ids 0 = padding, 1 = unknown, then the words
    seen at least min_count times, most frequent first, ties alphabetical), padded id rows."""
    import collections
    import re
    import tarfile
    from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer, strip_newsgroup_header,
                                                     strip_newsgroup_quoting)
    with tarfile.open(os.path.join(data_dir, "20newsgroups", "20news-bydate.tar.gz")) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and "-train/" in m.name),
                         key=lambda m: m.name)
        groups = sorted({m.name.split("/")[1] for m in members})
        docs, labels = [], []
        for m in members:
            text = tar.extractfile(m).read().decode("latin-1")
            text = strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(text)))
            docs.append(re.findall(r"(?u)\b\w\w+\b", text.lower()))
            labels.append(groups.index(m.name.split("/")[1]))
    counts = collections.Counter(w for d in docs for w in d)
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))[:max_words]
    ids = {w: i + 2 for i, w in enumerate(words)}
    x = np.zeros((len(docs), length), dtype=np.int64)
    for i, d in enumerate(docs):
        row = [ids.get(w, 1) for w in d][:length]
        x[i, :len(row)] = row
    return torch.from_numpy(x), torch.tensor(labels), len(words) + 2


def trained_lenet(model_path):
    """glassbox's `lenet` with the weights of a glassbox model file, in inference mode."""
    net = lenet()
    weights = np.load(model_path)
    net.load_state_dict({k: torch.from_numpy(weights[k]) for k in weights.files})
    return net.eval()


def test_batches(data_dir, count, batch=64):
    """The first count batches of MNIST test digits, shaped (batch, 1, 28, 28)."""
    x, _ = load_mnist(data_dir, "test")
    return [x[r * batch:(r + 1) * batch].reshape(batch, 1, 28, 28) for r in range(count)], x


# name -> (model, shape of one example)
MODELS = {"mlp": lambda: (mlp(), (784,)), "lenet": lambda: (lenet(), (1, 28, 28)),
          "lstm": lambda: (RowLSTM(), (28, 28))}


def epoch_trainer(model, x, y, batch, optimizer, seed=1):
    """A function that trains one more epoch on (x, y) and returns its seconds; optimizer(parameters)
    makes the torch.optim optimizer, which is kept from epoch to epoch."""
    torch.manual_seed(seed)
    opt = optimizer(model.parameters())
    model.train()

    def epoch():
        start = time.perf_counter()
        order = torch.randperm(len(y))
        for i in range(0, len(y), batch):
            idx = order[i:i + batch]
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        return time.perf_counter() - start
    return epoch
