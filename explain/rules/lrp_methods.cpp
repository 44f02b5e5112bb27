// lrp_methods.cpp: one LRP rule at every layer, as methods of the catalogue
// (the rules and their equations: lrp.hpp).
#include "explain/rules/lrp_parameters.hpp"

namespace gb {
namespace {

const char* kOverview = "Bach et al. 2015; Montavon et al. 2019, layer-wise relevance propagation: an overview";

// A rule whose only parameter is how max pooling passes relevance.
template <typename SomeRule>
Method with_pooling_only(std::string name, std::string paper, std::string summary) {
    return lrp_method(std::move(name), std::move(paper), std::move(summary), {max_pool_parameter()}, RuleFamily::Relevance,
                      [](const MethodCall& call) { return std::make_unique<SomeRule>(max_pooling(call)); });
}

}  // namespace

Method lrp_0_method() {
    return lrp_method("lrp-0", kOverview, "R_j = sum_k a_j w_jk / z_k R_k (LSTMs: Arras et al. 2017)",
                      {max_pool_parameter(), bias_factor_parameter()}, RuleFamily::RecurrentRelevance,
                      [](const MethodCall& call) {
                          return std::make_unique<ZeroRule>(max_pooling(call), call.real("bias-factor"));
                      });
}

Method lrp_epsilon_method() {
    return lrp_method("lrp-epsilon", kOverview, "R_j = sum_k a_j w_jk / (z_k + epsilon sign(z_k)) R_k (LSTMs: Arras et al.)",
                      {epsilon_parameter(), max_pool_parameter(), bias_factor_parameter()},
                      RuleFamily::RecurrentRelevance, [](const MethodCall& call) {
                          return std::make_unique<EpsilonRule>(call.real("epsilon"), max_pooling(call),
                                                               call.real("bias-factor"));
                      });
}

Method lrp_gamma_method() {
    return lrp_method("lrp-gamma", kOverview, "rho(w) = w + gamma w+: positive contributions favoured",
                      {gamma_parameter(), max_pool_parameter()}, RuleFamily::Relevance, [](const MethodCall& call) {
                          return std::make_unique<GammaRule>(call.real("gamma"), max_pooling(call));
                      });
}

Method lrp_alphabeta_method() {
    return lrp_method("lrp-alphabeta", kOverview, "R = alpha R+ - beta R-, alpha - beta = 1, biases left out",
                      {alpha_parameter(), beta_parameter(), max_pool_parameter()}, RuleFamily::Relevance,
                      [](const MethodCall& call) {
                          return std::make_unique<AlphaBetaRule>(call.real("alpha"), beta_of(call), max_pooling(call));
                      });
}

Method lrp_zplus_method() {
    return with_pooling_only<ZPlusRule>("lrp-zplus", "Montavon et al. 2017, deep Taylor decomposition",
                                        "R_j = sum_k (a_j w_jk)+ / sum_i (a_i w_ik)+ R_k");
}

Method lrp_w2_method() {
    return with_pooling_only<WSquareRule>("lrp-w2", "Montavon et al. 2017, deep Taylor decomposition",
                                          "R_j = sum_k w_jk^2 / sum_i w_ik^2 R_k");
}

Method lrp_flat_method() {
    return with_pooling_only<FlatRule>("lrp-flat", "Lapuschkin et al. 2019, unmasking Clever Hans predictors",
                                       "R_j = sum_k 1 / n_k R_k: spread evenly");
}

Method lrp_zb_method() {
    return lrp_method("lrp-zb", "Montavon et al. 2017, deep Taylor decomposition",
                      "R_j = sum_k (x_j w_jk - l w+_jk - h w-_jk) / sum_i (...) R_k, inputs in [l, h]",
                      {bounds_parameter(), max_pool_parameter()}, RuleFamily::Relevance, [](const MethodCall& call) {
                          auto [low, high] = call.interval("bounds");
                          return std::make_unique<ZBRule>(Bounds{low, high}, max_pooling(call));
                      });
}

}  // namespace gb
