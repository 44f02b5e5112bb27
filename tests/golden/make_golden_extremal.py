"""Reference values of extremal perturbations for tests/explain/test_extremal.cpp.

TorchRay (facebookresearch/TorchRay) is not installed here, so the few pieces
the C++ code follows are restated below from torchray/utils.py (imsmooth) and
torchray/attribution/extremal_perturbation.py (Perturbation, MaskGenerator and
the optimisation loop of extremal_perturbation, without its jitter, which
glassbox leaves out), and run with PyTorch. Run once with Debian's
python3-torch:
    /usr/bin/python3 tests/golden/make_golden_extremal.py
and commit tests/golden/extremal.txt. The inputs are made by formulas (no
random numbers), in float32. The file is plain text, one array per line:
    blur H W SIGMA            image, blurred image
    generator H W STEP SIGMA  in_h in_w out_h out_w, mbar, full mask, d<g, full>/d mbar with g(u) = cos(0.37 u)
    pyramid H W LEVELS BLUR   image, mask, perturbed image, d<g, perturbed>/d mask with g(u) = sin(0.21 u)
    loop H W STEP SIGMA BLUR LEVELS ITERATIONS AREA VARIANT SORT
                              weights of a linear 2-class model on the flattened image, image, final mask
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

EPS = torch.tensor(1.19209290e-07, dtype=torch.float32)
SQRT2 = torch.tensor(math.sqrt(2), dtype=torch.float32)


def imsmooth(x, sigma):  # torchray.utils.imsmooth with constant zero padding
    width = math.ceil(4 * sigma)
    filt = torch.arange(-width, width + 1, dtype=torch.float32) / (SQRT2 * sigma + EPS)
    filt = torch.exp(-filt * filt)
    filt /= torch.sum(filt)
    c = x.shape[1]
    x = F.conv2d(x, filt.reshape(1, 1, -1, 1).expand(c, -1, -1, -1), padding=(width, 0), groups=c)
    return F.conv2d(x, filt.reshape(1, 1, 1, -1).expand(c, -1, -1, -1), padding=(0, width), groups=c)


def pyramid_of(x, levels, max_blur):  # torchray Perturbation, blur type
    return torch.cat([imsmooth(x, sigma=(1 - s) * max_blur) for s in torch.linspace(0, 1, levels)], dim=0)


def apply(pyramid, mask):  # Perturbation.apply
    levels = pyramid.shape[0]
    n = mask.shape[0]
    w = mask.reshape(n, 1, *mask.shape[1:]) * (levels - 1)
    k = w.floor()
    w = w - k
    k = k.long()
    y = pyramid[None, :].expand(n, *pyramid.shape)
    k = k.expand(n, 1, *y.shape[2:])
    y0 = torch.gather(y, 1, k)
    y1 = torch.gather(y, 1, torch.clamp(k + 1, max=levels - 1))
    return ((1 - w) * y0 + w * y1).squeeze(dim=1)


class MaskGenerator:  # torchray MaskGenerator, softmax pooling, clamped
    def __init__(self, shape, step, sigma):
        self.shape, self.step, self.sigma, self.coldness = shape, step, sigma, 20
        self.kernel = lambda z: torch.exp(-2 * ((z - .5).clamp(min=0) ** 2))
        self.margin = sigma
        self.padding = 1 + math.ceil((self.margin + sigma) / step)
        self.radius = 1 + math.ceil(sigma / step)
        self.shape_in = [math.ceil(z / step) for z in shape]
        self.shape_mid = [z + 2 * self.padding - (2 * self.radius + 1) + 1 for z in self.shape_in]
        self.shape_up = [step * z for z in self.shape_mid]
        self.shape_out = [z - step + 1 for z in self.shape_up]
        self.weight = torch.zeros((1, (2 * self.radius + 1) ** 2, *self.shape_out))
        step_inv = [torch.tensor(zm, dtype=torch.float32) / torch.tensor(zo, dtype=torch.float32)
                    for zm, zo in zip(self.shape_mid, self.shape_up)]
        for ky in range(2 * self.radius + 1):
            for kx in range(2 * self.radius + 1):
                uy, ux = torch.meshgrid(torch.arange(self.shape_out[0], dtype=torch.float32),
                                        torch.arange(self.shape_out[1], dtype=torch.float32), indexing="ij")
                iy = torch.floor(step_inv[0] * uy) + ky - self.padding
                ix = torch.floor(step_inv[1] * ux) + kx - self.padding
                delta = torch.sqrt((uy - (self.margin + step * iy)) ** 2 + (ux - (self.margin + step * ix)) ** 2)
                self.weight[0, ky * (2 * self.radius + 1) + kx] = self.kernel(delta / sigma)

    def generate(self, mask_in):
        mask = F.unfold(mask_in, (2 * self.radius + 1,) * 2, padding=(self.padding,) * 2)
        mask = mask.reshape(len(mask_in), -1, *self.shape_mid)
        mask = F.interpolate(mask, size=self.shape_up, mode='nearest')
        mask = F.pad(mask, (0, -self.step + 1, 0, -self.step + 1))
        mask = self.weight * mask
        mask = (mask * F.softmax(self.coldness * mask, dim=1)).sum(dim=1, keepdim=True)
        m = round(self.margin)
        mask = mask.clamp(min=0, max=1)
        return mask[:, :, m:m + self.shape[0], m:m + self.shape[1]], mask


def image(h, w, phase=0.0):
    u = torch.arange(h * w, dtype=torch.float32)
    y, x = u // w, u % w
    return (0.5 + 0.5 * torch.sin(0.7 * y + 0.3 * x + phase) * torch.cos(0.2 * x - 0.5 * y)).reshape(1, 1, h, w)


def line(t):
    return " ".join(repr(float(v)) for v in t.detach().reshape(-1).numpy().astype(np.float32))


out = ["# made by tests/golden/make_golden_extremal.py with torch " + torch.__version__]

for h, w, sigma in [(6, 7, 1.3), (9, 5, 0.4)]:
    x = image(h, w)
    out += [f"blur {h} {w} {sigma!r}", line(x), line(imsmooth(x, sigma))]

for h, w, step, sigma in [(10, 10, 2, 3.0), (7, 9, 1, 2.0), (12, 11, 3, 4.5)]:
    g = MaskGenerator((h, w), step, sigma)
    hi, wi = g.shape_in
    u = torch.arange(hi * wi, dtype=torch.float32)
    mbar = (0.5 + 0.5 * torch.sin(1.3 * u + 0.4)).reshape(1, 1, hi, wi).requires_grad_(True)
    _, full = g.generate(mbar)
    up = torch.cos(0.37 * torch.arange(full.numel(), dtype=torch.float32)).reshape(full.shape)
    (full * up).sum().backward()
    out += [f"generator {h} {w} {step} {sigma!r}", f"{hi} {wi} {g.shape_out[0]} {g.shape_out[1]}",
            line(mbar), line(full), line(mbar.grad)]

for h, w, levels, blur in [(8, 6, 8, 2.5), (5, 5, 3, 1.0)]:
    x = image(h, w, 0.3)
    pyr = pyramid_of(x, levels, blur)
    u = torch.arange(h * w, dtype=torch.float32)
    mask = (0.5 + 0.5 * torch.cos(0.9 * u)).reshape(1, 1, h, w).requires_grad_(True)
    y = apply(pyr, mask)
    up = torch.sin(0.21 * torch.arange(y.numel(), dtype=torch.float32)).reshape(y.shape)
    (y * up).sum().backward()
    out += [f"pyramid {h} {w} {levels} {blur!r}", line(x), line(mask), line(y), line(mask.grad)]


def extremal(weights, x, target, area, variant, iterations, levels, step, sigma, max_blur, sort):
    # the loop of torchray's extremal_perturbation, one area, simple reward, no jitter. sort "stable": ties in
    # index order, as glassbox; sort "reference": torch's own (unstable) sort, as TorchRay, for cases where the
    # mask's values at the rank where r_a turns from 0 to 1 never tie, so that the order of ties cannot matter
    pyr = pyramid_of(x, levels, max_blur)
    gen = MaskGenerator(x.shape[2:], step, sigma)
    pmask = torch.ones(1, 1, *gen.shape_in)
    max_area = int(np.prod(gen.shape_out))
    reference = torch.ones(1, max_area)
    reference[0, :int(max_area * (1 - area))] = 0
    optimizer = torch.optim.SGD([pmask], lr=0.01, momentum=0.9, dampening=0.9)
    regul_weight = 300
    for t in range(iterations):
        pmask.requires_grad_(True)
        mask_, mask = gen.generate(pmask)
        z = apply(pyr, mask_ if variant == "preserve" else 1 - mask_)
        y = z.reshape(1, -1) @ weights.t()
        reward = y[:, target] if variant == "preserve" else -y[:, target]
        mask_sorted = mask.reshape(1, -1).sort(dim=1, stable=sort == "stable")[0]
        if sort == "reference":
            boundary = int(max_area * (1 - area))
            assert mask_sorted[0, boundary] - mask_sorted[0, boundary - 1] > 1e-5, (t, "a tie at the boundary")
        regul = -((mask_sorted - reference) ** 2).mean(dim=1) * regul_weight
        energy = (reward + regul).sum()
        optimizer.zero_grad()
        (-energy).backward()
        optimizer.step()
        pmask.data = pmask.data.clamp(0, 1)
        regul_weight *= 1.0035
    return mask_.detach()


for h, w, step, sigma, blur, levels, iterations, area, variant, sort in [
        (8, 8, 1, 2.0, 1.0, 8, 30, 0.25, "preserve", "stable"), (9, 7, 1, 1.5, 1.5, 4, 25, 0.3, "delete", "stable"),
        (9, 7, 2, 3.0, 1.5, 4, 30, 0.9, "preserve", "reference"), (8, 8, 2, 2.0, 1.0, 8, 30, 0.9, "delete", "reference")]:
    x = image(h, w, 1.1)
    u = torch.arange(2 * h * w, dtype=torch.float32)
    weights = (torch.sin(0.53 * u) * torch.cos(0.11 * u)).reshape(2, h * w)
    mask = extremal(weights, x, 1, area, variant, iterations, levels, step, sigma, blur, sort)
    out += [f"loop {h} {w} {step} {sigma!r} {blur!r} {levels} {iterations} {area!r} {variant} {sort}", line(weights),
            line(x),
            line(mask)]

with open("tests/golden/extremal.txt", "w") as f:
    f.write("\n".join(out) + "\n")
