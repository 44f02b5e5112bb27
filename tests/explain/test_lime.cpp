// LIME's explainers: a linear black box over the interpretable features is
// recovered; the samplers keep their promises; the same seed gives the same
// explanation; bad requests are refused.
#include <cmath>

#include "explain/explain.hpp"
#include "explain/surrogate/lime.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// f(x) = (0, sum_s w_s mean of x over segment s) for 4 x 4 images cut into 2 x 2 squares.
const std::vector<double> kW{0.5, -1.25, 2.0, 0.75};
Tensor linear_over_squares(const Tensor& batch) {
    const Segmentation grid = grid_segmentation(4, 4, 2);
    Tensor scores(Shape{batch.dim(0), 2});
    for (int b = 0; b < batch.dim(0); ++b)
        for (int pixel = 0; pixel < 16; ++pixel)
            scores.values()[size_t(b) * 2 + 1] += float(kW[size_t(grid.label[size_t(pixel)])] / 4.0 *
                                                        batch.values()[size_t(b) * 16 + size_t(pixel)]);
    return scores;
}

}  // namespace

TEST_CASE("LIME recovers a linear black box over superpixels", "[lime]") {
    Tensor ones(Shape{1, 1, 4, 4}, std::vector<float>(16, 1.0f));
    LimeSettings s;
    s.samples = 40000;
    s.selection = FeatureSelection::None;
    s.probabilities = false;
    LimeResult r = lime_image(linear_over_squares, ones, 1, grid_segmentation(4, 4, 2), false, 0.0f, s);
    REQUIRE(r.model.ranked.size() == 4);
    for (const auto& [feature, weight] : r.model.ranked) CHECK(weight == Approx(kW[size_t(feature)]).margin(1e-3));
    CHECK(r.model.score == Approx(1.0).margin(1e-6));
    CHECK(r.model.local_prediction == Approx(2.0).margin(1e-3));  // f(x) = sum w
    CHECK(r.kernel_width == 0.25);
    for (size_t k = 0; k < r.weights.size(); ++k)  // pi = sqrt(exp(-D^2 / 0.25^2))
        REQUIRE(r.weights[k] == Approx(std::sqrt(std::exp(-r.neighbourhood.distances[k] * r.neighbourhood.distances[k] / 0.0625))));
}

TEST_CASE("the text sampler removes at least one word, every occurrence of it, and keeps the order", "[lime]") {
    Tensor ids(Shape{1, 9}, {5, 7, 5, 9, 3, 7, 0, 0, 0});  // distinct words 5, 7, 9, 3; padding after
    std::vector<std::vector<float>> seen;
    Scorer record = [&](const Tensor& batch) {
        for (int b = 0; b < batch.dim(0); ++b)
            seen.emplace_back(batch.values().begin() + b * 9, batch.values().begin() + (b + 1) * 9);
        return Tensor(Shape{batch.dim(0), 2});
    };
    LimeSettings s;
    s.samples = 300;
    s.probabilities = false;
    LimeResult r = lime_text(record, ids, 0, {}, s);
    REQUIRE(r.neighbourhood.features == 4);
    REQUIRE(seen.size() == 300);
    CHECK(seen[0] == ids.values());
    const std::vector<int> words{5, 7, 9, 3};
    for (size_t row = 1; row < seen.size(); ++row) {
        int removed = 0;
        std::vector<float> expected;
        for (size_t t = 0; t < 6; ++t) {  // the post without the removed words, then padding
            const size_t f = size_t(std::find(words.begin(), words.end(), int(ids.values()[t])) - words.begin());
            if (r.neighbourhood.data[row * 4 + f] == 1.0) expected.push_back(ids.values()[t]);
        }
        for (size_t f = 0; f < 4; ++f) removed += r.neighbourhood.data[row * 4 + f] == 0.0;
        CHECK(removed >= 1);
        expected.resize(9, 0.0f);
        CHECK(seen[row] == expected);
    }
    CHECK(r.kernel_width == 25.0);
    CHECK(r.neighbourhood.distances[0] == Approx(0.0).margin(1e-9));
}

TEST_CASE("LIME on a table finds the one feature the black box reads, in the data's units", "[lime]") {
    Rng rng(3);
    TableStatistics training;
    for (int i = 0; i < 200; ++i)
        for (int j = 0; j < 3; ++j) training.rows.push_back(rng.normal());
    training.names = {"a", "b", "c"};
    training.mean = {10, 0, 0};
    training.scale = {2, 1, 1};
    Scorer threshold_on_b = [](const Tensor& batch) {  // class 1 where b > 0.7
        Tensor scores(Shape{batch.dim(0), 2});
        for (int k = 0; k < batch.dim(0); ++k) scores.values()[size_t(k) * 2 + 1] = batch.values()[size_t(k) * 3 + 1] > 0.7f ? 5.0f : -5.0f;
        return scores;
    };
    Tensor row(Shape{1, 3}, {0.1f, 1.5f, -0.3f});
    LimeSettings s;
    s.samples = 3000;
    s.features = 3;
    LimeResult r = lime_tabular(threshold_on_b, row, 1, training, s);
    REQUIRE(!r.model.ranked.empty());
    const std::string top = r.feature_names[size_t(r.model.ranked[0].first)];
    CHECK(top.rfind("b > ", 0) == 0);  // b's upper quartile, where the instance lies
    CHECK(r.model.ranked[0].second > 0.5);
    CHECK(r.feature_names[0].find(" a ") != std::string::npos);  // a's bin in raw units (10 + 2 z)
    CHECK(r.kernel_width == Approx(0.75 * std::sqrt(3.0)));
}

TEST_CASE("the same seed gives the same LIME explanation; bad requests are refused", "[lime]") {
    Rng rng(4);
    Sequential net;
    net.emplace<Flatten>().emplace<Linear>(36, 3, rng);
    Tensor x = test::random_tensor({1, 1, 6, 6}, rng, false);
    for (float& v : x.values()) v = std::fabs(v);
    ExplainOptions o = ExplainOptions().set("samples", 200).set("segments", "grid");
    Explanation a = explain(net, x, "lime", o), b = explain(net, x, "lime", o);
    CHECK(a.relevance.values() == b.relevance.values());
    CHECK(a.diagnostic("score") == b.diagnostic("score"));
    CHECK(explain(net, x, "lime", ExplainOptions(o).set("seed", 2)).relevance.values() != a.relevance.values());
    REQUIRE(a.saved.size() == 11);
    CHECK(a.saved[0].name == "rows");
    CHECK(a.saved[0].shape == Shape{200, 4});  // 6 x 6 pixels in cells of 4 x 4, cut to fit: 2 x 2 cells
    CHECK_THROWS_WITH(explain(net, x, "lime", ExplainOptions(o).set("features", 20)), Catch::Contains("ask for 1 to 4"));
    CHECK_THROWS_WITH(explain(net, x, "lime", ExplainOptions(o).set("samples", 1)), Catch::Contains("--samples takes a whole number from 2"));
    CHECK_THROWS_WITH(explain(net, x, "lime", ExplainOptions(o).set("kernel-width", 0)), Catch::Contains("--kernel-width takes a number from"));
    CHECK_THROWS_WITH(explain(net, x, "lime", ExplainOptions(o).set("hide", "median")), Catch::Contains("or mean"));
    Sequential features;
    features.emplace<Linear>(5, 2, rng);
    CHECK_THROWS_WITH(explain(features, test::random_tensor({1, 5}, rng, false), "lime"),
                      Catch::Contains("lime explains feature vectors as a table"));
}
