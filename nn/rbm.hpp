// rbm.hpp: a Gaussian-Bernoulli restricted Boltzmann machine, the density
// "expert" of activation maximization (Montavon, Samek and Mueller 2018, sec. 3.2).
//
// Real visible units x (V of them, e.g. the pixels of a digit) with a fixed
// standard deviation sigma, binary hidden units h (H of them). The energy
// (Hinton 2012, "A practical guide to training RBMs", sec. 13.2; Cho et al. 2011):
//
//   E(x, h) = ||x - b||^2 / (2 sigma^2) - c.h - x^T W^T h / sigma^2,   W: (H, V)
//
// Summing h out gives the free energy, -log p(x) up to the constant log Z:
//
//   F(x) = ||x - b||^2 / (2 sigma^2) - sum_j softplus(c_j + W_j.x / sigma^2)
//   dF/dx = (x - b) / sigma^2 - W^T sigmoid(c + W x / sigma^2) / sigma^2
//
// so -dF/dx = (reconstruction(x) - x) / sigma^2, with reconstruction(x) =
// b + W^T p(h = 1 | x): the expert pulls an input toward what the RBM
// reconstructs from it. Trained by contrastive divergence (CD-k, Hinton 2002).
//
// Saved as .npz: "weight" (H, V), "visible_bias" (V,), "hidden_bias" (H,),
// with a record "glassbox-rbm 1 / sigma S / data D" in the archive comment.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/random.hpp"

namespace gb {

class Rbm {
public:
    Rbm() = default;
    // Weights N(0, 0.01^2), biases 0 (Hinton's guide).
    Rbm(int visible, int hidden, float sigma, uint64_t seed);

    int visible() const { return visible_; }
    int hidden() const { return hidden_; }
    float sigma() const { return sigma_; }

    // F(x) of one input, and dF/dx added into `gradient` (V values) if given.
    double free_energy(const float* x, float* gradient = nullptr) const;

    // p(h = 1 | x) = sigmoid(c + W x / sigma^2) for n inputs (n, V) -> (n, H).
    void hidden_probabilities(const float* x, int n, float* p) const;
    // E[x | h] = b + W^T h for n hidden vectors (n, H) -> (n, V).
    void visible_means(const float* h, int n, float* x) const;

    // One CD-k step on a batch x (n, V): k Gibbs steps from the data (binary
    // hidden samples, mean-field visibles), then
    //   W += lr (<h x^T>_data - <h x^T>_model) / sigma^2,  b += lr (<x>_data - <x>_model) / sigma^2,
    //   c += lr (<h>_data - <h>_model)
    // with momentum. Returns the batch's mean squared reconstruction error after one step.
    double contrastive_divergence(const float* x, int n, int k, float lr, float momentum, Rng& rng);
    // Mean over the n inputs of ||x - reconstruction(x)||^2 / V.
    double reconstruction_error(const float* x, int n) const;

    std::vector<float>& weight() { return weight_; }
    std::vector<float>& visible_bias() { return visible_bias_; }
    std::vector<float>& hidden_bias() { return hidden_bias_; }
    const std::vector<float>& weight() const { return weight_; }
    const std::vector<float>& visible_bias() const { return visible_bias_; }
    const std::vector<float>& hidden_bias() const { return hidden_bias_; }
    std::string data;  // what it was trained on ("mnist")

private:
    int visible_ = 0, hidden_ = 0;
    float sigma_ = 1;
    std::vector<float> weight_, visible_bias_, hidden_bias_;
    std::vector<float> weight_velocity_, visible_velocity_, hidden_velocity_;
};

void save_rbm(const Rbm& rbm, const std::string& path);
// Throws gb::Error for a file that is not a glassbox RBM, or misshapen or non-finite arrays.
Rbm load_rbm(const std::string& path);

}  // namespace gb
