// scorer.hpp: what the model-agnostic methods (occlusion, and the
// perturbation and surrogate methods) see of a model: a function from a batch
// of inputs (B, ...) to class scores (B, classes), as lime's classifier_fn.
// It can wrap a network, or any other model (a random forest).
#pragma once
#include <functional>

#include "nn/module.hpp"

namespace gb {

using Scorer = std::function<Tensor(const Tensor& batch)>;

// The network's logits, by a forward pass in inference mode (the network's
// mode is restored after each call). The network must outlive the scorer.
Scorer network_scorer(Sequential& net);

}  // namespace gb
