// RISE: a black box that sums a few pixels is recovered; the estimate over
// every grid of a tiny mask equals its defining expectation exactly; the same
// seed gives the same masks; bad settings are refused.
#include <cmath>

#include "explain/explain.hpp"
#include "explain/perturbation/rise.hpp"
#include "helpers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// f(x) = (0, sum of the pixels in `picked`) for 1 x H x W images.
Scorer sum_of_pixels(std::vector<int> picked, int plane) {
    return [picked, plane](const Tensor& batch) {
        Tensor y(Shape{batch.dim(0), 2});
        for (int b = 0; b < batch.dim(0); ++b)
            for (int p : picked) y.values()[size_t(b) * 2 + 1] += batch.values()[size_t(b) * plane + size_t(p)];
        return y;
    };
}

}  // namespace

TEST_CASE("RISE on a score that sums a few pixels finds those pixels", "[rise]") {
    const int H = 12, W = 12;
    const std::vector<int> picked{2 * W + 3, 8 * W + 9, 5 * W + 1};
    Tensor ones(Shape{1, 1, H, W}, std::vector<float>(H * W, 1.0f));
    RiseSettings s;
    s.masks = 4000;
    s.grid = 12;  // cells of one pixel: the masks dim pixels nearly independently
    const Tensor masks = rise_masks(s, H, W);
    const Tensor S = rise_saliency(sum_of_pixels(picked, H * W), ones, {1}, H, W, masks, s.keep);
    // the three largest values of S are the picked pixels
    std::vector<int> order(H * W);
    for (int i = 0; i < H * W; ++i) order[size_t(i)] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return S.values()[size_t(a)] > S.values()[size_t(b)]; });
    std::vector<int> top(order.begin(), order.begin() + 3), want = picked;
    std::sort(top.begin(), top.end());
    std::sort(want.begin(), want.end());
    CHECK(top == want);
}

TEST_CASE("RISE over all 2^k grids equals the expectation E[f(I . M) M] / p", "[rise]") {
    // A 2 x 2 grid (k = 4) on a 4 x 4 image, p = 1/2: the 16 grids are equally likely, so their mean is the
    // expectation. For f linear, f(I . M) = sum_j w_j I_j M_j, M = U g with U the (fixed-shift) upsampling:
    // E[f(I . M) M(u)] = sum_j w_j I_j sum_ab U_ja U_ub E[g_a g_b], E[g_a g_b] = p^2 + p (1 - p) [a = b].
    const int H = 4, W = 4, s = 2, k = s * s, dy = 1, dx = 0;
    const float p = 0.5f;
    std::vector<std::vector<float>> U(k);  // column a of U: the mask of the grid with only cell a kept
    for (int a = 0; a < k; ++a) {
        std::vector<float> g(k, 0.0f);
        g[size_t(a)] = 1.0f;
        U[size_t(a)] = rise_mask_from_grid(g, s, H, W, dy, dx);
    }
    Tensor masks(Shape{1 << k, H, W});
    for (int n = 0; n < (1 << k); ++n) {
        std::vector<float> g(k);
        for (int a = 0; a < k; ++a) g[size_t(a)] = float((n >> a) & 1);
        std::vector<float> m = rise_mask_from_grid(g, s, H, W, dy, dx);
        std::copy(m.begin(), m.end(), masks.values().begin() + n * H * W);
    }
    Rng rng(3);
    std::vector<float> w(H * W), I(H * W);
    for (int j = 0; j < H * W; ++j) w[size_t(j)] = rng.uniform(-1, 1), I[size_t(j)] = rng.uniform(0, 1);
    Scorer linear = [&](const Tensor& batch) {
        Tensor y(Shape{batch.dim(0), 1});
        for (int b = 0; b < batch.dim(0); ++b)
            for (int j = 0; j < H * W; ++j) y.values()[size_t(b)] += w[size_t(j)] * batch.values()[size_t(b * H * W + j)];
        return y;
    };
    const Tensor S = rise_saliency(linear, Tensor(Shape{1, 1, H, W}, I), {0}, H, W, masks, p, 5);
    for (int u = 0; u < H * W; ++u) {
        double expected = 0;
        for (int j = 0; j < H * W; ++j)
            for (int a = 0; a < k; ++a)
                for (int b = 0; b < k; ++b)
                    expected += w[size_t(j)] * I[size_t(j)] * U[size_t(a)][size_t(j)] * U[size_t(b)][size_t(u)] *
                                (p * p + (a == b ? p * (1 - p) : 0.0));
        CHECK(S.values()[size_t(u)] == Approx(expected / p).margin(1e-5));
    }
}

TEST_CASE("RISE masks: upsampled grids cropped at a shift, reproducible from their seed", "[rise]") {
    // one cell kept of a 1 x 1 grid: the mask is 1 everywhere
    CHECK(rise_mask_from_grid({1.0f}, 1, 3, 3, 1, 2) == std::vector<float>(9, 1.0f));
    // a 2 x 2 grid on 4 x 4 (cell 2) upsampled to 6 x 6: the source of row i is (i + 0.5) * 2 / 6 - 0.5,
    // clamped to [0, 1], so rows 0..5 lie 0, 0, 1/3, 2/3, 1, 1 of the way from the top cells to the bottom ones
    const std::vector<float> m = rise_mask_from_grid({1, 1, 0, 0}, 2, 4, 4, 1, 0);
    const float rows[4] = {1.0f, 2.0f / 3.0f, 1.0f / 3.0f, 0.0f};  // rows 1..4 of the 6 x 6 mask
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) CHECK(m[size_t(i * 4 + j)] == Approx(rows[i]).margin(1e-6));
    RiseSettings s;
    s.masks = 20;
    s.grid = 3;
    const Tensor a = rise_masks(s, 10, 10), b = rise_masks(s, 10, 10);
    CHECK(a.values() == b.values());
    s.seed = 2;
    CHECK(rise_masks(s, 10, 10).values() != a.values());
    for (float v : a.values()) REQUIRE((v >= 0.0f && v <= 1.0f));
}

TEST_CASE("RISE refuses zero masks, a grid larger than the image and a bad keep probability", "[rise]") {
    RiseSettings s;
    s.masks = 0;
    CHECK_THROWS_WITH(rise_masks(s, 8, 8), Catch::Contains("at least 1"));
    s.masks = 10;
    s.grid = 9;
    CHECK_THROWS_WITH(rise_masks(s, 8, 8), Catch::Contains("does not fit a 8 x 8 image"));
    s.grid = 2;
    s.keep = 0.0f;
    CHECK_THROWS_WITH(rise_masks(s, 8, 8), Catch::Contains("(0, 1]"));
}
