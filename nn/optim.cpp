#include "nn/optim.hpp"

#include <cmath>

#include "nn/parallel.hpp"

namespace gb {

SGD::SGD(std::vector<Tensor> params, float lr, float momentum, float weight_decay)
    : Optimizer(std::move(params), lr), momentum_(momentum), weight_decay_(weight_decay), velocity_(params_.size()) {}

namespace {

struct SgdSettings {
    float lr, momentum, weight_decay;
    bool first;  // the first step with momentum: v = g
};

// Elements [begin, end) of one parameter, in one pass: the velocity and the
// weight of an element are updated together, while both are in registers,
// rather than in two loops that each stream the whole tensor through memory.
// v is null without momentum.
void sgd_update(const SgdSettings& settings, float* __restrict w, const float* __restrict grad, float* __restrict v,
                size_t begin, size_t end) {
    const SgdSettings s = settings;  // a local copy: w cannot alias it
    if (!v) {
        for (size_t k = begin; k < end; ++k) w[k] -= s.lr * (grad[k] + s.weight_decay * w[k]);
    } else if (s.first) {
        for (size_t k = begin; k < end; ++k) {
            v[k] = grad[k] + s.weight_decay * w[k];
            w[k] -= s.lr * v[k];
        }
    } else {
        for (size_t k = begin; k < end; ++k) {
            v[k] = s.momentum * v[k] + grad[k] + s.weight_decay * w[k];
            w[k] -= s.lr * v[k];
        }
    }
}

// Large parameters (the bag-of-words MLP's first layer has millions of
// elements) are cut into pieces of at least this many elements for the
// threads; each element's arithmetic is the same wherever the cuts fall.
constexpr size_t kUpdateGrain = 65536;

}  // namespace

void SGD::step() {
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor& p = params_[i];
        if (p.grad().empty()) continue;  // no gradient reached this parameter
        std::vector<float>& velocity = velocity_[i];
        const SgdSettings s{lr_, momentum_, weight_decay_, velocity.empty()};
        if (momentum_ != 0.0f) velocity.resize(p.numel());
        float* w = p.data();
        const float* grad = p.grad().data();
        float* v = momentum_ != 0.0f ? velocity.data() : nullptr;
        parallel_ranges(p.numel(), kUpdateGrain, [&](size_t begin, size_t end) { sgd_update(s, w, grad, v, begin, end); });
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
        parallel_ranges(p.numel(), kUpdateGrain, [&](size_t begin, size_t end) { adam_update(a, w, grad, m, v, begin, end); });
    }
}

}  // namespace gb
