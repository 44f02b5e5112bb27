// conv2d_relu_max_pool, LeNet's convolution, ReLU and 2x2 max pooling as one
// op: the bits of conv2d -> relu -> max_pool2d(2, 2), forward and backward,
// and Sequential's use of it.
#include <cmath>
#include <limits>
#include <string>

#include "helpers.hpp"
#include "nn/conv.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "nn/pool.hpp"

using namespace gb;
using test::random_tensor;
using test::same_bits;

namespace {

struct PoolingRun {
    std::vector<float> y, gx, gw, gb;
    std::vector<size_t> switches;
};

// x, w, bias through conv2d_relu_max_pool (fused) or the three ops, then the backward pass of g.
PoolingRun run(bool fused, Tensor x, Tensor w, Tensor bias, int stride, int padding, const std::vector<float>& g) {
    for (Tensor* t : {&x, &w, &bias}) t->zero_grad();
    Switches switches;
    Tensor y = fused ? conv2d_relu_max_pool(x, w, bias, stride, padding, &switches)
                     : max_pool2d(relu(conv2d(x, w, bias, stride, padding)), 2, 2, &switches);
    y.backward(g);
    return {y.values(), x.grad(), w.grad(), bias.grad(), *switches};
}

// Images with a border of zeros (MNIST's), a channel that ReLU zeroes everywhere and one that is constant
// (ties in every window: the first in reading order wins), and optionally a special value.
void check_same_bits(Shape x_shape, Shape w_shape, int stride, int padding, uint64_t seed, float special = 0.0f) {
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
        PoolingRun fused = run(true, x, w, bias, stride, padding, g);
        PoolingRun apart = run(false, x, w, bias, stride, padding, g);
        CHECK(same_bits(fused.y, apart.y));
        CHECK(fused.switches == apart.switches);
        CHECK(same_bits(fused.gx, apart.gx));
        CHECK(same_bits(fused.gw, apart.gw));
        CHECK(same_bits(fused.gb, apart.gb));
    }
}

}  // namespace

TEST_CASE("conv2d_relu_max_pool gives the bits of conv2d, relu and max_pool2d, values and gradients", "[conv]") {
    check_same_bits({5, 1, 28, 28}, {6, 1, 5, 5}, 1, 2, 1);  // LeNet's first layer
    check_same_bits({5, 6, 14, 14}, {16, 6, 5, 5}, 1, 0, 2);  // and its second
    check_same_bits({3, 2, 11, 13}, {4, 2, 3, 3}, 1, 0, 3);   // 9 x 11 outputs: the last row and column unpooled
    check_same_bits({2, 3, 16, 16}, {5, 3, 3, 3}, 2, 1, 4);   // a strided convolution
    check_same_bits({3, 1, 28, 28}, {6, 1, 5, 5}, 1, 2, 5, std::numeric_limits<float>::quiet_NaN());
    check_same_bits({3, 2, 12, 12}, {4, 2, 3, 3}, 1, 1, 6, std::numeric_limits<float>::infinity());
    check_same_bits({3, 2, 12, 12}, {4, 2, 3, 3}, 1, 1, 7, -std::numeric_limits<float>::infinity());
}

namespace {
// The output, the input's gradient and the parameters' gradients after the backward pass of sum(net(x) * g).
std::vector<std::vector<float>> gradients_through(Sequential& net, Tensor x, bool layer_by_layer, std::string* op) {
    for (auto& [name, p] : net.parameters()) p.zero_grad();
    x.zero_grad();
    Tensor h = x;
    if (layer_by_layer) {
        for (size_t i = 0; i < net.size(); ++i) h = net[i].forward(h);
    } else {
        h = net.forward(x);
    }
    *op = h.node()->op;
    std::vector<float> g(h.numel());
    for (size_t k = 0; k < g.size(); ++k) g[k] = float(k % 5) - 2.0f;
    h.backward(g);
    std::vector<std::vector<float>> all{h.values(), x.grad()};
    for (auto& [name, p] : net.parameters()) all.push_back(p.grad());
    return all;
}
}  // namespace

TEST_CASE("Sequential runs Conv2d, ReLU and a 2x2 MaxPool2d as one op, layer by layer elsewhere", "[conv]") {
    Rng rng(8);
    Sequential net;
    net.emplace<Conv2d>(1, 6, 5, rng, 1, 2).emplace<ReLU>().emplace<MaxPool2d>(2, 2);
    Tensor x = random_tensor({4, 1, 28, 28}, rng);
    std::string fused_op, apart_op;
    const auto fused = gradients_through(net, x, false, &fused_op);
    const std::vector<size_t> fused_switches = dynamic_cast<MaxPool2d&>(net[2]).switches();
    const auto apart = gradients_through(net, x, true, &apart_op);
    CHECK(fused_op == "conv2d_relu_max_pool");
    CHECK(apart_op == "max_pool2d");
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
