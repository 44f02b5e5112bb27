// generative.hpp: training the density expert (a Gaussian-Bernoulli RBM) and
// the generator (a VAE's decoder) of activation maximization on MNIST digits.
#pragma once
#include <cstdint>
#include <functional>

#include "nn/rbm.hpp"
#include "nn/vae.hpp"
#include "training/data.hpp"

namespace gb {

struct GenerativeEpoch {
    int epoch = 0;             // 1-based
    double loss = 0;           // RBM: mean squared reconstruction error; VAE: negative ELBO per digit
    double reconstruction = 0; // VAE: the binary cross-entropy term (RBM: = loss)
    double kl = 0;             // VAE: the KL term
    double seconds = 0;
};
using GenerativeProgress = std::function<void(const GenerativeEpoch&)>;

struct RbmSettings {
    int hidden = 500;
    float sigma = 0.4f;  // of the visible units, in pixel units (pixels are in [0, 1])
    int k = 1;           // Gibbs steps of CD-k
    int epochs = 10, batch = 64;
    float lr = 0.001f;  // at 0.01 the hidden units die and it learns only the mean digit
    float momentum = 0.5f;  // 0.9 after the first epoch (Hinton's guide)
    uint64_t seed = 1;
};
// CD-k on the training digits, in the seeded order of Minibatches.
Rbm train_rbm(const LabeledSet& train, const RbmSettings& settings, const GenerativeProgress& progress = nullptr);

struct VaeSettings {
    int hidden = 400, code = 16;
    int epochs = 10, batch = 128;
    float lr = 1e-3f;  // Adam
    uint64_t seed = 1;
};
// Adam on the negative ELBO; throws gb::Error if the loss stops being finite.
Vae train_vae(const LabeledSet& train, const VaeSettings& settings, const GenerativeProgress& progress = nullptr);

}  // namespace gb
