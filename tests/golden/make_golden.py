"""Golden values from PyTorch for tests/nn/test_golden.cpp.

Run once (/usr/bin/python3 tests/golden/make_golden.py, with Debian's python3-torch
and python3-numpy) and commit the result, tests/golden/torch_mlp.npz. The C++
tests then need no Python. The file is written by numpy.savez, so reading it
also tests glassbox's .npz reader on NumPy's own output.

Contents: a small MLP 6-5-4-3 (Linear, ReLU, Linear, Tanh, Linear) with its
weights, a batch x with labels y, the cross-entropy loss and the gradients of
every parameter; then the weights after three steps of SGD (momentum, weight
decay) and of Adam (weight decay) on that loss.
"""
import numpy as np
import torch

torch.manual_seed(0)
net = torch.nn.Sequential(
    torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3)
)
x = torch.randn(7, 6)
y = torch.tensor([0, 2, 1, 1, 0, 2, 1])
initial = {k: v.detach().clone() for k, v in net.state_dict().items()}

out = {"x": x.numpy(), "y": y.numpy().astype(np.float32)}
out.update({"init." + k: v.numpy() for k, v in initial.items()})

loss = torch.nn.functional.cross_entropy(net(x), y)
loss.backward()
out["loss"] = np.array(loss.item(), dtype=np.float32)
out["logits"] = net(x).detach().numpy()
out.update({"grad." + k: p.grad.numpy().copy() for k, p in net.named_parameters()})

for name, make in [
    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.01)),
]:
    net.load_state_dict(initial)
    opt = make(net.parameters())
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    out.update({name + "." + k: v.detach().numpy().copy() for k, v in net.state_dict().items()})

np.savez("tests/golden/torch_mlp.npz", **{k: np.asarray(v, dtype=np.float32) for k, v in out.items()})
print("wrote tests/golden/torch_mlp.npz with", len(out), "arrays")
