// Meaningful perturbation: its loss's gradient against central differences;
// a model that looks at one region has that region deleted; bad masks refused.
#include "explain/explain.hpp"
#include "explain/perturbation/meaningful_perturbation.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

using namespace gb;

TEST_CASE("meaningful perturbation: the loss's gradient matches central differences", "[meaningful]") {
    // a 6 x 6 image, a 3 x 3 mask (upsampled), a small ReLU network; the TV exponent 3 is smooth
    Rng rng(5);
    Sequential net;
    net.emplace<Flatten>().emplace<Linear>(36, 8, rng).emplace<ReLU>().emplace<Linear>(8, 3, rng);
    Tensor x(Shape{1, 1, 6, 6});
    for (float& v : x.values()) v = rng.uniform();
    MeaningfulSettings s;
    s.mask_side = 3;
    s.l1 = 0.05f, s.tv = 0.2f, s.blur = 1.0f;
    std::vector<float> mask(9);
    for (float& v : mask) v = 0.2f + 0.6f * rng.uniform();
    std::vector<float> g;
    meaningful_loss(net, x, 1, 6, 6, mask, s, &g);
    for (size_t k = 0; k < mask.size(); ++k) {
        std::vector<float> plus = mask, minus = mask;
        plus[k] += 1e-3f, minus[k] -= 1e-3f;
        const double numeric =
            (meaningful_loss(net, x, 1, 6, 6, plus, s) - meaningful_loss(net, x, 1, 6, 6, minus, s)) / 2e-3;
        CHECK(g[k] == Approx(numeric).margin(2e-3));
    }
}

TEST_CASE("meaningful perturbation deletes the one region a model looks at", "[meaningful]") {
    // random black and white pixels; class 1 is a matched filter of the 8 x 8 square at rows 4..11, columns 14..21
    const int H = 28, W = 28;
    Rng rng(2);
    std::vector<float> image(H * W);
    for (float& v : image) v = rng.uniform() < 0.5f ? 0.0f : 1.0f;
    Sequential net;
    net.emplace<Flatten>().emplace<Linear>(H * W, 2, rng);
    auto params = net.parameters();
    std::fill(params[0].second.values().begin(), params[0].second.values().end(), 0.0f);
    std::fill(params[1].second.values().begin(), params[1].second.values().end(), 0.0f);
    std::vector<bool> inside(H * W);
    for (int y = 4; y < 12; ++y)
        for (int x = 14; x < 22; ++x) {
            const size_t u = size_t(y * W + x);
            inside[u] = true;
            params[0].second.values()[size_t(H * W) + u] = 0.15f * (2 * image[u] - 1);  // f_1 about 5: p not saturated
        }
    MeaningfulSettings s;
    const MeaningfulResult r = meaningful_perturbation(net, Tensor(Shape{1, 1, H, W}, image), 1, H, W, s);
    double in = 0, out = 0;
    for (int u = 0; u < H * W; ++u) (inside[size_t(u)] ? in : out) += 1 - r.mask[size_t(u)];
    INFO("probability " << r.probability);
    double before = 0;  // the class probability of the image itself
    meaningful_loss(net, Tensor(Shape{1, 1, H, W}, image), 1, H, W, std::vector<float>(784, 1.0f), s, nullptr, &before);
    INFO("before " << before);
    CHECK(r.probability < before - 0.2);  // the class goes (towards 0.5, where the blur scores 0 on both classes)
    CHECK(in / 64 > 4 * out / (H * W - 64));  // what was deleted lies in the square
}

TEST_CASE("meaningful perturbation refuses a mask larger than the image", "[meaningful]") {
    Rng rng(1);
    Sequential net;
    net.emplace<Flatten>().emplace<Linear>(64, 2, rng);
    MeaningfulSettings s;
    s.mask_side = 9;
    CHECK_THROWS_WITH(meaningful_perturbation(net, Tensor(Shape{1, 1, 8, 8}), 1, 8, 8, s),
                      Catch::Contains("larger than the 8 x 8 image"));
}
