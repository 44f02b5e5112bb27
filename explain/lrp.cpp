#include "explain/lrp.hpp"

#include <cmath>
#include <functional>

#include "nn/conv.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "nn/pool.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// The layer's linear map, applied with given weights and bias: z = f(a, w, b).
using LinearMap = std::function<Tensor(const Tensor& a, const Tensor& w, const Tensor& b)>;

// Element-wise helpers on tensors of one shape.
Tensor map_values(const Tensor& t, float (*f)(float)) {
    Tensor out(t.shape());
    for (size_t k = 0; k < t.numel(); ++k) out.values()[k] = f(t.values()[k]);
    return out;
}
float positive(float v) { return v > 0 ? v : 0.0f; }
float negative(float v) { return v < 0 ? v : 0.0f; }
float one(float) { return 1.0f; }

// s = R / (z + stabiliser * sign(z)), sign(0) = +1
std::vector<float> divide(const Tensor& R, const Tensor& z, float stabiliser) {
    std::vector<float> s(z.numel());
    for (size_t k = 0; k < s.size(); ++k) {
        float d = z.values()[k] + stabiliser * (z.values()[k] >= 0 ? 1.0f : -1.0f);
        s[k] = d == 0.0f ? 0.0f : R.values()[k] / d;
    }
    return s;
}

// The four steps for z = sum over terms f(a_t, w_t, b_t): one s for all terms,
// and R_prev = sum_t a_t * c_t.
struct Term {
    Tensor a, w, b;
};
Tensor zscr(const LinearMap& f, std::vector<Term> terms, const Tensor& R, float stabiliser) {
    Tensor z;
    for (Term& t : terms) {
        t.a = t.a.detach().set_requires_grad();
        Tensor zt = f(t.a, t.w, t.b);          // z = rho(layer)(a)
        z = z.defined() ? add(z, zt) : zt;
    }
    z.backward(divide(R, z, stabiliser));   // c = rho(layer)^T s
    Tensor r(terms[0].a.shape());
    for (const Term& t : terms)             // R_prev = a * c
        if (!t.a.grad().empty())
            for (size_t k = 0; k < r.numel(); ++k) r.values()[k] += t.a.values()[k] * t.a.grad()[k];
    return r;
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
    if (dynamic_cast<Conv1d*>(&layer))
        return [](const Tensor& a, const Tensor& w, const Tensor& b) { return conv1d(a, w, b); };
    return nullptr;
}

bool passes_through(Module& layer) {
    return dynamic_cast<ReLU*>(&layer) || dynamic_cast<Flatten*>(&layer) || dynamic_cast<Dropout*>(&layer) ||
           dynamic_cast<Transpose*>(&layer);
}

bool is_pooling(Module& layer) {
    return dynamic_cast<MaxPool2d*>(&layer) || dynamic_cast<SumPool2d*>(&layer) ||
           dynamic_cast<AvgPool2d*>(&layer) || dynamic_cast<MaxOverTime*>(&layer);
}

}  // namespace

LrpRule::LrpRule(std::string kind, LrpParameters parameters) : kind_(std::move(kind)), p_(parameters) {
    if (kind_ == "lrp-zplus") p_.alpha = 1.0f, p_.beta = 0.0f;
    if (kind_ == "lrp-alphabeta" && std::fabs(p_.alpha - p_.beta - 1.0f) > 1e-6f)
        throw Error("lrp-alphabeta needs alpha - beta = 1 to conserve relevance, got alpha " +
                    std::to_string(p_.alpha) + ", beta " + std::to_string(p_.beta));
    if (p_.alpha < 1.0f || p_.beta < 0.0f) throw Error("lrp-alphabeta needs alpha >= 1 and beta >= 0");
}

Tensor LrpRule::propagate(const LayerPass& pass, const Tensor& R) const {
    Module& layer = pass.layer;
    const Tensor& a = pass.input;
    if (dynamic_cast<ReLU*>(&layer)) return Tensor(R.shape(), R.values());  // R_in = R_out
    if (passes_through(layer)) return layer_gradient(pass, R);                // a reshaping: R moves along
    const float tiny = 1e-9f;
    if (auto* max = dynamic_cast<MaxPool2d*>(&layer); max && p_.max_pool_proportional) {
        int k = max->kernel(), stride = max->stride();  // as a sum pool: R_j = a_j / sum_i a_i R_k
        LinearMap pool = [k, stride](const Tensor& x, const Tensor&, const Tensor&) { return sum_pool2d(x, k, stride); };
        return zscr(pool, {{a, Tensor(), Tensor()}}, R, tiny);
    }
    if (auto* lp = dynamic_cast<LpPool2d*>(&layer)) {  // R_j = a_j^p / sum_i a_i^p R_k
        int k = lp->kernel(), stride = lp->stride();
        Tensor ap(a.shape());
        for (size_t i = 0; i < a.numel(); ++i) ap.values()[i] = std::pow(std::fabs(a.values()[i]), lp->p());
        LinearMap pool = [k, stride](const Tensor& x, const Tensor&, const Tensor&) { return sum_pool2d(x, k, stride); };
        return zscr(pool, {{ap, Tensor(), Tensor()}}, R, tiny);
    }
    if (is_pooling(layer)) {  // z/s/c with the pooling itself: winner-take-all, or proportional
        LinearMap pool = [&layer](const Tensor& x, const Tensor&, const Tensor&) { return layer.forward(x); };
        return zscr(pool, {{a, Tensor(), Tensor()}}, R, tiny);
    }
    LinearMap f = linear_map_of(layer);
    if (!f)
        throw Error(kind_ + " has no rule for layer '" + layer.describe() +
                    "' (LRP here covers linear, convolution, pooling and ReLU layers)");
    auto params = layer.parameters();
    Tensor w = params[0].second, b = params[1].second;
    if (p_.negate_weights) {  // the "dual" of a unit: -w, -b (contrastive excitation backprop)
        w = w.detach();
        b = b.detach();
        for (float& v : w.values()) v = -v;
        for (float& v : b.values()) v = -v;
    }
    const Tensor zero_bias(b.shape());

    if (kind_ == "lrp-0") return zscr(f, {{a, w, b}}, R, tiny);
    if (kind_ == "lrp-epsilon") return zscr(f, {{a, w, b}}, R, p_.epsilon);
    if (kind_ == "lrp-gamma") {  // rho(w) = w + gamma w+
        Tensor wg = w.detach(), bg = b.detach();
        for (float& v : wg.values()) v += p_.gamma * positive(v);
        for (float& v : bg.values()) v += p_.gamma * positive(v);
        return zscr(f, {{a, wg, bg}}, R, tiny);
    }
    if (kind_ == "lrp-w2") {  // a := 1, rho(w) = w^2, no bias
        Tensor w2 = w.detach();
        for (float& v : w2.values()) v = v * v;
        return zscr(f, {{map_values(a, one), w2, zero_bias}}, R, tiny);
    }
    if (kind_ == "lrp-flat") return zscr(f, {{map_values(a, one), map_values(w, one), zero_bias}}, R, tiny);
    if (kind_ == "lrp-zb") {  // z = x w - l w+ - h w-, R = x (w s) - l (w+ s) - h (w- s)
        Tensor low(a.shape(), p_.low), high(a.shape(), p_.high);
        Tensor minus_wp = map_values(w, positive), minus_wn = map_values(w, negative);
        for (float& v : minus_wp.values()) v = -v;
        for (float& v : minus_wn.values()) v = -v;
        return zscr(f, {{a, w, zero_bias}, {low, minus_wp, zero_bias}, {high, minus_wn, zero_bias}}, R, tiny);
    }
    if (kind_ == "lrp-alphabeta" || kind_ == "lrp-zplus") {
        // positive contributions: a+ w+ and a- w-; negative ones: a+ w- and a- w+
        Tensor ap = map_values(a, positive), an = map_values(a, negative);
        Tensor wp = map_values(w, positive), wn = map_values(w, negative);
        Tensor r_pos = zscr(f, {{ap, wp, zero_bias}, {an, wn, zero_bias}}, R, tiny);
        if (p_.beta == 0.0f) return r_pos;
        Tensor r_neg = zscr(f, {{ap, wn, zero_bias}, {an, wp, zero_bias}}, R, tiny);
        for (size_t k = 0; k < r_pos.numel(); ++k)
            r_pos.values()[k] = p_.alpha * r_pos.values()[k] - p_.beta * r_neg.values()[k];
        return r_pos;
    }
    throw Error("unknown LRP rule '" + kind_ + "'");
}

const std::vector<std::string>& composite_names() {
    static const std::vector<std::string> names{"epsilon-gamma-zb", "alphabeta-zb", "deep-taylor"};
    return names;
}

std::unique_ptr<Rule> make_composite(const std::string& name, size_t first, bool bounded, LrpParameters p) {
    // The rules are owned by the chooser (shared), so the composite stays valid on its own.
    auto rule = [p](const char* kind) { return std::make_shared<LrpRule>(kind, p); };
    auto input = rule(bounded ? "lrp-zb" : "lrp-w2");
    if (name == "epsilon-gamma-zb") {
        auto gamma = rule("lrp-gamma"), epsilon = rule("lrp-epsilon");
        return std::make_unique<CompositeRule>(name, [=](const LayerPass& pass) -> const Rule& {
            if (pass.index == first) return *input;
            if (dynamic_cast<Conv2d*>(&pass.layer) || dynamic_cast<Conv1d*>(&pass.layer)) return *gamma;
            return *epsilon;
        });
    }
    if (name == "alphabeta-zb" || name == "deep-taylor") {
        auto hidden = rule(name == "deep-taylor" ? "lrp-zplus" : "lrp-alphabeta");
        return std::make_unique<CompositeRule>(name, [=](const LayerPass& pass) -> const Rule& {
            return pass.index == first ? *input : *hidden;
        });
    }
    std::string list;
    for (auto& n : composite_names()) list += (list.empty() ? "" : ", ") + n;
    throw Error("unknown LRP composite '" + name + "'; choose one of: " + list);
}

}  // namespace gb
