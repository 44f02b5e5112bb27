#include <memory>

#include "nn/conv.hpp"
#include "nn/conv_images.hpp"
#include "nn/ops.hpp"
#include "nn/buffers.hpp"
#include "nn/parallel.hpp"
#include "util/error.hpp"

namespace gb {

// Per image: y_b as conv1d gives it, ReLU'd row by row, and each row's first
// maximum (first_argmax, as max_last_axis finds it) kept with its position.
// Backward: the gradient the max and the ReLU would pass down, one value per
// row of the image's (O, L) gradient, dy[o, t*] = 0 + (0 + g[b, o]) * relu'(y),
// the same expression, given by its nonzeros to conv1d's backward pass.
// relu'(y) is 1 where the kept maximum is > 0, which is where y > 0 (relu(y)
// = y there); it is recorded in the forward pass.
Tensor conv1d_relu_max(const Tensor& x, const Tensor& w, const Tensor& bias, Switches* switches) {
    const ConvShape s = conv1d_shapes(x, w, bias, 1, 0);
    const size_t P = s.positions(), per_image = size_t(s.O) * P;
    std::vector<float> y(size_t(s.B) * s.O);
    std::vector<unsigned char> positive(y.size());  // relu'(y) at each maximum: where it is > 0
    auto argmax = std::make_shared<std::vector<size_t>>(y.size());  // flat indices into (B, O, L)
    const bool w_finite = all_finite(w.data(), w.numel());
    parallel_for(s.B, [&](int b) {
        thread_local std::vector<float> buffer, sequence_buffer;
        float* yb = scratch(buffer, per_image);
        CompactOutputs compact;
        const size_t first = size_t(b) * s.O;  // the image's first output
        if (!convolve_image(s, x, w, bias, w_finite, b, yb, &compact)) {
            for (int o = 0; o < s.O; ++o) {
                float* row = yb + size_t(o) * P;
                for (size_t t = 0; t < P; ++t) row[t] = relu_of(row[t]);
                const size_t r = first + size_t(o), t = first_argmax(row, P);
                y[r] = row[t];
                positive[r] = y[r] > 0.0f;
                (*argmax)[r] = r * P + t;
            }
            return;
        }
        // Positions left out all hold relu(bias + 0); of them only the first, z, can be the first maximum.
        // So the maximum is taken over the kept positions with z in its place among them, n + 1 values.
        const std::vector<int>& kept = *compact.positions;
        const size_t n = kept.size();
        size_t z = 0;
        while (z < n && kept[z] == int(z)) ++z;
        float* sequence = scratch(sequence_buffer, n + 1);
        for (int o = 0; o < s.O; ++o) {
            const float* row = compact.values + size_t(o) * n;
            for (size_t u = 0; u < z; ++u) sequence[u] = relu_of(row[u]);
            sequence[z] = relu_of(bias.data()[o] + 0.0f);
            for (size_t u = z; u < n; ++u) sequence[u + 1] = relu_of(row[u]);
            const size_t i = first_argmax(sequence, n + 1), t = i <= z ? i : size_t(kept[i - 1]);
            const size_t r = first + size_t(o);
            y[r] = sequence[i];
            positive[r] = y[r] > 0.0f;
            (*argmax)[r] = r * P + t;
        }
    });
    if (switches) *switches = argmax;
    return make_result("conv1d_relu_max", {s.B, s.O}, std::move(y), {&x, &w, &bias},
                       [x, w, bias, s, argmax, P, positive = std::move(positive)](Node& self) {
                           const float* g = self.grad.data();
                           const size_t O = size_t(s.O);
                           convolution_backward(s, x, w, bias, [&](int b, CompressedRows& nonzeros) {
                               nonzeros.start.assign(1, 0);
                               nonzeros.index.clear();
                               nonzeros.value.clear();
                               for (size_t r = size_t(b) * O; r < size_t(b + 1) * O; ++r) {
                                   const float dy = 0.0f + (0.0f + g[r]) * (positive[r] ? 1.0f : 0.0f);
                                   if (dy != 0.0f) {
                                       nonzeros.index.push_back(int((*argmax)[r] - r * P));
                                       nonzeros.value.push_back(dy);
                                   }
                                   nonzeros.start.push_back(nonzeros.index.size());
                               }
                               return ImageGradient{nullptr, &nonzeros};
                           });
                       });
}

// Per image: y_b as conv2d gives it, ReLU'd, then max-pooled as max_pool2d
// pools, in the same order of comparisons, all while the image's (O, OH, OW)
// outputs are in cache. Backward, per image: the gradient the pooling and the
// ReLU would pass down, written out dense as they write it,
//   dy[o, t*] = 0 + (0 + g[b, o, i, j]) * relu'(y)   at each maximum t*,
//   dy[o, t]  = +0                                   elsewhere,
// to conv2d's backward pass, which takes it as it would take theirs. relu'(y)
// is 1 where the pooled maximum is > 0, which is where the convolution's
// output there is > 0.
Tensor conv2d_relu_max_pool(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding,
                            Switches* switches) {
    const ConvShape s = conv2d_shapes(x, w, bias, stride, padding);
    if (s.OH < 2 || s.OW < 2)
        throw Error("conv2d_relu_max_pool: a 2x2 window does not fit the convolution's output of " +
                    std::to_string(s.OH) + "x" + std::to_string(s.OW));
    const int OH = s.OH / 2, OW = s.OW / 2;
    const size_t P = s.positions(), per_image = size_t(s.O) * P, pooled = size_t(s.O) * OH * OW;
    std::vector<float> y = uninitialized_buffer(size_t(s.B) * pooled);
    std::vector<size_t> argmax = switch_buffer(y.size());
    const bool w_finite = all_finite(w.data(), w.numel());
    parallel_for(s.B, [&](int b) {
        thread_local std::vector<float> buffer;
        float* yb = scratch(buffer, per_image);
        convolve_image(s, x, w, bias, w_finite, b, yb);
        for (size_t k = 0; k < per_image; ++k) yb[k] = relu_of(yb[k]);
        for (size_t plane = size_t(b) * s.O; plane < size_t(b + 1) * s.O; ++plane)
            max_pool_2x2_plane(yb + (plane - size_t(b) * s.O) * P, s.OH, s.OW, plane * P,
                               y.data() + plane * OH * OW, argmax.data() + plane * OH * OW);
    });
    Switches at = share_switches(std::move(argmax));
    if (switches) *switches = at;
    return make_result("conv2d_relu_max_pool", {s.B, s.O, OH, OW}, std::move(y), {&x, &w, &bias},
                       [x, w, bias, s, at, per_image, pooled](Node& self) {
                           const float *g = self.grad.data(), *maxima = self.data.data();
                           convolution_backward(s, x, w, bias, [&](int b, CompressedRows&) {
                               thread_local std::vector<float> buffer, maxima_buffer;  // the calling thread's
                               float* dy = scratch(buffer, per_image);
                               std::fill(dy, dy + per_image, 0.0f);
                               // the image's values first, in vectors (a branch per value would
                               // be mispredicted), then each to its maximum's place
                               const size_t first = size_t(b) * pooled, image_start = size_t(b) * per_image;
                               float* __restrict at_maxima = scratch(maxima_buffer, pooled);
                               const float *__restrict gb = g + first, *__restrict yb = maxima + first;
                               for (size_t r = 0; r < pooled; ++r)
                                   at_maxima[r] = 0.0f + (0.0f + gb[r]) * (yb[r] > 0.0f ? 1.0f : 0.0f);
                               for (size_t r = 0; r < pooled; ++r) dy[(*at)[first + r] - image_start] = at_maxima[r];
                               return ImageGradient{dy, nullptr};
                           });
                       });
}

}  // namespace gb
