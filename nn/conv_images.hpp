// conv_images.hpp: the convolutions of conv.cpp and conv_relu_max.cpp, one
// image at a time, forward and backward (inside nn/).
//
// Image by image (in parallel over the batch), as one GEMM each:
//   cols_b = im2col(x_b)                  (C*KH*KW, OH*OW), small enough to stay in cache
//   y_b = W cols_b + bias                 W: (O, C*KH*KW) -> y_b: (O, OH*OW)
// or, for a small layer with stride 1, the same sums straight from the image
// (the direct convolution of conv_images.cpp, with the GEMM's bits).
// Backward, with the patches gathered again rather than kept:
//   dW += dy_b cols_b^T,  dbias += sum over positions of dy_b,  dx_b = col2im(W^T dy_b)
// For dW, GEMM would have to transpose cols_b into its panels, unless dW is
// small and the positions many (conv1 of LeNet: 6 x 25 weights, 784
// positions), where it takes dot products of rows instead. So outside that
// case the patches are gathered straight into the transposed layout, rows_b =
// cols_b^T = im2row(x_b), and dW += dy_b rows_b.
//
// The ops take the shape apart from the tensors, so that conv1d runs on its
// (B, C, L) input and (O, C, K) weight as images of height 1 without copying
// them into 4-D tensors (the values sit in the same order).
#pragma once
#include <functional>
#include <vector>

#include "nn/gemm.hpp"
#include "nn/patches.hpp"
#include "nn/tensor.hpp"

namespace gb {

// conv2d's and conv1d's checks (conv.cpp), for the fast kernel, the fused ops
// and the reference loops alike; conv1d's shapes as those of images of height 1.
ConvShape conv2d_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding);
ConvShape conv1d_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding);

// y_b (O, OH*OW) of image b, into yb. Positions whose patch is all zeros may
// be left out of the GEMM (conv_images.cpp says when, and why the bits stay
// the same). With `compact` given, a caller that can use the outputs as
// computed gets them so where positions were left out (returns true, yb
// untouched). w_finite: no inf or NaN in w.
struct CompactOutputs {
    const float* values;                     // (O, n)
    const std::vector<int>* positions;       // n increasing positions; every other one holds bias + 0
};
bool convolve_image(const ConvShape& s, const Tensor& x, const Tensor& w, const Tensor& bias, bool w_finite, int b,
                    float* yb, CompactOutputs* compact = nullptr);

// Image b's output gradient dy_b (O, OH*OW): a pointer into the op's own
// gradient, or its nonzeros (conv1d_relu_max's, one per row at most).
struct ImageGradient {
    const float* dense;
    const CompressedRows* sparse;
};
using OutputGradient = std::function<ImageGradient(int b, CompressedRows& buffer)>;

// The backward pass: accumulates into the gradients of x, w and bias.
void convolution_backward(const ConvShape& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                          const OutputGradient& dy_of);

}  // namespace gb
