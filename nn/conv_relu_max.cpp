#include <memory>

#include "nn/conv.hpp"
#include "nn/conv_images.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"

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

}  // namespace gb
