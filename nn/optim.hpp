// optim.hpp: optimizers. Each step() reads the parameters' gradients and
// updates their values in place, with the update rules of torch.optim (so
// that the same hyper-parameters mean the same thing in both).
#pragma once
#include <cmath>
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

class Optimizer {
public:
    explicit Optimizer(std::vector<Tensor> params, float lr) : params_(std::move(params)), lr_(lr) {}
    virtual ~Optimizer() = default;
    virtual void step() = 0;
    void zero_grad() {
        for (auto& p : params_) p.zero_grad();
    }
    float lr() const { return lr_; }
    void set_lr(float lr) { lr_ = lr; }

protected:
    std::vector<Tensor> params_;
    float lr_;
};

// Stochastic gradient descent with momentum and weight decay (L2):
//   g = grad + weight_decay * w
//   v = momentum * v + g          (v = g at the first step)
//   w = w - lr * v
class SGD : public Optimizer {
public:
    SGD(std::vector<Tensor> params, float lr, float momentum = 0.0f, float weight_decay = 0.0f);
    void step() override;

private:
    float momentum_, weight_decay_;
    std::vector<std::vector<float>> velocity_;
};

// Adam [Kingma & Ba 2015]:
//   g = grad + weight_decay * w
//   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2
//   w = w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
class Adam : public Optimizer {
public:
    Adam(std::vector<Tensor> params, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f,
         float weight_decay = 0.0f);
    void step() override;

private:
    float beta1_, beta2_, eps_, weight_decay_;
    std::vector<long> steps_;  // t of each parameter
    std::vector<std::vector<float>> m_, v_;
};

// Cosine annealing [Loshchilov & Hutter 2017], as torch.optim.lr_scheduler.
// CosineAnnealingLR(T_max = epochs, eta_min = 0) stepped once per epoch:
//   lr(e) = base_lr * (1 + cos(pi * e / epochs)) / 2,   e = 0, 1, ..., epochs - 1
inline float cosine_annealing(float base_lr, int epoch, int epochs) {
    return base_lr * 0.5f * (1.0f + std::cos(3.14159265358979f * float(epoch) / float(epochs)));
}

}  // namespace gb
