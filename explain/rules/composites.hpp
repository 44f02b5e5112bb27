// composites.hpp: a rule per layer, chosen by position and type: the LRP
// composites a course would use, by name.
//   epsilon-gamma-zb  zB at the first layer, gamma on convolutions, epsilon on
//                     dense layers (Montavon et al. 2019, sec. 10.3)
//   alphabeta-zb      zB at the first layer, alpha2-beta1 elsewhere
//   deep-taylor       deep Taylor decomposition (Montavon et al. 2017): z+ in the
//                     hidden layers and, at the first layer, zB for bounded inputs
//                     (images) or w^2 for unbounded ones
// (the first two also take w^2 at the first layer for unbounded inputs).
// Or write your own: any function from a layer pass to the rule for it.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "explain/rules/lrp.hpp"

namespace gb {

class CompositeRule : public Rule {
public:
    using Chooser = std::function<const Rule&(const LayerPass&)>;
    CompositeRule(std::string name, Chooser choose) : name_(std::move(name)), choose_(std::move(choose)) {}
    std::string name() const override { return name_; }
    Tensor propagate(const LayerPass& pass, const Tensor& upstream) const override {
        return choose_(pass).propagate(pass, upstream);
    }
    const Rule& at(const LayerPass& pass) const override { return choose_(pass); }
    bool seeds_with_logit() const override { return true; }
    RuleFamily family() const override { return RuleFamily::Relevance; }

private:
    std::string name_;
    Chooser choose_;
};

// The parameters of the rules a composite uses.
struct CompositeParameters {
    float epsilon = 0.25f, gamma = 0.25f, alpha = 2.0f, beta = 1.0f;
    Bounds bounds;  // zB's
    MaxPooling pooling = MaxPooling::WinnerTakesAll;
};

// A named composite for a network whose first explained layer is `first`
// (0, or the layer after an Embedding); bounded: the inputs lie in [low, high].
// The rules it refers to live in the returned object.
std::unique_ptr<Rule> make_composite(const std::string& name, size_t first, bool bounded,
                                     const CompositeParameters& parameters);
const std::vector<std::string>& composite_names();

}  // namespace gb
