// prototypes.hpp: the three variants of activation maximization of Montavon,
// Samek and Mueller (2018, fig. 3) with the settings glassbox uses for MNIST,
// and the "realism" of a prototype: how close it is to real digits.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "explain/synthesis/activation_maximization.hpp"
#include "nn/rbm.hpp"

namespace gb {

enum class Variant {
    L2,         // log p(w_c | x) - lambda ||x||^2
    Expert,     // log p(w_c | x) + log p(x) - lambda ||x||^2, p(x) a Gaussian-Bernoulli RBM
    Generator,  // log p(w_c | g(z)) - lambda ||z||^2, g a VAE's decoder
};

// "am", "am-expert", "am-generator" -> the variant; throws gb::Error naming them.
Variant variant_named(const std::string& name);
std::string variant_name(Variant v);

// The default settings of a variant (lambda, lr, steps), for a class of the
// last layer as the objective; the caller sets the unit, the expert or the
// generator, and may change any of them.
SynthesisOptions variant_options(Variant v);

// The RBM's log p(x) = -F(x) (up to log Z) as a density for SynthesisOptions::expert.
LogDensity rbm_log_density(const Rbm& rbm);

// The nearest of `count` examples (count x size values) to x in Euclidean
// distance: its index and the distance.
std::pair<int, double> nearest_example(const std::vector<float>& examples, size_t size, const std::vector<float>& x);

}  // namespace gb
