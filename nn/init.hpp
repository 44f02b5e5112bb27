// init.hpp: weight initialization, so that activations neither vanish nor
// explode as they pass through many layers.
//
//   He (Kaiming) [He et al. 2015], for ReLU layers:  Var(w) = 2 / fan_in
//   Xavier (Glorot) [Glorot & Bengio 2010]:          Var(w) = 2 / (fan_in + fan_out)
//
// Each as a uniform U(-b, b) with b = sqrt(3 Var) or a normal N(0, Var).
#pragma once
#include <cmath>

#include "nn/tensor.hpp"
#include "util/random.hpp"

namespace gb {

enum class Init { HeUniform, HeNormal, XavierUniform, XavierNormal };

inline void initialize(Tensor& w, Init kind, int fan_in, int fan_out, Rng& rng) {
    bool he = kind == Init::HeUniform || kind == Init::HeNormal;
    float var = he ? 2.0f / float(fan_in) : 2.0f / float(fan_in + fan_out);
    bool uniform = kind == Init::HeUniform || kind == Init::XavierUniform;
    float bound = std::sqrt(3.0f * var), stddev = std::sqrt(var);
    for (float& v : w.values()) v = uniform ? rng.uniform(-bound, bound) : stddev * rng.normal();
}

}  // namespace gb
