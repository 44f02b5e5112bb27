// layer_kinds.hpp: the one place that says which layers each family of
// propagation rules can pass a signal through. A layer/rule pair that is not
// listed here is an error naming both, never a silent fall-back to the
// gradient. A new layer type is added to layer_kind() and to the table in
// layer_kinds.cpp.
#pragma once
#include <string>

#include "nn/module.hpp"

namespace gb {

enum class LayerKind {
    ReLU,       // ReLU
    Reshape,    // Flatten, Dropout (identity at inference), Transpose: values move, none change
    Linear,     // Linear, Conv1d, Conv2d: z = w a + b
    MaxPool,    // MaxPool2d, MaxOverTime
    SumPool,    // SumPool2d, AvgPool2d, GlobalAvgPool2d: linear, without weights
    LpPool,     // LpPool2d
    Smooth,     // Tanh, Sigmoid
    LSTM,       // LSTM
    Embedding,  // Embedding: word ids are not differentiable; a walk stops after it
    Other,      // anything else
};
LayerKind layer_kind(Module& layer);
bool is_convolution(Module& layer);  // Conv1d, Conv2d

// What a rule does at the layers it knows.
enum class RuleFamily {
    Gradient,            // the chain rule: every differentiable layer
    ReluModified,        // deconvnet, guided backprop: another ReLU rule, the gradient through linear maps and pooling
    Relevance,           // LRP: the four steps at linear layers, proportional or winner-take-all pooling
    RecurrentRelevance,  // lrp-0 and lrp-epsilon: Relevance and the LSTM rule of Arras et al. (2017)
};
bool supports(RuleFamily family, LayerKind kind);

// "" if `family` covers the layer, else "does not apply to layer '...'; it
// takes <the rules that do>" (to follow a rule's or a method's name).
std::string unsupported(RuleFamily family, Module& layer);
// Throws gb::Error "<rule> does not apply to layer ..." if `family` has no rule for it.
void require_support(const std::string& rule, RuleFamily family, Module& layer);

}  // namespace gb
