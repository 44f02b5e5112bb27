#include "nn/vae.hpp"

#include <cmath>

#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "util/error.hpp"

namespace gb {

Tensor reparameterize(const Tensor& mu_logvar, const Tensor& eps) {
    // mu_logvar: (B, 2K), eps: (B, K) -> z: (B, K)
    if (mu_logvar.ndim() != 2 || eps.ndim() != 2 || mu_logvar.dim(0) != eps.dim(0) || mu_logvar.dim(1) != 2 * eps.dim(1))
        throw Error("reparameterize: mu_logvar " + shape_str(mu_logvar.shape()) + " must be (B, 2K) for eps " +
                    shape_str(eps.shape()));
    int B = eps.dim(0), K = eps.dim(1);
    std::vector<float> z(size_t(B) * size_t(K));
    for (int b = 0; b < B; ++b)
        for (int k = 0; k < K; ++k) {
            const float* row = mu_logvar.data() + size_t(b) * size_t(2 * K);
            z[size_t(b * K + k)] = row[k] + std::exp(0.5f * row[K + k]) * eps.data()[b * K + k];
        }
    return make_result("reparameterize", eps.shape(), std::move(z), {&mu_logvar}, [mu_logvar, eps, B, K](Node& self) {
        // dz/dmu = 1, dz/dlogvar = exp(logvar / 2) eps / 2
        float* g = mu_logvar.node()->grad_buffer();
        for (int b = 0; b < B; ++b)
            for (int k = 0; k < K; ++k) {
                float up = self.grad[size_t(b * K + k)];
                size_t at = size_t(b) * size_t(2 * K);
                g[at + size_t(k)] += up;
                g[at + size_t(K + k)] += up * 0.5f * std::exp(0.5f * mu_logvar.data()[at + size_t(K + k)]) *
                                         eps.data()[b * K + k];
            }
    });
}

Tensor gaussian_kl(const Tensor& mu_logvar) {
    int B = mu_logvar.dim(0), K = mu_logvar.dim(1) / 2;
    double kl = 0;
    for (int b = 0; b < B; ++b)
        for (int k = 0; k < K; ++k) {
            const float* row = mu_logvar.data() + size_t(b) * size_t(2 * K);
            kl += 0.5 * (double(row[k]) * row[k] + std::exp(double(row[K + k])) - row[K + k] - 1);
        }
    return make_result("gaussian_kl", {}, {float(kl / B)}, {&mu_logvar}, [mu_logvar, B, K](Node& self) {
        // d/dmu = mu / B, d/dlogvar = (exp(logvar) - 1) / 2B
        float up = self.grad[0] / float(B), *g = mu_logvar.node()->grad_buffer();
        for (int b = 0; b < B; ++b)
            for (int k = 0; k < K; ++k) {
                size_t at = size_t(b) * size_t(2 * K);
                g[at + size_t(k)] += up * mu_logvar.data()[at + size_t(k)];
                g[at + size_t(K + k)] += up * 0.5f * (std::exp(mu_logvar.data()[at + size_t(K + k)]) - 1);
            }
    });
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& x) {
    if (logits.shape() != x.shape())
        throw Error("binary_cross_entropy_with_logits: logits " + shape_str(logits.shape()) + " and targets " +
                    shape_str(x.shape()) + " differ");
    int B = logits.dim(0);
    double total = 0;
    for (size_t i = 0; i < logits.numel(); ++i) {
        double l = logits.data()[i];
        total += std::max(l, 0.0) + std::log1p(std::exp(-std::fabs(l))) - x.data()[i] * l;  // softplus(l) - x l
    }
    return make_result("bce_with_logits", {}, {float(total / B)}, {&logits}, [logits, x, B](Node& self) {
        // d/dl = sigmoid(l) - x
        float up = self.grad[0] / float(B), *g = logits.node()->grad_buffer();
        for (size_t i = 0; i < logits.numel(); ++i)
            g[i] += up * (1.0f / (1.0f + std::exp(-logits.data()[i])) - x.data()[i]);
    });
}

Vae::Vae(int inputs_, int hidden_, int code_, uint64_t seed) : inputs(inputs_), hidden(hidden_), code(code_) {
    if (inputs < 1 || hidden < 1 || code < 1) throw Error("a VAE needs positive input, hidden and code sizes");
    Rng rng(seed);
    encoder.emplace<Linear>(inputs, hidden, rng).emplace<ReLU>();
    encoder.emplace<Linear>(hidden, 2 * code, rng, Init::FanInUniform);
    decoder.name = "vae-decoder";
    decoder.input_shape = {code};
    decoder.net.emplace<Linear>(code, hidden, rng).emplace<ReLU>();
    decoder.net.emplace<Linear>(hidden, inputs, rng, Init::FanInUniform).emplace<Sigmoid>();
}

Tensor Vae::loss(const Tensor& x, Rng& rng, double* reconstruction, double* kl) {
    Tensor mu_logvar = encoder.forward(x);
    Tensor eps(Shape{x.dim(0), code});
    for (float& e : eps.values()) e = rng.normal();
    Tensor h = reparameterize(mu_logvar, eps);
    for (size_t i = 0; i + 1 < decoder.net.size(); ++i) h = decoder.net[i].forward(h);  // the logits, before the Sigmoid
    Tensor bce = binary_cross_entropy_with_logits(h, x), divergence = gaussian_kl(mu_logvar);
    if (reconstruction) *reconstruction = bce.item();
    if (kl) *kl = divergence.item();
    return add(bce, divergence);
}

}  // namespace gb
