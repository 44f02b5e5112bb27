"""PyTorch as a user would run it, for every speed comparison in bench/.

Import this module before numpy and torch. Some machines set
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which pin OpenBLAS (and so PyTorch's
matrix products) to older kernels and smaller blocks; OpenBLAS reads them
when it is loaded, so the script starts again without them. It also starts
with glibc's malloc told to keep the memory it is given back (GLIBC_TUNABLES,
below), for both sides. Then PyTorch gets every core and flushes denormal
floats to zero, as glassbox does (nn/fpu.hpp). `settings()` says what it ran
with, `spread()` summarises repeated timings, `peak_memory()` the peak
resident memory of each side.
"""
import os
import sys

_PINNING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# glibc's malloc hands a block larger than its mmap threshold (at most 32 MB)
# back to the system when it is freed, and PyTorch frees each intermediate
# tensor: every (64, 512, 400) activation of the text CNN (52 MB) was then
# faulted in again page by page, on every operation. On a 2-core virtual
# machine a ReLU over it took 31.5 ms and zeros_like 28.4 ms, against 4.7 ms
# and 3.3 ms with malloc keeping its memory, and the text CNN's convolution,
# ReLU and max over time, forward and backward, 285 ms against 92 ms. PyTorch's
# performance tuning guide suggests another allocator (jemalloc, tcmalloc)
# for the same reason; these two settings of glibc's do it without one.
# glassbox keeps its large buffers itself (nn/buffers.cpp); it runs with the
# same settings.
_MALLOC = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1000000000000"
_tunables = os.environ.get("GLIBC_TUNABLES", "")
_env = {k: v for k, v in os.environ.items() if k not in _PINNING}
_env["GLIBC_TUNABLES"] = _tunables if _MALLOC in _tunables else ":".join(filter(None, [_tunables, _MALLOC]))
if _env != dict(os.environ):
    os.execve(sys.executable, sys.orig_argv, _env)

import resource  # noqa: E402
import statistics  # noqa: E402

import torch  # noqa: E402

torch.set_num_threads(os.cpu_count())
torch.set_flush_denormal(True)


def _blas_library():
    """The BLAS library this process loaded (Debian's libblas.so.3 is an alternative: the
    reference BLAS, or OpenBLAS when a libopenblas0 package is installed) and, for OpenBLAS,
    the kernel family it chose on this CPU."""
    import ctypes
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    library = ", ".join(sorted(os.path.realpath(p) for p in paths)) or "none loaded"
    if "openblas" not in library:
        return library
    openblas = ctypes.CDLL(next(p for p in paths if "openblas" in os.path.realpath(p)))
    openblas.openblas_get_corename.restype = ctypes.c_char_p
    return f"{library} (OpenBLAS kernels: {openblas.openblas_get_corename().decode()})"


def settings():
    """One line: the machine's load (a busy machine slows PyTorch's spinning OpenMP threads
    far more than glassbox's), PyTorch version, threads, the BLAS library it runs on, the OpenBLAS environment."""
    pinned = ", ".join(f"{k}={os.environ[k]}" for k in _PINNING if k in os.environ) or "none set"
    load = os.getloadavg()[0]
    return (f"load average {load:.2f} on {os.cpu_count()} cores, "
            f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads "
            f"({torch.get_num_interop_threads()} inter-op), BLAS {_blas_library()}, "
            f"oneDNN {torch.backends.mkldnn.is_available()}, OpenBLAS pinning variables: {pinned}, "
            f"GLIBC_TUNABLES {os.environ.get('GLIBC_TUNABLES', 'unset')}")


def alternate(glassbox_epoch, pytorch_epoch, rounds):
    """Seconds of `rounds` epochs of each side, taken in turns: a PyTorch epoch first that is not
    counted (its first steps set up memory and threads), then a glassbox epoch and a PyTorch epoch,
    and so on. A shared virtual machine's speed drifts by up to half within minutes; epochs in turns
    meet the same drift, where all of one side and then all of the other may not."""
    pytorch_epoch()
    glassbox, pytorch = [], []
    for _ in range(rounds):
        glassbox.append(glassbox_epoch())
        pytorch.append(pytorch_epoch())
    return glassbox, pytorch


_glassbox_peak_kb = 0  # the largest peak resident memory of the glassbox runs, from GNU time


def glassbox_epoch(command):
    """A function that runs `glassbox train` (command: its arguments, --epochs left out) for two epochs
    and returns the seconds of the second: the first sets up memory, as PyTorch's first epoch does.
    GNU time measures each run's peak memory: a child forked from this process once PyTorch and its
    data are loaded would count them in its own peak."""
    import json
    import subprocess
    import tempfile

    def epoch():
        global _glassbox_peak_kb
        with tempfile.NamedTemporaryFile("r") as peak:
            out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name] + command + ["--epochs", "2"],
                                 check=True, capture_output=True, text=True).stdout
            _glassbox_peak_kb = max(_glassbox_peak_kb, int(peak.read().split()[-1]))
        return json.loads(out.strip().splitlines()[-1])["epoch_seconds"][-1]
    return epoch


def spread(values):
    """(median, min, max) of repeated timings."""
    return statistics.median(values), min(values), max(values)


def show(values):
    median, low, high = spread(values)
    return f"{median:.3f} s (min {low:.3f}, max {high:.3f}, {len(values)} runs)"


def peak_memory():
    """One line: the peak resident memory of the glassbox runs (or of the largest finished child) and
    of this process (PyTorch, its data included), in MB."""
    child = (_glassbox_peak_kb or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"peak resident memory: glassbox {child:.0f} MB, PyTorch {own:.0f} MB"
