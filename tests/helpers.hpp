// helpers.hpp: shared test tools: random tensors, the finite-difference
// gradient check, and scratch folders.
#pragma once
#include <stdlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nn/tensor.hpp"
#include "util/random.hpp"

namespace gb::test {

// Uniform in [-1, 1), with |x| >= margin so that kinks (relu at 0) are avoided.
inline Tensor random_tensor(Shape shape, Rng& rng, bool requires_grad = true, float margin = 0.0f) {
    Tensor t(std::move(shape));
    for (float& v : t.values()) {
        do v = rng.uniform(-1.0f, 1.0f); while (std::fabs(v) < margin);
    }
    t.set_requires_grad(requires_grad);
    return t;
}

// True when a and b hold the same floats, bit for bit.
inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// Values -1.25, -1.15, ... (0.1 apart) in random order: no two inputs of a
// max come near a tie, so finite differences never cross a kink.
inline Tensor distinct_tensor(Shape shape, Rng& rng) {
    Tensor t(std::move(shape));
    std::vector<int> order(t.numel());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    rng.shuffle(order);
    for (size_t i = 0; i < order.size(); ++i) t.values()[i] = -1.25f + 0.1f * float(order[i]);
    t.set_requires_grad();
    return t;
}

// Checks d/d(input) of L = sum_k w_k f(inputs)_k, for fixed random weights w,
// against central differences (L(x + h) - L(x - h)) / 2h for every element of
// every input that requires a gradient. L is accumulated in double; the
// tolerance fits float32 values.
inline void check_gradients(const std::function<Tensor(const std::vector<Tensor>&)>& f, std::vector<Tensor> inputs,
                            float h = 1e-2f, double tolerance = 2e-3) {
    Tensor out = f(inputs);
    Rng rng(99);
    std::vector<float> w(out.numel());
    for (float& v : w) v = rng.uniform(-1.0f, 1.0f);
    auto L = [&]() {
        Tensor y = f(inputs);
        double s = 0;
        for (size_t k = 0; k < y.numel(); ++k) s += double(w[k]) * y.values()[k];
        return s;
    };
    for (auto& x : inputs) x.zero_grad();
    out.backward(w);
    for (size_t i = 0; i < inputs.size(); ++i) {
        Tensor& x = inputs[i];
        if (!x.requires_grad()) continue;
        REQUIRE(x.grad().size() == x.numel());
        for (size_t k = 0; k < x.numel(); ++k) {
            float saved = x.values()[k];
            x.values()[k] = saved + h;
            double up = L();
            x.values()[k] = saved - h;
            double down = L();
            x.values()[k] = saved;
            double numeric = (up - down) / (2.0 * h), analytic = x.grad()[k];
            INFO("input " << i << ", element " << k << ": analytic " << analytic << ", numeric " << numeric);
            CHECK(std::fabs(analytic - numeric) <= tolerance * std::max(1.0, std::fabs(numeric)));
        }
    }
}

// A fresh folder under /tmp, removed when the object goes out of scope.
struct TempDir {
    std::string path;
    TempDir() {
        char name[] = "/tmp/glassbox-test-XXXXXX";
        path = mkdtemp(name);
    }
    ~TempDir() {
        std::error_code ignored;  // a destructor must not throw
        std::filesystem::remove_all(path, ignored);
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

}  // namespace gb::test
