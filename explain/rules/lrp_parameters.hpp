// lrp_parameters.hpp: the parameters the LRP methods share, declared once,
// and how a call reads them.
#pragma once
#include "explain/method.hpp"
#include "explain/rules/composites.hpp"
#include "explain/rules/lrp.hpp"

namespace gb {

Parameter epsilon_parameter();
Parameter gamma_parameter();
Parameter alpha_parameter();
Parameter beta_parameter();  // default alpha - 1
Parameter bounds_parameter();
Parameter max_pool_parameter();
Parameter bias_factor_parameter();

MaxPooling max_pooling(const MethodCall& call);
float beta_of(const MethodCall& call);  // --beta, or alpha - 1

// A propagation-rule method that walks the network with rule(call) and returns
// the relevance at the input: R sums to f(x) up to what is absorbed.
Method lrp_method(std::string name, std::string paper, std::string summary, std::vector<Parameter> parameters,
                  RuleFamily layers, std::function<std::unique_ptr<Rule>(const MethodCall&)> rule);

}  // namespace gb
