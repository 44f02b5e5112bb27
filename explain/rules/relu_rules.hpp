// relu_rules.hpp: the rules that differ from the chain rule only at the
// ReLU; every other layer they cover (linear maps, max and sum pooling,
// reshapes: layer_kinds.hpp) passes the signal back as the gradient does
// (Linear: W^T s; convolution: the transposed convolution; max pooling: to
// the recorded argmax, Zeiler & Fergus's "switches").
//
//   gradient         ReLU: s_in = s_out * 1[a > 0]                 (the chain rule)
//   deconvnet        ReLU: s_in = max(0, s_out)                    (Zeiler & Fergus 2014)
//   guided backprop  ReLU: s_in = max(0, s_out) * 1[a > 0]         (Springenberg et al. 2015)
//
// with a the ReLU's input in the forward pass.
#pragma once

#include "explain/propagation.hpp"

namespace gb {

class DeconvnetRule : public Rule {
public:
    std::string name() const override { return "deconvnet"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
    RuleFamily family() const override { return RuleFamily::ReluModified; }
};

class GuidedBackpropRule : public Rule {
public:
    std::string name() const override { return "guided-backprop"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
    RuleFamily family() const override { return RuleFamily::ReluModified; }
};

}  // namespace gb
