#include "explain/rules/excitation.hpp"

#include "explain/method.hpp"

namespace gb {

const Rule& ExcitationRule::at(const LayerPass& pass) const {
    return dual_top_ && pass.index == top_ ? static_cast<const Rule&>(dual_) : zplus_;
}

Tensor ExcitationRule::DualZPlusRule::linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b,
                                             const Tensor& R) const {
    Tensor minus_w = w.detach(), minus_b = b.detach();
    for (float& v : minus_w.values()) v = -v;
    for (float& v : minus_b.values()) v = -v;
    return ZPlusRule::linear(f, a, minus_w, minus_b, R);
}

namespace {

Method excitation_like(std::string name, std::string summary) {
    Method m(std::move(name), Family::PropagationRule,
             "Zhang et al. 2016, top-down neural attention by excitation backprop",
             std::move(summary));
    m.inputs = kEveryInput;
    m.refusal = walks_with(RuleFamily::Relevance);
    m.propagates = true;
    return m;
}

}  // namespace

Method excitation_method() {
    Method m = excitation_like("excitation", "P(a_j) = sum_k a_j w+_jk / sum_i a_i w+_ik P(a_k), P = 1 at the class");
    m.run = [](const MethodCall& call) { return signal_at_input(call, ExcitationRule()); };
    return m;
}

Method contrastive_excitation_method() {
    Method m = excitation_like("contrastive-excitation", "P_c - P_dual: minus the map of the class's dual unit");
    m.run = [](const MethodCall& call) {
        Propagation p = walk(call, ExcitationRule());
        Propagation dual = walk(call, ExcitationRule(true, call.net.size() - 1));
        Explanation e = explanation_of(call, p);
        Tensor r = p.signal;
        for (size_t k = 0; k < r.numel(); ++k) r.values()[k] -= dual.signal.values()[k];
        for (size_t t = 0; t < e.trace.size(); ++t) {  // the trace of P_c - P_dual, layer by layer
            std::vector<float> difference = e.trace[t].signal;
            for (size_t k = 0; k < difference.size(); ++k) difference[k] -= dual.trace[t].signal[k];
            e.trace[t] = trace_step(e.trace[t].layer, e.trace[t].shape, difference);
        }
        e.relevance = per_input(r, call.stop);
        return e;
    };
    return m;
}

}  // namespace gb
