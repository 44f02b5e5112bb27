// rules.hpp: the rules of the gradient family. Each differs from the chain
// rule only at the ReLU; every other layer passes the signal back as the
// gradient does (Linear: W^T s; convolution: the transposed convolution;
// max pooling: to the recorded argmax, Zeiler & Fergus's "switches").
//
//   gradient         ReLU: s_in = s_out * 1[a > 0]                 (the chain rule)
//   deconvnet        ReLU: s_in = max(0, s_out)                    (Zeiler & Fergus 2014)
//   guided backprop  ReLU: s_in = max(0, s_out) * 1[a > 0]         (Springenberg et al. 2015)
//
// with a the ReLU's input in the forward pass. Deconvnet and guided backprop
// are defined for networks of ReLUs, linear maps and pooling; on any other
// nonlinear layer (tanh, sigmoid, LSTM) they are an error naming the layer.
#pragma once

#include "explain/propagation.hpp"

namespace gb {

class GradientRule : public Rule {
public:
    std::string name() const override { return "gradient"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
};

class DeconvnetRule : public Rule {
public:
    std::string name() const override { return "deconvnet"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
};

class GuidedBackpropRule : public Rule {
public:
    std::string name() const override { return "guided-backprop"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
};

}  // namespace gb
