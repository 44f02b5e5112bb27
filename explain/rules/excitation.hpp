// excitation.hpp: excitation backprop (Zhang et al. 2016, "Top-down neural
// attention by excitation backprop"): the marginal winning probability
//   P(a_j) = sum_k a_j w+_jk / (sum_i a_i w+_ik) P(a_k),   P = 1 at the explained unit,
// which on ReLU networks is the z+ rule seeded with 1 instead of the logit.
// Contrastive excitation backprop subtracts the map of the explained unit's
// "dual" (the top layer's weights negated): P_c - P_dual, both propagated to
// the input (Zhang et al. stop at an intermediate layer and clamp at 0; the
// signed map is kept here).
#pragma once
#include "explain/rules/lrp.hpp"

namespace gb {

class ExcitationRule : public Rule {
public:
    // dual_top: the top layer (index top) uses -w, -b.
    explicit ExcitationRule(bool dual_top = false, size_t top = 0) : dual_top_(dual_top), top_(top) {}
    std::string name() const override { return dual_top_ ? "excitation-dual" : "excitation"; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override {
        return at(pass).propagate(pass, upstream);
    }
    const Rule& at(const LayerPass& pass) const override;
    RuleFamily family() const override { return RuleFamily::Relevance; }

private:
    // z+ with the weights and biases negated: the dual unit's rule at the top layer.
    class DualZPlusRule : public ZPlusRule {
    public:
        Tensor linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b,
                      const Tensor& R) const override;
    };
    bool dual_top_;
    size_t top_;
    ZPlusRule zplus_;
    DualZPlusRule dual_;
};

}  // namespace gb
