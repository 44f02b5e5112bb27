#include "training/generative.hpp"

#include <chrono>
#include <cmath>

#include "datasets/batches.hpp"
#include "nn/optim.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"

namespace gb {
namespace {
double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

Rbm train_rbm(const LabeledSet& train, const RbmSettings& s, const GenerativeProgress& progress) {
    if (train.dense.empty()) throw Error("an RBM is trained on images (MNIST), not on text");
    Rbm rbm(int(train.example_size), s.hidden, s.sigma, s.seed);
    Minibatches batches(train.count(), s.batch, s.seed);
    Rng gibbs(s.seed + 1);
    std::vector<float> x;
    for (int e = 0; e < s.epochs; ++e) {
        auto start = std::chrono::steady_clock::now();
        double error = 0;
        for (const auto& indices : batches.epoch(e)) {
            x.resize(indices.size() * train.example_size);
            for (size_t b = 0; b < indices.size(); ++b) train.fill(indices[b], x.data() + b * train.example_size);
            float momentum = e == 0 ? s.momentum : 0.9f;
            error += rbm.contrastive_divergence(x.data(), int(indices.size()), s.k, s.lr, momentum, gibbs) *
                     double(indices.size());
        }
        error /= train.count();
        if (!std::isfinite(error))
            throw Error("RBM training diverged at epoch " + std::to_string(e + 1) + "; try a smaller --lr");
        if (progress) progress({e + 1, error, error, 0, since(start)});
    }
    return rbm;
}

Vae train_vae(const LabeledSet& train, const VaeSettings& s, const GenerativeProgress& progress) {
    if (train.dense.empty()) throw Error("a VAE is trained on images (MNIST), not on text");
    Vae vae(int(train.example_size), s.hidden, s.code, s.seed);
    std::vector<Tensor> params = parameter_tensors(vae.encoder);
    for (Tensor& p : parameter_tensors(vae.decoder.net)) params.push_back(p);
    Adam adam(params, s.lr);
    Minibatches batches(train.count(), s.batch, s.seed);
    Rng noise(s.seed + 1);
    Shape flat{int(train.example_size)};
    for (int e = 0; e < s.epochs; ++e) {
        auto start = std::chrono::steady_clock::now();
        double loss_sum = 0, bce_sum = 0, kl_sum = 0;
        for (const auto& indices : batches.epoch(e)) {
            Tensor x = gather_batch(train, indices, flat);
            double bce = 0, kl = 0;
            Tensor loss = vae.loss(x, noise, &bce, &kl);
            if (!std::isfinite(loss.item()))
                throw Error("VAE training diverged at epoch " + std::to_string(e + 1) +
                            "; try a smaller --lr. No model file was written");
            adam.zero_grad();
            loss.backward();
            adam.step();
            double n = double(indices.size());
            loss_sum += loss.item() * n, bce_sum += bce * n, kl_sum += kl * n;
        }
        double n = train.count();
        if (progress) progress({e + 1, loss_sum / n, bce_sum / n, kl_sum / n, since(start)});
    }
    return vae;
}

}  // namespace gb
