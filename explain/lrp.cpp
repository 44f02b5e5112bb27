#include "explain/lrp.hpp"

#include <cmath>
#include <functional>

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

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }
float sign(double v) { return v >= 0 ? 1.0f : -1.0f; }

// LRP through an LSTM (Arras et al. 2017), one direction, relevance given at
// the last hidden state, R_out (B, H); returns the relevance of the inputs
// (B, T, D). Going back step by step:
//   h_t = o_t * tanh(c_t)             signal-take-all: R(c_t) += R(h_t) (the gate o gets none)
//   c_t = f_t * c_{t-1} + i_t * g_t   linear rule: R(c_{t-1}) = f c_{t-1} / c_t R(c_t),
//                                     R(g_t) = i g / c_t R(c_t)  (the gates get none)
//   g_t = tanh(z_g)                   R(z_g) = R(g_t)
//   z_g = W_ig x_t + W_hg h_{t-1} + b_g   linear rule with epsilon and bias factor delta:
//       R_j = (z_jk + (epsilon sign(z_k) + delta b_k) / N) / (z_k + epsilon sign(z_k)) R_k, N = D + H
// With delta = 1 the bias's share is spread over the inputs, so the words and
// h_0 (which is 0) receive all of R but what epsilon absorbs.
}  // namespace

LstmRelevance lstm_relevance(LSTM& lstm, const Tensor& x, const Tensor& R_out, float epsilon, float bias_factor) {
    if (lstm.bidirectional() || !lstm.last_only())
        throw Error("the LSTM rule is implemented for one direction with the last state as output, not '" +
                    lstm.describe() + "'");
    auto params = lstm.parameters();  // weight_ih_l0 (4H, D), weight_hh_l0 (4H, H), bias_ih_l0, bias_hh_l0
    const float *Wih = params[0].second.data(), *Whh = params[1].second.data();
    const float *bih = params[2].second.data(), *bhh = params[3].second.data();
    const int B = x.dim(0), T = x.dim(1), D = x.dim(2), H = lstm.hidden_size();
    const std::vector<int> lengths = lstm.lengths_for(x);
    Tensor R_x(x.shape());
    std::vector<double> initial(size_t(B), 0.0);
    for (int b = 0; b < B; ++b) {
        const int L = lengths.empty() ? T : lengths[size_t(b)];
        const float* xb = x.data() + size_t(b) * T * D;
        // the forward pass again, keeping h, c and the gates i, f, g of every step
        std::vector<std::vector<float>> h(size_t(L) + 1, std::vector<float>(size_t(H), 0.0f)), c = h, gi = h, gf = h, gg = h;
        for (int t = 0; t < L; ++t)
            for (int k = 0; k < H; ++k) {
                float z[4];
                for (int gate = 0; gate < 4; ++gate) {
                    int row = gate * H + k;
                    double sum = bih[row] + bhh[row];
                    for (int j = 0; j < D; ++j) sum += Wih[size_t(row) * D + size_t(j)] * xb[size_t(t) * D + size_t(j)];
                    for (int j = 0; j < H; ++j) sum += Whh[size_t(row) * H + size_t(j)] * h[size_t(t)][size_t(j)];
                    z[gate] = float(sum);
                }
                float i = sigmoid(z[0]), f = sigmoid(z[1]), g = std::tanh(z[2]), o = sigmoid(z[3]);
                gi[size_t(t)][size_t(k)] = i;
                gf[size_t(t)][size_t(k)] = f;
                gg[size_t(t)][size_t(k)] = g;
                c[size_t(t) + 1][size_t(k)] = f * c[size_t(t)][size_t(k)] + i * g;
                h[size_t(t) + 1][size_t(k)] = o * std::tanh(c[size_t(t) + 1][size_t(k)]);
            }
        // backwards
        std::vector<float> Rh(R_out.data() + size_t(b) * H, R_out.data() + size_t(b + 1) * H), Rc_carry(size_t(H), 0.0f);
        for (int t = L - 1; t >= 0; --t) {
            std::vector<float> Rh_prev(size_t(H), 0.0f), Rc_prev(size_t(H), 0.0f);
            for (int k = 0; k < H; ++k) {
                const size_t tk = size_t(k);
                float Rc = Rh[tk] + Rc_carry[tk];  // signal-take-all at h = o tanh(c)
                double ct = c[size_t(t) + 1][tk], denominator = ct + epsilon * sign(ct);
                if (denominator == 0) continue;
                Rc_prev[tk] = float(gf[size_t(t)][tk] * c[size_t(t)][tk] / denominator * Rc);
                float Rg = float(gi[size_t(t)][tk] * gg[size_t(t)][tk] / denominator * Rc);
                // R(z_g) = R(g): to x_t and h_{t-1} by the linear rule
                const int row = 2 * H + k;
                double b_g = double(bih[row]) + bhh[row], zg = b_g;
                for (int j = 0; j < D; ++j) zg += Wih[size_t(row) * D + size_t(j)] * xb[size_t(t) * D + size_t(j)];
                for (int j = 0; j < H; ++j) zg += Whh[size_t(row) * H + size_t(j)] * h[size_t(t)][size_t(j)];
                double dz = zg + epsilon * sign(zg);
                if (dz == 0) continue;
                double share = (epsilon * sign(zg) + bias_factor * b_g) / double(D + H);
                for (int j = 0; j < D; ++j)
                    R_x.values()[(size_t(b) * T + size_t(t)) * D + size_t(j)] +=
                        float((Wih[size_t(row) * D + size_t(j)] * xb[size_t(t) * D + size_t(j)] + share) / dz * Rg);
                for (int j = 0; j < H; ++j)
                    Rh_prev[size_t(j)] += float((Whh[size_t(row) * H + size_t(j)] * h[size_t(t)][size_t(j)] + share) / dz * Rg);
            }
            Rh = Rh_prev;
            Rc_carry = Rc_prev;
        }
        for (int k = 0; k < H; ++k) initial[size_t(b)] += double(Rh[size_t(k)]) + Rc_carry[size_t(k)];  // to h_0, c_0
    }
    return {R_x, initial};
}

LrpRule::LrpRule(std::string kind, LrpParameters parameters) : kind_(std::move(kind)), p_(parameters) {
    if (kind_ == "lrp-zplus") p_.alpha = 1.0f, p_.beta = 0.0f;
    if (kind_ == "lrp-alphabeta" && std::fabs(p_.alpha - p_.beta - 1.0f) > 1e-6f)
        throw Error("lrp-alphabeta needs alpha - beta = 1 to conserve relevance, got alpha " +
                    std::to_string(p_.alpha) + ", beta " + std::to_string(p_.beta));
    if (p_.alpha < 1.0f || p_.beta < 0.0f) throw Error("lrp-alphabeta needs alpha >= 1 and beta >= 0");
    if (!(p_.low < p_.high))
        throw Error("lrp-zb needs bounds low < high for the inputs, got " + std::to_string(p_.low) + " and " +
                    std::to_string(p_.high));
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
    if (auto* lstm = dynamic_cast<LSTM*>(&layer)) {
        if (kind_ != "lrp-0" && kind_ != "lrp-epsilon")
            throw Error(kind_ + " has no rule for layer '" + layer.describe() +
                        "'; LSTMs take the linear rule of Arras et al. (lrp-0 or lrp-epsilon)");
        return lstm_relevance(*lstm, a, R, kind_ == "lrp-epsilon" ? p_.epsilon : tiny, p_.bias_factor).inputs;
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
