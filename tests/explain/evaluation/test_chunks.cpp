// Large batches are explained and scored in slices whose size follows the
// network's layer outputs per example; the slices change nothing.
#include "explain/evaluation/chunks.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"

using namespace gb;

namespace {

// features -> hidden -> 3 with ReLU: hidden sets the layer outputs per example.
Sequential wide_mlp(int features, int hidden, Rng& rng) {
    Sequential net;
    net.emplace<Linear>(features, hidden, rng).emplace<ReLU>().emplace<Linear>(hidden, 3, rng);
    return net;
}

}  // namespace

TEST_CASE("a slice holds as many examples as the layer-output budget allows", "[evaluation]") {
    Rng rng(3);
    Sequential small = wide_mlp(4, 8, rng);
    // 4 inputs + 8 + 8 + 3 outputs = 23 values per example: far under the budget.
    CHECK(examples_per_slice(small, Tensor({500, 4}, 0.0f)) == 100);
    CHECK(examples_per_slice(small, Tensor({500, 4}, 0.0f), 7) == 7);
    // Two ReLUs on 2^20 values: 3 x 2^20 values per example, 16 Mi / 3 Mi = 5 examples.
    Sequential relus;
    relus.emplace<ReLU>().emplace<ReLU>();
    CHECK(examples_per_slice(relus, Tensor({50, 1 << 20}, 0.0f)) == 5);
    // More than the budget for one example: one at a time, never none.
    CHECK(examples_per_slice(relus, Tensor({2, 6 << 20}, 0.0f)) == 1);
}

TEST_CASE("explaining and scoring in slices gives what one batch gives", "[evaluation]") {
    Rng rng(5);
    Sequential net = wide_mlp(6, 16, rng);
    Tensor x = test::random_tensor({23, 6}, rng, false);
    std::vector<int> targets(23);
    for (int b = 0; b < 23; ++b) targets[size_t(b)] = b % 3;
    ExplainOptions options;
    options.targets = targets;
    Explanation whole = explain(net, x, "lrp-epsilon", options);
    Explanation sliced = explain_in_chunks(net, x, "lrp-epsilon", options, 5);
    CHECK(sliced.relevance.shape() == whole.relevance.shape());
    CHECK(sliced.relevance.values() == whole.relevance.values());
    CHECK(sliced.targets == whole.targets);
    Scores one = forward_scores(net, x, targets, 23), five = forward_scores(net, x, targets, 5);
    CHECK(one.logit == five.logit);
    CHECK(one.predicted == five.predicted);
    CHECK(one.logit == whole.logit);
}
