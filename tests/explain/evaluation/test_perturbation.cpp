// Region perturbation on a linear model, where every number is known: with
// f(x) = w . x and regions replaced by 0, removing region r lowers f by its
// contribution c_r = sum_{i in r} w_i x_i, so the curve is f(x) minus a sum
// of contributions, and ordering by gradient x input (= w_i x_i) is the best
// possible MoRF order (the largest AOPC) and the worst LeRF one.
#include <algorithm>
#include <numeric>

#include "explain/evaluation/perturbation.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// f_0(x) = w . x on 4x4 images; f_1 = 0.1, a constant.
Sequential linear_model(const std::vector<float>& w) {
    Rng rng(1);
    Sequential net;
    net.emplace<Linear>(16, 2, rng);
    for (auto& [name, p] : net.parameters()) std::fill(p.values().begin(), p.values().end(), 0.0f);
    std::copy(w.begin(), w.end(), net.parameters()[0].second.values().begin());
    net.parameters()[1].second.values()[1] = 0.1f;
    return net;
}

const std::vector<float> weights{1, 2, -1, 0.5, 3, 1, 0, -2, 0.5, 0.5, 1, 1, -1, 2, 4, 1};
const std::vector<float> image{1, 1, 1, 1, 0.5, 0.5, 1, 1, 1, 0, 1, 1, 0.5, 1, 1, 0.25};

// The contributions of the 2x2 regions (row-major over the 2x2 grid).
std::vector<double> contributions() {
    std::vector<double> c(4, 0.0);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) c[size_t((i / 2) * 2 + j / 2)] += double(weights[size_t(i * 4 + j)]) * image[size_t(i * 4 + j)];
    return c;  // {5, -2.5, 2, 6.25}: f(x) = 10.75
}

PerturbationOptions zero_fill() {
    PerturbationOptions o;
    o.height = o.width = 4;
    o.patch = 2;
    o.replacement = Replacement::Constant;
    o.value = 0.0f;
    return o;
}

}  // namespace

TEST_CASE("regions are ranked by their summed relevance", "[evaluation]") {
    std::vector<float> r{1, 1, 0, 0, 1, 1, 0, 0, 0, 5, -3, -3, 0, 0, -3, -3};
    CHECK(region_order(r.data(), 4, 4, 2, true) == std::vector<int>{2, 0, 1, 3});
    CHECK(region_order(r.data(), 4, 4, 2, false) == std::vector<int>{3, 1, 0, 2});
    CHECK(region_count(28, 28, 4) == 49);
    CHECK(region_count(28, 28, 3) == 100);  // the last row and column of regions are narrower
}

TEST_CASE("the perturbation curve of a linear model is f(x) minus the removed contributions", "[evaluation]") {
    Sequential net = linear_model(weights);
    Tensor x({1, 16}, image);
    std::vector<double> c = contributions();
    PerturbationCurve curve = perturbation_curve(net, x, {0}, {0}, {{1, 3, 0, 2}}, zero_fill());
    const double f = c[0] + c[1] + c[2] + c[3];
    CHECK(f == Approx(10.75));
    std::vector<double> expected{f, f - c[1], f - c[1] - c[3], f - c[1] - c[3] - c[0], 0.0};
    REQUIRE(curve.score.size() == 5);
    for (size_t k = 0; k < 5; ++k) CHECK(curve.score[k] == Approx(expected[k]).margin(1e-5));
    double aopc = 0;
    for (double s : expected) aopc += (f - s) / 5;
    CHECK(curve.aopc() == Approx(aopc));
    CHECK(curve.accuracy == std::vector<double>{1, 1, 1, 1, 0});  // class 0 wins while f_0 > f_1 = 0.1
}

TEST_CASE("gradient x input gives a linear model's best MoRF and worst LeRF order", "[evaluation]") {
    Sequential net = linear_model(weights);
    Tensor x({1, 16}, image);
    PerturbationOptions o = zero_fill();
    std::vector<MethodPerturbation> results =
        region_perturbation(net, x, {0}, {"gradient-x-input", "sensitivity", "random"}, for_class(-1), o);
    // every order of the four regions, scored
    std::vector<int> order{0, 1, 2, 3};
    double best = -1e9, worst = 1e9;
    do {
        PerturbationCurve c = perturbation_curve(net, x, {0}, {0}, {order}, o);
        best = std::max(best, c.aopc());
        worst = std::min(worst, c.aopc());
    } while (std::next_permutation(order.begin(), order.end()));
    const MethodPerturbation& gxi = results[0];
    CHECK(gxi.morf.aopc() == Approx(best));
    CHECK(gxi.lerf.aopc() == Approx(worst));
    CHECK(abpc(gxi.morf, gxi.lerf) == Approx(best - worst));
    for (const MethodPerturbation& m : results) CHECK(m.morf.aopc() <= gxi.morf.aopc() + 1e-9);
    CHECK(results[1].negative_share == 0.0);  // sensitivity is a square
    CHECK(gxi.negative_share > 0.0);          // w_i x_i < 0 at the negative weights
    CHECK(results[2].morf.score == results[2].lerf.score);  // random: one order, one curve
}

TEST_CASE("uniform replacement is seeded, and shared by every order", "[evaluation]") {
    Sequential net = linear_model(weights);
    Tensor x({2, 16}, [] {
        std::vector<float> two = image;
        two.insert(two.end(), image.rbegin(), image.rend());
        return two;
    }());
    PerturbationOptions o = zero_fill();
    o.replacement = Replacement::Uniform;
    o.repeats = 3;
    std::vector<std::vector<int>> forward(2, {0, 1, 2, 3}), backward(2, {3, 2, 1, 0});
    PerturbationCurve a = perturbation_curve(net, x, {0, 0}, {0, 0}, forward, o);
    PerturbationCurve b = perturbation_curve(net, x, {0, 0}, {0, 0}, forward, o);
    CHECK(a.score == b.score);  // bit-identical
    CHECK(a.accuracy == b.accuracy);
    PerturbationCurve reverse = perturbation_curve(net, x, {0, 0}, {0, 0}, backward, o);
    CHECK(reverse.score.back() == Approx(a.score.back()).epsilon(1e-6));  // all replaced: the same image
    o.seed = 2;
    CHECK(perturbation_curve(net, x, {0, 0}, {0, 0}, forward, o).score != a.score);
    o.steps = 2;
    CHECK(perturbation_curve(net, x, {0, 0}, {0, 0}, forward, o).score.size() == 3);
}

TEST_CASE("blurring a constant image changes nothing", "[evaluation]") {
    Sequential net = linear_model(weights);
    Tensor x({1, 16}, std::vector<float>(16, 0.5f));
    PerturbationOptions o = zero_fill();
    o.replacement = Replacement::Blur;
    PerturbationCurve c = perturbation_curve(net, x, {0}, {0}, {{0, 1, 2, 3}}, o);
    for (double s : c.score) CHECK(s == Approx(c.score[0]).epsilon(1e-6));
    CHECK(replacement_named("blur") == Replacement::Blur);
    CHECK_THROWS_AS(replacement_named("noise"), Error);
}

TEST_CASE("region perturbation rejects inputs that do not fit", "[evaluation]") {
    Sequential net = linear_model(weights);
    Tensor x({1, 16}, image);
    PerturbationOptions o = zero_fill();
    CHECK_THROWS_AS(perturbation_curve(net, x, {0}, {0}, {{0, 1}}, o), Error);        // too short an order
    CHECK_THROWS_AS(perturbation_curve(net, x, {0}, {0}, {{0, 1, 2, 9}}, o), Error);  // no region 9
    CHECK_THROWS_AS(perturbation_curve(net, x, {0, 0}, {0}, {{0, 1, 2, 3}}, o), Error);
    o.height = o.width = 5;
    CHECK_THROWS_AS(perturbation_curve(net, x, {0}, {0}, {{0, 1, 2, 3}}, o), Error);
}
