#include "explain/rules/composites.hpp"

#include <tuple>

#include "explain/rules/lrp_parameters.hpp"
#include "util/error.hpp"

namespace gb {

const std::vector<std::string>& composite_names() {
    static const std::vector<std::string> names{"epsilon-gamma-zb", "alphabeta-zb", "deep-taylor"};
    return names;
}

std::unique_ptr<Rule> make_composite(const std::string& name, size_t first, bool bounded, const CompositeParameters& p) {
    // The rules are owned by the chooser (shared), so the composite stays valid on its own.
    std::shared_ptr<Rule> input = bounded ? std::shared_ptr<Rule>(std::make_shared<ZBRule>(p.bounds, p.pooling))
                                          : std::make_shared<WSquareRule>(p.pooling);
    if (name == "epsilon-gamma-zb") {
        auto gamma = std::make_shared<GammaRule>(p.gamma, p.pooling);
        auto epsilon = std::make_shared<EpsilonRule>(p.epsilon, p.pooling);
        return std::make_unique<CompositeRule>(name, [=](const LayerPass& pass) -> const Rule& {
            if (pass.index == first) return *input;
            if (is_convolution(pass.layer)) return *gamma;
            return *epsilon;
        });
    }
    if (name == "alphabeta-zb" || name == "deep-taylor") {
        std::shared_ptr<Rule> hidden = name == "deep-taylor"
                                           ? std::shared_ptr<Rule>(std::make_shared<ZPlusRule>(p.pooling))
                                           : std::make_shared<AlphaBetaRule>(p.alpha, p.beta, p.pooling);
        return std::make_unique<CompositeRule>(name, [=](const LayerPass& pass) -> const Rule& {
            return pass.index == first ? *input : *hidden;
        });
    }
    std::string list;
    for (auto& n : composite_names()) list += (list.empty() ? "" : ", ") + n;
    throw Error("unknown LRP composite '" + name + "'; choose one of: " + list);
}

namespace {

// The first explained layer with weights: where a composite puts its input rule.
size_t first_weighted(Sequential& net, size_t stop) {
    size_t first = stop;
    while (first + 1 < net.size() && net[first].parameters().empty()) ++first;
    return first;
}

std::unique_ptr<Rule> composite_for(const MethodCall& call, const std::string& name) {
    CompositeParameters p;
    if (call.method.takes("epsilon")) {
        p.epsilon = call.real("epsilon");
        p.gamma = call.real("gamma");
        p.alpha = call.real("alpha");
        p.beta = beta_of(call);
    }
    std::tie(p.bounds.low, p.bounds.high) = call.interval("bounds");
    p.pooling = max_pooling(call);
    return make_composite(name, first_weighted(call.net, call.stop), call.options.input.bounded, p);
}

}  // namespace

Method lrp_composite_method() {
    return lrp_method("lrp", "Montavon et al. 2019, layer-wise relevance propagation: an overview, sec. 10.3",
                      "a composite: a rule per layer by position and type (--composite)",
                      {choice_parameter("composite", "epsilon-gamma-zb", composite_names(), "which composite"),
                       epsilon_parameter(), gamma_parameter(), alpha_parameter(), beta_parameter(), bounds_parameter(),
                       max_pool_parameter()},
                      RuleFamily::Relevance,
                      [](const MethodCall& call) { return composite_for(call, call.choice("composite")); });
}

Method deep_taylor_method() {
    return lrp_method("deep-taylor", "Montavon et al. 2017, explaining nonlinear classification decisions with deep "
                      "Taylor decomposition",
                      "z+ in the hidden layers, zB (images) or w^2 at the first layer",
                      {bounds_parameter(), max_pool_parameter()}, RuleFamily::Relevance,
                      [](const MethodCall& call) { return composite_for(call, "deep-taylor"); });
}

}  // namespace gb
