// The fused convolution layers: conv1d_relu_max, the feature layer of a text
// CNN, with the bits of conv1d -> relu -> max_last_axis, and
// conv2d_relu_max_pool, LeNet's, with those of conv2d -> relu ->
// max_pool2d(2, 2); forward and backward, and Sequential's use of them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "helpers.hpp"
#include "nn/conv.hpp"
#include "nn/conv_layers.hpp"
#include "nn/gemm.hpp"
#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "nn/pool.hpp"
#include "nn/text_layers.hpp"

using namespace gb;
using test::random_tensor;
using test::same_bits;

namespace {

struct FeatureLayerRun {
    std::vector<float> y, gx, gw, gb;
    std::vector<size_t> switches;
};

// Runs x, w, bias through `layer`, then the backward pass of the upstream gradient g.
template <typename Layer>
FeatureLayerRun run_feature_layer(Layer layer, Tensor x, Tensor w, Tensor bias, const std::vector<float>& g) {
    for (Tensor* t : {&x, &w, &bias}) t->zero_grad();
    Switches switches;
    Tensor y = layer(x, w, bias, &switches);
    y.backward(g);
    return {y.values(), x.grad(), w.grad(), bias.grad(), *switches};
}

// The fused op and the ops apart: the same values, switches and gradients, to the bit.
void check_same_run(const FeatureLayerRun& fused, const FeatureLayerRun& apart) {
    CHECK(same_bits(fused.y, apart.y));
    CHECK(fused.switches == apart.switches);
    CHECK(same_bits(fused.gx, apart.gx));
    CHECK(same_bits(fused.gw, apart.gw));
    CHECK(same_bits(fused.gb, apart.gb));
}

Tensor composed(const Tensor& x, const Tensor& w, const Tensor& bias, Switches* switches) {
    return max_last_axis(relu(conv1d(x, w, bias)), switches);
}

// x (B, C, L) with runs of zeros at the end of some rows, and posts that end early (all channels zero
// from there, as padding words give), w (O, C, K).
void check_same_bits(Shape x_shape, Shape w_shape, uint64_t seed, float special = 0.0f) {
    Rng rng(seed);
    Tensor x = random_tensor(x_shape, rng), w = random_tensor(w_shape, rng), bias = random_tensor({w_shape[0]}, rng);
    const int L = x_shape[2];
    for (int r = 0; r < x_shape[0] * x_shape[1]; r += 3)
        for (int t = L / 2; t < L; ++t) x.values()[size_t(r) * L + size_t(t)] = 0.0f;
    for (int b = 0; b < x_shape[0]; b += 2)
        for (int c = 0; c < x_shape[1]; ++c)
            for (int t = L / 3 + b; t < L; ++t) x.values()[(size_t(b) * x_shape[1] + size_t(c)) * L + size_t(t)] = 0.0f;
    for (int b = 2; b < x_shape[0]; b += 4)  // and posts that start with zeros too
        for (int c = 0; c < x_shape[1]; ++c)
            for (int t = 0; t < 3; ++t) x.values()[(size_t(b) * x_shape[1] + size_t(c)) * L + size_t(t)] = 0.0f;
    bias.values()[0] = -10.0f;  // output channel 0 is negative everywhere: ReLU gives 0 at every position
    bias.values()[1] = 0.5f;    // channel 1 is 0.5 everywhere: the first position is the maximum
    std::fill(w.data() + w_shape[1] * w_shape[2], w.data() + 2 * w_shape[1] * w_shape[2], 0.0f);
    if (special != 0.0f) x.values()[1] = special;
    if (std::isnan(special)) bias.values()[2] = special;  // a NaN bias: NaN at every position of channel 2
    std::vector<float> g(size_t(x_shape[0]) * w_shape[0]);
    for (size_t k = 0; k < g.size(); ++k) g[k] = k % 3 == 0 ? 0.0f : rng.uniform(-1.0f, 1.0f);  // zeros, as dropout gives
    check_same_run(run_feature_layer(conv1d_relu_max, x, w, bias, g), run_feature_layer(composed, x, w, bias, g));
}

}  // namespace

TEST_CASE("conv1d_relu_max gives the bits of conv1d, relu and max_last_axis, values and gradients", "[conv]") {
    check_same_bits({3, 2, 7}, {4, 2, 3}, 1);      // small: the plain GEMM
    check_same_bits({9, 64, 60}, {96, 64, 1}, 2);  // a text CNN's shape: sparse gradients take the GEMM's shortcut
    check_same_bits({4, 8, 30}, {16, 8, 5}, 3);
    check_same_bits({4, 64, 60}, {96, 64, 1}, 4, std::numeric_limits<float>::infinity());  // no shortcut: inf * 0
    check_same_bits({4, 8, 30}, {16, 8, 2}, 5, std::numeric_limits<float>::quiet_NaN());
    check_same_bits({1, 64, 60}, {96, 64, 1}, 6);  // one post: the GEMMs spread over the threads
    check_same_bits({6, 64, 10}, {96, 64, 1}, 7);  // 10 positions: no shortcut for the gradient
    check_same_bits({4, 64, 60}, {96, 64, 1}, 8, std::numeric_limits<float>::quiet_NaN());  // padding left out
}

// A position whose input is all zeros is left out of the GEMM (conv_images.cpp); the output is the GEMM's over
// all positions all the same: y_b = bias + W x_b, one gemm call per post.
TEST_CASE("conv1d skips the padding positions with the bits of the GEMM over all of them", "[conv]") {
    Rng rng(7);
    const int B = 4, C = 64, L = 50, O = 96;
    Tensor x = random_tensor({B, C, L}, rng, false), w = random_tensor({O, C, 1}, rng, false);
    Tensor bias = random_tensor({O}, rng, false);
    bias.values()[3] = -0.0f;  // bias + 0 is +0
    for (int b = 0; b < B; ++b)
        for (int c = 0; c < C; ++c)
            for (int t = 0; t < L; ++t)
                if (t >= 10 + 10 * b || t % 7 == 3) x.values()[(size_t(b) * C + size_t(c)) * L + size_t(t)] = b == 1 ? -0.0f : 0.0f;
    for (bool finite : {true, false}) {
        if (!finite) w.values()[5] = std::numeric_limits<float>::infinity();  // inf * 0: no position is skipped
        std::vector<float> want(size_t(B) * O * L);
        for (int b = 0; b < B; ++b) {
            float* y = want.data() + size_t(b) * O * L;
            for (int o = 0; o < O; ++o) std::fill(y + size_t(o) * L, y + size_t(o + 1) * L, bias.values()[size_t(o)]);
            gemm(false, false, O, L, C, 1.0f, w.data(), x.data() + size_t(b) * C * L, 1.0f, y);
        }
        CHECK(same_bits(conv1d(x, w, bias).values(), want));
    }
}

namespace {

// The gradients of a Sequential's parameters and input after the backward pass of sum(net(x) * g);
// *op: the op `depth` steps under the output.
std::vector<std::vector<float>> gradients_through(Sequential& net, Tensor x, bool layer_by_layer, const char** op,
                                                  int depth = 1) {
    for (auto& [name, p] : net.parameters()) p.zero_grad();
    x.zero_grad();
    Tensor h = x, features;
    if (layer_by_layer) {
        for (size_t i = 0; i < net.size(); ++i) h = net[i].forward(h);
    } else {
        h = net.forward(x);
    }
    const Node* n = h.node();
    for (int d = 0; d < depth && n; ++d) n = n->parents.empty() ? nullptr : n->parents[0].get();
    *op = n ? n->op : "";
    std::vector<float> g(h.numel());
    for (size_t k = 0; k < g.size(); ++k) g[k] = float(k % 5) - 2.0f;
    h.backward(g);
    std::vector<std::vector<float>> all{h.values(), x.grad()};
    for (auto& [name, p] : net.parameters()) all.push_back(p.grad());
    return all;
}

}  // namespace

TEST_CASE("Sequential runs Conv1d, ReLU and MaxOverTime as one op, layer by layer elsewhere", "[conv]") {
    Rng rng(6);
    Sequential net;  // large enough for the padding positions to be left out of the products
    net.emplace<Conv1d>(64, 80, 1, rng).emplace<ReLU>().emplace<MaxOverTime>().emplace<Linear>(80, 3, rng);
    Tensor x = random_tensor({3, 64, 40}, rng);
    for (size_t k = 64 * 40 + 20 * 64; k < 2 * 64 * 40; ++k) x.values()[k] = 0.0f;  // not exactly padding: zeros
    for (int c = 0; c < 64; ++c)
        for (int t = 25; t < 40; ++t) x.values()[(size_t(2) * 64 + size_t(c)) * 40 + size_t(t)] = 0.0f;  // padding
    const char *fused_op = "", *apart_op = "";
    const auto fused = gradients_through(net, x, false, &fused_op);  // the op under the Linear
    const std::vector<size_t> fused_switches = dynamic_cast<MaxOverTime&>(net[2]).switches();
    const auto apart = gradients_through(net, x, true, &apart_op);
    CHECK(std::string(fused_op) == "conv1d_relu_max");
    CHECK(std::string(apart_op) == "max_last_axis");
    REQUIRE(fused.size() == apart.size());
    for (size_t k = 0; k < fused.size(); ++k) CHECK(same_bits(fused[k], apart[k]));  // output, x, then parameters
    CHECK(fused_switches == dynamic_cast<MaxOverTime&>(net[2]).switches());
    CHECK(fused_switches.size() == 3 * 80);

    // without the ReLU between them, the convolution and the max run apart
    Sequential plain;
    plain.emplace<Conv1d>(64, 12, 3, rng).emplace<MaxOverTime>();
    Tensor y = plain.forward(x);
    CHECK(std::string(y.node()->op) == "max_last_axis");
    CHECK(same_bits(y.values(), max_last_axis(plain[0].forward(x)).values()));
}

TEST_CASE("conv1d_relu_max refuses shapes as conv1d does", "[conv]") {
    CHECK_THROWS_WITH(conv1d_relu_max(Tensor(Shape{2, 3, 6}), Tensor(Shape{4, 2, 3}), Tensor(Shape{4})),
                      Catch::Contains("conv1d: input (2, 3, 6), weight (4, 2, 3), bias (4,): the input has 3 channels"));
    CHECK_THROWS_WITH(conv1d_relu_max(Tensor(Shape{2, 3, 2}), Tensor(Shape{4, 3, 5}), Tensor(Shape{4})),
                      Catch::Contains("larger than"));
}

namespace {

// x, w, bias through conv2d_relu_max_pool (fused) or the three ops, then the backward pass of g.
FeatureLayerRun run_pooling_layer(bool fused, Tensor x, Tensor w, Tensor bias, int stride, int padding, const std::vector<float>& g) {
    for (Tensor* t : {&x, &w, &bias}) t->zero_grad();
    Switches switches;
    Tensor y = fused ? conv2d_relu_max_pool(x, w, bias, stride, padding, &switches)
                     : max_pool2d(relu(conv2d(x, w, bias, stride, padding)), 2, 2, &switches);
    y.backward(g);
    return {y.values(), x.grad(), w.grad(), bias.grad(), *switches};
}

// Images with a border of zeros (MNIST's), a channel that ReLU zeroes everywhere and one that is constant
// (ties in every window: the first in reading order wins), and optionally a special value.
void check_pooled_same_bits(Shape x_shape, Shape w_shape, int stride, int padding, uint64_t seed, float special = 0.0f) {
    Rng rng(seed);
    Tensor x = random_tensor(x_shape, rng), w = random_tensor(w_shape, rng), bias = random_tensor({w_shape[0]}, rng);
    const int H = x_shape[2], W = x_shape[3];
    for (size_t plane = 0; plane < size_t(x_shape[0]) * x_shape[1]; ++plane)
        for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j)
                if (i < 2 || j < 2 || i >= H - 2) x.values()[(plane * H + size_t(i)) * W + size_t(j)] = 0.0f;
    bias.values()[0] = -10.0f;  // channel 0: every output < 0, ReLU gives 0 everywhere
    const size_t per_kernel = size_t(w_shape[1]) * w_shape[2] * w_shape[3];
    std::fill(w.data() + per_kernel, w.data() + 2 * per_kernel, 0.0f);  // channel 1: bias everywhere
    if (special != 0.0f) x.values()[size_t(3 * W + 3)] = special;
    Tensor probe = max_pool2d(relu(conv2d(x, w, bias, stride, padding)), 2, 2);
    std::vector<float> g(probe.numel());
    for (size_t k = 0; k < g.size(); ++k) g[k] = k % 3 == 0 ? 0.0f : rng.uniform(-1.0f, 1.0f);
    g[1] = -0.0f;
    for (bool input_gradient : {true, false}) {
        x.set_requires_grad(input_gradient);
        INFO("x " << shape_str(x_shape) << " w " << shape_str(w_shape) << " input gradient " << input_gradient);
        check_same_run(run_pooling_layer(true, x, w, bias, stride, padding, g),
                       run_pooling_layer(false, x, w, bias, stride, padding, g));
    }
}

}  // namespace

TEST_CASE("conv2d_relu_max_pool gives the bits of conv2d, relu and max_pool2d, values and gradients", "[conv]") {
    check_pooled_same_bits({5, 1, 28, 28}, {6, 1, 5, 5}, 1, 2, 1);  // LeNet's first layer
    check_pooled_same_bits({5, 6, 14, 14}, {16, 6, 5, 5}, 1, 0, 2);  // and its second
    check_pooled_same_bits({3, 2, 11, 13}, {4, 2, 3, 3}, 1, 0, 3);   // 9 x 11 outputs: the last row and column unpooled
    check_pooled_same_bits({2, 3, 16, 16}, {5, 3, 3, 3}, 2, 1, 4);   // a strided convolution
    check_pooled_same_bits({3, 1, 28, 28}, {6, 1, 5, 5}, 1, 2, 5, std::numeric_limits<float>::quiet_NaN());
    check_pooled_same_bits({3, 2, 12, 12}, {4, 2, 3, 3}, 1, 1, 6, std::numeric_limits<float>::infinity());
    check_pooled_same_bits({3, 2, 12, 12}, {4, 2, 3, 3}, 1, 1, 7, -std::numeric_limits<float>::infinity());
}


TEST_CASE("Sequential runs Conv2d, ReLU and a 2x2 MaxPool2d as one op, layer by layer elsewhere", "[conv]") {
    Rng rng(8);
    Sequential net;
    net.emplace<Conv2d>(1, 6, 5, rng, 1, 2).emplace<ReLU>().emplace<MaxPool2d>(2, 2);
    Tensor x = random_tensor({4, 1, 28, 28}, rng);
    const char *fused_op = "", *apart_op = "";
    const auto fused = gradients_through(net, x, false, &fused_op, 0);
    const std::vector<size_t> fused_switches = dynamic_cast<MaxPool2d&>(net[2]).switches();
    const auto apart = gradients_through(net, x, true, &apart_op, 0);
    CHECK(std::string(fused_op) == "conv2d_relu_max_pool");
    CHECK(std::string(apart_op) == "max_pool2d");
    REQUIRE(fused.size() == apart.size());
    for (size_t k = 0; k < fused.size(); ++k) CHECK(same_bits(fused[k], apart[k]));  // output, x, then parameters
    CHECK(fused_switches == dynamic_cast<MaxPool2d&>(net[2]).switches());
    CHECK(fused_switches.size() == 4 * 6 * 14 * 14);

    // other windows, or no ReLU between them: the layers run apart
    for (auto [k, stride] : {std::pair{3, 3}, std::pair{2, 1}}) {
        Sequential other;
        other.emplace<Conv2d>(1, 2, 3, rng).emplace<ReLU>().emplace<MaxPool2d>(k, stride);
        CHECK(std::string(other.forward(x).node()->op) == "max_pool2d");
    }
    Sequential no_relu;
    no_relu.emplace<Conv2d>(1, 2, 3, rng).emplace<MaxPool2d>(2, 2);
    CHECK(std::string(no_relu.forward(x).node()->op) == "max_pool2d");
}

TEST_CASE("conv2d_relu_max_pool refuses shapes as conv2d does, and outputs too small to pool", "[conv]") {
    CHECK_THROWS_WITH(conv2d_relu_max_pool(Tensor(Shape{2, 3, 6, 6}), Tensor(Shape{4, 2, 3, 3}), Tensor(Shape{4}), 1, 0),
                      Catch::Contains("conv2d: input (2, 3, 6, 6), weight (4, 2, 3, 3), bias (4,): the input has 3 channels"));
    CHECK_THROWS_WITH(conv2d_relu_max_pool(Tensor(Shape{2, 1, 3, 3}), Tensor(Shape{4, 1, 3, 3}), Tensor(Shape{4}), 1, 0),
                      Catch::Contains("a 2x2 window does not fit the convolution's output of 1x1"));
}
