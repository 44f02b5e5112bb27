"""Multiply-adds per second of numpy's float32 matrix product (OpenBLAS, as
PyTorch uses it) on one (M, K) x (K, N) product, the best of 7 runs: the
counterpart of gemm_speed.cpp. Run it with OpenBLAS unpinned and the threads
you want (the OpenMP build of OpenBLAS, which `make bench` installs, takes
its number of threads from OMP_NUM_THREADS), e.g.
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/gemm_openblas.py 512 512 512
"""
import json
import sys
import time

import numpy as np

m, n, k = (int(v) for v in sys.argv[1:4])
rng = np.random.default_rng(1)
a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
best = float("inf")
for _ in range(7):
    start = time.perf_counter()
    a @ b
    best = min(best, time.perf_counter() - start)
print(json.dumps({"benchmark": "gemm_openblas", "M": m, "N": n, "K": k, "gfma_per_second": round(m * n * k / best / 1e9, 2)}))
