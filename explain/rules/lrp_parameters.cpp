#include "explain/rules/lrp_parameters.hpp"

namespace gb {

Parameter epsilon_parameter() {
    return real_parameter("epsilon", "0.25", 0, 1e6, "lrp-epsilon's stabiliser: z + epsilon sign(z)");
}
Parameter gamma_parameter() { return real_parameter("gamma", "0.25", 0, 1e6, "lrp-gamma: w + gamma w+"); }
Parameter alpha_parameter() { return real_parameter("alpha", "2", 1, 1e6, "lrp-alphabeta: weight of positive contributions"); }
Parameter beta_parameter() {
    return real_parameter("beta", "", 0, 1e6, "lrp-alphabeta: weight of negative contributions (default alpha - 1)");
}
Parameter bounds_parameter() {
    return interval_parameter("bounds", "0,1", -1e6, 1e6, "lrp-zb: the inputs' bounds LOW,HIGH");
}
Parameter max_pool_parameter() {
    return choice_parameter("max-pool", "winner", {"winner", "proportional"},
                            "max pooling: to the window's maximum, or in proportion to the inputs");
}
Parameter bias_factor_parameter() {
    return real_parameter("bias-factor", "0", 0, 1, "LSTM layers: 1 spreads each bias's share over the inputs");
}

MaxPooling max_pooling(const MethodCall& call) {
    return call.choice("max-pool") == "proportional" ? MaxPooling::Proportional : MaxPooling::WinnerTakesAll;
}

float beta_of(const MethodCall& call) { return call.given("beta") ? call.real("beta") : call.real("alpha") - 1.0f; }

Method lrp_method(std::string name, std::string paper, std::string summary, std::vector<Parameter> parameters,
                  RuleFamily layers, std::function<std::unique_ptr<Rule>(const MethodCall&)> rule) {
    Method m(std::move(name), Family::PropagationRule, std::move(paper), std::move(summary));
    m.parameters = std::move(parameters);
    m.inputs = kEveryInput;
    m.refusal = walks_with(layers);
    m.propagates = true;
    m.decomposes_logit = true;
    m.run = [rule](const MethodCall& call) { return signal_at_input(call, *rule(call)); };
    return m;
}

}  // namespace gb
