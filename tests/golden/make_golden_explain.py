"""Golden values from PyTorch for tests/explain/test_golden_explain.cpp.

Run once with Debian's python3-torch (/usr/bin/python3 tests/golden/make_golden_explain.py)
and commit tests/golden/torch_explain.npz. A small CNN (conv 1->2 3x3 pad 1,
ReLU, max pool 2, flatten, linear 18->5, ReLU, linear 5->3), two inputs, and
for class 1 the input gradient, guided backprop and deconvnet maps, the last
two made by replacing the ReLUs' backward pass with backward hooks:
  guided backprop: grad_in = clamp(grad_in, min=0)   (PyTorch's ReLU backward already masks by input > 0)
  deconvnet:       grad_in = clamp(grad_out, min=0)  (the input's sign is ignored)
"""
import numpy as np
import torch

torch.manual_seed(0)
net = torch.nn.Sequential(
    torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
    torch.nn.Linear(18, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
x = torch.randn(2, 1, 6, 6)
target = 1


def input_signal(hook=None):
    handles = [m.register_full_backward_hook(hook) for m in net if isinstance(m, torch.nn.ReLU)] if hook else []
    xi = x.clone().requires_grad_(True)
    net(xi)[:, target].sum().backward()
    for h in handles:
        h.remove()
    return xi.grad.numpy().copy()


out = {k: v.detach().numpy() for k, v in net.state_dict().items()}
out["x"] = x.numpy()
out["logits"] = net(x).detach().numpy()
out["gradient"] = input_signal()
out["guided"] = input_signal(lambda m, gin, gout: (torch.clamp(gin[0], min=0),))
out["deconvnet"] = input_signal(lambda m, gin, gout: (torch.clamp(gout[0], min=0),))
np.savez("tests/golden/torch_explain.npz", **{k: np.asarray(v, dtype=np.float32) for k, v in out.items()})
print("wrote tests/golden/torch_explain.npz")
