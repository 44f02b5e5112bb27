// Extremal perturbation: the blur, the mask generator (values and gradient),
// the blur pyramid and the whole optimisation loop against TorchRay's
// definitions (tests/golden/make_golden_extremal.py); hand values of the
// pieces; a model that looks at one region gets that region, at the requested
// area; bad requests are refused.
#include <cmath>
#include <fstream>
#include <sstream>

#include "explain/explain.hpp"
#include "explain/perturbation/extremal_perturbation.hpp"
#include "helpers.hpp"
#include "matched_filter.hpp"
#include "nn/layers.hpp"
#include "nn/models.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

struct Golden {
    std::ifstream in{"tests/golden/extremal.txt"};
    std::vector<float> numbers() {  // the next line as numbers
        std::string line;
        std::getline(in, line);
        std::istringstream s(line);
        std::vector<float> v;
        for (float x; s >> x;) v.push_back(x);
        return v;
    }
    std::istringstream header(const std::string& kind) {  // the next line that starts with `kind`
        for (std::string line; std::getline(in, line);)
            if (line.rfind(kind + " ", 0) == 0) return std::istringstream(line.substr(kind.size() + 1));
        FAIL("no '" << kind << "' in tests/golden/extremal.txt");
        return std::istringstream();
    }
};

void check_close(const std::vector<float>& got, const std::vector<float>& want, double margin) {
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == Approx(want[i]).margin(margin));
}

}  // namespace

TEST_CASE("the Gaussian blur, by hand and against TorchRay's imsmooth", "[extremal]") {
    // sigma 0: the image itself; a single 1 in a 1 x 3 row with sigma 0.25 (W = 1):
    // f = exp(-(i / (sqrt(2) 0.25))^2) = (e^-8, 1, e^-8) / t, t = 1 + 2 e^-8; the vertical pass, over zero
    // padding above and below the one row, multiplies by f_0 = 1 / t first
    CHECK(gaussian_blur({1, 2, 3}, 1, 1, 3, 0.0f) == std::vector<float>{1, 2, 3});
    const double e8 = std::exp(-8.0), t = 1 + 2 * e8;
    const std::vector<float> b = gaussian_blur({0, 1, 0}, 1, 1, 3, 0.25f);
    CHECK(b[0] == Approx(e8 / (t * t)).epsilon(1e-5));
    CHECK(b[1] == Approx(1 / (t * t)).epsilon(1e-6));
    Golden g;
    for (int n = 0; n < 2; ++n) {
        int h, w;
        float sigma;
        g.header("blur") >> h >> w >> sigma;
        const std::vector<float> image = g.numbers(), blurred = g.numbers();
        check_close(gaussian_blur(image, 1, h, w, sigma), blurred, 1e-6);
    }
}

TEST_CASE("the mask generator: sizes, values and gradient by hand and against TorchRay's MaskGenerator", "[extremal]") {
    // step 1, sigma 1 on a 1 x 1 image: margin 1, padding 1 + ceil(2) = 3, radius 2, in 1, mid 1 + 6 - 5 + 1 = 3,
    // out 3. Only the one parameter, at position margin + 0 = (1, 1), exists; at pixel u the weight is
    // exp(-2 max(0, |u - (1, 1)| - 1/2)^2), and with every other component 0 the softmax pools
    // z e^(20 z) / (e^(20 z) + 24) for z = w mbar.
    MaskGenerator one(1, 1, 1, 1.0f);
    REQUIRE(one.in_height() == 1);
    REQUIRE(one.out_height() == 3);
    const std::vector<float> full = one.generate({0.5f});
    auto pooled = [](double z) { return z * std::exp(20 * z) / (std::exp(20 * z) + 24); };
    const double corner = 0.5 * std::exp(-2 * std::pow(std::sqrt(2.0) - 0.5, 2)), side = 0.5 * std::exp(-2 * 0.25);
    CHECK(full[4] == Approx(pooled(0.5)));
    CHECK(full[0] == Approx(pooled(corner)));
    CHECK(full[1] == Approx(pooled(side)));
    CHECK(one.crop(full) == std::vector<float>{full[4]});

    Golden g;
    for (int n = 0; n < 3; ++n) {
        int h, w, step;
        float sigma;
        g.header("generator") >> h >> w >> step >> sigma;
        const std::vector<float> sizes = g.numbers(), mbar = g.numbers(), want = g.numbers(), grad = g.numbers();
        MaskGenerator gen(h, w, step, sigma);
        REQUIRE(gen.in_height() == int(sizes[0]));
        REQUIRE(gen.in_width() == int(sizes[1]));
        REQUIRE(gen.out_height() == int(sizes[2]));
        REQUIRE(gen.out_width() == int(sizes[3]));
        check_close(gen.generate(mbar), want, 1e-5);
        std::vector<float> up(want.size());
        for (size_t u = 0; u < up.size(); ++u) up[u] = std::cos(0.37f * float(u));
        check_close(gen.generate_backward(mbar, up), grad, 2e-4);
    }
}

TEST_CASE("the blur pyramid: levels by hand, perturbed images and gradient against TorchRay's Perturbation", "[extremal]") {
    const std::vector<float> image{0, 0, 1, 0, 0};
    BlurPyramid p(image, 1, 1, 5, 3, 1.0f);  // sigmas 1, 0.5, 0
    CHECK(p.level(2) == image);
    CHECK(p.level(1) == gaussian_blur(image, 1, 1, 5, 0.5f));
    // mask 1: the image; mask 0: the strongest blur; mask 0.75 = level 1.5: halfway between levels 1 and 2
    CHECK(p.apply({1, 1, 1, 1, 1}) == image);
    CHECK(p.apply({0, 0, 0, 0, 0}) == p.level(0));
    CHECK(p.apply({0.75f, 0.75f, 0.75f, 0.75f, 0.75f})[2] == Approx(0.5 * (p.level(1)[2] + 1.0f)));
    Golden g;
    for (int n = 0; n < 2; ++n) {
        int h, w, levels;
        float blur;
        g.header("pyramid") >> h >> w >> levels >> blur;
        const std::vector<float> x = g.numbers(), mask = g.numbers(), want = g.numbers(), grad = g.numbers();
        BlurPyramid pyramid(x, 1, h, w, levels, blur);
        check_close(pyramid.apply(mask), want, 1e-5);
        std::vector<float> up(want.size());
        for (size_t u = 0; u < up.size(); ++u) up[u] = std::sin(0.21f * float(u));
        check_close(pyramid.apply_backward(mask, up), grad, 1e-4);
    }
}

TEST_CASE("the optimisation loop follows TorchRay's on a linear model", "[extremal]") {
    // two cases against the loop with a stable sort (ties in index order, as here), and two against the loop with
    // torch's own sort, as TorchRay: there no two values tie where r_a turns from 0 to 1 (the script checks it at
    // every step), so the order of tied values cannot change the gradient
    Golden g;
    for (int n = 0; n < 4; ++n) {
        int h, w, step, levels, iterations;
        float sigma, blur, area;
        std::string variant, sort;
        g.header("loop") >> h >> w >> step >> sigma >> blur >> levels >> iterations >> area >> variant >> sort;
        REQUIRE(sort == (n < 2 ? "stable" : "reference"));
        const std::vector<float> weights = g.numbers(), x = g.numbers(), want = g.numbers();
        Rng rng(1);
        Sequential net;
        net.emplace<Flatten>().emplace<Linear>(h * w, 2, rng);
        auto params = net.parameters();
        params[0].second.values() = weights;
        std::fill(params[1].second.values().begin(), params[1].second.values().end(), 0.0f);
        ExtremalSettings s;
        s.areas = {area};
        s.variant = variant;
        s.iterations = iterations;
        s.levels = levels;
        s.step = step;
        s.sigma = sigma;
        s.max_blur = blur;
        const ExtremalResult r = extremal_perturbation(net, Tensor(Shape{1, 1, h, w}, x), 1, h, w, s);
        INFO(variant << ", " << sort << " sort");
        check_close(r.masks[0], want, 2e-3);
    }
}

TEST_CASE("extremal perturbation finds the one region a model looks at, at the requested area", "[extremal]") {
    const int H = test::MatchedFilter::H, W = test::MatchedFilter::W;
    test::MatchedFilter model = test::matched_filter(1, 1.0f);
    Sequential& net = model.net;
    const std::vector<float>& image = model.image;
    const std::vector<bool>& inside = model.inside;
    const float area = 64.0f / 784.0f;
    ExtremalSettings s;
    s.areas = {area};
    const ExtremalResult r = extremal_perturbation(net, Tensor(Shape{1, 1, H, W}, image), 1, H, W, s);
    INFO("reward " << r.rewards[0] << ", mean of the full mask " << r.mask_areas[0]);
    // the square is kept; beyond the mask's smoothing (two sigma = 6 pixels) from it, nothing is
    double in = 0, far = 0;
    int far_pixels = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const float m = r.masks[0][size_t(y * W + x)];
            const int dy = std::max({4 - y, y - 11, 0}), dx = std::max({14 - x, x - 21, 0});
            if (inside[size_t(y * W + x)]) in += m;
            if (std::max(dy, dx) > 6) far = std::max(far, double(m)), ++far_pixels;
        }
    CHECK(r.sigma == 3.0f);
    CHECK(in / 64 > 0.9);
    CHECK(far_pixels > 300);
    CHECK(far < 0.02);
    // the area constraint, on the full mask (with its margin of sigma pixels) as the reference ranks it: to 1%
    CHECK(r.mask_areas[0] == Approx(area).margin(0.01));
}

TEST_CASE("extremal perturbation of a batch equals one image at a time", "[extremal]") {
    // three images through one convolutional model: each keeps its own masks, optimiser state and constraint
    Model model = make_model("allconv-gap", 3);
    const int H = 28, W = 28, B = 3;
    Rng rng(5);
    Tensor x(Shape{B, 1, H, W});
    for (float& v : x.values()) v = rng.uniform() < 0.3f ? rng.uniform() : 0.0f;
    const std::vector<int> targets{3, 7, 1};
    for (const std::string variant : {"preserve", "delete"}) {
        ExtremalSettings s;
        s.areas = {0.05f, 0.2f};
        s.variant = variant;
        s.iterations = 30;
        const std::vector<ExtremalResult> batch = extremal_perturbation_batch(model.net, x, targets, H, W, s);
        REQUIRE(batch.size() == size_t(B));
        for (int b = 0; b < B; ++b) {
            const Tensor one(Shape{1, 1, H, W}, std::vector<float>(x.values().begin() + b * H * W,
                                                                   x.values().begin() + (b + 1) * H * W));
            const ExtremalResult alone = extremal_perturbation(model.net, one, targets[size_t(b)], H, W, s);
            INFO(variant << ", image " << b);
            for (size_t a = 0; a < s.areas.size(); ++a) {
                CHECK(batch[size_t(b)].rewards[a] == Approx(alone.rewards[a]).margin(1e-4));
                check_close(batch[size_t(b)].masks[a], alone.masks[a], 1e-4);
            }
        }
        // the images' masks differ: no state is shared between them
        double differ = 0;
        for (size_t u = 0; u < size_t(H * W); ++u) differ += std::abs(batch[0].masks[1][u] - batch[1].masks[1][u]);
        CHECK(differ > 1.0);
    }
    ExtremalSettings s;
    CHECK_THROWS_WITH(extremal_perturbation_batch(model.net, x, {1, 2}, H, W, s), Catch::Contains("2 targets for 3 images"));
}

TEST_CASE("extremal perturbation refuses areas outside (0, 1), a step larger than the image and unknown variants",
          "[extremal]") {
    Rng rng(1);
    Sequential net;
    net.emplace<Flatten>().emplace<Linear>(64, 2, rng);
    const Tensor x(Shape{1, 1, 8, 8}, std::vector<float>(64, 0.5f));
    ExtremalSettings s;
    s.iterations = 2;
    for (float bad : {0.0f, 1.0f, -0.2f, 1.5f}) {
        s.areas = {bad};
        CHECK_THROWS_WITH(extremal_perturbation(net, x, 1, 8, 8, s), Catch::Contains("in (0, 1)"));
    }
    s.areas = {0.2f};
    s.step = 9;
    CHECK_THROWS_WITH(extremal_perturbation(net, x, 1, 8, 8, s), Catch::Contains("does not fit a 8 x 8 image"));
    s.step = 0;
    s.variant = "dual";
    CHECK_THROWS_WITH(extremal_perturbation(net, x, 1, 8, 8, s), Catch::Contains("preserve or delete"));
    CHECK_THROWS_WITH(explain(net, x, "extremal-perturbation", for_class(1).set("area", 0.0)),
                      Catch::Contains("(0, 1)"));
}
