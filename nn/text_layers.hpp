// text_layers.hpp: the layers of a text CNN (Arras et al. 2017; Kim 2014):
// word embeddings, a convolution over consecutive words, max-over-time pooling.
//
// A text model's input tensor holds word ids (whole numbers stored as
// floats), shape (B, T); the Embedding layer turns them into vectors.
#pragma once
#include <string>
#include <typeinfo>
#include <vector>

#include "nn/conv.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/module.hpp"
#include "nn/ops.hpp"
#include "nn/pool.hpp"

namespace gb {

// torch.nn.Embedding: weight (V, E) drawn from N(0, 1); the row padding_idx
// starts at zero and is never updated.
class Embedding : public Module {
public:
    Embedding(int vocabulary, int dim, int padding_idx, Rng& rng)
        : v_(vocabulary), e_(dim), padding_idx_(padding_idx), weight_(Shape{vocabulary, dim}) {
        for (float& w : weight_.values()) w = rng.normal();
        if (padding_idx >= 0 && padding_idx < vocabulary)
            std::fill_n(weight_.data() + size_t(padding_idx) * dim, dim, 0.0f);
        weight_.set_requires_grad();
    }
    // ids (B, T) -> (B, T, E)
    Tensor forward(const Tensor& ids) override { return embedding(weight_, ids, padding_idx_); }
    std::vector<NamedTensor> parameters() override { return {{"weight", weight_}}; }
    std::string describe() const override {
        return "Embedding " + std::to_string(v_) + " " + std::to_string(e_) + " " + std::to_string(padding_idx_);
    }
    int vocabulary() const { return v_; }
    Tensor& weight() { return weight_; }

private:
    int v_, e_, padding_idx_;
    Tensor weight_;
};

// torch.nn.Conv1d: x (B, C, L), weight (out, C, k), bias (out,).
class Conv1d : public Module {
public:
    Conv1d(int in_channels, int out_channels, int kernel, Rng& rng, Init init = Init::HeUniform)
        : in_(in_channels), out_(out_channels), k_(kernel), weight_(Shape{out_channels, in_channels, kernel}),
          bias_(Shape{out_channels}) {
        initialize(weight_, init, in_channels * kernel, out_channels * kernel, rng);
        weight_.set_requires_grad();
        bias_.set_requires_grad();
    }
    Tensor forward(const Tensor& x) override { return conv1d(x, weight_, bias_); }
    // Followed by a ReLU and a MaxOverTime: the three as one op, conv1d_relu_max.
    size_t forward_fused(const Tensor& x, const std::unique_ptr<Module>* next, size_t count, Tensor& out) override;
    std::vector<NamedTensor> parameters() override { return {{"weight", weight_}, {"bias", bias_}}; }
    std::string describe() const override {
        return "Conv1d " + std::to_string(in_) + " " + std::to_string(out_) + " " + std::to_string(k_);
    }

private:
    int in_, out_, k_;
    Tensor weight_, bias_;
};

// Swaps two axes, e.g. (B, T, E) -> (B, E, T) before a Conv1d.
class Transpose : public Module {
public:
    Transpose(int dim0, int dim1) : d0_(dim0), d1_(dim1) {}
    Tensor forward(const Tensor& x) override { return transpose(x, d0_, d1_); }
    std::string describe() const override { return "Transpose " + std::to_string(d0_) + " " + std::to_string(d1_); }

private:
    int d0_, d1_;
};

// Max-over-time pooling: (B, F, L) -> (B, F); keeps the argmax positions.
class MaxOverTime : public Module {
public:
    Tensor forward(const Tensor& x) override { return max_last_axis(x, &switches_); }
    std::string describe() const override { return "MaxOverTime"; }
    // Of the last forward pass (empty before the first).
    const std::vector<size_t>& switches() const {
        static const std::vector<size_t> none;
        return switches_ ? *switches_ : none;
    }

private:
    friend class Conv1d;  // whose fused forward pass records the switches
    Switches switches_;
};

inline size_t Conv1d::forward_fused(const Tensor& x, const std::unique_ptr<Module>* next, size_t count, Tensor& out) {
    // these three classes themselves: a subclass may compute something else
    const bool fuses = typeid(*this) == typeid(Conv1d) && count >= 2 && typeid(*next[0]) == typeid(ReLU) &&
                       typeid(*next[1]) == typeid(MaxOverTime);
    if (!fuses) return Module::forward_fused(x, next, count, out);
    out = conv1d_relu_max(x, weight_, bias_, &static_cast<MaxOverTime&>(*next[1]).switches_);
    return 2;
}

}  // namespace gb
