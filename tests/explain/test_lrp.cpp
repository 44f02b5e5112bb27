// LRP rules: identities, conservation layer by layer, hand-computed values,
// and the papers' formulas written out as loops on a dense layer.
#include "explain/explain.hpp"
#include "explain/rules/composites.hpp"
#include "explain/rules/excitation.hpp"
#include "explain/rules/lstm_lrp.hpp"
#include "helpers.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"

using namespace gb;
using test::random_tensor;

namespace {

Sequential relu_mlp(Rng& rng) {
    Sequential net;
    net.emplace<Linear>(6, 8, rng).emplace<ReLU>().emplace<Linear>(8, 5, rng).emplace<ReLU>().emplace<Linear>(5, 3, rng);
    return net;
}

Sequential sum_pool_cnn(Rng& rng) {
    Sequential net;
    net.emplace<Conv2d>(1, 2, 3, rng, 1, 1).emplace<ReLU>().emplace<SumPool2d>(2, 2).emplace<Flatten>();
    net.emplace<Linear>(18, 5, rng).emplace<ReLU>().emplace<Linear>(5, 3, rng);
    return net;
}

// The rules by name, with their default parameters.
std::unique_ptr<LrpRule> rule_named(const std::string& kind) {
    if (kind == "lrp-0") return std::make_unique<ZeroRule>();
    if (kind == "lrp-epsilon") return std::make_unique<EpsilonRule>(0.25f);
    if (kind == "lrp-gamma") return std::make_unique<GammaRule>(0.25f);
    if (kind == "lrp-zplus") return std::make_unique<ZPlusRule>();
    if (kind == "lrp-w2") return std::make_unique<WSquareRule>();
    return std::make_unique<FlatRule>();
}

double total(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return s;
}

}  // namespace

TEST_CASE("LRP-0 equals gradient x input on ReLU networks", "[lrp]") {
    Rng rng(1);
    Sequential net = relu_mlp(rng);  // with biases: the identity still holds
    Tensor x = random_tensor({4, 6}, rng, false);
    Tensor lrp = explain(net, x, "lrp-0").relevance, gi = explain(net, x, "gradient-x-input").relevance;
    for (size_t k = 0; k < lrp.numel(); ++k) CHECK(lrp.values()[k] == Approx(gi.values()[k]).margin(1e-5));
}

// (alpha-beta conserves only where a neuron has both positive and negative
// contributions: where z- = 0, beta has nothing to take and alpha R+ = alpha R.
// Its formula is checked below instead.)
TEST_CASE("z+, w^2, flat, and LRP-0 without biases conserve relevance at every layer", "[lrp]") {
    Rng rng(2);
    for (bool cnn : {false, true}) {
        Sequential net = cnn ? sum_pool_cnn(rng) : relu_mlp(rng);
        Tensor x = cnn ? random_tensor({1, 1, 6, 6}, rng, false) : random_tensor({1, 6}, rng, false);
        for (std::string kind : {"lrp-zplus", "lrp-w2", "lrp-flat", "lrp-0-bias-free"}) {
            INFO((cnn ? "cnn " : "mlp ") << kind);
            // LRP-0 conserves exactly once the biases, which take their share, are zero
            if (kind == "lrp-0-bias-free") {
                for (auto& np : net.parameters())
                    if (np.first.find("bias") != std::string::npos)
                        std::fill(np.second.values().begin(), np.second.values().end(), 0.0f);
            }
            Propagation p = propagate(net, x, {-1}, *rule_named(kind == "lrp-0-bias-free" ? "lrp-0" : kind), true);
            float f = p.logits.values()[size_t(p.targets[0])];
            if (f <= 0) continue;  // a negative logit has no positive evidence to distribute
            for (const TraceStep& t : p.trace) CHECK(t.sum == Approx(f).epsilon(1e-4));
        }
    }
}

TEST_CASE("z+ on one layer, by hand", "[lrp]") {
    // f = 3 a_1 - 1 a_2 at a = (1, 2): f = 1; z+ = 3 a_1 = 3, so R = (1 * 3 / 3, 0) = (1, 0)
    Rng rng(3);
    Sequential net;
    net.emplace<Linear>(2, 1, rng);
    auto& fc = dynamic_cast<Linear&>(net[0]);
    fc.weight().values() = {3, -1};
    fc.bias().values() = {0};
    Tensor x(Shape{1, 2}, {1, 2});
    CHECK(explain(net, x, "lrp-zplus").relevance.values() == std::vector<float>{1, 0});
    // LRP-0 gives each input its contribution a_j w_j: (3, -2)
    Tensor r0 = explain(net, x, "lrp-0").relevance;
    CHECK(r0.values()[0] == Approx(3.0f));
    CHECK(r0.values()[1] == Approx(-2.0f));
}

TEST_CASE("epsilon, gamma and alpha-beta equal their formulas written as loops", "[lrp]") {
    Rng rng(4);
    Sequential net;
    net.emplace<Linear>(5, 4, rng);
    auto& fc = dynamic_cast<Linear&>(net[0]);
    for (float& b : fc.bias().values()) b = rng.uniform(-0.5f, 0.5f);
    Tensor x = random_tensor({1, 5}, rng, false);
    const float* w = fc.weight().data();  // (4, 5): w[k * 5 + j]
    const float* b = fc.bias().data();
    const float* a = x.data();
    CompositeParameters p;  // the defaults
    for (int c = 0; c < 4; ++c) {
        double z_c = b[c];
        for (int j = 0; j < 5; ++j) z_c += a[j] * w[c * 5 + j];
        double f = z_c;  // the explained logit seeds R_c = f, and the layer is the whole network
        // epsilon: R_j = a_j w_jc / (z_c + eps sign z_c) R_c
        Tensor eps = explain(net, x, "lrp-epsilon", for_class(c)).relevance;
        // gamma: R_j = a_j (w_jc + gamma w_jc+) / (sum_i a_i (w_ic + gamma w_ic+) + b_c + gamma b_c+) R_c
        Tensor gam = explain(net, x, "lrp-gamma", for_class(c)).relevance;
        // alpha-beta (biases left out): R_j = (alpha (a_j w_jc)+ / z+ - beta (a_j w_jc)- / z-) R_c
        Tensor ab = explain(net, x, "lrp-alphabeta", for_class(c)).relevance;
        double zg = b[c] + p.gamma * std::max(0.0f, b[c]), zp = 0, zn = 0;
        for (int j = 0; j < 5; ++j) {
            float wj = w[c * 5 + j];
            zg += a[j] * (wj + p.gamma * std::max(0.0f, wj));
            zp += std::max(0.0f, a[j] * wj);
            zn += std::min(0.0f, a[j] * wj);
        }
        for (int j = 0; j < 5; ++j) {
            float wj = w[c * 5 + j];
            double want_eps = a[j] * wj / (z_c + p.epsilon * (z_c >= 0 ? 1 : -1)) * f;
            double want_gamma = a[j] * (wj + p.gamma * std::max(0.0f, wj)) / zg * f;
            double want_ab = (p.alpha * std::max(0.0f, a[j] * wj) / zp - p.beta * std::min(0.0f, a[j] * wj) / zn) * f;
            CHECK(eps.values()[size_t(j)] == Approx(want_eps).margin(1e-5));
            CHECK(gam.values()[size_t(j)] == Approx(want_gamma).margin(1e-5));
            CHECK(ab.values()[size_t(j)] == Approx(want_ab).margin(1e-5));
        }
    }
}

TEST_CASE("LRP refuses layers it has no rule for, and alpha - beta other than 1", "[lrp]") {
    Rng rng(5);
    Sequential net;
    net.emplace<Linear>(3, 3, rng).emplace<Tanh>().emplace<Linear>(3, 2, rng);
    CHECK_THROWS_WITH(explain(net, random_tensor({1, 3}, rng, false), "lrp-epsilon"),
                      Catch::Contains("lrp-epsilon does not apply to layer 'Tanh'"));
    CHECK_THROWS_WITH(propagate(net, random_tensor({1, 3}, rng, false), {0}, EpsilonRule(0.25f)),
                      Catch::Contains("lrp-epsilon does not apply to layer 'Tanh'"));
    CHECK_THROWS_WITH(AlphaBetaRule(2.0f, 0.5f), Catch::Contains("alpha - beta = 1"));
}

TEST_CASE("zB follows its formula; deep Taylor conserves; composites choose a rule per layer", "[lrp]") {
    Rng rng(6);
    Sequential one;
    one.emplace<Linear>(4, 1, rng);
    auto& fc = dynamic_cast<Linear&>(one[0]);
    fc.bias().values() = {0.0f};
    Tensor x(Shape{1, 4}, {0.1f, 0.9f, 0.5f, 0.0f});
    ZBRule zb({0.0f, 1.0f});
    Propagation p = propagate(one, x, {0}, zb);
    const float* w = fc.weight().data();
    double f = p.logits.values()[0], denominator = 0;
    std::vector<double> numerators;
    for (int j = 0; j < 4; ++j) {  // x_j w_j - l w_j+ - h w_j-, with l = 0, h = 1
        numerators.push_back(x.values()[size_t(j)] * w[j] - 0.0 * std::max(0.0f, w[j]) - 1.0 * std::min(0.0f, w[j]));
        denominator += numerators.back();
    }
    for (size_t j = 0; j < 4; ++j) CHECK(p.signal.values()[j] == Approx(numerators[j] / denominator * f).margin(1e-5));
    CHECK(total(p.signal.values()) == Approx(f).margin(1e-5));  // zB conserves

    Sequential cnn = sum_pool_cnn(rng);
    for (auto& np : cnn.parameters())  // without biases, deep Taylor conserves exactly
        if (np.first.find("bias") != std::string::npos) std::fill(np.second.values().begin(), np.second.values().end(), 0.0f);
    Tensor image(Shape{1, 1, 6, 6});
    for (float& v : image.values()) v = rng.uniform();
    ExplainOptions bounded;
    bounded.input.bounded = true;
    Explanation dt = explain(cnn, image, "deep-taylor", bounded);
    if (dt.logit[0] > 0) CHECK(total(dt.relevance.values()) == Approx(dt.logit[0]).epsilon(1e-4));

    // A composite of your own: LRP-0 at every layer is LRP-0.
    ZeroRule zero;
    CompositeRule mine("mine", [&](const LayerPass&) -> const Rule& { return zero; });
    Tensor a = propagate(cnn, image, {1}, mine).signal, b = explain(cnn, image, "lrp-0", for_class(1)).relevance;
    for (size_t k = 0; k < a.numel(); ++k) CHECK(a.values()[k] == Approx(b.values()[k]).margin(1e-6));
    CHECK_THROWS_WITH(explain(cnn, image, "lrp", ExplainOptions().set("composite", "magic")),
                      Catch::Contains("--composite takes one of epsilon-gamma-zb, alphabeta-zb, deep-taylor, got 'magic'"));
    CHECK_THROWS_WITH(make_composite("magic", 0, true, {}), Catch::Contains("unknown LRP composite 'magic'"));
    CHECK(explain(cnn, image, "lrp", bounded).relevance.shape() == image.shape());
}

TEST_CASE("excitation backprop is z+ seeded with 1; the contrastive map subtracts the dual's", "[lrp]") {
    Rng rng(7);
    Sequential net = relu_mlp(rng);
    for (auto& np : net.parameters())
        if (np.first.find("bias") != std::string::npos) std::fill(np.second.values().begin(), np.second.values().end(), 0.0f);
    Tensor x(Shape{1, 6});
    for (float& v : x.values()) v = rng.uniform();  // non-negative inputs, as below a ReLU
    Explanation ex = explain(net, x, "excitation", for_class(0)), zp = explain(net, x, "lrp-zplus", for_class(0));
    for (size_t k = 0; k < 6; ++k) CHECK(ex.relevance.values()[k] == Approx(zp.relevance.values()[k] / zp.logit[0]).margin(1e-5));
    CHECK(total(ex.relevance.values()) == Approx(1.0).margin(1e-4));  // a probability distribution
    ExcitationRule dual(true, net.size() - 1);
    Tensor d = propagate(net, x, {0}, dual).signal;
    Explanation contrastive = explain(net, x, "contrastive-excitation", for_class(0));
    for (size_t k = 0; k < 6; ++k)
        CHECK(contrastive.relevance.values()[k] == Approx(ex.relevance.values()[k] - d.values()[k]).margin(1e-6));
}

TEST_CASE("pooling rules: winner-take-all or proportional max pooling, Lp pooling by a^p", "[lrp]") {
    Rng rng(8);
    Tensor x(Shape{1, 1, 2, 2}, {1, 2, 3, 4});
    for (bool lp : {false, true}) {
        Sequential net;
        if (lp) net.emplace<LpPool2d>(2.0f, 2, 2);
        else net.emplace<MaxPool2d>(2, 2);
        net.emplace<Flatten>().emplace<Linear>(1, 1, rng);
        auto& fc = dynamic_cast<Linear&>(net[2]);
        fc.weight().values() = {1};
        fc.bias().values() = {0};
        double f = lp ? std::sqrt(30.0) : 4.0;
        if (lp) {  // R_j = a_j^2 / sum a_i^2 f
            Tensor r = explain(net, x, "lrp-0").relevance;
            for (size_t j = 0; j < 4; ++j) CHECK(r.values()[j] == Approx(x.values()[j] * x.values()[j] / 30.0 * f));
        } else {
            CHECK(explain(net, x, "lrp-0").relevance.values() == std::vector<float>{0, 0, 0, 4});  // winner takes all
            Tensor r = propagate(net, x, {0}, ZeroRule(MaxPooling::Proportional)).signal;
            for (size_t j = 0; j < 4; ++j) CHECK(r.values()[j] == Approx(x.values()[j] / 10.0 * f));
        }
    }
}

TEST_CASE("the translation trick averages the maps of shifted copies, shifted back", "[lrp]") {
    Rng rng(9);
    Sequential net = sum_pool_cnn(rng);
    Tensor x = random_tensor({1, 1, 6, 6}, rng, false);
    ExplainOptions none, one;
    one.translations = 1;
    none.targets = one.targets = {1};
    CHECK(explain(net, x, "lrp-epsilon", none).relevance.values() ==
          explain_translated(net, x, "lrp-epsilon", [&] { auto o = one; o.translations = 0; return o; }()).relevance.values());
    // By hand for the shift (dy, dx) = (1, 0) alone would need the others too; instead, check a
    // property: on a network that sums its pixels (a 1x1 "convolution" of weight 1, flattened, summed),
    // every copy's LRP-0 map is the shifted image itself, so the average is x times the share of
    // shifts that keep each pixel inside the image.
    Sequential sum;
    sum.emplace<Flatten>().emplace<Linear>(36, 1, rng);
    auto& fc = dynamic_cast<Linear&>(sum[1]);
    std::fill(fc.weight().values().begin(), fc.weight().values().end(), 1.0f);
    fc.bias().values() = {0};
    ExplainOptions o;
    o.translations = 1;
    o.input.height = o.input.width = 6;
    Tensor xi(Shape{1, 36});
    for (float& v : xi.values()) v = rng.uniform(0.1f, 1.0f);
    Tensor r = explain(sum, xi, "lrp-0", o).relevance;
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j) {
            int rows = (i == 0 || i == 5) ? 2 : 3, cols = (j == 0 || j == 5) ? 2 : 3;  // shifts that keep (i, j) inside
            CHECK(r.values()[size_t(i * 6 + j)] == Approx(xi.values()[size_t(i * 6 + j)] * rows * cols / 9.0));
        }
}

TEST_CASE("the rules on a convolution equal their formulas written as loops", "[lrp]") {
    // One Conv2d (2 -> 3 channels, 3x3, padding 1) on a 2x5x5 input, and a given relevance R at its output.
    Rng rng(10);
    Conv2d conv(2, 3, 3, rng, 1, 1);
    for (float& b : conv.bias().values()) b = rng.uniform(-0.3f, 0.3f);
    Tensor a = random_tensor({1, 2, 5, 5}, rng, false);
    for (float& v : a.values()) v = std::fabs(v);  // activations below a ReLU
    Tensor R = random_tensor({1, 3, 5, 5}, rng, false);
    Tensor input = a.detach().set_requires_grad();
    LayerPass pass{0, conv, input, conv.forward(input)};
    const float* w = conv.weight().data();  // (3, 2, 3, 3)
    const float* b = conv.bias().data();
    auto at = [&](int c, int y, int x) { return (y < 0 || y > 4 || x < 0 || x > 4) ? 0.0f : a.values()[size_t(c * 25 + y * 5 + x)]; };
    CompositeParameters p;  // the defaults
    for (std::string kind : {"lrp-0", "lrp-epsilon", "lrp-gamma", "lrp-zplus"}) {
        INFO(kind);
        auto rho = [&](float v) {
            if (kind == "lrp-gamma") return v + p.gamma * std::max(0.0f, v);
            if (kind == "lrp-zplus") return std::max(0.0f, v);
            return v;
        };
        // z_k = sum_{c,u,v} a rho(w) + rho(b) (no bias for z+), then R_j = sum_k a_j rho(w_jk) / z_k R_k
        std::vector<double> z(75);
        for (int o = 0; o < 3; ++o)
            for (int i = 0; i < 5; ++i)
                for (int j = 0; j < 5; ++j) {
                    double zk = kind == "lrp-zplus" ? 0.0 : rho(b[o]);
                    for (int c = 0; c < 2; ++c)
                        for (int u = 0; u < 3; ++u)
                            for (int v = 0; v < 3; ++v) zk += at(c, i - 1 + u, j - 1 + v) * rho(w[((o * 2 + c) * 3 + u) * 3 + v]);
                    if (kind == "lrp-epsilon") zk += p.epsilon * (zk >= 0 ? 1 : -1);
                    z[size_t(o * 25 + i * 5 + j)] = zk;
                }
        Tensor Rk = R.detach();  // no relevance where z is near 0: there float32 rounding, not the rule, decides
        for (size_t k = 0; k < 75; ++k)
            if (std::fabs(z[k]) < 0.05) Rk.values()[k] = 0.0f;
        std::vector<double> want(50, 0.0);
        for (int o = 0; o < 3; ++o)
            for (int i = 0; i < 5; ++i)
                for (int j = 0; j < 5; ++j) {
                    double s = z[size_t(o * 25 + i * 5 + j)] == 0 ? 0 : Rk.values()[size_t(o * 25 + i * 5 + j)] / z[size_t(o * 25 + i * 5 + j)];
                    for (int c = 0; c < 2; ++c)
                        for (int u = 0; u < 3; ++u)
                            for (int v = 0; v < 3; ++v) {
                                int y = i - 1 + u, x = j - 1 + v;
                                if (y < 0 || y > 4 || x < 0 || x > 4) continue;
                                want[size_t(c * 25 + y * 5 + x)] += at(c, y, x) * rho(w[((o * 2 + c) * 3 + u) * 3 + v]) * s;
                            }
                }
        Tensor got = rule_named(kind)->propagate(pass, Rk);
        for (size_t k = 0; k < 50; ++k) CHECK(got.values()[k] == Approx(want[k]).margin(1e-5));
    }
}

TEST_CASE("sliding windows explain an image larger than the network's input", "[lrp]") {
    Rng rng(11);
    // A network on 3x3 inputs that sums its pixels: every window's LRP-0 map is the window itself,
    // so the mean over the windows covering a pixel is the pixel.
    Sequential sum;
    sum.emplace<Linear>(9, 1, rng);
    auto& fc = dynamic_cast<Linear&>(sum[0]);
    std::fill(fc.weight().values().begin(), fc.weight().values().end(), 1.0f);
    fc.bias().values() = {0};
    std::vector<float> image(5 * 7);
    for (float& v : image) v = rng.uniform(0.1f, 1.0f);
    std::vector<float> r = explain_sliding(sum, image, 5, 7, {9}, 3, 3, 1, "lrp-0", 0);
    for (size_t k = 0; k < image.size(); ++k) CHECK(r[k] == Approx(image[k]));
    CHECK_THROWS_WITH(explain_sliding(sum, image, 5, 7, {9}, 6, 3, 1, "lrp-0", 0), Catch::Contains("do not fit"));
}

TEST_CASE("on a trained network, z+ and deep Taylor conserve at every layer", "[lrp]") {
    // "Trained": an MLP fitted for a few epochs to a rule on random inputs in [0, 1].
    Rng rng(12);
    Model model = make_model("mlp", 3);
    LabeledSet data;
    data.example_size = 784;
    data.classes = 10;
    for (int i = 0; i < 256; ++i) {
        for (int k = 0; k < 784; ++k) data.dense.push_back(rng.uniform());
        data.labels.push_back(int(data.dense[size_t(i) * 784] * 10) % 10);  // the first pixel's tenth
    }
    SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);
    for (int e = 0; e < 3; ++e) train_epoch(model, sgd, data, Minibatches(256, 32, 1), e);
    for (std::string name : {"lrp-zplus", "deep-taylor"}) {
        std::unique_ptr<Rule> rule = name == "deep-taylor" ? make_composite("deep-taylor", 0, true, {})
                                                            : std::unique_ptr<Rule>(new ZPlusRule());
        for (int i = 0; i < 5; ++i) {
            Propagation p = propagate(model.net, gather_batch(data, {i}, model.input_shape), {-1}, *rule, true);
            float f = p.logits.values()[size_t(p.targets[0])];
            if (f <= 0) continue;
            INFO(name << ", example " << i);
            for (const TraceStep& t : p.trace) CHECK(t.sum == Approx(f).epsilon(1e-4));
        }
    }
}

TEST_CASE("the LSTM rule of Arras et al. conserves relevance without biases, or with bias factor 1", "[lrp]") {
    Rng rng(13);
    LSTM lstm(3, 4, rng);
    Tensor x = random_tensor({2, 5, 3}, rng, false);
    Tensor R = random_tensor({2, 4}, rng, false);
    auto input = x.detach().set_requires_grad();
    LayerPass pass{0, lstm, input, lstm.forward(input)};
    auto sum_of = [](const Tensor& t, size_t from, size_t to) {
        double s = 0;
        for (size_t k = from; k < to; ++k) s += t.values()[k];
        return s;
    };
    // with biases and bias factor 0, the biases keep a share: the words get something else than R
    double with_biases = sum_of(ZeroRule().propagate(pass, R), 0, 15);
    for (auto& np : lstm.parameters())
        if (np.first.find("bias") != std::string::npos) std::fill(np.second.values().begin(), np.second.values().end(), 0.0f);
    LayerPass bias_free{0, lstm, input, lstm.forward(input)};
    Tensor r = ZeroRule().propagate(bias_free, R);
    CHECK(r.shape() == x.shape());
    for (size_t b = 0; b < 2; ++b)  // every word's relevance, summed, is the relevance of h_T
        CHECK(sum_of(r, b * 15, (b + 1) * 15) == Approx(sum_of(R, b * 4, (b + 1) * 4)).epsilon(1e-4));
    CHECK(with_biases != Approx(sum_of(R, 0, 4)).epsilon(1e-3));
    CHECK_THROWS_WITH(ZPlusRule().propagate(bias_free, R), Catch::Contains("linear rule of Arras"));
}

TEST_CASE("LSTM rule with bias factor 1: the words plus the initial state receive the whole score", "[lrp]") {
    Rng rng(14);
    LSTM lstm(3, 4, rng);  // biases as initialised: non-zero
    lstm.set_lengths_from_padding(true);
    Tensor x = random_tensor({2, 6, 3}, rng, false);
    for (int d = 0; d < 3; ++d) x.values()[size_t((1 * 6 + 5) * 3 + d)] = 0.0f;  // the second sequence: 5 words and padding
    Tensor R = random_tensor({2, 4}, rng, false);
    LstmRelevance r = lstm_relevance(lstm, x, R, 1e-9f, 1.0f);
    for (size_t b = 0; b < 2; ++b) {
        double words = 0, score = 0;
        for (size_t k = b * 18; k < (b + 1) * 18; ++k) words += r.inputs.values()[k];
        for (size_t k = b * 4; k < (b + 1) * 4; ++k) score += R.values()[k];
        CHECK(words + r.initial[b] == Approx(score).epsilon(1e-4));
    }
    for (int d = 0; d < 3; ++d) CHECK(r.inputs.values()[size_t((1 * 6 + 5) * 3 + d)] == 0.0f);  // padding gets none
}

TEST_CASE("w^2 and flat equal their formulas; zB refuses empty bounds", "[lrp]") {
    Rng rng(15);
    Sequential net;
    net.emplace<Linear>(4, 3, rng);
    Tensor x = random_tensor({1, 4}, rng, false);
    const float* w = dynamic_cast<Linear&>(net[0]).weight().data();  // (3, 4)
    for (int c = 0; c < 3; ++c) {
        Explanation w2 = explain(net, x, "lrp-w2", for_class(c)), flat = explain(net, x, "lrp-flat", for_class(c));
        double norm = 0;
        for (int j = 0; j < 4; ++j) norm += double(w[c * 4 + j]) * w[c * 4 + j];
        for (int j = 0; j < 4; ++j) {
            CHECK(w2.relevance.values()[size_t(j)] == Approx(w[c * 4 + j] * w[c * 4 + j] / norm * w2.logit[0]).margin(1e-5));
            CHECK(flat.relevance.values()[size_t(j)] == Approx(flat.logit[0] / 4.0).margin(1e-5));
        }
    }
    CHECK_THROWS_WITH(ZBRule({1.0f, 1.0f}), Catch::Contains("bounds low < high"));
    CHECK_THROWS_WITH(explain(net, x, "lrp-zb", ExplainOptions().set("bounds", "1,1")), Catch::Contains("--bounds takes two numbers"));
}
