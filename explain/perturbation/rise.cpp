#include "explain/perturbation/rise.hpp"

#include <algorithm>
#include <cstdio>

#include "explain/gradient/gradcam.hpp"
#include "explain/method.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

namespace {

void check_settings(const RiseSettings& s, int height, int width) {
    if (s.masks < 1) throw Error("rise: --masks must be at least 1, got " + std::to_string(s.masks));
    if (s.grid < 1 || s.grid > std::min(height, width))
        throw Error("rise: a grid of " + std::to_string(s.grid) + " x " + std::to_string(s.grid) +
                    " cells does not fit a " + std::to_string(height) + " x " + std::to_string(width) +
                    " image; take --grid from 1 to " + std::to_string(std::min(height, width)));
    if (!(s.keep > 0.0f && s.keep <= 1.0f))
        throw Error("rise: --keep is a probability in (0, 1], got " + std::to_string(s.keep));
}

int cell_size(int s, int height, int width) {  // ceil(max(H, W) / s)
    const int side = std::max(height, width);
    return (side + s - 1) / s;
}

}  // namespace

std::vector<float> rise_mask_from_grid(const std::vector<float>& grid, int s, int height, int width, int dy, int dx) {
    const int cell = cell_size(s, height, width), up = (s + 1) * cell;
    // the grid, upsampled bilinearly to (s + 1) cell x (s + 1) cell (pixel centres, as gradcam's upsampling)
    Tensor big = upsample_bilinear(Tensor(Shape{1, s, s}, grid), up, up);
    std::vector<float> mask(size_t(height) * size_t(width));
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j) mask[size_t(i) * width + j] = big.values()[size_t(i + dy) * up + size_t(j + dx)];
    return mask;
}

Tensor rise_masks(const RiseSettings& s, int height, int width) {
    check_settings(s, height, width);
    Rng rng(s.seed);
    const int cell = cell_size(s.grid, height, width);
    const size_t plane = size_t(height) * width;
    Tensor masks(Shape{s.masks, height, width});
    std::vector<float> grid(size_t(s.grid) * s.grid);
    for (int n = 0; n < s.masks; ++n) {
        for (float& g : grid) g = rng.uniform() < s.keep ? 1.0f : 0.0f;  // each cell kept with probability p
        const int dy = int(rng.below(uint64_t(cell))), dx = int(rng.below(uint64_t(cell)));  // the random shift
        std::vector<float> m = rise_mask_from_grid(grid, s.grid, height, width, dy, dx);
        std::copy(m.begin(), m.end(), masks.values().begin() + long(size_t(n) * plane));
    }
    return masks;
}

Tensor rise_saliency(const Scorer& score, const Tensor& x, const std::vector<int>& targets, int height, int width,
                     const Tensor& masks, float keep, int batch, std::vector<float>* scores) {
    const size_t B = size_t(x.dim(0)), per_example = x.numel() / B, plane = size_t(height) * width;
    if (masks.ndim() != 3 || masks.dim(1) != height || masks.dim(2) != width || masks.dim(0) < 1)
        throw Error("rise: the masks must be (N >= 1, " + std::to_string(height) + ", " + std::to_string(width) +
                    "), got " + shape_str(masks.shape()));
    if (per_example % plane != 0)
        throw Error("rise: examples of " + std::to_string(per_example) + " values are not images of " +
                    std::to_string(height) + " x " + std::to_string(width));
    const int N = masks.dim(0);
    batch = std::max(1, batch);
    Tensor saliency(Shape{int(B), height, width});
    std::vector<double> sum(plane);
    if (scores) scores->clear();
    for (size_t b = 0; b < B; ++b) {
        std::fill(sum.begin(), sum.end(), 0.0);
        const float* image = x.data() + b * per_example;
        for (int first = 0; first < N; first += batch) {
            const int n = std::min(batch, N - first);
            Shape shape = x.shape();
            shape[0] = n;
            Tensor masked(shape);  // I . M_i for the n masks of this batch
            for (int i = 0; i < n; ++i) {
                const float* m = masks.data() + size_t(first + i) * plane;
                float* out = masked.values().data() + size_t(i) * per_example;
                for (size_t k = 0; k < per_example; ++k) out[k] = image[k] * m[k % plane];
            }
            const Tensor y = score(masked);
            for (int i = 0; i < n; ++i) {  // sum_i f(I . M_i) M_i
                const double f = y.values()[size_t(i) * size_t(y.dim(1)) + size_t(targets.at(b))];
                if (scores && b == 0) scores->push_back(float(f));
                const float* m = masks.data() + size_t(first + i) * plane;
                for (size_t u = 0; u < plane; ++u) sum[u] += f * m[u];
            }
        }
        for (size_t u = 0; u < plane; ++u) saliency.values()[b * plane + u] = float(sum[u] / (double(N) * keep));
    }
    return saliency;
}

Method rise_method() {
    Method m("rise", Family::Perturbation, "Petsiuk, Das & Saenko 2018, RISE: randomized input sampling",
             "S(u) = 1/(N p) sum_i f(I . M_i) M_i(u) over N random smooth masks of s x s cells kept with probability p");
    m.parameters = {whole_parameter("masks", 4000, 1, 1000000, "random masks N"),
                    whole_parameter("grid", 7, 1, 1024, "cells per side of a mask's grid, s (at most the image's side)"),
                    real_parameter("keep", "0.5", 0.0, 1.0, "probability p that a cell of the grid is kept"),
                    whole_parameter("seed", 1, 0, 2147483647, "seed of the masks")};
    m.inputs = {InputForm::Image};
    m.has_steps = true;
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        const std::pair<int, int> size = image_size(call);
        const int H = size.first, W = size.second;
        RiseSettings s;
        s.masks = call.whole("masks");
        s.grid = call.whole("grid");
        s.keep = call.real("keep");
        s.seed = uint64_t(call.whole("seed"));
        const Tensor masks = rise_masks(s, H, W);
        std::vector<float> scores;
        const Tensor saliency =
            rise_saliency(network_scorer(call.net), call.x, call.targets, H, W, masks, s.keep, s.batch, &scores);
        e.relevance = Tensor(call.x.shape());  // the same map in every channel
        const size_t plane = size_t(H) * W, per_example = call.x.numel() / size_t(call.x.dim(0));
        for (size_t k = 0; k < e.relevance.numel(); ++k)
            e.relevance.values()[k] = saliency.values()[(k / per_example) * plane + k % plane];
        char line[200];
        std::snprintf(line, sizeof line, "%d masks of %d x %d cells (cell %d pixels), kept with p = %g, seed %d",
                      s.masks, s.grid, s.grid, (std::max(H, W) + s.grid - 1) / s.grid, double(s.keep), int(s.seed));
        e.steps.push_back(line);
        // S of the first example = sum_i scores_i masks_i / (N keep)
        e.saved = {{"masks", masks.shape(), masks.values()},
                   {"scores", {int(scores.size())}, scores},
                   {"saliency", saliency.shape(), saliency.values()},
                   {"keep", {1}, {s.keep}}};
        return e;
    };
    return m;
}

}  // namespace gb
