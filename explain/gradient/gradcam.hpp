// gradcam.hpp: Grad-CAM and guided Grad-CAM (Selvaraju et al. 2017), for
// networks with convolutions.
//
// With A^k (k = 1..K, each h x w) the feature maps at the output of the last
// convolution (after its ReLU, if one follows):
//   alpha_k = 1/(h w) sum_ij df/dA^k_ij                (how much map k matters)
//   L       = ReLU(sum_k alpha_k A^k)                  (h x w)
// upsampled bilinearly to the input's height x width. Guided Grad-CAM is the
// guided backprop map times the upsampled L.
#pragma once
#include <vector>

#include "nn/module.hpp"

namespace gb {

// L before upsampling: (B, h, w). Throws gb::Error if the network has no Conv2d.
Tensor gradcam_map(Sequential& net, const Tensor& x, const std::vector<int>& targets);

// Bilinear resizing of maps (B, h, w) to (B, H, W), sampling at pixel centres
// (PyTorch's interpolate(..., mode="bilinear", align_corners=False)).
Tensor upsample_bilinear(const Tensor& maps, int H, int W);

// Grad-CAM at the input's resolution, shaped as x (B, C, H, W) (the same map in every channel).
Tensor gradcam(Sequential& net, const Tensor& x, const std::vector<int>& targets);
Tensor guided_gradcam(Sequential& net, const Tensor& x, const std::vector<int>& targets);

}  // namespace gb
