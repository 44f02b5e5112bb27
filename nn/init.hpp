// init.hpp: weight initialization, so that activations neither vanish nor
// explode as they pass through many layers.
//
//   He (Kaiming) [He et al. 2015], for ReLU layers:  Var(w) = 2 / fan_in
//   Xavier (Glorot) [Glorot & Bengio 2010]:          Var(w) = 2 / (fan_in + fan_out)
//
// Each as a uniform U(-b, b) with b = sqrt(3 Var) or a normal N(0, Var).
//
//   FanInUniform: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), Var(w) = 1 / (3 fan_in):
//   PyTorch's default for Linear and Conv layers. Smaller than He; the text CNN
//   needs it, because its max over hundreds of positions shifts every feature
//   upwards, and He-scaled weights then start it with saturated softmax outputs.
#pragma once
#include <cmath>

#include "nn/tensor.hpp"
#include "util/random.hpp"

namespace gb {

enum class Init { HeUniform, HeNormal, XavierUniform, XavierNormal, FanInUniform };

inline void initialize(Tensor& w, Init kind, int fan_in, int fan_out, Rng& rng) {
    bool he = kind == Init::HeUniform || kind == Init::HeNormal;
    float var = kind == Init::FanInUniform ? 1.0f / (3.0f * float(fan_in))
                : he                       ? 2.0f / float(fan_in)
                                           : 2.0f / float(fan_in + fan_out);
    bool uniform = kind != Init::HeNormal && kind != Init::XavierNormal;
    float bound = std::sqrt(3.0f * var), stddev = std::sqrt(var);
    for (float& v : w.values()) v = uniform ? rng.uniform(-bound, bound) : stddev * rng.normal();
}

}  // namespace gb
