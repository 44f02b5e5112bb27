// lrp.hpp: layer-wise relevance propagation (Bach et al. 2015; Montavon et
// al. 2019, "Layer-wise relevance propagation: an overview"), one class per
// rule. At a Linear or convolution layer with input a, every rule is the same
// four steps on a modified copy of the layer (tutorial 07, "One rule, four lines"):
//
//   z = rho(layer)(a) (+ stabiliser)     z_k = sum_j a_j rho(w_jk) + rho(b_k)
//   s = R / z                            element-wise
//   c = backward of rho(layer) on s      c_j = sum_k rho(w_jk) s_k
//   R_prev = a * c                       R_j = a_j c_j
//
// and a rule supplies only what differs: the terms (a, rho(w), rho(b)) and
// the stabiliser. What all rules share (LrpRule::propagate): ReLU, Flatten,
// Dropout and Transpose pass relevance through unchanged; max pooling passes
// it to each window's maximum (winner takes all) or, with
// MaxPooling::Proportional, to every input in proportion to it, as a sum
// pool would; sum and average pooling proportionally to the inputs
// (R_j = a_j / sum_i a_i R_k); Lp pooling in proportion to a_j^p
// (R_j = a_j^p / sum_i a_i^p R_k; Montavon et al. 2018, sec. 5); max over
// time like max pooling. lrp-0 and lrp-epsilon also take LSTMs, by the rule
// of Arras et al. (2017, lstm_lrp.hpp). The explained logit seeds the
// output, so that the relevance at the input sums to f(x) up to what biases
// and stabilisers absorb. Any other layer is an error naming it.
//
// Biases: lrp-0, lrp-epsilon and lrp-gamma include them in z (they absorb
// their share); alpha-beta, z+, w^2, flat and zB leave them out (the LRP
// Toolbox's convention; Zennit can include them).
#pragma once
#include <functional>
#include <vector>

#include "explain/propagation.hpp"

namespace gb {

// The layer's linear map applied with given weights and bias: z = f(a, w, b).
using LinearMap = std::function<Tensor(const Tensor& a, const Tensor& w, const Tensor& b)>;
// One term of z = sum_t f(a_t, w_t, b_t).
struct Term {
    Tensor a, w, b;
};
// The four steps for z = sum_t f(a_t, w_t, b_t) (+ stabiliser * sign(z), sign(0) = +1):
// one s = R / z for all terms, and R_prev = sum_t a_t * c_t.
Tensor four_steps(const LinearMap& f, std::vector<Term> terms, const Tensor& R, float stabiliser);

enum class MaxPooling { WinnerTakesAll, Proportional };

class LrpRule : public Rule {
public:
    explicit LrpRule(MaxPooling pooling = MaxPooling::WinnerTakesAll) : pooling_(pooling) {}
    Tensor propagate(const LayerPass& pass, const Tensor& R) const override;
    bool seeds_with_logit() const override { return true; }
    RuleFamily family() const override { return RuleFamily::Relevance; }

    // The relevance at the input of a linear layer z = f(a, w, b), given R at its output.
    virtual Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b,
                          const Tensor& R) const = 0;

protected:
    static constexpr float tiny = 1e-9f;  // the stabiliser of the rules without epsilon, against 0/0

private:
    MaxPooling pooling_;
};

// LRP-epsilon:  R_j = sum_k a_j w_jk / (z_k + epsilon sign(z_k)) R_k,   z_k = sum_j a_j w_jk + b_k
// At an LSTM, the rule of Arras et al. (2017) with this epsilon and a bias factor.
class EpsilonRule : public LrpRule {
public:
    explicit EpsilonRule(float epsilon, MaxPooling pooling = MaxPooling::WinnerTakesAll, float bias_factor = 0.0f)
        : LrpRule(pooling), epsilon_(epsilon), bias_factor_(bias_factor) {}
    std::string name() const override { return "lrp-epsilon"; }
    RuleFamily family() const override { return RuleFamily::RecurrentRelevance; }
    Tensor propagate(const LayerPass& pass, const Tensor& R) const override;
    Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const override {
        return four_steps(f, {{a, w, b}}, R, epsilon_);
    }

private:
    float epsilon_, bias_factor_;
};

// LRP-0:  R_j = sum_k a_j w_jk / z_k R_k   (lrp-epsilon with epsilon -> 0)
class ZeroRule : public EpsilonRule {
public:
    explicit ZeroRule(MaxPooling pooling = MaxPooling::WinnerTakesAll, float bias_factor = 0.0f)
        : EpsilonRule(tiny, pooling, bias_factor) {}
    std::string name() const override { return "lrp-0"; }
};

// LRP-gamma:  rho(w) = w + gamma w+,  rho(b) = b + gamma b+
//   R_j = sum_k a_j (w_jk + gamma w+_jk) / sum_i a_i (w_ik + gamma w+_ik) + (b_k + gamma b+_k) R_k
class GammaRule : public LrpRule {
public:
    explicit GammaRule(float gamma, MaxPooling pooling = MaxPooling::WinnerTakesAll) : LrpRule(pooling), gamma_(gamma) {}
    std::string name() const override { return "lrp-gamma"; }
    Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const override;

private:
    float gamma_;
};

// LRP-alpha-beta:  R_j = sum_k (alpha (a_j w_jk)+ / z+_k - beta (a_j w_jk)- / z-_k) R_k,  alpha - beta = 1
// with (a w)+ = a+ w+ + a- w- the positive contributions and (a w)- = a+ w- + a- w+ the
// negative ones, biases left out. Relevance is conserved where a neuron has both
// (where z- = 0, R = alpha R+).
class AlphaBetaRule : public LrpRule {
public:
    AlphaBetaRule(float alpha, float beta, MaxPooling pooling = MaxPooling::WinnerTakesAll);
    std::string name() const override { return "lrp-alphabeta"; }
    Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const override;

private:
    float alpha_, beta_;
};

// LRP-z+:  R_j = sum_k (a_j w_jk)+ / sum_i (a_i w_ik)+ R_k   (alpha = 1, beta = 0)
class ZPlusRule : public AlphaBetaRule {
public:
    explicit ZPlusRule(MaxPooling pooling = MaxPooling::WinnerTakesAll) : AlphaBetaRule(1.0f, 0.0f, pooling) {}
    std::string name() const override { return "lrp-zplus"; }
};

// LRP-w^2:  R_j = sum_k w_jk^2 / sum_i w_ik^2 R_k   (a := 1, no bias; for unbounded inputs)
class WSquareRule : public LrpRule {
public:
    using LrpRule::LrpRule;
    std::string name() const override { return "lrp-w2"; }
    Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const override;
};

// LRP-flat:  R_j = sum_k 1 / n_k R_k   (w := 1, a := 1, no bias: spread evenly over the receptive field)
class FlatRule : public LrpRule {
public:
    using LrpRule::LrpRule;
    std::string name() const override { return "lrp-flat"; }
    Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const override;
};

// The box l <= x <= h the inputs lie in, the same for every input (MNIST pixels: 0 and 1).
struct Bounds {
    float low = 0.0f, high = 1.0f;
};

// LRP-zB, for inputs bounded by l <= x <= h (Montavon et al. 2017):
//   R_j = sum_k (x_j w_jk - l_j w+_jk - h_j w-_jk) / sum_i (x_i w_ik - l_i w+_ik - h_i w-_ik) R_k
class ZBRule : public LrpRule {
public:
    explicit ZBRule(Bounds bounds, MaxPooling pooling = MaxPooling::WinnerTakesAll);
    std::string name() const override { return "lrp-zb"; }
    Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const override;

private:
    Bounds bounds_;
};

}  // namespace gb
