#include "explain/rules/relu_rules.hpp"

#include <algorithm>

#include "explain/method.hpp"

namespace gb {

// ReLU: s_in = max(0, s_out)
Tensor DeconvnetRule::propagate(const LayerPass& pass, const Tensor& upstream) const {
    if (layer_kind(pass.layer) != LayerKind::ReLU) return layer_gradient(pass, upstream);
    Tensor s(upstream.shape());
    for (size_t k = 0; k < s.numel(); ++k) s.values()[k] = std::max(0.0f, upstream.values()[k]);
    return s;
}

// ReLU: s_in = max(0, s_out) * 1[a > 0]
Tensor GuidedBackpropRule::propagate(const LayerPass& pass, const Tensor& upstream) const {
    if (layer_kind(pass.layer) != LayerKind::ReLU) return layer_gradient(pass, upstream);
    Tensor s(upstream.shape());
    const float* a = pass.input.data();
    for (size_t k = 0; k < s.numel(); ++k) s.values()[k] = a[k] > 0.0f ? std::max(0.0f, upstream.values()[k]) : 0.0f;
    return s;
}

namespace {

// The signal a rule brings back to the input (summed per word on text).
template <typename SomeRule>
Method backward_signal(std::string name, std::string paper, std::string summary) {
    Method m(std::move(name), Family::PropagationRule, std::move(paper), std::move(summary));
    m.inputs = kEveryInput;
    m.refusal = walks_with(RuleFamily::ReluModified);
    m.propagates = true;
    m.run = [](const MethodCall& call) { return signal_at_input(call, SomeRule()); };
    return m;
}

}  // namespace

Method deconvnet_method() {
    return backward_signal<DeconvnetRule>("deconvnet", "Zeiler & Fergus 2014, visualizing and understanding "
                                          "convolutional networks", "the backward signal with ReLU: max(0, s)");
}

Method guided_backprop_method() {
    return backward_signal<GuidedBackpropRule>("guided-backprop", "Springenberg et al. 2015, striving for simplicity",
                                               "the backward signal with ReLU: max(0, s) 1[a > 0]");
}

}  // namespace gb
