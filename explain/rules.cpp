#include "explain/rules.hpp"

#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

bool is_relu(Module& layer) { return dynamic_cast<ReLU*>(&layer) != nullptr; }

// Layers through which the modified rules pass the signal as the gradient does.
void require_linear_or_pooling(Module& layer, const std::string& rule) {
    if (dynamic_cast<Tanh*>(&layer) || dynamic_cast<Sigmoid*>(&layer) || dynamic_cast<LSTM*>(&layer))
        throw Error(rule + " is defined for ReLU networks; it does not apply to layer '" + layer.describe() +
                    "' (use --method gradient)");
}

}  // namespace

Tensor GradientRule::propagate(const LayerPass& pass, const Tensor& upstream) const {
    return layer_gradient(pass, upstream);
}

// ReLU: s_in = max(0, s_out)
Tensor DeconvnetRule::propagate(const LayerPass& pass, const Tensor& upstream) const {
    if (!is_relu(pass.layer)) {
        require_linear_or_pooling(pass.layer, name());
        return layer_gradient(pass, upstream);
    }
    Tensor s(upstream.shape());
    for (size_t k = 0; k < s.numel(); ++k) s.values()[k] = std::max(0.0f, upstream.values()[k]);
    return s;
}

// ReLU: s_in = max(0, s_out) * 1[a > 0]
Tensor GuidedBackpropRule::propagate(const LayerPass& pass, const Tensor& upstream) const {
    if (!is_relu(pass.layer)) {
        require_linear_or_pooling(pass.layer, name());
        return layer_gradient(pass, upstream);
    }
    Tensor s(upstream.shape());
    const float* a = pass.input.data();
    for (size_t k = 0; k < s.numel(); ++k) s.values()[k] = a[k] > 0.0f ? std::max(0.0f, upstream.values()[k]) : 0.0f;
    return s;
}

}  // namespace gb
