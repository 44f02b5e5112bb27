// The propagation mechanism and the gradient family: against autodiff and
// finite differences, against slow literal re-implementations, and the
// identities between methods.
#include "explain/gradient/gradcam.hpp"
#include "explain/explain.hpp"
#include "explain/perturbation/occlusion.hpp"
#include "explain/rules/relu_rules.hpp"
#include "helpers.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

using namespace gb;
using test::random_tensor;

namespace {

// conv 2@6x6 (pad 1) -> ReLU -> max pool 2 -> flatten -> 18 -> 5 -> ReLU -> 3
Sequential small_cnn(Rng& rng) {
    Sequential net;
    net.emplace<Conv2d>(1, 2, 3, rng, 1, 1).emplace<ReLU>().emplace<MaxPool2d>(2, 2).emplace<Flatten>();
    net.emplace<Linear>(18, 5, rng).emplace<ReLU>().emplace<Linear>(5, 3, rng);
    for (auto& np : net.parameters())  // biases too, so that ReLUs switch both ways
        for (float& v : np.second.values()) v = rng.uniform(-1, 1);
    return net;
}

// The gradient of logit c w.r.t. x by one autodiff pass through the whole network.
std::vector<float> autodiff_gradient(Sequential& net, const Tensor& x, int c) {
    Tensor input = x.detach().set_requires_grad();
    Tensor y = net.forward(input);
    std::vector<float> seed(y.numel(), 0.0f);
    for (int b = 0; b < y.dim(0); ++b) seed[size_t(b) * y.dim(1) + size_t(c)] = 1.0f;
    y.backward(seed);
    return input.grad();
}

// ---- the slow, literal deconvnet / guided backprop on small_cnn ----------------
// Every layer written out as the papers' loops, for one example.
std::vector<float> literal_backward(Sequential& net, const std::vector<float>& x, int c, bool guided) {
    auto& conv = dynamic_cast<Conv2d&>(net[0]);
    auto& fc1 = dynamic_cast<Linear&>(net[4]);
    auto& fc2 = dynamic_cast<Linear&>(net[6]);
    // forward, literally: z1 = conv(x), a1 = relu(z1), p = maxpool(a1), z2 = W1 p + b1, a2 = relu(z2)
    std::vector<float> z1(2 * 6 * 6), a1(z1.size()), pooled(18), z2(5), a2(5);
    std::vector<int> argmax(18);
    for (int o = 0; o < 2; ++o)
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) {
                float sum = conv.bias().values()[size_t(o)];
                for (int u = 0; u < 3; ++u)
                    for (int v = 0; v < 3; ++v) {
                        int y = i - 1 + u, xx = j - 1 + v;
                        if (y >= 0 && y < 6 && xx >= 0 && xx < 6)
                            sum += conv.weight().values()[size_t(o * 9 + u * 3 + v)] * x[size_t(y * 6 + xx)];
                    }
                z1[size_t(o * 36 + i * 6 + j)] = sum;
                a1[size_t(o * 36 + i * 6 + j)] = std::max(0.0f, sum);
            }
    for (int o = 0; o < 2; ++o)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
                int best = o * 36 + (2 * i) * 6 + 2 * j;
                for (int u = 0; u < 2; ++u)
                    for (int v = 0; v < 2; ++v) {
                        int at = o * 36 + (2 * i + u) * 6 + 2 * j + v;
                        if (a1[size_t(at)] > a1[size_t(best)]) best = at;
                    }
                argmax[size_t(o * 9 + i * 3 + j)] = best;
                pooled[size_t(o * 9 + i * 3 + j)] = a1[size_t(best)];
            }
    for (int k = 0; k < 5; ++k) {
        z2[size_t(k)] = fc1.bias().values()[size_t(k)];
        for (int j = 0; j < 18; ++j) z2[size_t(k)] += fc1.weight().values()[size_t(k * 18 + j)] * pooled[size_t(j)];
    }
    // backward: the seed one-hot on c; W^T at linear layers; the rule at ReLUs; switches at the pool
    auto relu_rule = [guided](float s, float input) {
        float r = std::max(0.0f, s);               // deconvnet: relu of the signal
        return guided && !(input > 0) ? 0.0f : r;  // guided: and only where the input was positive
    };
    std::vector<float> s2(5), s_pool(18, 0.0f), s1(72, 0.0f), sx(36, 0.0f);
    for (int k = 0; k < 5; ++k) s2[size_t(k)] = relu_rule(fc2.weight().values()[size_t(c * 5 + k)], z2[size_t(k)]);
    for (int j = 0; j < 18; ++j)
        for (int k = 0; k < 5; ++k) s_pool[size_t(j)] += fc1.weight().values()[size_t(k * 18 + j)] * s2[size_t(k)];
    for (int j = 0; j < 18; ++j) s1[size_t(argmax[size_t(j)])] += s_pool[size_t(j)];
    for (size_t k = 0; k < s1.size(); ++k) s1[k] = relu_rule(s1[k], z1[k]);
    for (int o = 0; o < 2; ++o)  // the transposed convolution
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j)
                for (int u = 0; u < 3; ++u)
                    for (int v = 0; v < 3; ++v) {
                        int y = i - 1 + u, xx = j - 1 + v;
                        if (y >= 0 && y < 6 && xx >= 0 && xx < 6)
                            sx[size_t(y * 6 + xx)] +=
                                conv.weight().values()[size_t(o * 9 + u * 3 + v)] * s1[size_t(o * 36 + i * 6 + j)];
                    }
    return sx;
}

}  // namespace

TEST_CASE("the gradient method equals autodiff and finite differences", "[explain]") {
    Rng rng(1);
    Sequential net = small_cnn(rng);
    Tensor x = random_tensor({3, 1, 6, 6}, rng, false);
    Explanation e = explain(net, x, "gradient", for_class(2));
    CHECK(e.targets == std::vector<int>{2, 2, 2});
    for (auto& np : net.parameters()) CHECK(np.second.grad().empty());  // explaining leaves no gradients behind
    CHECK(e.relevance.values() == autodiff_gradient(net, x, 2));
    // finite differences of logit 2 of the first example
    for (size_t k : {0u, 7u, 20u, 35u}) {
        Tensor up = x.detach(), down = x.detach();
        up.values()[k] += 1e-3f;
        down.values()[k] -= 1e-3f;
        net.set_training(false);
        double numeric = (net.forward(up).values()[2] - net.forward(down).values()[2]) / 2e-3;
        CHECK(e.relevance.values()[k] == Approx(numeric).margin(2e-3));
    }
}

TEST_CASE("deconvnet and guided backprop equal their literal definitions", "[explain]") {
    Rng rng(2);
    for (int trial = 0; trial < 5; ++trial) {
        Sequential net = small_cnn(rng);
        Tensor x = random_tensor({1, 1, 6, 6}, rng, false);
        for (int c = 0; c < 3; ++c) {
            for (bool guided : {false, true}) {
                Explanation e = explain(net, x, guided ? "guided-backprop" : "deconvnet", for_class(c));
                std::vector<float> slow = literal_backward(net, x.values(), c, guided);
                for (size_t k = 0; k < slow.size(); ++k) CHECK(e.relevance.values()[k] == Approx(slow[k]).margin(1e-5));
            }
        }
    }
}

TEST_CASE("sensitivity squares the gradient; gradient x input equals Taylor at the zero root without biases",
          "[explain]") {
    Rng rng(3);
    Sequential net;
    net.emplace<Linear>(6, 8, rng).emplace<ReLU>().emplace<Linear>(8, 4, rng).emplace<ReLU>().emplace<Linear>(4, 3, rng);
    for (auto& np : net.parameters())
        if (np.first.find("bias") != std::string::npos) std::fill(np.second.values().begin(), np.second.values().end(), 0.0f);
    Tensor x = random_tensor({4, 6}, rng, false);
    Explanation g = explain(net, x, "gradient"), s = explain(net, x, "sensitivity");
    for (size_t k = 0; k < g.relevance.numel(); ++k) CHECK(s.relevance.values()[k] == Approx(g.relevance.values()[k] * g.relevance.values()[k]));
    Explanation gi = explain(net, x, "gradient-x-input"), t = explain(net, x, "taylor");
    for (size_t k = 0; k < gi.relevance.numel(); ++k) CHECK(t.relevance.values()[k] == Approx(gi.relevance.values()[k]).margin(1e-5));
    // a bias-free ReLU network is positively homogeneous: f(x) = x . grad f(x), so the residual vanishes
    for (size_t b = 0; b < 4; ++b) CHECK(t.diagnostic("taylor_residual", b) == Approx(0.0f).margin(1e-4));
    for (size_t b = 0; b < 4; ++b) {
        double sum = 0;
        for (size_t k = 0; k < 6; ++k) sum += gi.relevance.values()[b * 6 + k];
        CHECK(sum == Approx(gi.logit[b]).margin(1e-4));
    }
}

TEST_CASE("Taylor at a baseline reports its first-order residual", "[explain]") {
    Rng rng(4);
    Sequential net = small_cnn(rng);
    Tensor x = random_tensor({2, 1, 6, 6}, rng, false);
    ExplainOptions at_x;
    at_x.set("baseline", "mean");
    at_x.input.mean = std::vector<float>(x.values().begin(), x.values().begin() + 36);  // the root = the first input
    Explanation t = explain(net, x, "taylor", at_x);
    for (size_t k = 0; k < 36; ++k) CHECK(t.relevance.values()[k] == 0.0f);  // nothing to explain at the root
    CHECK(t.diagnostic("taylor_residual") == Approx(0.0f).margin(1e-5));
    at_x.input.mean = {1.0f, 2.0f};
    CHECK_THROWS_WITH(explain(net, x, "taylor", at_x), Catch::Contains("the baseline has 2 values"));
}

TEST_CASE("the trace records the signal at every layer; filters split it", "[explain]") {
    Rng rng(5);
    Sequential net = small_cnn(rng);
    Tensor x = random_tensor({1, 1, 6, 6}, rng, false);
    GradientRule gradient;
    Propagation p = propagate(net, x, {1}, gradient, true);
    REQUIRE(p.trace.size() == net.size() + 1);
    CHECK(p.trace.front().layer == "output");
    CHECK(p.trace.front().sum == Approx(1.0));
    CHECK(p.trace.back().layer == "input");
    CHECK(p.trace.back().signal == p.signal.values());
    for (const TraceStep& t : p.trace) CHECK(t.positive + t.negative == Approx(t.sum));
    // The gradient is linear in the seed: what flows through units {0, 1} of the
    // hidden layer plus what flows through {2, 3, 4} is the whole.
    Filter first{5, {0, 1}}, rest{5, {2, 3, 4}};
    Propagation a = propagate(net, x, {1}, gradient, false, &first), b = propagate(net, x, {1}, gradient, false, &rest);
    for (size_t k = 0; k < 36; ++k)
        CHECK(a.signal.values()[k] + b.signal.values()[k] == Approx(p.signal.values()[k]).margin(1e-6));
    Filter bad{5, {7}}, nowhere{9, {0}};
    CHECK_THROWS_WITH(propagate(net, x, {1}, gradient, false, &bad), Catch::Contains("has units 0-4, not 7"));
    CHECK_THROWS_WITH(propagate(net, x, {1}, gradient, false, &nowhere), Catch::Contains("no layer 9"));
    // feature maps: keeping both maps of the convolution's output (layer 0) keeps everything
    Filter maps{0, {0, 1}};
    CHECK(propagate(net, x, {1}, gradient, false, &maps).signal.values() == p.signal.values());
}

TEST_CASE("text models are explained per word; bad requests name the problem", "[explain]") {
    Rng rng(6);
    Sequential text;
    text.emplace<Embedding>(7, 4, 0, rng).emplace<Transpose>(1, 2).emplace<Conv1d>(4, 3, 1, rng);
    text.emplace<ReLU>().emplace<MaxOverTime>().emplace<Linear>(3, 2, rng);
    Tensor ids(Shape{1, 5}, {3, 1, 6, 0, 0});
    Explanation e = explain(text, ids, "gradient-x-input");
    CHECK(e.relevance.shape() == Shape{1, 5});
    CHECK(e.relevance.values()[3] == 0.0f);  // padding embeds to zero: no relevance
    CHECK_THROWS_WITH(explain(text, ids, "taylor"), Catch::Contains("this model reads word sequences"));

    Sequential tanh_net;
    tanh_net.emplace<Linear>(3, 3, rng).emplace<Tanh>().emplace<Linear>(3, 2, rng);
    Tensor x = random_tensor({1, 3}, rng, false);
    CHECK_THROWS_WITH(explain(tanh_net, x, "deconvnet"), Catch::Contains("deconvnet does not apply to layer 'Tanh'"));
    CHECK_THROWS_WITH(propagate(tanh_net, x, {0}, DeconvnetRule()), Catch::Contains("deconvnet does not apply to layer 'Tanh'"));
    CHECK_THROWS_WITH(explain(tanh_net, x, "lrp-epsilon", ExplainOptions().set("epsilon", "-1")),
                      Catch::Contains("--epsilon takes a number from 0 to 1000000, got '-1'"));
    CHECK_THROWS_WITH(explain(tanh_net, x, "smoothgrad", [] { ExplainOptions o; o.trace = true; return o; }()),
                      Catch::Contains("smoothgrad makes none"));
    CHECK_THROWS_WITH(explain(tanh_net, x, "gradient", for_class(5)), Catch::Contains("target class 5 does not exist"));
    CHECK_THROWS_WITH(explain(tanh_net, x, "magic"), Catch::Contains("unknown explanation method 'magic'"));
}

TEST_CASE("SmoothGrad with one noiseless sample is the gradient; the seed fixes the noise", "[explain]") {
    Rng rng(7);
    Sequential net = small_cnn(rng);
    Tensor x = random_tensor({2, 1, 6, 6}, rng, false);
    ExplainOptions one;
    one.set("samples", 1).set("noise", 0.0);
    CHECK(explain(net, x, "smoothgrad", one).relevance.values() == explain(net, x, "gradient").relevance.values());
    ExplainOptions noisy;
    noisy.set("samples", 5);
    Tensor a = explain(net, x, "smoothgrad", noisy).relevance, b = explain(net, x, "smoothgrad", noisy).relevance;
    CHECK(a.values() == b.values());
    noisy.set("seed", 2);
    CHECK(explain(net, x, "smoothgrad", noisy).relevance.values() != a.values());
}

TEST_CASE("integrated gradients: the completeness gap shrinks as the steps grow", "[explain]") {
    Rng rng(8);
    Sequential net = small_cnn(rng);
    Tensor x = random_tensor({1, 1, 6, 6}, rng, false);
    std::vector<double> gaps;
    for (int steps : {2, 16, 256}) {
        ExplainOptions o;
        o.set("samples", steps);
        gaps.push_back(std::fabs(explain(net, x, "integrated-gradients", o).diagnostic("completeness_gap")));
    }
    INFO("gaps " << gaps[0] << " " << gaps[1] << " " << gaps[2]);
    CHECK(gaps[2] < gaps[0]);
    CHECK(gaps[2] < 0.01);
}

TEST_CASE("occlusion of single pixels of a linear model gives w_i x_i", "[explain]") {
    Rng rng(9);
    Sequential net;
    net.emplace<Flatten>().emplace<Linear>(16, 2, rng);
    auto& fc = dynamic_cast<Linear&>(net[1]);
    std::fill(fc.bias().values().begin(), fc.bias().values().end(), 0.0f);
    Tensor x = random_tensor({1, 1, 4, 4}, rng, false);
    ExplainOptions o;
    o.targets = {1};
    o.set("patch", 1).set("stride", 1);
    Explanation e = explain(net, x, "occlusion", o);
    for (size_t i = 0; i < 16; ++i)
        CHECK(e.relevance.values()[i] == Approx(fc.weight().values()[16 + i] * x.values()[i]).margin(1e-6));
    o.set("patch", 5);
    CHECK_THROWS_WITH(explain(net, x, "occlusion", o), Catch::Contains("does not fit"));
    // through a scorer, occlusion explains any model: here the same linear map, written out
    Scorer linear_model = [&](const Tensor& batch) {
        Tensor scores(Shape{batch.dim(0), 2});
        for (int b = 0; b < batch.dim(0); ++b)
            for (size_t c = 0; c < 2; ++c)
                for (size_t i = 0; i < 16; ++i)
                    scores.values()[size_t(b) * 2 + c] += fc.weight().values()[c * 16 + i] * batch.values()[size_t(b) * 16 + i];
        return scores;
    };
    Tensor by_scorer = occlusion(linear_model, x, {1}, 4, 4, 1, 1, 1);
    for (size_t i = 0; i < 16; ++i) CHECK(by_scorer.values()[i] == Approx(e.relevance.values()[i]).margin(1e-6));
}

TEST_CASE("Grad-CAM weighs the last convolution's maps by their mean gradient", "[explain]") {
    Rng rng(10);
    Sequential net = small_cnn(rng);  // the maps: after layer 1 (ReLU), (2, 6, 6)
    Tensor x = random_tensor({1, 1, 6, 6}, rng, false);
    // the definition, by autodiff through the part of the network after the maps
    net.set_training(false);
    Tensor A = net[1].forward(net[0].forward(x)).detach().set_requires_grad();
    Tensor h = A;
    for (size_t i = 2; i < net.size(); ++i) h = net[i].forward(h);
    std::vector<float> seed(3, 0.0f);
    seed[2] = 1.0f;
    h.backward(seed);
    std::vector<float> expected(36, 0.0f);
    for (int k = 0; k < 2; ++k) {
        double alpha = 0;
        for (int i = 0; i < 36; ++i) alpha += A.grad()[size_t(k * 36 + i)] / 36.0;
        for (int i = 0; i < 36; ++i) expected[size_t(i)] += float(alpha) * A.values()[size_t(k * 36 + i)];
    }
    for (float& v : expected) v = std::max(0.0f, v);
    Tensor map = gradcam_map(net, x, {2});
    for (size_t i = 0; i < 36; ++i) CHECK(map.values()[i] == Approx(expected[i]).margin(1e-5));
    CHECK(explain(net, x, "gradcam", for_class(2)).relevance.values() == map.values());  // same size: no resampling

    Tensor half(Shape{1, 2, 2}, {0, 1, 2, 3});  // bilinear, sampling at pixel centres
    Tensor up = upsample_bilinear(half, 4, 4);
    CHECK(up.values()[0] == 0.0f);
    CHECK(up.values()[1] == Approx(0.25f));
    CHECK(up.values()[15] == 3.0f);

    Sequential mlp;
    mlp.emplace<Linear>(4, 2, rng);
    CHECK_THROWS_WITH(explain(mlp, random_tensor({1, 4}, rng, false), "gradcam"), Catch::Contains("explains images"));
    ExplainOptions image_4x1;
    image_4x1.input.height = 4, image_4x1.input.width = 1;
    CHECK_THROWS_WITH(explain(mlp, random_tensor({1, 4}, rng, false), "gradcam", image_4x1), Catch::Contains("has none"));
}

TEST_CASE("Taylor with a root searched along the gradient is exact for a linear model", "[explain]") {
    Rng rng(11);
    Sequential net;
    net.emplace<Linear>(5, 2, rng);
    Tensor x = random_tensor({3, 5}, rng, false);
    ExplainOptions o;
    o.targets = {0};
    o.set("baseline", "search");
    Explanation e = explain(net, x, "taylor", o);
    for (size_t b = 0; b < 3; ++b) {
        if (e.logit[b] <= 0) continue;  // already below the root: explained from x itself
        double sum = 0;
        for (size_t k = 0; k < 5; ++k) sum += e.relevance.values()[b * 5 + k];
        CHECK(sum == Approx(e.logit[b]).margin(1e-4));  // f(x~) = 0 and f is linear: R sums to f(x)
        CHECK(e.diagnostic("taylor_residual", b) == Approx(0.0f).margin(1e-4));
    }
}

TEST_CASE("on text, SmoothGrad and integrated gradients work on the embeddings, occlusion on the words", "[explain]") {
    Rng rng(12);
    Sequential text;
    text.emplace<Embedding>(9, 4, 0, rng).emplace<Transpose>(1, 2).emplace<Conv1d>(4, 3, 2, rng);
    text.emplace<ReLU>().emplace<MaxOverTime>().emplace<Linear>(3, 2, rng);
    Tensor ids(Shape{1, 6}, {3, 1, 6, 8, 0, 0});
    ExplainOptions one = for_class(1);
    one.set("samples", 1).set("noise", 0.0);
    CHECK(explain(text, ids, "smoothgrad", one).relevance.values() ==
          explain(text, ids, "gradient", for_class(1)).relevance.values());
    ExplainOptions steps;
    steps.targets = {1};
    steps.set("samples", 256);
    Explanation ig = explain(text, ids, "integrated-gradients", steps);
    CHECK(ig.relevance.shape() == Shape{1, 6});
    CHECK(std::fabs(ig.diagnostic("completeness_gap")) < 0.01);
    ExplainOptions words;
    words.targets = {1};
    words.set("patch", 1);
    Explanation occ = explain(text, ids, "occlusion", words);
    text.set_training(false);
    float f = text.forward(ids).values()[1];
    for (int t = 0; t < 6; ++t) {  // each word's drop, computed directly
        Tensor blanked = ids.detach();
        blanked.values()[size_t(t)] = 0.0f;
        CHECK(occ.relevance.values()[size_t(t)] == Approx(f - text.forward(blanked).values()[1]).margin(1e-5));
    }
}

TEST_CASE("the saliency map is the gradient's largest magnitude over the channels", "[explain]") {
    Rng rng(13);
    Sequential net;
    net.emplace<Conv2d>(2, 2, 3, rng, 1, 1).emplace<ReLU>().emplace<Flatten>().emplace<Linear>(2 * 4 * 4, 3, rng);
    Tensor x = random_tensor({2, 2, 4, 4}, rng, false);
    Tensor g = explain(net, x, "gradient", for_class(1)).relevance, s = explain(net, x, "saliency", for_class(1)).relevance;
    for (size_t b = 0; b < 2; ++b)
        for (size_t i = 0; i < 16; ++i) {
            float want = std::max(std::fabs(g.values()[b * 32 + i]), std::fabs(g.values()[b * 32 + 16 + i]));
            CHECK(s.values()[b * 32 + i] == want);
            CHECK(s.values()[b * 32 + 16 + i] == want);
        }
}
