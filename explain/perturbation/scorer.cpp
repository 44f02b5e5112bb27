#include "explain/perturbation/scorer.hpp"

#include "explain/propagation.hpp"

namespace gb {

Scorer network_scorer(Sequential& net) {
    return [&net](const Tensor& batch) { return forward_until(net, batch, net.size()); };
}

}  // namespace gb
