// pool.hpp: pooling over k x k windows moved by `stride`, on x (B, C, H, W),
// giving (B, C, OH, OW) with OH = (H - k) / stride + 1 (no padding).
//
//   max:  y = max_j x_j          (the argmax of each window is recorded)
//   sum:  y = sum_j x_j          (the pooling the LRP papers recommend)
//   avg:  y = sum_j x_j / k^2
//   Lp:   y = (sum_j |x_j|^p)^(1/p),  p >= 1   (Montavon et al. 2018, sec. 5;
//         on the non-negative activations it is used for, |x| = x)
//
// and max over the last axis, for text CNNs (max-over-time pooling).
#pragma once
#include <memory>
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

// For each output, the flat index into x of its window's maximum (Zeiler &
// Fergus's "switches"), shared with the op's backward pass rather than copied.
using Switches = std::shared_ptr<const std::vector<size_t>>;

// `switches`, if given, receives them.
Tensor max_pool2d(const Tensor& x, int k, int stride, Switches* switches = nullptr);
Tensor sum_pool2d(const Tensor& x, int k, int stride);
Tensor avg_pool2d(const Tensor& x, int k, int stride);
Tensor lp_pool2d(const Tensor& x, float p, int k, int stride);

// y[..., ] = max over the last axis; x (..., L) -> (...). The argmax is
// recorded as for max_pool2d, as a flat index into x.
Tensor max_last_axis(const Tensor& x, Switches* switches = nullptr);

// The position of the first largest value of row[0:n], as max_last_axis takes
// it (a NaN in row[0] wins; elsewhere a NaN never does).
size_t first_argmax(const float* row, size_t n);

// For ops that pool as part of something larger (conv2d_relu_max_pool):
// 2x2 windows moved by 2 over one (H, W) plane, as max_pool2d(x, 2, 2) takes
// them: the (H/2, W/2) maxima into y, each one's index into argmax as
// `first` + its position in the plane;
void max_pool_2x2_plane(const float* plane, int H, int W, size_t first, float* y, size_t* argmax);
// a buffer for n switches, with stale contents (recycled: see pool.cpp), and
// the switches shared, their buffer recycled when the last holder lets go.
std::vector<size_t> switch_buffer(size_t n);
Switches share_switches(std::vector<size_t> argmax);

}  // namespace gb
