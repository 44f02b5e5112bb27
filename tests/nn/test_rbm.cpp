// The Gaussian-Bernoulli RBM: its free energy against the sum over hidden
// states, its gradient against finite differences, CD-k on a toy set, files.
#include <cmath>

#include "helpers.hpp"
#include "nn/npz.hpp"
#include "nn/rbm.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {
Rbm random_rbm(int v, int h, float sigma, uint64_t seed) {
    Rbm rbm(v, h, sigma, seed);
    Rng rng(seed + 10);
    for (float& w : rbm.weight()) w = rng.uniform(-0.5f, 0.5f);
    for (float& b : rbm.visible_bias()) b = rng.uniform(-0.5f, 0.5f);
    for (float& c : rbm.hidden_bias()) c = rng.uniform(-0.5f, 0.5f);
    return rbm;
}
}  // namespace

TEST_CASE("the free energy is -log of the sum of exp(-E) over the hidden states", "[rbm]") {
    // E(x, h) = ||x - b||^2 / (2 sigma^2) - c.h - x^T W^T h / sigma^2, all 2^3 states of h summed by hand
    Rbm rbm = random_rbm(4, 3, 0.7f, 1);
    std::vector<float> x{0.2f, -0.4f, 0.9f, 0.1f};
    double s2 = 0.49, total = 0, quadratic = 0;
    for (int i = 0; i < 4; ++i) quadratic += (x[i] - rbm.visible_bias()[i]) * (x[i] - rbm.visible_bias()[i]);
    for (int state = 0; state < 8; ++state) {
        double energy = quadratic / (2 * s2);
        for (int j = 0; j < 3; ++j) {
            if (!(state >> j & 1)) continue;
            double wx = 0;
            for (int i = 0; i < 4; ++i) wx += rbm.weight()[j * 4 + i] * x[i];
            energy -= rbm.hidden_bias()[j] + wx / s2;
        }
        total += std::exp(-energy);
    }
    CHECK(rbm.free_energy(x.data()) == Approx(-std::log(total)).epsilon(1e-5));
}

TEST_CASE("the free energy's gradient in x matches finite differences", "[rbm]") {
    Rbm rbm = random_rbm(7, 5, 0.5f, 2);
    Rng rng(3);
    std::vector<float> x(7);
    for (float& v : x) v = rng.uniform(0, 1);
    std::vector<float> g(7, 0.0f);
    rbm.free_energy(x.data(), g.data());
    for (int i = 0; i < 7; ++i) {
        auto up = x, down = x;
        up[size_t(i)] += 1e-2f;
        down[size_t(i)] -= 1e-2f;
        double fd = (rbm.free_energy(up.data()) - rbm.free_energy(down.data())) / 2e-2;
        CHECK(g[size_t(i)] == Approx(fd).epsilon(2e-3).margin(2e-3));
    }
}

TEST_CASE("CD-k lowers the reconstruction error on a toy set", "[rbm]") {
    // four binary patterns of 16 pixels, each copied with small noise
    const int n = 64, v = 16;
    std::vector<float> data(size_t(n) * v);
    Rng rng(4);
    for (int r = 0; r < n; ++r)
        for (int i = 0; i < v; ++i) data[size_t(r * v + i)] = float((i / 4) == (r % 4)) + 0.05f * rng.normal();
    for (int k : {1, 3}) {
        Rbm rbm(v, 8, 0.5f, 5);
        double before = rbm.reconstruction_error(data.data(), n);
        Rng gibbs(6);
        for (int epoch = 0; epoch < 300; ++epoch) rbm.contrastive_divergence(data.data(), n, k, 0.01f, 0.5f, gibbs);
        double after = rbm.reconstruction_error(data.data(), n);
        INFO("CD-" << k << ": " << before << " -> " << after);
        CHECK(after < 0.25 * before);
        CHECK(after < 0.02);
        // the data are more probable than noise: F(data) < F(noise)
        std::vector<float> noise(v);
        for (float& a : noise) a = rng.uniform(0, 1);
        CHECK(rbm.free_energy(data.data()) < rbm.free_energy(noise.data()));
    }
}

TEST_CASE("an RBM file round-trips, and other files are refused", "[rbm]") {
    Rbm rbm = random_rbm(5, 3, 0.4f, 7);
    rbm.data = "mnist";
    test::TempDir dir;
    save_rbm(rbm, dir / "rbm.npz");
    Rbm back = load_rbm(dir / "rbm.npz");
    CHECK(back.visible() == 5);
    CHECK(back.hidden() == 3);
    CHECK(back.sigma() == 0.4f);
    CHECK(back.data == "mnist");
    CHECK(back.weight() == rbm.weight());
    std::vector<float> x{0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
    CHECK(back.free_energy(x.data()) == rbm.free_energy(x.data()));
    NpzArchive other;
    other.arrays.push_back({"weight", {3, 5}, std::vector<float>(15, 0.0f)});
    write_npz(dir / "other.npz", other);
    CHECK_THROWS_WITH(load_rbm(dir / "other.npz"), Catch::Contains("not a glassbox RBM"));
}
