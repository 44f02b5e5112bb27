#include "nn/optim.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

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

// The threads share the update of every parameter, thread t taking the t-th
// of its elements in order: an MLP's small layers and biases would otherwise
// be updated on one thread while the other waits, and the t-th part of a
// weight is the rows thread t computed the gradient of (gemm_fast.cpp's
// strips), still in that core's cache. A model of fewer than kUpdateGrain
// elements is updated on one thread. Each element's arithmetic is the same
// wherever the cuts fall.
constexpr size_t kUpdateGrain = 65536;

// update(i, begin, end) for the elements [begin, end) of parameter i, over
// all parameters that have a gradient (no gradient reached the others).
void update_all(const std::vector<Tensor>& params, const std::function<void(size_t, size_t, size_t)>& update) {
    std::vector<size_t> which;
    size_t total = 0;
    for (size_t i = 0; i < params.size(); ++i)
        if (!params[i].grad().empty()) {
            which.push_back(i);
            total += params[i].numel();
        }
    const int pieces = total >= kUpdateGrain ? thread_count() : 1;
    parallel_for(pieces, [&](int t) {
        for (size_t i : which) {
            const size_t n = params[i].numel();
            update(i, n * size_t(t) / size_t(pieces), n * size_t(t + 1) / size_t(pieces));
        }
    });
}

}  // namespace

void SGD::step() {
    std::vector<SgdSettings> settings;
    for (size_t i = 0; i < params_.size(); ++i) {
        settings.push_back({lr_, momentum_, weight_decay_, velocity_[i].empty()});
        if (momentum_ != 0.0f && !params_[i].grad().empty()) velocity_[i].resize(params_[i].numel());
    }
    update_all(params_, [&](size_t i, size_t begin, size_t end) {
        float* v = momentum_ != 0.0f ? velocity_[i].data() : nullptr;
        sgd_update(settings[i], params_[i].data(), params_[i].grad().data(), v, begin, end);
    });
}

Adam::Adam(std::vector<Tensor> params, float lr, float beta1, float beta2, float eps, float weight_decay)
    : Optimizer(std::move(params), lr), beta1_(beta1), beta2_(beta2), eps_(eps), weight_decay_(weight_decay),
      steps_(params_.size(), 0), m_(params_.size()), v_(params_.size()) {}

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

// t counts the steps of each parameter, as torch.optim.Adam does: one that
// no gradient reached is not stepped, and its first step is its own t = 1.
void Adam::step() {
    std::vector<AdamSettings> settings;
    for (size_t i = 0; i < params_.size(); ++i) {
        if (!params_[i].grad().empty()) {
            ++steps_[i];
            m_[i].resize(params_[i].numel(), 0.0f);
            v_[i].resize(params_[i].numel(), 0.0f);
        }
        const float t = float(steps_[i]);
        settings.push_back({lr_, beta1_, beta2_, eps_, weight_decay_, 1.0f - std::pow(beta1_, t), 1.0f - std::pow(beta2_, t)});
    }
    update_all(params_, [&](size_t i, size_t begin, size_t end) {
        adam_update(settings[i], params_[i].data(), params_[i].grad().data(), m_[i].data(), v_[i].data(), begin, end);
    });
}

}  // namespace gb
