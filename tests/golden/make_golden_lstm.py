"""Golden values from PyTorch for the LSTM tests (tests/nn/test_lstm.cpp).

Run once (/usr/bin/python3 tests/golden/make_golden_lstm.py, with Debian's
python3-torch and python3-numpy) and commit the result,
tests/golden/torch_lstm.npz.

Contents: a bidirectional torch.nn.LSTM(input_size=3, hidden_size=4,
batch_first=True) with its state_dict (weight_ih_l0, ..., bias_hh_l0_reverse);
a padded batch x (B=3, T=5) whose sequences have lengths 5, 2, 4, run as a
packed sequence (pack_padded_sequence, enforce_sorted=False, so unsorted
lengths are exercised); the padded output (B, T, 2H) and h_n (2, B, H); and
the gradients of every parameter and of x for the scalar

    L = sum(output * r_out) + sum(h_n * r_h)

with fixed random weights r_out and r_h (stored too).
"""
import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
B, T, D, H = 3, 5, 3, 4
lstm = torch.nn.LSTM(input_size=D, hidden_size=H, batch_first=True, bidirectional=True)
x = torch.randn(B, T, D)
lengths = torch.tensor([5, 2, 4])
x[1, 2:] = 0.0  # the padding, so that the stored x is what a data pipeline would give
x[2, 4:] = 0.0
x.requires_grad_(True)
r_out = torch.randn(B, T, 2 * H)
r_h = torch.randn(2, B, H)

packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
packed_out, (h_n, c_n) = lstm(packed)
output, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=T)
loss = (output * r_out).sum() + (h_n * r_h).sum()
loss.backward()

out = {"x": x.detach(), "lengths": lengths.float(), "r_out": r_out, "r_h": r_h,
       "output": output.detach(), "h_n": h_n.detach(), "grad.x": x.grad}
out.update({k: v.detach() for k, v in lstm.state_dict().items()})
out.update({"grad." + k: p.grad for k, p in lstm.named_parameters()})

path = "tests/golden/torch_lstm.npz"
np.savez(path, **{k: np.asarray(v.numpy(), dtype=np.float32) for k, v in out.items()})
print("wrote", path, "with", len(out), "arrays")
