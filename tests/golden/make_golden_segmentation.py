"""Reference segmentations from scikit-image for tests/explain/test_segmentation.cpp.

Run once with Debian's python3-skimage (0.19.3) and python3-numpy:
    /usr/bin/python3 tests/golden/make_golden_segmentation.py
and commit tests/golden/segmentation_skimage.txt.

The images are smooth blobs on a gentle ramp, made deterministically here (no
random numbers) and quantised to bytes k like MNIST: a pixel is the float32
k / 255, which C++ computes to the same bit (float(k) / 255.0f); every
parameter is rounded to float32 too (0.2 -> 0.2f), as the C++ interface takes
floats. The file is plain text:
    image NAME C H W                                  then C*H*W bytes k, channel-planar (C, H, W)
    slic IMAGE n_segments compactness max_iter sigma  then the labels
    quickshift IMAGE ratio kernel_size max_dist seed spread  then the labels
with the labels (row-major) run-length coded as "label count label count ...".
slic runs with start_label=0 and enforce_connectivity=True; a grey image with
channel_axis=None, a colour one with convert2lab=False (glassbox uses colours as
given). quickshift runs with convert2lab=False, sigma=0; its tie-breaking noise
comes from numpy's generator, which glassbox does not reproduce, so the C++
test compares its partition with a tolerance: `spread` is how many pixels
scikit-image itself moves when the seed changes from `seed` to `seed + 1`
(the pixels outside the best match, as the C++ test counts them). It is 0
unless the image has flat areas, where the densities tie and the noise decides.
"""
import numpy as np
import skimage
from skimage.segmentation import quickshift, slic


def f32(x):
    return float(np.float32(x))


def blobs(h, w, centres):
    """sum_k a_k exp(-((y - y_k)^2 + (x - x_k)^2) / (2 s_k^2)) + a ramp, scaled to bytes 0..255."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = 0.15 * y / h + 0.1 * x / w
    for (cy, cx, s, a) in centres:
        img += a * np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * s * s))
    return np.round(255 * (img - img.min()) / (img.max() - img.min())).astype(np.uint8)


def strokes(h, w, centres):
    """blobs with everything below 20% set to 0: bright strokes on a flat black background, like MNIST."""
    b = blobs(h, w, centres)
    b[b < 51] = 0
    return b


def differing_pixels(ours, reference):
    """Pixels of each reference segment outside the segment of ours that covers most of it."""
    total = 0
    for k in np.unique(reference):
        _, counts = np.unique(ours[reference == k], return_counts=True)
        total += counts.sum() - counts.max()
    return int(total)


BYTES = {
    "grey": blobs(32, 40, [(8, 10, 4, 1.0), (22, 28, 6, 0.7), (24, 7, 3, -0.5), (6, 32, 2.5, 0.6)])[None],
    "digit": blobs(28, 28, [(8, 14, 2.5, 1.0), (14, 14, 2.0, 0.8), (20, 14, 2.5, 1.0), (14, 9, 1.5, 0.5)])[None],
    "colour": np.stack([blobs(24, 32, [(6, 8, 4, 1.0), (16, 22, 5, 0.7)]),
                        blobs(24, 32, [(12, 16, 6, 1.0), (3, 3, 3, 0.8)]),
                        blobs(24, 32, [(20, 26, 4, 1.0), (7, 20, 3, -0.7)])]),
    "strip": blobs(6, 48, [(3, 10, 3, 1.0), (2, 30, 4, 0.6)])[None],  # regular_grid's short-axis branch
    "tiny": blobs(10, 10, [(2, 2, 2.5, 1.0), (7, 6, 2.0, 0.7)])[None],
    "strokes": strokes(28, 28, [(8, 14, 2.5, 1.0), (14, 14, 2.0, 0.8), (20, 14, 2.5, 1.0), (14, 9, 1.5, 0.5)])[None],
}
IMAGES = {name: b.astype(np.float32) / np.float32(255) for name, b in BYTES.items()}  # (C, H, W) float32

lines = [f"# made by tests/golden/make_golden_segmentation.py with scikit-image {skimage.__version__}"]
for name, b in BYTES.items():
    lines.append(f"image {name} {b.shape[0]} {b.shape[1]} {b.shape[2]}")
    lines.append(" ".join(str(int(v)) for v in b.ravel()))


def write(head, labels):
    flat = labels.ravel()
    runs, start = [], 0
    for i in range(1, len(flat) + 1):
        if i == len(flat) or flat[i] != flat[start]:
            runs += [str(int(flat[start])), str(i - start)]
            start = i
    lines.append(head)
    lines.append(" ".join(runs))
    print(head, "->", len(np.unique(labels)), "segments")


def slic_case(image, n_segments=100, compactness=10.0, max_iter=10, sigma=0.0):
    planes = IMAGES[image].astype(np.float64)
    kw = dict(n_segments=n_segments, compactness=f32(compactness), max_num_iter=max_iter, sigma=f32(sigma),
              start_label=0, enforce_connectivity=True)
    if planes.shape[0] == 1:
        labels = slic(planes[0], channel_axis=None, **kw)
    else:
        labels = slic(np.moveaxis(planes, 0, -1), channel_axis=-1, convert2lab=False, **kw)
    write(f"slic {image} {n_segments} {f32(compactness)!r} {max_iter} {f32(sigma)!r}", labels)


def quickshift_case(image, ratio, kernel_size, max_dist, seed=42):
    planes = np.moveaxis(IMAGES[image].astype(np.float64), 0, -1)
    run = lambda s: quickshift(planes, ratio=f32(ratio), kernel_size=f32(kernel_size), max_dist=f32(max_dist),
                               sigma=0, convert2lab=False, random_seed=s, channel_axis=-1)
    labels = run(seed)
    spread = differing_pixels(run(seed + 1), labels)
    write(f"quickshift {image} {f32(ratio)!r} {f32(kernel_size)!r} {f32(max_dist)!r} {seed} {spread}", labels)


slic_case("grey")                                           # skimage's defaults
slic_case("grey", n_segments=30, compactness=0.5)           # colour-driven
slic_case("grey", n_segments=40, compactness=2.0, sigma=1.0)
slic_case("grey", n_segments=60, compactness=1.0, max_iter=3)
slic_case("digit", n_segments=50, compactness=1.0)
slic_case("digit", n_segments=64, compactness=0.3)          # grid step 3.5 -> 4
slic_case("strip", n_segments=4, compactness=0.5)
slic_case("tiny", n_segments=16, compactness=0.2)           # grid step 2.5 -> 2 (np.round: ties to even)
slic_case("tiny", n_segments=100, compactness=1.0)          # a centre on every pixel
slic_case("strokes", n_segments=50, compactness=0.05)       # large flat segments
slic_case("strokes", n_segments=4, compactness=0.01)        # a component beyond max_size: cut in two
slic_case("colour")
slic_case("colour", n_segments=50, compactness=1.0)
quickshift_case("grey", ratio=20.0, kernel_size=2.0, max_dist=8.0)
quickshift_case("grey", ratio=0.2, kernel_size=4.0, max_dist=200.0)  # lime's parameters
quickshift_case("digit", ratio=10.0, kernel_size=1.5, max_dist=5.0)
quickshift_case("digit", ratio=20.0, kernel_size=4.0, max_dist=200.0)
quickshift_case("colour", ratio=10.0, kernel_size=2.0, max_dist=6.0)
quickshift_case("strokes", ratio=10.0, kernel_size=1.5, max_dist=5.0)
quickshift_case("strokes", ratio=0.2, kernel_size=4.0, max_dist=200.0)  # lime's parameters
quickshift_case("strokes", ratio=0.2, kernel_size=1.0, max_dist=200.0)  # the flat background ties

with open("tests/golden/segmentation_skimage.txt", "w") as out:
    out.write("\n".join(lines) + "\n")
print("wrote tests/golden/segmentation_skimage.txt")
