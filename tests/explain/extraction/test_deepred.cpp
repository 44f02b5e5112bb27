// DeepRED, CRED and the pedagogical tree on networks whose rules are known.
#include <catch2/catch.hpp>

#include "explain/extraction/deepred.hpp"
#include "explain/extraction/rule_evaluation.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// XOR of two bits, each corner 25 times.
LabeledSet xor_set() {
    LabeledSet s;
    s.example_size = 2, s.classes = 2;
    for (int k = 0; k < 25; ++k)
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) {
                s.dense.push_back(float(a)), s.dense.push_back(float(b));
                s.labels.push_back(a != b);
            }
    return s;
}

Model trained_xor(int hidden_layers) {
    Rng rng(3);
    Model m;
    m.name = "xor";
    m.input_shape = {2};
    int in = 2;
    for (int k = 0; k < hidden_layers; ++k) {
        m.net.emplace<Linear>(in, 8, rng).emplace<ReLU>();
        in = 8;
    }
    m.net.emplace<Linear>(in, 2, rng);
    LabeledSet data = xor_set();
    Adam adam(parameter_tensors(m.net), 0.02f, 0.9f, 0.999f, 1e-8f, 0.0f);
    FitOptions options;
    options.batch = 20;
    fit(m, adam, data, 150, options);
    return m;
}

}  // namespace

TEST_CASE("DeepRED recovers XOR from a network trained on it", "[extraction][deepred]") {
    for (int layers : {1, 2}) {
        Model m = trained_xor(layers);
        LabeledSet data = xor_set();
        REQUIRE(evaluate(m, data).accuracy == 1.0);
        DenseNetwork net(m);
        ExtractionOptions options;
        options.method = layers == 1 ? "cred" : "deepred";
        options.target_class = 1;
        RuleExtraction r = extract_rules(net, data.dense.data(), data.count(), options);
        RuleScores s = score_rules(r, net, data.dense.data(), data.labels);
        CHECK(s.fidelity == 1.0);
        CHECK(s.accuracy == 1.0);
        // The two rules of XOR: x0 > 0 AND x1 <= 0, x0 <= 0 AND x1 > 0.
        Dnf expected{{{0, 0, false}, {1, 0, true}}, {{0, 0, true}, {1, 0, false}}};
        for (Term& t : expected) simplify(t);
        remove_redundant(expected);
        CHECK(r.rules == expected);
        CHECK(r.steps.size() == size_t(layers));
        CHECK(r.layer_rules.size() == size_t(layers + 1));
    }
}

TEST_CASE("The pedagogical tree of an XOR network", "[extraction][deepred]") {
    Model m = trained_xor(1);
    LabeledSet data = xor_set();
    DenseNetwork net(m);
    ExtractionOptions options;
    options.method = "pedagogical";
    options.tree.min_cases = 1;
    // C4.5 sees no gain in either bit alone at the root (XOR): the surrogate is one leaf, never class 1.
    RuleExtraction r = extract_rules(net, data.dense.data(), data.count(), options);
    RuleScores s = score_rules(r, net, data.dense.data(), data.labels);
    CHECK(r.rules.empty());
    CHECK(s.fidelity == 0.5);
}

TEST_CASE("Rule extraction refuses what it cannot read", "[extraction][deepred]") {
    Rng rng(1);
    Model conv;
    conv.name = "small-cnn";
    conv.net.emplace<Conv2d>(1, 2, 3, rng).emplace<ReLU>().emplace<Flatten>().emplace<Linear>(2, 2, rng);
    CHECK_THROWS_WITH(DenseNetwork(conv), Catch::Contains("Conv2d"));
    // A recurrent network: the error names the layer, its position and the model.
    Model lstm;
    lstm.name = "lstm";
    lstm.net.emplace<LSTM>(28, 16, rng).emplace<Linear>(16, 10, rng);
    CHECK_THROWS_WITH(DenseNetwork(lstm), Catch::Contains("layer 0 of lstm is LSTM 28 16"));
    // An LSTM after dense layers is refused as well, not skipped.
    Model late;
    late.name = "dense-then-lstm";
    late.net.emplace<Linear>(28, 28, rng).emplace<ReLU>().emplace<LSTM>(28, 16, rng).emplace<Linear>(16, 2, rng);
    CHECK_THROWS_WITH(DenseNetwork(late), Catch::Contains("layer 2 of dense-then-lstm is LSTM 28 16"));

    Model m = trained_xor(1);
    DenseNetwork net(m);
    LabeledSet data = xor_set();
    ExtractionOptions options;
    CHECK_THROWS_WITH(extract_rules(net, nullptr, 0, options), Catch::Contains("empty"));
    // Only the two corners the network calls 0: one class.
    std::vector<float> zeros{0, 0, 1, 1, 0, 0};
    CHECK_THROWS_WITH(extract_rules(net, zeros.data(), 3, options), Catch::Contains("one class only"));
    options.method = "cred";
    Model deep = trained_xor(2);
    CHECK_THROWS_WITH(extract_rules(DenseNetwork(deep), data.dense.data(), data.count(), options),
                      Catch::Contains("one hidden layer"));
    options.method = "deepred";
    options.target_class = 5;
    CHECK_THROWS_WITH(extract_rules(net, data.dense.data(), data.count(), options), Catch::Contains("class 5"));
    options.target_class = 1;
    options.max_terms = 1;
    CHECK_THROWS_WITH(extract_rules(net, data.dense.data(), data.count(), options), Catch::Contains("more than 1 terms"));
}
