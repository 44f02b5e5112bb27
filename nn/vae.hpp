// vae.hpp: a variational autoencoder (Kingma and Welling 2014), whose decoder
// is the generator g(z) of activation maximization in code space.
//
//   encoder  x (784) -> 400 ReLU -> (mu, log sigma^2), 2 x code values
//   sample   z = mu + exp(log sigma^2 / 2) * eps,  eps ~ N(0, I)   (the reparameterization)
//   decoder  z (code) -> 400 ReLU -> 784 logits -> sigmoid
//
// trained on the negative evidence lower bound of a batch of B digits,
//
//   L = 1/B sum_b [ sum_i BCE(x_bi, sigmoid(l_bi))  +  KL(N(mu_b, sigma_b^2) || N(0, I)) ]
//   BCE(x, sigmoid(l)) = softplus(l) - x l
//   KL = 1/2 sum_k (mu_k^2 + sigma_k^2 - log sigma_k^2 - 1)
//
// A VAE rather than a GAN: its loss is one bound, minimised by plain SGD/Adam
// without the balance of two players, so it trains stably and fast on a CPU,
// and its prior N(0, I) says where in code space digits live (the - lambda
// ||z||^2 term of activation maximization keeps z there).
//
// The three fused ops below have hand-written backward passes, checked
// against finite differences in tests/nn/test_vae.cpp.
#pragma once
#include <cstdint>

#include "nn/models.hpp"
#include "nn/module.hpp"
#include "util/random.hpp"

namespace gb {

// z = mu + exp(logvar / 2) * eps, with mu_logvar (B, 2K) holding mu in its
// first K columns and logvar in the last K; eps (B, K) a constant.
Tensor reparameterize(const Tensor& mu_logvar, const Tensor& eps);
// 1/B sum_b KL(N(mu_b, diag exp(logvar_b)) || N(0, I)), a scalar.
Tensor gaussian_kl(const Tensor& mu_logvar);
// 1/B sum_bi softplus(l_bi) - x_bi l_bi: binary cross-entropy of sigmoid(logits) against x in [0, 1].
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& x);

struct Vae {
    int inputs = 784, hidden = 400, code = 16;
    Sequential encoder;  // x -> (mu, logvar)
    Model decoder;       // z -> sigmoid(logits), a glassbox model "vae-decoder" of input (code,) that
                         // save_model writes and load_model reads; its last layer is the Sigmoid

    Vae(int inputs, int hidden, int code, uint64_t seed);
    // The negative ELBO of a batch x (B, inputs), with noise drawn from rng; its two terms if asked.
    Tensor loss(const Tensor& x, Rng& rng, double* reconstruction = nullptr, double* kl = nullptr);
};

}  // namespace gb
