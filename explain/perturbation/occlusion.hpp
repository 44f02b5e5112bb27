// occlusion.hpp: occlusion (Zeiler & Fergus 2014). A patch of `value` slides
// over the image; each pixel's relevance is the mean drop of the explained
// score over the placements that cover it,
//   R_pixel = mean over placements p covering the pixel of f(x) - f(x with p set to value).
// Forward passes only, through a scorer: it explains any model.
#pragma once
#include <vector>

#include "explain/perturbation/scorer.hpp"

namespace gb {

// x (B, ...): images of height x width (the last values of each example, in
// every channel); targets: the explained class of each example (>= 0).
Tensor occlusion(const Scorer& score, const Tensor& x, const std::vector<int>& targets, int height, int width,
                 int patch_height, int patch_width, int stride, float value = 0.0f);

}  // namespace gb
