#include "nn/optim.hpp"

#include <cmath>

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

void Adam::step() {
    ++t_;
    float c1 = 1.0f - std::pow(beta1_, float(t_)), c2 = 1.0f - std::pow(beta2_, float(t_));
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor& p = params_[i];
        if (p.grad().empty()) continue;
        float* w = p.data();
        const float* grad = p.grad().data();
        m_[i].resize(p.numel(), 0.0f);
        v_[i].resize(p.numel(), 0.0f);
        float *m = m_[i].data(), *v = v_[i].data();
        for (size_t k = 0; k < p.numel(); ++k) {
            float g = grad[k] + weight_decay_ * w[k];
            m[k] = beta1_ * m[k] + (1.0f - beta1_) * g;
            v[k] = beta2_ * v[k] + (1.0f - beta2_) * g * g;
            w[k] -= lr_ * (m[k] / c1) / (std::sqrt(v[k] / c2) + eps_);
        }
    }
}

}  // namespace gb
