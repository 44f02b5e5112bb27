// layers.hpp: the layers of an MLP. Each forward is one op of ops.hpp (whose
// backward is grad-checked); the layer adds its parameters and its record.
#pragma once
#include <string>

#include "nn/init.hpp"
#include "nn/module.hpp"
#include "nn/ops.hpp"
#include "util/random.hpp"

namespace gb {

// y = x W^T + b, W: (out, in), b: (out,), as torch.nn.Linear. The weight is
// drawn by `init` (He-uniform by default: the layers feed ReLUs); the bias
// starts at zero.
class Linear : public Module {
public:
    Linear(int in_features, int out_features, Rng& rng, Init init = Init::HeUniform)
        : in_(in_features), out_(out_features),
          weight_(Shape{out_features, in_features}), bias_(Shape{out_features}) {
        initialize(weight_, init, in_features, out_features, rng);
        weight_.set_requires_grad();
        bias_.set_requires_grad();
    }
    Tensor forward(const Tensor& x) override { return linear(x, weight_, bias_); }
    std::vector<NamedTensor> parameters() override { return {{"weight", weight_}, {"bias", bias_}}; }
    std::string describe() const override { return "Linear " + std::to_string(in_) + " " + std::to_string(out_); }

    int in_features() const { return in_; }
    int out_features() const { return out_; }
    Tensor& weight() { return weight_; }
    Tensor& bias() { return bias_; }

private:
    int in_, out_;
    Tensor weight_, bias_;
};

class ReLU : public Module {
public:
    Tensor forward(const Tensor& x) override { return relu(x); }
    std::string describe() const override { return "ReLU"; }
};

class Tanh : public Module {
public:
    Tensor forward(const Tensor& x) override { return gb::tanh(x); }
    std::string describe() const override { return "Tanh"; }
};

class Sigmoid : public Module {
public:
    Tensor forward(const Tensor& x) override { return sigmoid(x); }
    std::string describe() const override { return "Sigmoid"; }
};

// Inverted dropout [Srivastava et al. 2014]: in training, each value is kept
// with probability 1 - p and scaled by 1 / (1 - p), so that expectations are
// unchanged; at inference it is the identity. The mask comes from the layer's
// own seeded generator.
class Dropout : public Module {
public:
    Dropout(float p, uint64_t seed);
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;
    float p() const { return p_; }

private:
    float p_;
    Rng rng_;
};

// Reshapes (B, d1, d2, ...) to (B, d1 * d2 * ...).
class Flatten : public Module {
public:
    Tensor forward(const Tensor& x) override { return reshape(x, {x.dim(0), -1}); }
    std::string describe() const override { return "Flatten"; }
};

}  // namespace gb
