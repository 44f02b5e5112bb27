// propagation.hpp: the one mechanism behind the backward-propagation family
// of explanations (Montavon et al. 2018, sec. 3; README.md, "Layout" and
// "Design notes"; tutorial 06, "One mechanism, one rule per method").
//
//   1. A forward pass through the layers records each layer's input a.
//   2. The explained logit f_c is seeded as the signal at the output: one-hot on class c.
//   3. Walking the layers backwards, a Rule turns the signal at a layer's
//      output into the signal at its input, given a.
//
// Sensitivity analysis, gradient x input, deconvnet, guided backprop, LRP
// and excitation backprop differ only in the rule (GradientRule below,
// rules/); the mechanism can also keep only what flows through chosen units
// of a layer (a filter) and record the signal at every layer (a trace).
// Before each layer it checks that the rule covers it (layer_kinds.hpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "explain/layer_kinds.hpp"
#include "nn/module.hpp"

namespace gb {

// One layer of the recorded forward pass: its input (a leaf of its own small
// graph) and the output computed from it.
struct LayerPass {
    size_t index;  // the layer's position in the network
    Module& layer;
    Tensor input;   // (B, ...)
    Tensor output;  // layer.forward(input), with the graph back to input
};

// How the signal at a layer's output becomes the signal at its input.
class Rule {
public:
    virtual ~Rule() = default;
    virtual std::string name() const = 0;
    // upstream: the signal at the layer's output, shaped as that output.
    virtual Tensor propagate(const LayerPass& pass, const Tensor& upstream) const = 0;
    // The seed at the output: 1 on the explained logit (the gradient family),
    // or the logit's value itself (relevance, which decomposes f(x)).
    virtual bool seeds_with_logit() const { return false; }
    // Which layers it covers (layer_kinds.hpp).
    virtual RuleFamily family() const = 0;
    // The rule that acts at this layer: itself, or a composite's choice.
    virtual const Rule& at(const LayerPass&) const { return *this; }
};

// The chain rule at every layer: s_in = s_out^T (d output / d input).
class GradientRule : public Rule {
public:
    std::string name() const override { return "gradient"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
    RuleFamily family() const override { return RuleFamily::Gradient; }
};

// The chain rule through one layer: upstream^T (d output / d input), by the
// layer's own (grad-checked) backward pass over the recorded graph.
Tensor layer_gradient(const LayerPass& pass, const Tensor& upstream);

// The signal at one place of the network, for the trace.
struct TraceStep {
    std::string layer;  // where the signal is: "output", "after <layer record>", or "input"
    Shape shape;
    double sum = 0, positive = 0, negative = 0;  // of the signal; positive + negative = sum
    std::vector<float> signal;
};

TraceStep trace_step(const std::string& layer, const Shape& shape, const std::vector<float>& signal);

// Keeps only what flows through chosen units: when the walk reaches layer
// `layer`'s output, the signal is zeroed except at `units`, indices along the
// first axis of one example's output there (neurons of a dense layer,
// feature maps of a convolution).
struct Filter {
    size_t layer = 0;
    std::vector<int> units;
};

struct Propagation {
    Tensor logits;             // (B, classes)
    std::vector<int> targets;  // the explained class of each example
    Tensor signal;             // at the network's input (or where the walk stopped), (B, ...)
    Tensor activation;         // what the network had there in the forward pass, same shape
    size_t stopped_at = 0;     // the walk went back through layers [stopped_at, n)
    std::vector<TraceStep> trace;  // from the output back to the input, when asked for
};

// Explains logits[b, targets[b]] of `net` for the batch x (targets[b] < 0: the
// predicted class). The walk stops before layer `stop` (default 0, the input;
// a text model stops at its Embedding's output). Runs the net in inference
// mode; its parameters take no gradient meanwhile (the training mode and the
// requires_grad flags are restored afterwards). Throws gb::Error naming the
// rule and the layer where the rule does not cover a layer of the walk.
// With start > 0, x is the input of layer `start` (a text model's embeddings,
// say) and the layers before it are skipped; the walk then stops at start.
Propagation propagate(Sequential& net, const Tensor& x, std::vector<int> targets, const Rule& rule,
                      bool trace = false, const Filter* filter = nullptr, size_t stop = 0, size_t start = 0);

// The output of layer stop - 1 for input x (stop = net.size(): the logits), in inference mode.
Tensor forward_until(Sequential& net, const Tensor& x, size_t stop);

// The largest layer index where a walk for `net` can stop: after an
// Embedding (word relevance lives on its output), else 0.
size_t explainable_start(Sequential& net);

}  // namespace gb
