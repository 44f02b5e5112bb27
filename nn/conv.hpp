// conv.hpp: convolutions, as im2col + GEMM, with a naive reference beside them.
//
//   y[b, o, i, j] = bias[o] + sum_{c, u, v} w[o, c, u, v] * x[b, c, i*s - p + u, j*s - p + v]
//
// (cross-correlation, as in PyTorch; x is zero outside the image). Layouts are
// PyTorch's: x (B, C, H, W), w (O, C, KH, KW), bias (O), y (B, O, OH, OW) with
// OH = (H + 2p - KH) / s + 1. A 1-D convolution over word positions is the
// same with height 1: x (B, C, L), w (O, C, K).
#pragma once
#include "nn/tensor.hpp"

namespace gb {

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride = 1, int padding = 0);
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride = 1, int padding = 0);

// The formula above as seven nested loops: forward only, for tests.
Tensor conv2d_naive(const Tensor& x, const Tensor& w, const Tensor& bias, int stride = 1, int padding = 0);

}  // namespace gb
