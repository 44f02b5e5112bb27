#include "nn/rbm.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nn/gemm.hpp"
#include "nn/npz.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

const char* kRbmMagic = "glassbox-rbm 1";

double softplus(double a) { return std::max(a, 0.0) + std::log1p(std::exp(-std::fabs(a))); }
float sigmoid(float a) { return 1.0f / (1.0f + std::exp(-a)); }

}  // namespace

Rbm::Rbm(int visible, int hidden, float sigma, uint64_t seed)
    : visible_(visible), hidden_(hidden), sigma_(sigma), weight_(size_t(visible) * size_t(hidden)),
      visible_bias_(size_t(visible), 0.0f), hidden_bias_(size_t(hidden), 0.0f) {
    if (visible < 1 || hidden < 1 || !(sigma > 0))
        throw Error("an RBM needs at least one visible and one hidden unit and sigma > 0");
    Rng rng(seed);
    for (float& w : weight_) w = 0.01f * rng.normal();
}

double Rbm::free_energy(const float* x, float* gradient) const {
    // F(x) = ||x - b||^2 / (2 sigma^2) - sum_j softplus(c_j + W_j.x / sigma^2)
    const double s2 = double(sigma_) * sigma_;
    double quadratic = 0, hidden_term = 0;
    for (int i = 0; i < visible_; ++i) {
        double d = x[i] - visible_bias_[size_t(i)];
        quadratic += d * d;
        if (gradient) gradient[i] += float(d / s2);  // (x - b) / sigma^2
    }
    for (int j = 0; j < hidden_; ++j) {
        const float* w = weight_.data() + size_t(j) * size_t(visible_);
        double a = 0;
        for (int i = 0; i < visible_; ++i) a += double(w[i]) * x[i];
        a = hidden_bias_[size_t(j)] + a / s2;
        hidden_term += softplus(a);
        if (gradient) {  // - sigmoid(a_j) W_j / sigma^2
            float p = float(1.0 / (1.0 + std::exp(-a)) / s2);
            for (int i = 0; i < visible_; ++i) gradient[i] -= p * w[i];
        }
    }
    return quadratic / (2 * s2) - hidden_term;
}

void Rbm::hidden_probabilities(const float* x, int n, float* p) const {
    // (n, H) = x (n, V) W^T / sigma^2, then + c and the sigmoid
    gemm(false, true, n, hidden_, visible_, 1.0f / (sigma_ * sigma_), x, weight_.data(), 0.0f, p);
    for (int r = 0; r < n; ++r)
        for (int j = 0; j < hidden_; ++j) {
            float& v = p[size_t(r) * size_t(hidden_) + size_t(j)];
            v = sigmoid(v + hidden_bias_[size_t(j)]);
        }
}

void Rbm::visible_means(const float* h, int n, float* x) const {
    // (n, V) = h (n, H) W (H, V) + b
    gemm(false, false, n, visible_, hidden_, 1.0f, h, weight_.data(), 0.0f, x);
    for (int r = 0; r < n; ++r)
        for (int i = 0; i < visible_; ++i) x[size_t(r) * size_t(visible_) + size_t(i)] += visible_bias_[size_t(i)];
}

double Rbm::reconstruction_error(const float* x, int n) const {
    std::vector<float> p(size_t(n) * size_t(hidden_)), r(size_t(n) * size_t(visible_));
    hidden_probabilities(x, n, p.data());
    visible_means(p.data(), n, r.data());
    double e = 0;
    for (size_t k = 0; k < r.size(); ++k) e += double(r[k] - x[k]) * (r[k] - x[k]);
    return e / (double(n) * visible_);
}

double Rbm::contrastive_divergence(const float* x, int n, int k, float lr, float momentum, Rng& rng) {
    if (k < 1 || n < 1) throw Error("CD-k needs k >= 1 Gibbs steps and a batch of at least one input");
    size_t nh = size_t(n) * size_t(hidden_), nv = size_t(n) * size_t(visible_);
    std::vector<float> ph0(nh), h(nh), phk(nh), xk(nv);
    hidden_probabilities(x, n, ph0.data());  // positive phase: p(h | x_data)
    std::vector<float> p = ph0;
    double error = 0;
    for (int step = 0; step < k; ++step) {  // k Gibbs steps: h ~ p(h | x), x = E[x | h]
        for (size_t q = 0; q < nh; ++q) h[q] = rng.uniform() < p[q] ? 1.0f : 0.0f;
        visible_means(h.data(), n, xk.data());
        hidden_probabilities(xk.data(), n, p.data());
        if (step == 0)
            for (size_t q = 0; q < nv; ++q) error += double(xk[q] - x[q]) * (xk[q] - x[q]);
    }
    phk = p;
    if (weight_velocity_.empty()) {
        weight_velocity_.assign(weight_.size(), 0.0f);
        visible_velocity_.assign(visible_bias_.size(), 0.0f);
        hidden_velocity_.assign(hidden_bias_.size(), 0.0f);
    }
    const float s = lr / (float(n) * sigma_ * sigma_);
    // v = momentum v + lr (<h x^T>_data - <h x^T>_model) / sigma^2, averaged over the batch
    for (float& v : weight_velocity_) v *= momentum;
    gemm(true, false, hidden_, visible_, n, s, ph0.data(), x, 1.0f, weight_velocity_.data());
    gemm(true, false, hidden_, visible_, n, -s, phk.data(), xk.data(), 1.0f, weight_velocity_.data());
    for (int i = 0; i < visible_; ++i) {
        double d = 0;
        for (int r = 0; r < n; ++r) d += x[size_t(r) * size_t(visible_) + size_t(i)] - xk[size_t(r) * size_t(visible_) + size_t(i)];
        visible_velocity_[size_t(i)] = momentum * visible_velocity_[size_t(i)] + float(d) * s;
    }
    for (int j = 0; j < hidden_; ++j) {
        double d = 0;
        for (int r = 0; r < n; ++r) d += ph0[size_t(r) * size_t(hidden_) + size_t(j)] - phk[size_t(r) * size_t(hidden_) + size_t(j)];
        hidden_velocity_[size_t(j)] = momentum * hidden_velocity_[size_t(j)] + float(d) * lr / float(n);
    }
    for (size_t q = 0; q < weight_.size(); ++q) weight_[q] += weight_velocity_[q];
    for (size_t i = 0; i < visible_bias_.size(); ++i) visible_bias_[i] += visible_velocity_[i];
    for (size_t j = 0; j < hidden_bias_.size(); ++j) hidden_bias_[j] += hidden_velocity_[j];
    return error / double(nv);
}

void save_rbm(const Rbm& rbm, const std::string& path) {
    const Rbm& r = rbm;
    NpzArchive archive;
    archive.arrays.push_back({"weight", {r.hidden(), r.visible()}, r.weight()});
    archive.arrays.push_back({"visible_bias", {r.visible()}, r.visible_bias()});
    archive.arrays.push_back({"hidden_bias", {r.hidden()}, r.hidden_bias()});
    std::ostringstream record;
    record << kRbmMagic << "\nsigma " << r.sigma() << "\ndata " << r.data << "\n";
    archive.comment = record.str();
    write_npz(path, archive);
}

Rbm load_rbm(const std::string& path) {
    NpzArchive a = read_npz(path);
    std::istringstream record(a.comment);
    std::string line, key, data;
    float sigma = 0;
    if (!std::getline(record, line) || line != kRbmMagic)
        throw Error(path + " is not a glassbox RBM (no 'glassbox-rbm' record); train one with "
                           "`glassbox train --model rbm --data mnist --out FILE.npz`");
    while (std::getline(record, line)) {
        std::istringstream fields(line);
        fields >> key;
        if (key == "sigma") fields >> sigma;
        if (key == "data") fields >> data;
    }
    const NpyArray *w = a.find("weight"), *b = a.find("visible_bias"), *c = a.find("hidden_bias");
    if (!w || !b || !c || w->shape.size() != 2 || b->shape != Shape{w->shape[1]} || c->shape != Shape{w->shape[0]} ||
        !(sigma > 0) || !std::isfinite(sigma))
        throw Error(path + ": the RBM's arrays (weight (H, V), visible_bias (V,), hidden_bias (H,)) or its sigma are "
                           "missing or misshapen; train it again");
    Rbm rbm(w->shape[1], w->shape[0], sigma, 0);
    for (const NpyArray* p : {w, b, c})
        for (float v : p->values)
            if (!std::isfinite(v)) throw Error(path + ": array '" + p->name + "' holds a NaN or infinite value; train it again");
    rbm.weight() = w->values;
    rbm.visible_bias() = b->values;
    rbm.hidden_bias() = c->values;
    rbm.data = data;
    return rbm;
}

}  // namespace gb
