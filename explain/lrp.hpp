// lrp.hpp: layer-wise relevance propagation (Bach et al. 2015; Montavon et
// al. 2019, "Layer-wise relevance propagation: an overview"), as rules of the
// propagation mechanism. At a Linear or Conv2d layer with input a, each rule
// is the same four steps on a modified copy of the layer (GUIDE.md):
//
//   z = rho(layer)(a) (+ stabiliser)     z_k = sum_j a_j rho(w_jk) + rho(b_k)
//   s = R / z                            element-wise
//   c = backward of rho(layer) on s      c_j = sum_k rho(w_jk) s_k
//   R_prev = a * c                       R_j = a_j c_j
//
// with, per rule:
//   lrp-0        rho(w) = w
//   lrp-epsilon  rho(w) = w, z += epsilon * sign(z)   (sign(0) = +1)
//   lrp-gamma    rho(w) = w + gamma w+,  rho(b) = b + gamma b+
//   lrp-alphabeta  R = alpha R+ - beta R-, with alpha - beta = 1: R+ from the positive
//                contributions (a w)+ = a+ w+ + a- w-, R- from the negative ones;
//                biases are left out (the LRP Toolbox's convention; Zennit can
//                include them); relevance is conserved where a neuron has both
//                positive and negative contributions (where z- = 0, R = alpha R+)
//   lrp-zplus    alpha = 1, beta = 0
//   lrp-w2       R_j = sum_k w_jk^2 / sum_i w_ik^2 R_k   (a := 1, no bias)
//   lrp-flat     R_j = sum_k 1 / n_k R_k                  (w := 1, a := 1, no bias)
//   lrp-zb       for inputs bounded by l <= x <= h (Montavon et al. 2017):
//                R_j = sum_k (x_j w_jk - l_j w+_jk - h_j w-_jk) / sum_i (...) R_k
//
// ReLU, Flatten, Dropout and Transpose pass relevance through unchanged; max
// pooling passes it to each window's maximum (winner takes all; or, with
// max_pool_proportional, to every input in proportion to it, as a sum pool
// would), sum and average pooling proportionally to the inputs
// (R_j = a_j / sum_i a_i R_k), Lp pooling in proportion to a_j^p
// (R_j = a_j^p / sum_i a_i^p R_k; Montavon et al. 2018, sec. 5), max over
// time like max pooling. An LSTM (one direction, last state) takes the
// rules of Arras et al. (2017) under lrp-0 and lrp-epsilon: the linear rule
// with epsilon and a bias factor, signal-take-all at the multiplicative gates.
// The explained logit seeds the output, so
// that the relevance at the input sums to f(x) up to what biases and
// stabilisers absorb. Any other layer (tanh, sigmoid) is an error naming it.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "explain/propagation.hpp"

namespace gb {

struct LrpParameters {
    float epsilon = 0.25f;  // lrp-epsilon's stabiliser (and a tiny 1e-9 for the others, against 0/0)
    float gamma = 0.25f;
    float alpha = 2.0f, beta = 1.0f;
    float low = 0.0f, high = 1.0f;  // lrp-zb's bounds, the same for every input (MNIST pixels: 0 and 1)
    bool negate_weights = false;    // use -w and -b (the dual unit of contrastive excitation backprop)
    bool max_pool_proportional = false;  // max pooling: proportional instead of winner-take-all
    float bias_factor = 0.0f;       // LSTM (Arras et al. 2017): 1 spreads each bias's share over the inputs
};

class LrpRule : public Rule {
public:
    // kind: "lrp-0", "lrp-epsilon", "lrp-gamma", "lrp-alphabeta", "lrp-zplus", "lrp-w2", "lrp-flat"
    LrpRule(std::string kind, LrpParameters parameters = {});
    std::string name() const override { return kind_; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override;
    bool seeds_with_logit() const override { return true; }

private:
    std::string kind_;
    LrpParameters p_;
};

class LSTM;
// The LSTM rule on its own: relevance R_out (B, H) at the last hidden state
// back to the inputs (B, T, D), and, per sequence, what reached the initial
// state h_0 = c_0 = 0 (with bias factor 1 and epsilon 0, words + initial = R_out).
struct LstmRelevance {
    Tensor inputs;
    std::vector<double> initial;
};
LstmRelevance lstm_relevance(LSTM& lstm, const Tensor& x, const Tensor& R_out, float epsilon, float bias_factor);

// A rule per layer, chosen by position and type: the composites a course
// would use, by name.
//   epsilon-gamma-zb  zB at the first layer, gamma on convolutions, epsilon on
//                     dense layers (Montavon et al. 2019, sec. 10.3)
//   alphabeta-zb      zB at the first layer, alpha2-beta1 elsewhere
//   deep-taylor       deep Taylor decomposition (Montavon et al. 2017): z+ in the
//                     hidden layers and, at the first layer, zB for bounded inputs
//                     (images) or w^2 for unbounded ones
// Or write your own: any function from a layer pass to the rule for it.
class CompositeRule : public Rule {
public:
    using Chooser = std::function<const Rule&(const LayerPass&)>;
    CompositeRule(std::string name, Chooser choose) : name_(std::move(name)), choose_(std::move(choose)) {}
    std::string name() const override { return name_; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override {
        return choose_(pass).propagate(pass, upstream);
    }
    bool seeds_with_logit() const override { return true; }

private:
    std::string name_;
    Chooser choose_;
};

// Excitation backprop (Zhang et al. 2016): the marginal winning probability
//   P(a_j) = sum_k a_j w+_jk / (sum_i a_i w+_ik) P(a_k),   P = 1 at the explained unit,
// which on ReLU networks is the z+ rule seeded with 1 instead of the logit.
// Contrastive excitation backprop subtracts the map of the explained unit's
// "dual" (the top layer's weights negated): P_c - P_dual, both propagated to
// the input (Zhang et al. stop at an intermediate layer and clamp at 0; the
// signed map is kept here).
class ExcitationRule : public Rule {
public:
    // dual_top: the top layer (index top) uses -w, -b.
    ExcitationRule(bool dual_top = false, size_t top = 0)
        : dual_top_(dual_top), top_(top), zplus_("lrp-zplus"), dual_("lrp-zplus", dual_parameters()) {}
    std::string name() const override { return dual_top_ ? "excitation-dual" : "excitation"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override {
        return (dual_top_ && pass.index == top_ ? dual_ : zplus_).propagate(pass, upstream);
    }

private:
    static LrpParameters dual_parameters() {
        LrpParameters p;
        p.negate_weights = true;
        return p;
    }
    bool dual_top_;
    size_t top_;
    LrpRule zplus_, dual_;
};

// A named composite for a network whose first explained layer is `first`
// (0, or the layer after an Embedding); bounded: the inputs lie in [low, high].
// The rules it refers to live in the returned object.
std::unique_ptr<Rule> make_composite(const std::string& name, size_t first, bool bounded, LrpParameters parameters);
const std::vector<std::string>& composite_names();

}  // namespace gb
