// conv_layers.hpp: the layers of a CNN on images: convolution and pooling.
// Their ops (conv.hpp, pool.hpp) are grad-checked in tests/nn/test_conv.cpp.
#pragma once
#include <memory>
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

// torch.nn.Conv2d: weight (out, in, k, k), bias (out,); He-uniform weights
// (fan_in = in * k * k), zero bias. With learn_bias false the bias stays 0 in
// training (it takes no gradient), so a black input gives black maps.
class Conv2d : public Module {
public:
    Conv2d(int in_channels, int out_channels, int kernel, Rng& rng, int stride = 1, int padding = 0,
           bool learn_bias = true)
        : in_(in_channels), out_(out_channels), k_(kernel), stride_(stride), padding_(padding),
          weight_(Shape{out_channels, in_channels, kernel, kernel}), bias_(Shape{out_channels}) {
        initialize(weight_, Init::HeUniform, in_channels * kernel * kernel, out_channels * kernel * kernel, rng);
        weight_.set_requires_grad();
        if (learn_bias) bias_.set_requires_grad();
    }
    Tensor forward(const Tensor& x) override { return conv2d(x, weight_, bias_, stride_, padding_); }
    // Followed by a ReLU and a 2x2 max pooling moved by 2, the three run as
    // conv2d_relu_max_pool (the same values, gradients and switches).
    size_t forward_fused(const Tensor& x, const std::unique_ptr<Module>* next, size_t count, Tensor& out) override;
    std::vector<NamedTensor> parameters() override { return {{"weight", weight_}, {"bias", bias_}}; }
    std::string describe() const override {
        return "Conv2d " + std::to_string(in_) + " " + std::to_string(out_) + " " + std::to_string(k_) + " " +
               std::to_string(stride_) + " " + std::to_string(padding_);
    }
    int stride() const { return stride_; }
    int padding() const { return padding_; }
    Tensor& weight() { return weight_; }
    Tensor& bias() { return bias_; }

private:
    int in_, out_, k_, stride_, padding_;
    Tensor weight_, bias_;
};

// Max pooling; keeps the switches (argmax positions) of the last forward pass.
class MaxPool2d : public Module {
public:
    MaxPool2d(int kernel, int stride) : k_(kernel), stride_(stride) {}
    Tensor forward(const Tensor& x) override { return max_pool2d(x, k_, stride_, &switches_); }
    int kernel() const { return k_; }
    int stride() const { return stride_; }
    std::string describe() const override { return "MaxPool2d " + std::to_string(k_) + " " + std::to_string(stride_); }
    // Of the last forward pass (empty before the first).
    const std::vector<size_t>& switches() const {
        static const std::vector<size_t> none;
        return switches_ ? *switches_ : none;
    }

private:
    friend class Conv2d;  // whose fused forward pass records the switches
    int k_, stride_;
    Switches switches_;
};

inline size_t Conv2d::forward_fused(const Tensor& x, const std::unique_ptr<Module>* next, size_t count, Tensor& out) {
    // these three classes themselves: a subclass may compute something else
    const bool fuses = typeid(*this) == typeid(Conv2d) && count >= 2 && typeid(*next[0]) == typeid(ReLU) &&
                       typeid(*next[1]) == typeid(MaxPool2d);
    auto* pool = fuses ? static_cast<MaxPool2d*>(next[1].get()) : nullptr;
    if (!pool || pool->k_ != 2 || pool->stride_ != 2) return Module::forward_fused(x, next, count, out);
    out = conv2d_relu_max_pool(x, weight_, bias_, stride_, padding_, &pool->switches_);
    return 2;
}

class SumPool2d : public Module {
public:
    SumPool2d(int kernel, int stride) : k_(kernel), stride_(stride) {}
    Tensor forward(const Tensor& x) override { return sum_pool2d(x, k_, stride_); }
    std::string describe() const override { return "SumPool2d " + std::to_string(k_) + " " + std::to_string(stride_); }

private:
    int k_, stride_;
};

class AvgPool2d : public Module {
public:
    AvgPool2d(int kernel, int stride) : k_(kernel), stride_(stride) {}
    Tensor forward(const Tensor& x) override { return avg_pool2d(x, k_, stride_); }
    std::string describe() const override { return "AvgPool2d " + std::to_string(k_) + " " + std::to_string(stride_); }

private:
    int k_, stride_;
};

// Global average pooling (Lin et al. 2014, "network in network"): (B, C, H, W) -> (B, C), each map's mean.
// It takes images of any size, which makes a network ending in it and a linear layer fully convolutional.
class GlobalAvgPool2d : public Module {
public:
    Tensor forward(const Tensor& x) override {
        return mean(reshape(x, Shape{x.dim(0), x.dim(1), -1}), 2);  // x: (B, C, H, W) -> (B, C, H W) -> (B, C)
    }
    std::string describe() const override { return "GlobalAvgPool2d"; }
};

class LpPool2d : public Module {
public:
    LpPool2d(float p, int kernel, int stride) : p_(p), k_(kernel), stride_(stride) {}
    Tensor forward(const Tensor& x) override { return lp_pool2d(x, p_, k_, stride_); }
    int kernel() const { return k_; }
    int stride() const { return stride_; }
    std::string describe() const override {
        return "LpPool2d " + std::to_string(p_) + " " + std::to_string(k_) + " " + std::to_string(stride_);
    }
    float p() const { return p_; }

private:
    float p_;
    int k_, stride_;
};

}  // namespace gb
