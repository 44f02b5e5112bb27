#include "nn/optim.hpp"

#include <cmath>

#include "nn/parallel.hpp"

namespace gb {

SGD::SGD(std::vector<Tensor> params, float lr, float momentum, float weight_decay)
    : Optimizer(std::move(params), lr), momentum_(momentum), weight_decay_(weight_decay), velocity_(params_.size()) {}

// One pass over each parameter: the velocity and the weight of an element
// are updated together, while both are in registers, rather than in two
// loops that each stream the whole tensor through memory. The arithmetic of
// each element is the same.
void SGD::step() {
    const float lr = lr_, momentum = momentum_, weight_decay = weight_decay_;  // locals: w cannot alias them
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor& p = params_[i];
        if (p.grad().empty()) continue;  // no gradient reached this parameter
        float* __restrict w = p.data();
        const float* __restrict grad = p.grad().data();
        size_t n = p.numel();
        if (momentum == 0.0f) {
            for (size_t k = 0; k < n; ++k) w[k] -= lr * (grad[k] + weight_decay * w[k]);
            continue;
        }
        std::vector<float>& velocity = velocity_[i];
        const bool first = velocity.empty();  // the first step: v = g
        if (first) velocity.resize(n);
        float* __restrict v = velocity.data();
        if (first) {
            for (size_t k = 0; k < n; ++k) {
                v[k] = grad[k] + weight_decay * w[k];
                w[k] -= lr * v[k];
            }
        } else {
            for (size_t k = 0; k < n; ++k) {
                v[k] = momentum * v[k] + grad[k] + weight_decay * w[k];
                w[k] -= lr * v[k];
            }
        }
    }
}

Adam::Adam(std::vector<Tensor> params, float lr, float beta1, float beta2, float eps, float weight_decay)
    : Optimizer(std::move(params), lr), beta1_(beta1), beta2_(beta2), eps_(eps), weight_decay_(weight_decay),
      m_(params_.size()), v_(params_.size()) {}

namespace {

struct AdamSettings {
    float lr, beta1, beta2, eps, weight_decay, c1, c2;
};

// Elements [begin, end) of one parameter; the arguments cannot alias each
// other or the settings, and this file is compiled without errno for
// std::sqrt (Makefile), so the loop is vectorised.
void adam_update(const AdamSettings& a, float* __restrict w, const float* __restrict grad, float* __restrict m,
                 float* __restrict v, size_t begin, size_t end) {
    const AdamSettings s = a;
    for (size_t k = begin; k < end; ++k) {
        float g = grad[k] + s.weight_decay * w[k];
        m[k] = s.beta1 * m[k] + (1.0f - s.beta1) * g;
        v[k] = s.beta2 * v[k] + (1.0f - s.beta2) * g * g;
        w[k] -= s.lr * (m[k] / s.c1) / (std::sqrt(v[k] / s.c2) + s.eps);
    }
}

}  // namespace

// Element by element, so a large parameter (the bag-of-words MLP's first
// layer, millions of weights) is cut into pieces for the threads; each
// element's arithmetic is the same wherever the cuts fall.
void Adam::step() {
    ++t_;
    const AdamSettings a{lr_, beta1_, beta2_, eps_, weight_decay_, 1.0f - std::pow(beta1_, float(t_)),
                         1.0f - std::pow(beta2_, float(t_))};
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor& p = params_[i];
        if (p.grad().empty()) continue;
        m_[i].resize(p.numel(), 0.0f);
        v_[i].resize(p.numel(), 0.0f);
        float* w = p.data();
        const float* grad = p.grad().data();
        float *m = m_[i].data(), *v = v_[i].data();
        parallel_ranges(p.numel(), 65536, [&](size_t begin, size_t end) { adam_update(a, w, grad, m, v, begin, end); });
    }
}

}  // namespace gb
