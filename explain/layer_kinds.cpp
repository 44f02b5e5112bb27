#include "explain/layer_kinds.hpp"

#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {

LayerKind layer_kind(Module& layer) {
    Module* m = &layer;
    if (dynamic_cast<ReLU*>(m)) return LayerKind::ReLU;
    if (dynamic_cast<Flatten*>(m) || dynamic_cast<Dropout*>(m) || dynamic_cast<Transpose*>(m)) return LayerKind::Reshape;
    if (dynamic_cast<Linear*>(m) || dynamic_cast<Conv1d*>(m) || dynamic_cast<Conv2d*>(m)) return LayerKind::Linear;
    if (dynamic_cast<MaxPool2d*>(m) || dynamic_cast<MaxOverTime*>(m)) return LayerKind::MaxPool;
    if (dynamic_cast<SumPool2d*>(m) || dynamic_cast<AvgPool2d*>(m) ||
        dynamic_cast<GlobalAvgPool2d*>(m))
        return LayerKind::SumPool;
    if (dynamic_cast<LpPool2d*>(m)) return LayerKind::LpPool;
    if (dynamic_cast<Tanh*>(m) || dynamic_cast<Sigmoid*>(m)) return LayerKind::Smooth;
    if (dynamic_cast<LSTM*>(m)) return LayerKind::LSTM;
    if (dynamic_cast<Embedding*>(m)) return LayerKind::Embedding;
    return LayerKind::Other;
}

bool is_convolution(Module& layer) { return dynamic_cast<Conv1d*>(&layer) || dynamic_cast<Conv2d*>(&layer); }

namespace {

// The allow-list. Embedding is in none: a walk stops at its output.
//
//   layer     Gradient  ReluModified  Relevance  RecurrentRelevance
//   ReLU         x           x            x              x
//   Reshape      x           x            x              x
//   Linear       x           x            x              x
//   MaxPool      x           x            x              x
//   SumPool      x           x            x              x
//   LpPool       x                        x              x
//   Smooth       x
//   LSTM         x                                       x
struct Allowed {
    LayerKind kind;
    bool gradient, relu_modified, relevance, recurrent_relevance;
    const char* rules;  // the rules that do apply, for the error message
};
const Allowed kAllowList[] = {
    {LayerKind::ReLU, true, true, true, true, ""},
    {LayerKind::Reshape, true, true, true, true, ""},
    {LayerKind::Linear, true, true, true, true, ""},
    {LayerKind::MaxPool, true, true, true, true, ""},
    {LayerKind::SumPool, true, true, true, true, ""},
    {LayerKind::LpPool, true, false, true, true, "the gradient and LRP (in proportion to a_j^p)"},
    {LayerKind::Smooth, true, false, false, false, "the gradient only (deconvnet, guided backprop and LRP are "
                                                   "defined for ReLU networks)"},
    {LayerKind::LSTM, true, false, false, true, "the gradient, and the linear rule of Arras et al. (2017) under "
                                                "lrp-0 or lrp-epsilon"},
};

}  // namespace

bool supports(RuleFamily family, LayerKind kind) {
    for (const Allowed& a : kAllowList)
        if (a.kind == kind) switch (family) {
                case RuleFamily::Gradient: return a.gradient;
                case RuleFamily::ReluModified: return a.relu_modified;
                case RuleFamily::Relevance: return a.relevance;
                case RuleFamily::RecurrentRelevance: return a.recurrent_relevance;
            }
    return false;
}

std::string unsupported(RuleFamily family, Module& layer) {
    const LayerKind kind = layer_kind(layer);
    if (supports(family, kind)) return "";
    std::string which = "no rule of glassbox (add the layer to explain/layer_kinds.cpp)";
    for (const Allowed& a : kAllowList)
        if (a.kind == kind) which = a.rules;
    return "does not apply to layer '" + layer.describe() + "'; it takes " + which;
}

void require_support(const std::string& rule, RuleFamily family, Module& layer) {
    const std::string why = unsupported(family, layer);
    if (!why.empty()) throw Error(rule + " " + why);
}

}  // namespace gb
