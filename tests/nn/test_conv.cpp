// Convolution and pooling: the fast im2col path against the naive loops,
// hand-computed values, and finite-difference gradient checks.
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "helpers.hpp"
#include "nn/conv.hpp"
#include "nn/conv_layers.hpp"
#include "nn/gemm.hpp"
#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "nn/pool.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

using namespace gb;
using test::check_gradients;
using test::random_tensor;
using Inputs = std::vector<Tensor>;

TEST_CASE("conv2d equals the naive seven loops, with stride and padding", "[conv]") {
    Rng rng(1);
    struct Case { Shape x, w; int stride, padding; };
    for (const Case& c : {Case{{2, 3, 7, 6}, {4, 3, 3, 3}, 1, 0}, Case{{1, 2, 9, 9}, {3, 2, 3, 2}, 2, 1},
                          Case{{3, 1, 28, 28}, {6, 1, 5, 5}, 1, 2}, Case{{2, 4, 5, 5}, {2, 4, 5, 5}, 1, 0}}) {
        Tensor x = random_tensor(c.x, rng, false), w = random_tensor(c.w, rng, false);
        Tensor b = random_tensor({c.w[0]}, rng, false);
        Tensor fast = conv2d(x, w, b, c.stride, c.padding), slow = conv2d_naive(x, w, b, c.stride, c.padding);
        REQUIRE(fast.shape() == slow.shape());
        for (size_t k = 0; k < fast.numel(); ++k) CHECK(fast.values()[k] == Approx(slow.values()[k]).margin(1e-5));
    }
}

// The gradients of conv2d, as the sums that define them:
//   dW[o, c, u, v] = sum_{b, i, j} dy[b, o, i, j] x[b, c, i*s - p + u, j*s - p + v]
//   dx[b, c, y, x] = sum of dy[b, o, i, j] w[o, c, u, v] over the (i, j, u, v) that read x[b, c, y, x]
struct ConvGradients { std::vector<double> dx, dw, db; };

ConvGradients conv2d_gradients_naive(const Tensor& x, const Tensor& w, const std::vector<float>& dy, int s, int p) {
    const int B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = w.dim(0), KH = w.dim(2), KW = w.dim(3);
    const int OH = (H + 2 * p - KH) / s + 1, OW = (W + 2 * p - KW) / s + 1;
    ConvGradients g{std::vector<double>(x.numel()), std::vector<double>(w.numel()), std::vector<double>(size_t(O))};
    for (int b = 0; b < B; ++b)
        for (int o = 0; o < O; ++o)
            for (int i = 0; i < OH; ++i)
                for (int j = 0; j < OW; ++j) {
                    double d = dy[((size_t(b) * O + o) * OH + i) * OW + j];
                    g.db[size_t(o)] += d;
                    for (int c = 0; c < C; ++c)
                        for (int u = 0; u < KH; ++u)
                            for (int v = 0; v < KW; ++v) {
                                int yy = i * s - p + u, xx = j * s - p + v;
                                if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
                                size_t at_x = ((size_t(b) * C + c) * H + yy) * W + xx;
                                size_t at_w = ((size_t(o) * C + c) * KH + u) * KW + v;
                                g.dw[at_w] += d * x.values()[at_x];
                                g.dx[at_x] += d * w.values()[at_w];
                            }
                }
    return g;
}

TEST_CASE("conv2d's gradients equal their defining sums, on both ways of forming the weight gradient", "[conv]") {
    // Few weights over many positions: the weight gradient is formed from
    // dot products of rows (gemm_takes_dots); otherwise from im2row.
    Rng rng(6);
    struct Case { Shape x, w; int stride, padding; bool dots; };
    for (const Case& c : {Case{{3, 1, 28, 28}, {6, 1, 5, 5}, 1, 2, true}, Case{{2, 2, 26, 26}, {3, 2, 3, 3}, 1, 0, true},
                          Case{{4, 6, 14, 14}, {16, 6, 5, 5}, 1, 0, false}, Case{{2, 3, 9, 8}, {4, 3, 3, 2}, 2, 1, false},
                          Case{{2, 2, 7, 7}, {3, 2, 3, 3}, 3, 2, false}}) {
        Tensor x = random_tensor(c.x, rng), w = random_tensor(c.w, rng), b = random_tensor({c.w[0]}, rng);
        Tensor y = conv2d(x, w, b, c.stride, c.padding);
        const int K = c.w[1] * c.w[2] * c.w[3], P = y.dim(2) * y.dim(3);
        REQUIRE(gemm_takes_dots(c.w[0], K, P) == c.dots);
        std::vector<float> dy = random_tensor(y.shape(), rng, false).values();
        y.backward(dy);
        ConvGradients naive = conv2d_gradients_naive(x, w, dy, c.stride, c.padding);
        for (size_t k = 0; k < naive.dw.size(); ++k) CHECK(w.grad()[k] == Approx(naive.dw[k]).margin(1e-4));
        for (size_t k = 0; k < naive.dx.size(); ++k) CHECK(x.grad()[k] == Approx(naive.dx[k]).margin(1e-4));
        for (size_t k = 0; k < naive.db.size(); ++k) CHECK(b.grad()[k] == Approx(naive.db[k]).margin(1e-4));
    }
}

TEST_CASE("conv2d on a hand-computed example", "[conv]") {
    // x = [[1 2 3] [4 5 6] [7 8 9]], w = [[1 0] [0 -1]], bias 10: y[i][j] = 10 + x[i][j] - x[i+1][j+1]
    Tensor x(Shape{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}), w(Shape{1, 1, 2, 2}, {1, 0, 0, -1});
    CHECK(conv2d(x, w, Tensor(Shape{1}, std::vector<float>{10})).values() == std::vector<float>{6, 6, 6, 6});
    // padding 1, stride 2: corners see one pixel each of the padded image
    CHECK(conv2d(x, w, Tensor(Shape{1}, std::vector<float>{0}), 2, 1).values() == std::vector<float>{-1, -3, -7, -4});
    CHECK_THROWS_WITH(conv2d(x, Tensor(Shape{1, 2, 2, 2}), Tensor(Shape{1})), Catch::Contains("channels"));
    CHECK_THROWS_WITH(conv2d(x, Tensor(Shape{1, 1, 5, 5}), Tensor(Shape{1})), Catch::Contains("larger than"));
    // conv1d speaks of the shapes it was given, not of the images of height 1 it convolves
    CHECK_THROWS_WITH(conv1d(Tensor(Shape{2, 3, 6}), Tensor(Shape{4, 2, 3}), Tensor(Shape{4})),
                      Catch::Contains("conv1d: input (2, 3, 6), weight (4, 2, 3), bias (4,): the input has 3 channels"));
    CHECK_THROWS_WITH(conv1d(Tensor(Shape{2, 3, 6}), Tensor(Shape{4, 3, 3}), Tensor(Shape{4, 1})),
                      Catch::Contains("need (B, C, L), (O, C, K) and (O,)"));
    CHECK_THROWS_WITH(conv1d(Tensor(Shape{2, 3, 2}), Tensor(Shape{4, 3, 5}), Tensor(Shape{4}), 1, 1),
                      Catch::Contains("larger than"));
}

TEST_CASE("conv2d and conv1d pass the gradient check", "[conv][gradcheck]") {
    Rng rng(2);
    for (auto [stride, padding] : {std::pair{1, 0}, std::pair{2, 1}, std::pair{1, 2}})
        check_gradients([stride = stride, padding = padding](const Inputs& in) {
            return conv2d(in[0], in[1], in[2], stride, padding);
        }, {random_tensor({2, 2, 5, 6}, rng), random_tensor({3, 2, 3, 2}, rng), random_tensor({3}, rng)});
    for (int padding : {0, 1})
        check_gradients([padding](const Inputs& in) { return conv1d(in[0], in[1], in[2], 1, padding); },
                        {random_tensor({2, 3, 7}, rng), random_tensor({4, 3, 3}, rng), random_tensor({4}, rng)});
}

TEST_CASE("pooling: values, switches and gradients", "[conv][gradcheck]") {
    Tensor x(Shape{1, 1, 4, 4}, {1, 5, 2, 0,  //
                                 3, 4, 8, 1,  //
                                 0, 0, 1, 1,  //
                                 9, 0, 2, 3});
    Switches switches;
    CHECK(max_pool2d(x, 2, 2, &switches).values() == std::vector<float>{5, 8, 9, 3});
    CHECK(*switches == std::vector<size_t>{1, 6, 12, 15});
    MaxPool2d layer(2, 2);
    CHECK(layer.switches().empty());
    layer.forward(x);
    CHECK(layer.switches() == *switches);
    // ties: the first maximum in reading order wins, with and without overlapping windows
    Tensor ties(Shape{1, 1, 2, 3}, {1, 2, 2, 2, 2, 0});
    CHECK(max_pool2d(ties, 2, 1, &switches).values() == std::vector<float>{2, 2});
    CHECK(*switches == std::vector<size_t>{1, 1});
    max_pool2d(Tensor(Shape{1, 1, 2, 2}, {0, 0, 0, 0}), 2, 2, &switches);
    CHECK(*switches == std::vector<size_t>{0});
    CHECK(sum_pool2d(x, 2, 2).values() == std::vector<float>{13, 11, 9, 7});
    CHECK(avg_pool2d(x, 2, 2).values() == std::vector<float>{3.25f, 2.75f, 2.25f, 1.75f});
    CHECK(sum_pool2d(x, 3, 1).values() == std::vector<float>{24, 22, 27, 20});  // overlapping windows
    CHECK(lp_pool2d(x, 2, 2, 2).values()[0] == Approx(std::sqrt(1 + 25 + 9 + 16.0)));
    CHECK(lp_pool2d(x, 1, 2, 2).values() == sum_pool2d(x, 2, 2).values());  // p = 1 on x >= 0: sum pooling
    CHECK(lp_pool2d(x, 60, 2, 2).values()[3] == Approx(3.0f).epsilon(0.05));  // p -> infinity: max pooling
    CHECK_THROWS_AS(lp_pool2d(x, 0.5f, 2, 2), Error);
    CHECK_THROWS_WITH(max_pool2d(x, 5, 1), Catch::Contains("does not fit"));

    Rng rng(3);
    // Max pooling has kinks where two inputs tie: its inputs are kept 0.1 apart (> 2h).
    check_gradients([](const Inputs& in) { return max_pool2d(in[0], 2, 2); }, {test::distinct_tensor({2, 3, 4, 6}, rng)});
    check_gradients([](const Inputs& in) { return max_pool2d(in[0], 3, 1); }, {test::distinct_tensor({1, 2, 5, 5}, rng)});
    check_gradients([](const Inputs& in) { return max_pool2d(in[0], 2, 1); }, {test::distinct_tensor({2, 2, 4, 5}, rng)});
    check_gradients([](const Inputs& in) { return max_pool2d(in[0], 2, 3); }, {test::distinct_tensor({1, 2, 7, 8}, rng)});
    check_gradients([](const Inputs& in) { return sum_pool2d(in[0], 2, 1); }, {random_tensor({2, 2, 4, 5}, rng)});
    check_gradients([](const Inputs& in) { return avg_pool2d(in[0], 2, 2); }, {random_tensor({2, 2, 4, 4}, rng)});
    for (float p : {1.5f, 2.0f, 3.0f})
        check_gradients([p](const Inputs& in) { return lp_pool2d(in[0], p, 2, 2); },
                        {random_tensor({2, 2, 4, 4}, rng, true, 0.1f)});
    check_gradients([](const Inputs& in) { return max_last_axis(in[0]); }, {test::distinct_tensor({2, 3, 5}, rng)});
}

// lp_pool2d takes |x|^2 as a square and (|x| / y)^1 as the value itself for p
// = 2; the general formula with std::pow gives the same bits (both exact).
TEST_CASE("L2 pooling gives the bits of the general formula with std::pow", "[conv]") {
    Rng rng(11);
    Tensor x = random_tensor({2, 3, 6, 8}, rng);
    x.values()[5] = 0.0f, x.values()[6] = -0.0f, x.values()[7] = 1e-30f;  // zeros and a tiny value in one window
    Tensor y = lp_pool2d(x, 2.0f, 2, 2);
    std::vector<float> g(y.numel());
    for (float& v : g) v = rng.uniform(-1, 1);
    y.backward(g);
    std::vector<float> want_y(y.numel()), want_gx(x.numel(), 0.0f);
    const int H = 6, W = 8, OH = 3, OW = 4;
    for (int plane = 0; plane < 6; ++plane)
        for (int i = 0; i < OH; ++i)
            for (int j = 0; j < OW; ++j) {
                const size_t o = (size_t(plane) * OH + i) * OW + j;
                double sum = 0;
                for (int u = 0; u < 2; ++u)
                    for (int v = 0; v < 2; ++v)
                        sum += std::pow(std::fabs(double(x.values()[(size_t(plane) * H + 2 * i + u) * W + 2 * j + v])), 2.0f);
                want_y[o] = float(std::pow(sum, 1.0 / 2.0f));
                for (int u = 0; u < 2 && want_y[o] != 0.0f; ++u)
                    for (int v = 0; v < 2; ++v) {
                        const size_t k = (size_t(plane) * H + 2 * i + u) * W + 2 * j + v;
                        const double xk = x.values()[k], yo = want_y[o];
                        double d = (xk > 0 ? 1.0 : xk < 0 ? -1.0 : 0.0) * std::pow(std::fabs(xk) / yo, 2.0f - 1.0);
                        want_gx[k] += float(d * g[o]);
                    }
            }
    CHECK(std::memcmp(y.values().data(), want_y.data(), want_y.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(x.grad().data(), want_gx.data(), want_gx.size() * sizeof(float)) == 0);
}

TEST_CASE("transpose and embedding: values and gradients", "[conv][gradcheck]") {
    Tensor a(Shape{2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(transpose(a, 0, 1).values() == std::vector<float>{1, 4, 2, 5, 3, 6});
    Tensor w(Shape{3, 2}, {0, 0, 1, 2, 3, 4});
    CHECK(embedding(w, Tensor(Shape{2, 2}, {2, 1, 0, 2})).values() == std::vector<float>{3, 4, 1, 2, 0, 0, 3, 4});
    CHECK_THROWS_WITH(embedding(w, Tensor(Shape{1}, std::vector<float>{3})), Catch::Contains("not a word of the vocabulary of 3"));

    Rng rng(4);
    check_gradients([](const Inputs& in) { return transpose(in[0], 1, 2); }, {random_tensor({2, 3, 4}, rng)});
    check_gradients([](const Inputs& in) { return embedding(in[0], Tensor(Shape{2, 3}, {1, 4, 1, 0, 2, 4})); },
                    {random_tensor({5, 3}, rng)});
    Tensor table = random_tensor({5, 3}, rng);  // the padding row gets no gradient
    embedding(table, Tensor(Shape{3}, {0, 1, 0}), 0).backward(std::vector<float>(9, 1.0f));
    CHECK(table.grad() == std::vector<float>{0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("transpose of any two axes: each value where index arithmetic puts it", "[conv]") {
    Rng rng(6);
    Tensor x = random_tensor({3, 4, 5, 19}, rng);  // 19: the last axis does not fill the 16 x 16 tiles
    for (auto [d0, d1] : std::vector<std::pair<int, int>>{{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 2}, {-1, -2}}) {
        Tensor y = transpose(x, d0, d1);
        const int a = d0 < 0 ? d0 + 4 : d0, b = d1 < 0 ? d1 + 4 : d1;
        std::vector<int> i(4);
        size_t mismatches = 0;
        for (i[0] = 0; i[0] < 3; ++i[0])
            for (i[1] = 0; i[1] < 4; ++i[1])
                for (i[2] = 0; i[2] < 5; ++i[2])
                    for (i[3] = 0; i[3] < 19; ++i[3]) {
                        std::vector<int> j = i;
                        std::swap(j[size_t(a)], j[size_t(b)]);
                        const float from = x.data()[((size_t(i[0]) * 4 + i[1]) * 5 + i[2]) * 19 + i[3]];
                        const Shape& s = y.shape();
                        mismatches += y.data()[((size_t(j[0]) * s[1] + j[1]) * s[2] + j[2]) * s[3] + j[3]] != from;
                    }
        INFO("axes " << d0 << ", " << d1);
        CHECK(mismatches == 0);
    }
    check_gradients([](const Inputs& in) { return transpose(in[0], 0, 2); }, {random_tensor({2, 3, 4}, rng)});
    // the tiles of the last two axes: both over 16, neither a multiple of it
    Tensor big = random_tensor({2, 17, 33}, rng);
    Tensor t = transpose(big, 1, 2);
    size_t wrong = 0;
    for (int b = 0; b < 2; ++b)
        for (int r = 0; r < 17; ++r)
            for (int c = 0; c < 33; ++c) wrong += t.data()[(size_t(b) * 33 + c) * 17 + r] != big.data()[(size_t(b) * 17 + r) * 33 + c];
    CHECK(wrong == 0);
    check_gradients([](const Inputs& in) { return transpose(in[0], 2, 1); }, {random_tensor({2, 17, 18}, rng)});
}

TEST_CASE("max over the last axis: the first maximum, never a NaN unless it comes first", "[conv]") {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    auto scan = [](const std::vector<float>& row) {  // the definition: keep the first strict maximum
        size_t best = 0;
        for (size_t l = 1; l < row.size(); ++l)
            if (row[l] > row[best]) best = l;
        return best;
    };
    Rng rng(7);
    std::vector<std::vector<float>> rows{{1, 3, 3, 2}, {nan, 5, 6}, {2, nan, 7, nan}, {-inf, -inf}, {-1, -0.0f, 0.0f},
                                         {nan, nan}, {4}};
    for (int length : {15, 16, 17, 37, 400}) {  // around the 16 lanes, with ties among a few levels
        std::vector<float> row(static_cast<size_t>(length));
        for (float& v : row) v = float(int(rng.uniform() * 5));
        rows.push_back(row);
        row[size_t(length) / 2] = nan;
        rows.push_back(row);
    }
    // many rows at once (split among the threads), each the scan's choice
    Tensor many = test::distinct_tensor({3, 70, 17}, rng);
    many.data()[5 * 17] = nan;
    Tensor maxima = max_last_axis(many);
    size_t wrong = 0;
    for (size_t r = 0; r < 210; ++r) {
        const std::vector<float> row(many.data() + r * 17, many.data() + (r + 1) * 17);
        const float got = maxima.data()[r], want = row[scan(row)];
        wrong += !(got == want || (std::isnan(got) && std::isnan(want)));
    }
    CHECK(wrong == 0);
    for (const std::vector<float>& row : rows) {
        Tensor y = max_last_axis(Tensor(Shape{1, int(row.size())}, row));
        const size_t expected = scan(row);
        INFO("row of " << row.size() << ", the scan's index " << expected);
        CHECK((y.item() == row[expected] || (std::isnan(y.item()) && std::isnan(row[expected]))));
        Tensor x(Shape{1, int(row.size())}, row);
        x.set_requires_grad();
        max_last_axis(x).backward();  // the gradient lands on the chosen index only
        for (size_t l = 0; l < row.size(); ++l) CHECK(x.grad()[l] == (l == expected ? 1.0f : 0.0f));
    }
}

TEST_CASE("a small CNN and a small text CNN pass the gradient check end to end", "[conv][gradcheck]") {
    Rng rng(5);
    Sequential cnn;
    cnn.emplace<Conv2d>(1, 2, 3, rng, 1, 1).emplace<ReLU>().emplace<MaxPool2d>(2, 2);
    cnn.emplace<Conv2d>(2, 3, 3, rng).emplace<ReLU>().emplace<SumPool2d>(2, 1);
    cnn.emplace<Flatten>().emplace<Linear>(3, 2, rng);
    Inputs inputs{random_tensor({2, 1, 8, 8}, rng)};
    for (auto& p : parameter_tensors(cnn)) inputs.push_back(p);
    // ReLU and max pooling have kinks: a smaller step keeps the differences on one side of them.
    check_gradients([&cnn](const Inputs& in) { return cnn.forward(in[0]); }, inputs, 1e-3f);

    Sequential text;
    text.emplace<Embedding>(6, 4, -1, rng).emplace<Transpose>(1, 2).emplace<Conv1d>(4, 3, 2, rng);
    text.emplace<ReLU>().emplace<MaxOverTime>().emplace<Linear>(3, 2, rng);
    Tensor ids(Shape{2, 5}, {1, 2, 3, 0, 0, 5, 4, 3, 2, 1});
    Inputs params;
    for (auto& p : parameter_tensors(text)) params.push_back(p);
    check_gradients([&text, &ids](const Inputs&) { return text.forward(ids); }, params, 1e-3f);
}
