// The sanity checks: randomization reaches the maps, and the network is
// given back as it was.
#include "explain/evaluation/sanity.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

Sequential small_mlp() {
    Rng rng(5);
    Sequential net;
    net.emplace<Linear>(49, 12, rng).emplace<ReLU>().emplace<Linear>(12, 8, rng).emplace<ReLU>();
    net.emplace<Linear>(8, 3, rng);
    return net;
}

std::vector<std::vector<float>> values_of(Sequential& net) {
    std::vector<std::vector<float>> v;
    for (auto& [name, p] : net.parameters()) v.push_back(p.values());
    return v;
}

}  // namespace

TEST_CASE("randomized parameters keep each tensor's mean and spread", "[evaluation]") {
    Rng rng(1);
    Linear layer(400, 300, rng);
    Tensor w = layer.parameters()[0].second;
    std::vector<float> before = w.values();
    Rng draw(2);
    randomize_parameters(layer, draw);
    auto moments = [](const std::vector<float>& v) {
        double m = 0, s = 0;
        for (float x : v) m += x, s += double(x) * x;
        m /= double(v.size());
        return std::pair{m, std::sqrt(s / double(v.size()) - m * m)};
    };
    CHECK(w.values() != before);
    CHECK(moments(w.values()).second == Approx(moments(before).second).epsilon(0.02));
    CHECK(std::abs(moments(w.values()).first) < 0.01);
}

TEST_CASE("sanity checks: one step per layer with weights, the network restored", "[evaluation]") {
    Sequential net = small_mlp();
    Rng rng(7);
    Tensor x = test::random_tensor({4, 49}, rng, false);
    std::vector<std::vector<float>> before = values_of(net);
    SanityChecks checks = sanity_checks(net, x, "gradient", {}, 3, 7, 7);
    const std::vector<SanityStep>& cascade = checks.cascading;
    const std::vector<SanityStep>& independent = checks.independent;
    CHECK(values_of(net) == before);
    REQUIRE(cascade.size() == 3);
    CHECK(cascade[0].layer == "4: Linear 8 3");
    CHECK(cascade[2].layer == "0: Linear 49 12");
    // the first step randomizes the top layer alone in both, with the same draws
    CHECK(cascade[0].spearman == independent[0].spearman);
    for (const SanityStep& s : cascade) {
        CHECK(s.spearman < 0.9);  // new weights, a new gradient
        CHECK(s.ssim < 0.9);
    }
    // the identity check: a network whose layers are "randomized" to themselves keeps its maps
    Sequential same;
    Rng r(1);
    same.emplace<Linear>(49, 3, r);
    for (auto& [name, p] : same.parameters()) std::fill(p.values().begin(), p.values().end(), 0.5f);  // sd 0
    std::vector<SanityStep> unchanged = sanity_checks(same, x, "gradient-x-input", {}, 3, 7, 7).cascading;
    CHECK(unchanged[0].spearman == Approx(1.0));
    CHECK(unchanged[0].ssim == Approx(1.0));
    CHECK(std::isnan(sanity_checks(net, x, "gradient", {}, 3).cascading[0].ssim));  // no image, no SSIM
    // an error half-way leaves the network as it was
    CHECK_THROWS_AS(sanity_checks(net, x, "no-such-method", {}, 3), Error);
    CHECK(values_of(net) == before);
}
