// module.hpp: layers as objects with parameters, and Sequential to stack them.
//
// A Module maps a tensor to a tensor with forward(). Its parameters are
// leaf tensors that require gradients; parameters() names them as PyTorch's
// state_dict does ("weight", "bias"; in a Sequential "0.weight", ...), which
// is what the .npz model files use. describe() gives the one-line record
// ("Linear 784 300") from which serialize.hpp rebuilds the layer.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

using NamedTensor = std::pair<std::string, Tensor>;

class Module {
public:
    virtual ~Module() = default;
    virtual Tensor forward(const Tensor& x) = 0;
    virtual std::vector<NamedTensor> parameters() { return {}; }
    virtual std::string describe() const = 0;
    // Training mode (the default) vs inference mode: matters for Dropout.
    virtual void set_training(bool on) { training_ = on; }
    bool training() const { return training_; }

    Tensor operator()(const Tensor& x) { return forward(x); }

    // Sequential::forward runs each layer through this: the layer's output
    // into `out`, and 0 back. A layer that runs faster as one op with the
    // layers after it (next[0], next[1], ..., `count` of them) runs those too
    // and says how many it took: a Conv1d takes a ReLU and a MaxOverTime
    // (text_layers.hpp), with the same values and gradients to the bit.
    virtual size_t forward_fused(const Tensor& x, const std::unique_ptr<Module>* next, size_t count, Tensor& out) {
        (void)next, (void)count;
        out = forward(x);
        return 0;
    }

protected:
    bool training_ = true;
};

class Sequential : public Module {
public:
    Sequential() = default;
    Sequential& add(std::unique_ptr<Module> layer) {
        layers_.push_back(std::move(layer));
        return *this;
    }
    template <typename Layer, typename... Args>
    Sequential& emplace(Args&&... args) {
        return add(std::make_unique<Layer>(std::forward<Args>(args)...));
    }

    Tensor forward(const Tensor& x) override {
        Tensor h = x;
        for (size_t i = 0; i < layers_.size(); ++i) {
            Tensor out;
            i += layers_[i]->forward_fused(h, layers_.data() + i + 1, layers_.size() - i - 1, out);
            h = std::move(out);
        }
        return h;
    }
    std::vector<NamedTensor> parameters() override {
        std::vector<NamedTensor> all;
        for (size_t i = 0; i < layers_.size(); ++i)
            for (auto& [name, p] : layers_[i]->parameters()) all.emplace_back(std::to_string(i) + "." + name, p);
        return all;
    }
    std::string describe() const override {
        std::string s;
        for (auto& layer : layers_) s += (s.empty() ? "" : "\n") + layer->describe();
        return s;
    }
    void set_training(bool on) override {
        training_ = on;
        for (auto& layer : layers_) layer->set_training(on);
    }

    size_t size() const { return layers_.size(); }
    Module& operator[](size_t i) { return *layers_.at(i); }

private:
    std::vector<std::unique_ptr<Module>> layers_;
};

// Inference mode for its lifetime: Dropout off, and no parameter takes a
// gradient, so that a forward pass builds no graph and each layer's output
// can be freed once the next layer has read it; both are restored at the end.
class InferenceScope {
public:
    explicit InferenceScope(Sequential& net) : net_(net), training_(net.training()) {
        for (auto& np : net.parameters()) {
            frozen_.push_back({np.second, np.second.requires_grad()});
            np.second.set_requires_grad(false);
        }
        net.set_training(false);
    }
    ~InferenceScope() {
        net_.set_training(training_);
        for (auto& [p, flag] : frozen_) p.set_requires_grad(flag);
    }
    InferenceScope(const InferenceScope&) = delete;
    InferenceScope& operator=(const InferenceScope&) = delete;

private:
    Sequential& net_;
    bool training_;
    std::vector<std::pair<Tensor, bool>> frozen_;
};

// The parameter tensors alone, for an optimizer.
inline std::vector<Tensor> parameter_tensors(Module& m) {
    std::vector<Tensor> ps;
    for (auto& np : m.parameters()) ps.push_back(np.second);
    return ps;
}

}  // namespace gb
