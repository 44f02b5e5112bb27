// meaningful_perturbation.hpp: meaningful perturbation (Fong & Vedaldi 2017,
// "interpretable explanations of black boxes by meaningful perturbation"),
// the deletion game that extremal perturbation later refined. A mask m in
// [0, 1] (1: keep the pixel) blends the image with its blur (eq. 2 and 3):
//   Phi(x; m)(u) = m(u) x(u) + (1 - m(u)) (g_sigma * x)(u),
// and is learnt by minimising (eq. 4 with the TV term of sec. 4.2)
//   L(m) = lambda1 ||1 - m||_1 + lambda2 sum_u ||grad m(u)||_beta^beta + f_c(Phi(x; m)),
// with f_c the softmax probability of the class: delete as little, as
// smoothly as possible, so that the class goes away. As in the paper the mask
// has 28 x 28 values, upsampled bilinearly to the image (on digits it is the
// image's own resolution); the blur's sigma 10 at 224 pixels becomes
// 10 x side / 224. The paper's settings: lambda1 = 1e-4, lambda2 = 1e-2,
// beta = 3, Adam with learning rate 0.1 (its random jitter of the image is
// left out here, as in extremal perturbation). The map is 1 - m, what was deleted.
#pragma once
#include <vector>

#include "nn/module.hpp"

namespace gb {

struct MeaningfulSettings {
    int iterations = 300;
    float l1 = 1e-4f, tv = 1e-2f, beta = 3.0f, learning_rate = 0.1f;
    float blur = 0;  // 0: 10 x side / 224
    int mask_side = 28;
};

struct MeaningfulResult {
    std::vector<float> mask;      // m, upsampled to height x width
    double loss = 0, probability = 0;  // at the end
};

// L(m) for mask parameters (mask_side x mask_side) and, if `gradient` is given, dL/dm.
double meaningful_loss(Sequential& net, const Tensor& x, int target, int height, int width,
                       const std::vector<float>& mask, const MeaningfulSettings& settings,
                       std::vector<float>* gradient = nullptr, double* probability = nullptr);

// x (1, ...): one image of height x width in every channel; target >= 0.
MeaningfulResult meaningful_perturbation(Sequential& net, const Tensor& x, int target, int height, int width,
                                         const MeaningfulSettings& settings);

}  // namespace gb
