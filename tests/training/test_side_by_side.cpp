#include <atomic>
#include <vector>

#include "helpers.hpp"
#include "nn/models.hpp"
#include "nn/optim.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "util/error.hpp"

using namespace gb;
using Catch::Contains;

namespace {

LabeledSet noise_digits(int count) {
    LabeledSet set;
    set.example_size = 784;
    set.classes = 10;
    Rng rng(7);
    for (int i = 0; i < count; ++i) {
        set.labels.push_back(i % 10);
        for (int k = 0; k < 784; ++k) set.dense.push_back(rng.uniform());
    }
    return set;
}

Model trained_mlp(const LabeledSet& data) {
    Model model = make_model("mlp", 3);
    SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);
    fit(model, sgd, data, 1);
    return model;
}

}  // namespace

TEST_CASE("side_by_side runs every job once", "[side_by_side]") {
    std::vector<std::atomic<int>> runs(7);
    side_by_side(7, [&](int k) { runs[size_t(k)] += 1; });
    for (const auto& r : runs) CHECK(r.load() == 1);
    side_by_side(0, [](int) { FAIL("no job to run"); });
}

TEST_CASE("an error in a job reaches the caller after every job has ended", "[side_by_side]") {
    std::atomic<int> finished{0};
    CHECK_THROWS_WITH(side_by_side(4, [&](int k) {
                          if (k == 1) throw Error("job 1 failed");
                          finished += 1;
                      }),
                      Contains("job 1 failed"));
    CHECK(finished.load() == 3);
}

TEST_CASE("models trained side by side have the weights of a model trained alone", "[side_by_side]") {
    const LabeledSet data = noise_digits(320);
    Model alone = trained_mlp(data);
    std::vector<Model> together(2);
    side_by_side(2, [&](int k) { together[size_t(k)] = trained_mlp(data); });
    const std::vector<Tensor> expected = parameter_tensors(alone.net);
    for (Model& m : together) {
        const std::vector<Tensor> got = parameter_tensors(m.net);
        REQUIRE(got.size() == expected.size());
        for (size_t p = 0; p < got.size(); ++p) CHECK(got[p].values() == expected[p].values());
    }
}
