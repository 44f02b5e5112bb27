// Activation maximization and inversion: closed forms of the ascent on linear
// scores, the projection, seeds, the expert, generator and local terms, total
// variation against finite differences, inversion of a linear layer, refusals.
#include <cmath>

#include "explain/synthesis/activation_maximization.hpp"
#include "explain/synthesis/prototypes.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// f(x) = w.x + b: one Linear layer with one output.
Sequential linear_score(const std::vector<float>& w, float b) {
    Rng rng(0);
    Sequential net;
    net.emplace<Linear>(int(w.size()), 1, rng);
    auto& layer = dynamic_cast<Linear&>(net[0]);
    layer.weight().values() = w;
    layer.bias().values() = {b};
    return net;
}

SynthesisOptions logit_ascent(float lambda, float lr, int steps) {
    SynthesisOptions o;
    o.score = SynthesisScore::Logit;
    o.lambda = lambda;
    o.lr = lr;
    o.steps = steps;
    o.lo = 1;  // lo > hi: no projection
    o.hi = 0;
    return o;
}

}  // namespace

TEST_CASE("ascent on a linear score follows its closed form", "[synthesis]") {
    // J(x) = w.x + b - lambda ||x||^2, x_{t+1} = x_t + eta (w - 2 lambda x_t), x_0 = 0:
    //   x_t = (1 - (1 - 2 lambda eta)^t) w / (2 lambda)
    std::vector<float> w{0.5f, -1.0f, 2.0f, 0.25f, -0.75f};
    Sequential net = linear_score(w, 0.3f);
    const float lambda = 0.1f, eta = 0.2f;
    for (int t : {1, 2, 7, 40}) {
        Prototype p = synthesize(net, {5}, logit_ascent(lambda, eta, t));
        double factor = (1 - std::pow(1 - 2 * lambda * eta, t)) / (2 * lambda);
        for (size_t i = 0; i < w.size(); ++i) CHECK(p.input[i] == Approx(factor * w[i]).margin(1e-5));
        double norm2 = 0, dot = 0;
        for (size_t i = 0; i < w.size(); ++i) norm2 += factor * factor * w[i] * w[i], dot += factor * w[i] * w[i];
        CHECK(p.logit == Approx(dot + 0.3).margin(1e-4));
        CHECK(p.objective == Approx(dot + 0.3 - lambda * norm2).margin(1e-4));
    }
    SynthesisOptions o = logit_ascent(lambda, eta, 10);
    o.trace = true;
    Prototype traced = synthesize(net, {5}, o);
    REQUIRE(traced.trace.size() == 11);
    for (size_t k = 1; k < traced.trace.size(); ++k) CHECK(traced.trace[k].objective > traced.trace[k - 1].objective);
    CHECK(traced.trace[0].norm == 0.0);
}

TEST_CASE("the projection keeps the input in its range", "[synthesis]") {
    Sequential net = linear_score({3.0f, -3.0f, 0.01f}, 0.0f);
    SynthesisOptions o = logit_ascent(0.0f, 1.0f, 5);
    o.lo = 0;
    o.hi = 1;
    Prototype p = synthesize(net, {3}, o);
    CHECK(p.input[0] == 1.0f);  // pushed up, stopped at hi
    CHECK(p.input[1] == 0.0f);  // pushed down, stopped at lo
    CHECK(p.input[2] == Approx(0.05f));
}

TEST_CASE("the same seed gives the same prototype; another seed another", "[synthesis]") {
    Rng rng(3);
    Sequential net;
    net.emplace<Linear>(12, 8, rng).emplace<ReLU>().emplace<Linear>(8, 3, rng);
    SynthesisOptions o;
    o.start = SynthesisStart::Noise;
    o.noise = 0.3f;
    o.steps = 20;
    o.unit = 2;
    o.seed = 5;
    Prototype a = synthesize(net, {12}, o), b = synthesize(net, {12}, o);
    CHECK(a.input == b.input);
    o.seed = 6;
    Prototype c = synthesize(net, {12}, o);
    CHECK(a.input != c.input);
    auto several = synthesize_several(net, {12}, o, 3);
    REQUIRE(several.size() == 3);
    CHECK(several[0].input == c.input);
    CHECK(several[1].input != several[2].input);
}

TEST_CASE("log-probability ascent raises the class probability", "[synthesis]") {
    Rng rng(4);
    Sequential net;
    net.emplace<Linear>(10, 16, rng).emplace<ReLU>().emplace<Linear>(16, 4, rng);
    SynthesisOptions o;
    o.unit = 1;
    o.steps = 100;
    o.lr = 0.5f;
    o.start = SynthesisStart::Mean;
    o.mean = std::vector<float>(10, 0.5f);
    o.trace = true;
    Prototype p = synthesize(net, {10}, o);
    CHECK(p.trace.back().probability > p.trace.front().probability);
    CHECK(p.probability == Approx(p.trace.back().probability));
    CHECK(p.score == Approx(std::log(p.probability)).margin(1e-4));
}

TEST_CASE("the expert, local and generator terms reach their closed-form optima", "[synthesis]") {
    std::vector<float> w{1.0f, -2.0f, 0.5f};
    SECTION("expert: log p(x) = -||x - m||^2 / 2 with a flat score gives x* = m") {
        Sequential net = linear_score({0, 0, 0}, 0.0f);
        SynthesisOptions o = logit_ascent(0.0f, 0.5f, 60);
        std::vector<float> m{0.2f, 0.7f, -0.4f};
        o.expert = [&](const std::vector<float>& x, std::vector<float>* g) {
            double lp = 0;
            for (size_t i = 0; i < x.size(); ++i) lp -= 0.5 * (x[i] - m[i]) * (x[i] - m[i]), (*g)[i] -= x[i] - m[i];
            return lp;
        };
        Prototype p = synthesize(net, {3}, o);
        for (size_t i = 0; i < 3; ++i) CHECK(p.input[i] == Approx(m[i]).margin(1e-5));
    }
    SECTION("local: w.x - eta ||x - x0||^2 gives x* = x0 + w / (2 eta)") {
        Sequential net = linear_score(w, 0.0f);
        SynthesisOptions o = logit_ascent(0.0f, 0.5f, 100);
        o.eta = 0.5f;
        o.anchor = {0.1f, 0.2f, 0.3f};
        Prototype p = synthesize(net, {3}, o);
        for (size_t i = 0; i < 3; ++i) CHECK(p.input[i] == Approx(o.anchor[i] + w[i] / (2 * o.eta)).margin(1e-4));
    }
    SECTION("generator: w.(A z + c) - lambda ||z||^2 gives z* = A^T w / (2 lambda), x* = A z* + c") {
        Sequential net = linear_score(w, 0.0f);
        Rng rng(1);
        Sequential g;
        g.emplace<Linear>(2, 3, rng);
        auto& gl = dynamic_cast<Linear&>(g[0]);
        gl.weight().values() = {1, 0, 0, 1, 1, -1};  // A: (3, 2)
        gl.bias().values() = {0.5f, 0, -0.5f};
        SynthesisOptions o = logit_ascent(0.5f, 0.2f, 200);
        o.generator = &g;
        o.code_size = 2;
        Prototype p = synthesize(net, {3}, o);
        float z0 = (w[0] * 1 + w[2] * 1) / 1.0f, z1 = (w[1] * 1 - w[2]) / 1.0f;  // A^T w / (2 * 0.5)
        REQUIRE(p.code.size() == 2);
        CHECK(p.code[0] == Approx(z0).margin(1e-4));
        CHECK(p.code[1] == Approx(z1).margin(1e-4));
        CHECK(p.input[0] == Approx(z0 + 0.5f).margin(1e-4));
        CHECK(p.input[2] == Approx(z0 - z1 - 0.5f).margin(1e-4));
    }
}

TEST_CASE("total variation and its gradient", "[synthesis]") {
    std::vector<float> flat(12, 0.4f);
    CHECK(total_variation(flat, 3, 4, nullptr) == 0.0);
    // one plane [[0, 1], [3, 5]]: (1-0)^2 + (5-3)^2 + (3-0)^2 + (5-1)^2 = 30
    CHECK(total_variation({0, 1, 3, 5}, 2, 2, nullptr) == Approx(30));
    Rng rng(2);
    std::vector<float> x(2 * 3 * 4);
    for (float& v : x) v = rng.uniform(-1, 1);
    std::vector<float> g(x.size(), 0.0f);
    total_variation(x, 3, 4, &g);
    for (size_t i = 0; i < x.size(); ++i) {
        auto up = x, down = x;
        up[i] += 1e-2f;
        down[i] -= 1e-2f;
        double fd = (total_variation(up, 3, 4, nullptr) - total_variation(down, 3, 4, nullptr)) / 2e-2;
        CHECK(g[i] == Approx(fd).margin(2e-3));
    }
    CHECK_THROWS_AS(total_variation(x, 5, 5, nullptr), Error);
}

TEST_CASE("inverting a linear layer with more units than inputs recovers the input", "[synthesis]") {
    // phi(x) = W x + b with W (24, 6) of full column rank: ||phi(x) - phi(x0)||^2 has its one minimum at x0.
    Rng rng(8);
    Sequential net;
    net.emplace<Linear>(6, 24, rng).emplace<ReLU>().emplace<Linear>(24, 2, rng);
    std::vector<float> x0{0.9f, 0.1f, 0.5f, 0.3f, 0.7f, 0.2f};
    SynthesisOptions o;
    o.score = SynthesisScore::Representation;
    o.layer = 0;
    o.target = layer_output(net, {6}, x0, 0);
    o.lambda = 0;
    o.steps = 3000;
    o.lo = 1;
    o.hi = 0;
    double t2 = 0, w2 = 0;
    for (float v : o.target) t2 += double(v) * v;
    for (float v : dynamic_cast<Linear&>(net[0]).weight().values()) w2 += double(v) * v;
    o.lr = float(0.5 * t2 / w2);  // below 1 / the largest eigenvalue of the Hessian 2 W^T W / ||phi0||^2
    Prototype p = synthesize(net, {6}, o);
    for (size_t i = 0; i < x0.size(); ++i) CHECK(p.input[i] == Approx(x0[i]).margin(1e-3));
    CHECK(p.score > -1e-6);
}

TEST_CASE("synthesis refuses layers, units and generators that do not fit", "[synthesis]") {
    Rng rng(1);
    Sequential net;
    net.emplace<Linear>(4, 3, rng).emplace<ReLU>().emplace<Linear>(3, 2, rng);
    SynthesisOptions o;
    o.steps = 2;
    o.unit = 2;
    CHECK_THROWS_WITH(synthesize(net, {4}, o), Catch::Contains("class 2 does not exist"));
    o.unit = 0;
    o.score = SynthesisScore::Unit;
    o.layer = 3;
    CHECK_THROWS_WITH(synthesize(net, {4}, o), Catch::Contains("layer 3 does not exist"));
    o.layer = 1;
    o.unit = 3;
    CHECK_THROWS_WITH(synthesize(net, {4}, o), Catch::Contains("unit 3 does not exist"));
    o.unit = 2;
    CHECK_NOTHROW(synthesize(net, {4}, o));
    Sequential g;
    g.emplace<Linear>(2, 5, rng);
    o.generator = &g;
    o.code_size = 2;
    CHECK_THROWS_WITH(synthesize(net, {4}, o), Catch::Contains("generator makes inputs of 5 values"));
}

TEST_CASE("the RBM as an expert, the variants' names and the nearest example", "[synthesis]") {
    Rbm rbm(4, 3, 0.5f, 2);
    for (float& w : rbm.weight()) w *= 30;
    LogDensity log_p = rbm_log_density(rbm);
    std::vector<float> x{0.1f, 0.9f, 0.4f, 0.6f}, g(4, 0.0f), dF(4, 0.0f);
    CHECK(log_p(x, &g) == Approx(-rbm.free_energy(x.data())));
    rbm.free_energy(x.data(), dF.data());
    for (size_t i = 0; i < 4; ++i) CHECK(g[i] == Approx(-dF[i]));
    CHECK_THROWS_WITH(log_p({0.1f, 0.2f}, &g), Catch::Contains("the expert has 4 visible units"));
    for (const char* name : {"am", "am-expert", "am-generator"}) CHECK(variant_name(variant_named(name)) == name);
    CHECK_THROWS_WITH(variant_named("deepdream"), Catch::Contains("choose am, am-expert or am-generator"));
    // examples (0, 0), (3, 4), (1, 1): the nearest to (2.5, 3) is the second, at distance sqrt(0.25 + 1)
    auto [index, d] = nearest_example({0, 0, 3, 4, 1, 1}, 2, {2.5f, 3.0f});
    CHECK(index == 1);
    CHECK(d == Approx(std::sqrt(1.25)));
}
