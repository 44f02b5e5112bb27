// sampling.hpp: the methods that average gradients over many inputs, and the
// one that only calls the model's forward pass. Image (and other non-text)
// models; each takes x (B, ...) and the classes to explain, one per example.
#pragma once
#include <cstdint>
#include <vector>

#include "nn/module.hpp"

namespace gb {

// SmoothGrad (Smilkov et al. 2017): the gradient averaged over noisy copies,
//   R = 1/n sum_{k=1..n} grad f(x + e_k),   e_k ~ N(0, sigma^2),
// with sigma = noise * (max x - min x) of each example. Seeded: the same seed
// gives the same map.
// With start > 0, x is the input of layer `start` (as in propagate).
Tensor smoothgrad(Sequential& net, const Tensor& x, const std::vector<int>& targets, int samples, float noise,
                  uint64_t seed, size_t start = 0);

// Integrated gradients (Sundararajan et al. 2017), by the right Riemann sum
// over `steps` points of the straight path from the baseline x' to x:
//   R_i = (x_i - x'_i) * 1/m sum_{k=1..m} df/dx_i (x' + k/m (x - x')).
// Completeness says sum_i R_i = f(x) - f(x'); `gap` receives, per example,
// f(x) - f(x') - sum_i R_i, which shrinks as steps grow.
Tensor integrated_gradients(Sequential& net, const Tensor& x, const std::vector<int>& targets,
                            const std::vector<float>& baseline, int steps, std::vector<float>* gap = nullptr,
                            size_t start = 0);

// Occlusion (Zeiler & Fergus 2014): slide a patch x patch square of `value`
// over an image of height x width (the input's last values), with the given
// stride; each pixel's relevance is the mean drop f(x) - f(x occluded) over
// the placements that cover it. Forward passes only.
Tensor occlusion(Sequential& net, const Tensor& x, const std::vector<int>& targets, int height, int width, int patch,
                 int stride, float value = 0.0f);
// The same with a patch_height x patch_width rectangle.
Tensor occlusion(Sequential& net, const Tensor& x, const std::vector<int>& targets, int height, int width,
                 int patch_height, int patch_width, int stride, float value);
// For text: word ids x (B, T); each run of `patch` words (moved by `stride`)
// is replaced by padding (id 0), and each word's relevance is the mean drop
// of f over the runs that cover it.
Tensor occlude_words(Sequential& net, const Tensor& ids, const std::vector<int>& targets, int patch, int stride);

}  // namespace gb
