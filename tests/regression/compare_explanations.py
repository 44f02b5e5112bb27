#!/usr/bin/python3
"""compare_explanations.py BEFORE AFTER: compares two recordings of
record_explanations.sh. Every array must be byte-identical, or equal to
1e-6 relative (reported); every JSON line and every refusal must be present
in both. Prints one line per difference and a summary; exits 1 on any."""
import json
import os
import sys

before, after = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(before) if n.endswith((".npy", ".json", ".err")))
identical = close = 0
problems = []
for name in names:
    a, b = os.path.join(before, name), os.path.join(after, name)
    if not os.path.exists(b):
        problems.append(f"{name}: missing after the change")
        continue
    if name.endswith(".err"):
        continue  # the refusal itself is what matters; its wording may change
    if open(a, "rb").read() == open(b, "rb").read():
        identical += 1
        continue
    if name.endswith(".npy"):
        import numpy as np  # only where arrays differ byte for byte
        x, y = np.load(a), np.load(b)
        scale = max(float(np.abs(x).max()), 1e-30)
        diff = float(np.abs(x - y).max()) / scale if x.shape == y.shape else float("inf")
        if diff <= 1e-6:
            close += 1
            print(f"{name}: equal to {diff:.2e} relative")
        else:
            problems.append(f"{name}: differs by {diff:.3e} relative")
    else:
        ja, jb = json.loads(open(a).read()), json.loads(open(b).read())
        if ja != jb:
            keys = sorted(k for k in set(ja) | set(jb) if ja.get(k) != jb.get(k))
            problems.append(f"{name}: JSON differs in {keys}")
        else:
            identical += 1
for name in sorted(os.listdir(after)):
    if name.endswith((".npy", ".json", ".err")) and name not in names:
        problems.append(f"{name}: new after the change")
for p in problems:
    print(p)
print(f"{identical} identical, {close} equal to 1e-6 relative, {len(problems)} differences")
sys.exit(1 if problems else 0)
