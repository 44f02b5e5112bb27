// rise.hpp: RISE, randomized input sampling for explanation (Petsiuk, Das &
// Saenko 2018). N random masks M_i in [0, 1]^(H x W) dim the image; the
// saliency of a pixel is the expected score under the masks that keep it
// (eq. 6 of the paper, estimated by Monte Carlo):
//   S(u) = 1/(N p) sum_i f(I . M_i) M_i(u).
// A mask is a random binary grid of s x s cells, each kept with probability
// p, upsampled bilinearly to (s + 1) x cell size (cell size = ceil(H / s))
// and cropped to H x W at a random shift in [0, cell size) in each direction,
// so that its edges are smooth and fall anywhere. Forward passes only, through
// a scorer: it explains any model.
#pragma once
#include <cstdint>
#include <vector>

#include "explain/perturbation/scorer.hpp"

namespace gb {

struct RiseSettings {
    int masks = 4000;  // N
    int grid = 7;      // s: cells per side
    float keep = 0.5f; // p: the probability that a cell is kept
    uint64_t seed = 1;
    int batch = 100;   // masked images per call of the scorer
};

// N masks (N, H, W) as described above. gb::Error for N < 1, a grid larger
// than the image or smaller than 1, or p outside (0, 1].
Tensor rise_masks(const RiseSettings& settings, int height, int width);

// One mask from a given binary grid (s x s values in {0, 1}) and shift: the
// grid upsampled bilinearly to (s + 1) x cell, cropped at (dy, dx).
std::vector<float> rise_mask_from_grid(const std::vector<float>& grid, int s, int height, int width, int dy, int dx);

// S (B, H, W) for x (B, ...) of images height x width (every channel is
// multiplied by the same mask), the explained class of each example in
// targets, and masks (N, H, W) drawn with keep probability p. If `scores` is
// given it receives f(I . M_i) of the first example, i = 1..N.
Tensor rise_saliency(const Scorer& score, const Tensor& x, const std::vector<int>& targets, int height, int width,
                     const Tensor& masks, float keep, int batch = 100, std::vector<float>* scores = nullptr);

}  // namespace gb
