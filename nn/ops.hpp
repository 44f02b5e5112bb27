// ops.hpp: the differentiable operations. Each computes its output and records
// a backward closure that accumulates into its inputs' gradients
// (tensor.hpp). Every op is checked against finite differences in
// tests/nn/test_ops.cpp.
//
// Shape errors throw gb::Error naming the op and both shapes.
#pragma once
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

// ---- element-wise, with NumPy broadcasting --------------------------------
// Shapes are aligned at their last dimension; a dimension of size 1 (or a
// missing leading one) is repeated to match, e.g. (64, 300) + (300,).
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor scale(const Tensor& a, float factor);  // a * factor
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator*(const Tensor& a, float f) { return scale(a, f); }

// The shape a broadcast of a and b produces (throws if they do not broadcast).
Shape broadcast_shape(const Shape& a, const Shape& b, const char* op);

// ---- activations -----------------------------------------------------------
inline float relu_of(float v) { return v < 0.0f ? 0.0f : v; }  // one value of relu(x)
Tensor relu(const Tensor& x);     // max(0, x), NaN stays NaN; the derivative at 0 is taken as 0
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);  // 1 / (1 + exp(-x))

// ---- reductions and shape --------------------------------------------------
Tensor sum(const Tensor& x);                                  // all elements, shape ()
Tensor sum(const Tensor& x, int axis, bool keepdim = false);  // over one axis
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int axis, bool keepdim = false);
Tensor reshape(const Tensor& x, Shape shape);                 // one size may be -1
Tensor transpose(const Tensor& x, int dim0, int dim1);        // swaps two axes (a copy)

// ---- linear algebra --------------------------------------------------------
Tensor matmul(const Tensor& a, const Tensor& b);  // (M, K) @ (K, N) -> (M, N)
// y = x W^T + b, as PyTorch's F.linear: x (B, in), W (out, in), b (out,) -> (B, out)
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

// ---- lookup ------------------------------------------------------------------
// Rows of weight (V, E) picked by the ids held in `ids` (any shape S, values
// whole numbers in [0, V)): the result has shape S + (E,). The row
// `padding_idx` (if >= 0) receives no gradient, as in torch.nn.Embedding.
Tensor embedding(const Tensor& weight, const Tensor& ids, int padding_idx = -1);

// ---- classification --------------------------------------------------------
// Over the last axis: log_softmax(x)_i = x_i - log sum_j exp(x_j).
Tensor log_softmax(const Tensor& x);
Tensor softmax(const Tensor& x);
// Mean negative log-likelihood of the labelled classes: -1/B sum_b logp[b, y_b].
Tensor nll_loss(const Tensor& log_probs, const std::vector<int>& labels);
// Cross-entropy of logits (B, C) against class labels: nll_loss(log_softmax(logits)).
Tensor cross_entropy(const Tensor& logits, const std::vector<int>& labels);

}  // namespace gb
