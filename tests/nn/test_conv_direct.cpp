// The direct convolution and weight gradient (conv_images.cpp) against the
// patch matrices and the GEMM: the same bits, whatever the shapes.
#include <algorithm>
#include <cmath>
#include <limits>

#include "helpers.hpp"
#include "nn/conv.hpp"
#include "nn/gemm.hpp"
#include "nn/patches.hpp"

using namespace gb;
using test::random_tensor;
using test::same_bits;

namespace {

// y = bias + W im2col(x) image by image, with the GEMM.
std::vector<float> through_gemm(const Tensor& x, const Tensor& w, const Tensor& bias, int padding) {
    const ConvShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 1, padding,
                      x.dim(2) + 2 * padding - w.dim(2) + 1, x.dim(3) + 2 * padding - w.dim(3) + 1};
    const size_t P = s.positions(), K = s.patch();
    std::vector<float> y(size_t(s.B) * s.O * P), cols(K * P);
    PaddingBuffer padded;
    for (int b = 0; b < s.B; ++b) {
        im2col(s, pad_image(s, x.data() + size_t(b) * s.image(), padded), cols.data());
        float* yb = y.data() + size_t(b) * s.O * P;
        for (int o = 0; o < s.O; ++o) std::fill(yb + size_t(o) * P, yb + size_t(o + 1) * P, bias.values()[size_t(o)]);
        gemm_blocked(false, false, s.O, int(P), int(K), 1.0f, w.data(), cols.data(), 1.0f, yb);
    }
    return y;
}

// dW = sum over images of dy_b im2row(x_b), with the GEMM: for at most 8 images
// each its own slice, added in order (conv_images.cpp).
std::vector<float> weight_gradient_through_gemm(const Tensor& x, const Tensor& w, int padding, const std::vector<float>& g) {
    const ConvShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 1, padding,
                      x.dim(2) + 2 * padding - w.dim(2) + 1, x.dim(3) + 2 * padding - w.dim(3) + 1};
    const size_t P = s.positions(), K = s.patch();
    std::vector<float> dw(size_t(s.O) * K, 0.0f), rows(P * K);
    PaddingBuffer padded;
    for (int b = 0; b < s.B; ++b) {
        im2row(s, pad_image(s, x.data() + size_t(b) * s.image(), padded), rows.data());
        std::vector<float> slice(dw.size(), 0.0f);
        gemm_blocked(false, false, s.O, int(K), int(P), 1.0f, g.data() + size_t(b) * s.O * P, rows.data(), 1.0f,
                     slice.data());
        for (size_t k = 0; k < dw.size(); ++k) dw[k] += slice[k];
    }
    return dw;
}

}  // namespace

TEST_CASE("the direct convolution gives the bits of the patch matrix times the weights", "[conv]") {
    Rng rng(12);
    struct Case {
        Shape x, w;
        int padding;
    };
    const Case cases[] = {
        {{3, 1, 28, 28}, {6, 1, 5, 5}, 2},    // LeNet's first layer: rows of 16 + 12 positions
        {{3, 6, 14, 14}, {16, 6, 5, 5}, 0},   // and its second: 10 positions a row, two blocks of channels
        {{2, 3, 9, 40}, {11, 3, 3, 3}, 1},    // 40 positions a row, 8 + 3 channels
        {{2, 12, 7, 7}, {5, 12, 5, 5}, 2},    // 300 patch entries: two blocks of kDepthBlock sums
        {{2, 2, 1, 17}, {3, 2, 1, 2}, 0},     // one row
        {{1, 1, 5, 5}, {1, 1, 5, 5}, 0},      // one output
    };
    for (const Case& c : cases)
        for (float special : {0.0f, -0.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
            Tensor x = random_tensor(c.x, rng, false), w = random_tensor(c.w, rng, false);
            Tensor bias = random_tensor({c.w[0]}, rng, false);
            for (size_t k = 0; k < x.numel(); k += 3) x.values()[k] = 0.0f;  // zeros, as MNIST's borders
            x.values()[x.numel() / 2] = special;
            bias.values()[0] = -0.0f;
            INFO("x " << shape_str(c.x) << " w " << shape_str(c.w) << " padding " << c.padding << " special " << special);
            CHECK(same_bits(conv2d(x, w, bias, 1, c.padding).values(), through_gemm(x, w, bias, c.padding)));
        }
}

TEST_CASE("the direct weight gradient gives the bits of the GEMM over the patch rows", "[conv]") {
    Rng rng(13);
    struct Case {
        Shape x, w;
        int padding;
    };
    const Case cases[] = {
        {{3, 6, 14, 14}, {16, 6, 5, 5}, 0},   // LeNet's second layer: 16 channels, one vector
        {{2, 3, 9, 12}, {11, 3, 3, 3}, 1},    // 11 channels
        {{2, 2, 20, 20}, {20, 2, 3, 3}, 1},   // 400 positions: two blocks of kDepthBlock; 16 + 4 channels
        {{1, 1, 5, 5}, {3, 1, 5, 5}, 0},      // one position
    };
    for (const Case& c : cases)
        for (float special : {0.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
            Tensor x = random_tensor(c.x, rng, false), w = random_tensor(c.w, rng), bias = random_tensor({c.w[0]}, rng);
            for (size_t k = 0; k < x.numel(); k += 3) x.values()[k] = 0.0f;
            x.values()[x.numel() / 2] = special;
            Tensor y = conv2d(x, w, bias, 1, c.padding);
            std::vector<float> g(y.numel());
            for (size_t k = 0; k < g.size(); ++k) g[k] = k % 4 == 0 ? 0.0f : rng.uniform(-1.0f, 1.0f);
            w.zero_grad();
            y.backward(g);
            INFO("x " << shape_str(c.x) << " w " << shape_str(c.w) << " padding " << c.padding << " special " << special);
            CHECK(same_bits(w.grad(), weight_gradient_through_gemm(x, w, c.padding, g)));
        }
}
