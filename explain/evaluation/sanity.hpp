// sanity.hpp: sanity checks for saliency maps (Adebayo et al. 2018). An
// explanation that explains the model must change when the model's learnt
// weights are destroyed. Two randomizations, each layer with parameters in
// turn, from the output towards the input:
//   cascading:   the layers randomized so far stay randomized (the top k layers are random);
//   independent: only one layer is random at a time, the rest as trained.
// The maps of the randomized network are compared with the original ones by
// Spearman's rank correlation of the values, of their absolute values, and
// by SSIM of the magnitude maps (images). A method whose maps stay similar
// (guided backprop is the known case) depends little on the weights: it shows
// the input, more than what the model learnt from it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explain/explain.hpp"

namespace gb {

class Rng;

// Re-draws every parameter tensor of a layer from N(mean, sd^2) of its own
// trained values (the layer keeps its scale, so activations neither vanish
// nor explode; all-equal tensors such as zero biases stay as they are).
void randomize_parameters(Module& layer, Rng& rng);

struct SanityStep {
    std::string layer;          // the layer last randomized, "3: Linear 300 100"
    double spearman = 0;        // mean over the examples: rank correlation of R and R_random
    double spearman_abs = 0;    // the same of |R| and |R_random|
    double ssim = 0;            // of |R| / max |R|; NaN unless the maps are height x width images
};

struct SanityChecks {
    std::vector<SanityStep> cascading, independent;  // one step per layer with parameters, from the output
};

// The explanations of x (for the classes the trained network predicts) and
// of the randomized networks, compared, under both randomizations; the
// trained network is explained once. Each randomization draws from its own
// Rng(seed), so the k-th layer gets the same random weights in both. The
// network is restored afterwards, also when an error is thrown.
// height x width: the image, for SSIM (0: none).
SanityChecks sanity_checks(Sequential& net, const Tensor& x, const std::string& method, const ExplainOptions& options,
                           uint64_t seed, int height = 0, int width = 0);

}  // namespace gb
