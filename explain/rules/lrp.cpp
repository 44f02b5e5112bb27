#include "explain/rules/lrp.hpp"

#include <cmath>

#include "explain/rules/lstm_lrp.hpp"
#include "nn/conv.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "nn/ops.hpp"
#include "nn/pool.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// Element-wise helpers on tensors of one shape.
Tensor map_values(const Tensor& t, float (*f)(float)) {
    Tensor out(t.shape());
    for (size_t k = 0; k < t.numel(); ++k) out.values()[k] = f(t.values()[k]);
    return out;
}
float positive(float v) { return v > 0 ? v : 0.0f; }
float negative(float v) { return v < 0 ? v : 0.0f; }
float one(float) { return 1.0f; }
float minus(float v) { return -v; }

// s = R / (z + stabiliser * sign(z)), sign(0) = +1
std::vector<float> divide(const Tensor& R, const Tensor& z, float stabiliser) {
    std::vector<float> s(z.numel());
    for (size_t k = 0; k < s.size(); ++k) {
        float d = z.values()[k] + stabiliser * (z.values()[k] >= 0 ? 1.0f : -1.0f);
        s[k] = d == 0.0f ? 0.0f : R.values()[k] / d;
    }
    return s;
}

LinearMap linear_map_of(Module& layer) {
    if (dynamic_cast<Linear*>(&layer))
        return [](const Tensor& a, const Tensor& w, const Tensor& b) { return linear(a, w, b); };
    if (auto* conv = dynamic_cast<Conv2d*>(&layer)) {
        int stride = conv->stride(), padding = conv->padding();
        return [stride, padding](const Tensor& a, const Tensor& w, const Tensor& b) {
            return conv2d(a, w, b, stride, padding);
        };
    }
    return [](const Tensor& a, const Tensor& w, const Tensor& b) { return conv1d(a, w, b); };  // Conv1d
}

// A pooling as a linear map without weights: z = pool(a).
Tensor pooled(const LinearMap& pool, const Tensor& a, const Tensor& R) {
    return four_steps(pool, {{a, Tensor(), Tensor()}}, R, 1e-9f);
}
LinearMap sum_pool(int kernel, int stride) {
    return [kernel, stride](const Tensor& x, const Tensor&, const Tensor&) { return sum_pool2d(x, kernel, stride); };
}

}  // namespace

Tensor four_steps(const LinearMap& f, std::vector<Term> terms, const Tensor& R, float stabiliser) {
    Tensor z;
    for (Term& t : terms) {
        t.a = t.a.detach().set_requires_grad();
        Tensor zt = f(t.a, t.w, t.b);          // z = rho(layer)(a)
        z = z.defined() ? add(z, zt) : zt;
    }
    z.backward(divide(R, z, stabiliser));   // s = R / z;  c = rho(layer)^T s
    Tensor r(terms[0].a.shape());
    for (const Term& t : terms)             // R_prev = a * c
        if (!t.a.grad().empty())
            for (size_t k = 0; k < r.numel(); ++k) r.values()[k] += t.a.values()[k] * t.a.grad()[k];
    return r;
}

Tensor LrpRule::propagate(const LayerPass& pass, const Tensor& R) const {
    Module& layer = pass.layer;
    const Tensor& a = pass.input;
    switch (layer_kind(layer)) {
        case LayerKind::ReLU: return Tensor(R.shape(), R.values());  // R_in = R_out
        case LayerKind::Reshape: return layer_gradient(pass, R);      // R moves along with the values
        case LayerKind::MaxPool:
            if (auto* max = dynamic_cast<MaxPool2d*>(&layer); max && pooling_ == MaxPooling::Proportional)
                return pooled(sum_pool(max->kernel(), max->stride()), a, R);  // R_j = a_j / sum_i a_i R_k
            [[fallthrough]];  // winner takes all: the pooling itself routes R to each window's maximum
        case LayerKind::SumPool:
            return pooled([&layer](const Tensor& x, const Tensor&, const Tensor&) { return layer.forward(x); }, a, R);
        case LayerKind::LpPool: {  // R_j = a_j^p / sum_i a_i^p R_k
            auto* lp = dynamic_cast<LpPool2d*>(&layer);
            Tensor ap(a.shape());
            for (size_t i = 0; i < a.numel(); ++i) ap.values()[i] = std::pow(std::fabs(a.values()[i]), lp->p());
            return pooled(sum_pool(lp->kernel(), lp->stride()), ap, R);
        }
        case LayerKind::Linear: {
            auto params = layer.parameters();
            return linear(linear_map_of(layer), a, params[0].second, params[1].second, R);
        }
        default: require_support(name(), family(), layer); return Tensor();  // throws
    }
}

Tensor EpsilonRule::propagate(const LayerPass& pass, const Tensor& R) const {
    if (auto* lstm = dynamic_cast<LSTM*>(&pass.layer)) return lstm_relevance(*lstm, pass.input, R, epsilon_, bias_factor_).inputs;
    return LrpRule::propagate(pass, R);
}

// rho(w) = w + gamma w+, rho(b) = b + gamma b+
Tensor GammaRule::linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const {
    Tensor wg = w.detach(), bg = b.detach();
    for (float& v : wg.values()) v += gamma_ * positive(v);
    for (float& v : bg.values()) v += gamma_ * positive(v);
    return four_steps(f, {{a, wg, bg}}, R, tiny);
}

AlphaBetaRule::AlphaBetaRule(float alpha, float beta, MaxPooling pooling) : LrpRule(pooling), alpha_(alpha), beta_(beta) {
    if (std::fabs(alpha - beta - 1.0f) > 1e-6f)
        throw Error("lrp-alphabeta needs alpha - beta = 1 to conserve relevance, got alpha " + std::to_string(alpha) +
                    ", beta " + std::to_string(beta));
    if (alpha < 1.0f || beta < 0.0f) throw Error("lrp-alphabeta needs alpha >= 1 and beta >= 0");
}

// R = alpha R+ - beta R-: R+ from the positive contributions a+ w+ and a- w-, R- from a+ w- and a- w+
Tensor AlphaBetaRule::linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const {
    Tensor ap = map_values(a, positive), an = map_values(a, negative);
    Tensor wp = map_values(w, positive), wn = map_values(w, negative);
    const Tensor no_bias(b.shape());
    Tensor r_pos = four_steps(f, {{ap, wp, no_bias}, {an, wn, no_bias}}, R, tiny);
    if (beta_ == 0.0f) return r_pos;
    Tensor r_neg = four_steps(f, {{ap, wn, no_bias}, {an, wp, no_bias}}, R, tiny);
    for (size_t k = 0; k < r_pos.numel(); ++k) r_pos.values()[k] = alpha_ * r_pos.values()[k] - beta_ * r_neg.values()[k];
    return r_pos;
}

// a := 1, rho(w) = w^2, no bias
Tensor WSquareRule::linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const {
    Tensor w2 = w.detach();
    for (float& v : w2.values()) v = v * v;
    return four_steps(f, {{map_values(a, one), w2, Tensor(b.shape())}}, R, tiny);
}

// a := 1, w := 1, no bias
Tensor FlatRule::linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const {
    return four_steps(f, {{map_values(a, one), map_values(w, one), Tensor(b.shape())}}, R, tiny);
}

ZBRule::ZBRule(Bounds bounds, MaxPooling pooling) : LrpRule(pooling), bounds_(bounds) {
    if (!(bounds.low < bounds.high))
        throw Error("lrp-zb needs bounds low < high for the inputs, got " + std::to_string(bounds.low) + " and " +
                    std::to_string(bounds.high));
}

// z = x w - l w+ - h w-, R = x (w s) - l (w+ s) - h (w- s)
Tensor ZBRule::linear(const LinearMap& f, const Tensor& a, const Tensor& w, const Tensor& b, const Tensor& R) const {
    Tensor low(a.shape(), bounds_.low), high(a.shape(), bounds_.high), no_bias(b.shape());
    Tensor minus_wp = map_values(map_values(w, positive), minus), minus_wn = map_values(map_values(w, negative), minus);
    return four_steps(f, {{a, w, no_bias}, {low, minus_wp, no_bias}, {high, minus_wn, no_bias}}, R, tiny);
}

}  // namespace gb
