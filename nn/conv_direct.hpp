// conv_direct.hpp: the direct convolution (inside nn/): for a small layer
// with stride 1, one image's outputs and its weight gradient summed straight
// from the padded image, without a patch matrix, in the GEMM's order and
// blocks, so with the bits im2col + GEMM and im2row + GEMM give
// (conv_direct.cpp says how; tests/nn/test_conv_direct.cpp compares them).
#pragma once
#include "nn/patches.hpp"

namespace gb {

// Floats the padded image must have to spare after its end for
// convolve_direct (pad_image's `spare`).
constexpr int kDirectSpare = 16;

// y_b (O, OH*OW) = bias + W x_b; xp has kDirectSpare floats to spare.
void convolve_direct(const ConvShape& s, const PaddedImage& xp, const float* w, const float* bias, float* yb);

// dW (O, C*KH*KW) += dy_b (O, OH*OW) times the patches of xp.
void add_weight_gradient_direct(const ConvShape& s, const PaddedImage& xp, const float* dy, float* dw);

}  // namespace gb
