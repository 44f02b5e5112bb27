// cam.hpp: class activation mapping (Zhou et al. 2016, "learning deep
// features for discriminative localization"), for networks that end in
// global average pooling and one linear layer, f_c = sum_k w_ck mean(A^k) + b_c.
// The map of class c is the same weighted sum before the averaging (eq. 2):
//   M_c(x, y) = sum_k w_ck A^k(x, y),
// upsampled bilinearly to the input's size. Grad-CAM's alpha_k is then
// w_ck / (h w), so ReLU(M_c) = h w * Grad-CAM: the two coincide up to scale.
#pragma once
#include <vector>

#include "nn/module.hpp"

namespace gb {

// M_c before upsampling: (B, h, w). gb::Error naming what is missing if the
// network does not end in global average pooling and a linear layer.
Tensor cam_map(Sequential& net, const Tensor& x, const std::vector<int>& targets);

// "" if the network ends in GlobalAvgPool2d, Linear (a Dropout may sit between), else why not.
std::string cam_refusal(Sequential& net);

}  // namespace gb
