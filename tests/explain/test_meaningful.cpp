// Meaningful perturbation: its loss's gradient against central differences;
// a model that looks at one region has that region deleted; bad masks refused.
#include "explain/explain.hpp"
#include "explain/perturbation/meaningful_perturbation.hpp"
#include "helpers.hpp"
#include "matched_filter.hpp"
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
    const int H = test::MatchedFilter::H, W = test::MatchedFilter::W;
    test::MatchedFilter model = test::matched_filter(2, 0.15f);  // f_1 about 5: p not saturated
    Sequential& net = model.net;
    const std::vector<float>& image = model.image;
    const std::vector<bool>& inside = model.inside;
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
