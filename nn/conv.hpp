// conv.hpp: convolutions, as im2col + GEMM, with a naive reference beside them.
//
//   y[b, o, i, j] = bias[o] + sum_{c, u, v} w[o, c, u, v] * x[b, c, i*s - p + u, j*s - p + v]
//
// (cross-correlation, as in PyTorch; x is zero outside the image). Layouts are
// PyTorch's: x (B, C, H, W), w (O, C, KH, KW), bias (O), y (B, O, OH, OW) with
// OH = (H + 2p - KH) / s + 1. A 1-D convolution over word positions is the
// same with height 1: x (B, C, L), w (O, C, K).
#pragma once
#include "nn/pool.hpp"
#include "nn/tensor.hpp"

namespace gb {

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride = 1, int padding = 0);
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride = 1, int padding = 0);

// max over t of relu(conv1d(x, w, bias))[b, o, t], (B, O): the three ops of
// a text CNN's feature layer (stride 1, no padding) as one, with the same
// values, gradients and switches to the bit, but without their (B, O, L)
// activations and gradients. `switches` receives the positions of the
// maxima, as max_last_axis gives them.
Tensor conv1d_relu_max(const Tensor& x, const Tensor& w, const Tensor& bias, Switches* switches = nullptr);

// max_pool2d(relu(conv2d(x, w, bias, stride, padding)), 2, 2), (B, O, OH/2,
// OW/2): a CNN's convolution, ReLU and 2x2 max pooling (LeNet's layers) as
// one op, with the same values, gradients and switches to the bit, but
// without the two (B, O, OH, OW) activations and their gradients. `switches`
// receives the maxima's flat indices into the convolution's output, as
// max_pool2d gives them.
Tensor conv2d_relu_max_pool(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding,
                            Switches* switches = nullptr);

// The formula above as seven nested loops: forward only, for tests.
Tensor conv2d_naive(const Tensor& x, const Tensor& w, const Tensor& bias, int stride = 1, int padding = 0);

}  // namespace gb
