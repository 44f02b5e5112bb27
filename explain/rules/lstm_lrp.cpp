#include "explain/rules/lstm_lrp.hpp"

#include <cmath>

#include "nn/lstm.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }
float sign(double v) { return v >= 0 ? 1.0f : -1.0f; }

using Steps = std::vector<std::vector<float>>;  // [t][k]

// The LSTM's weights, PyTorch's layout: gates i, f, g, o stacked in rows of 4H.
struct Weights {
    const float *Wih, *Whh, *bih, *bhh;  // (4H, D), (4H, H), (4H), (4H)
    int D, H;
    // z of gate row `row` at step t: bias + W_ih x_t + W_hh h_{t-1}, summed in double
    double z(int row, const float* x_t, const std::vector<float>& h_prev, double bias) const {
        double sum = bias;
        for (int j = 0; j < D; ++j) sum += Wih[size_t(row) * D + size_t(j)] * x_t[j];
        for (int j = 0; j < H; ++j) sum += Whh[size_t(row) * H + size_t(j)] * h_prev[size_t(j)];
        return sum;
    }
};

// 1. The forward pass of one sequence of L steps, recorded: h[t], c[t] for
// t = 0..L (h[0] = c[0] = 0) and the gates i, f, g of step t (index t).
struct Record {
    Steps h, c, i, f, g;
};
Record record_forward(const Weights& w, const float* x, int L) {
    const size_t H = size_t(w.H);
    Record r{Steps(size_t(L) + 1, std::vector<float>(H, 0.0f)), {}, {}, {}, {}};
    r.c = r.i = r.f = r.g = r.h;
    for (int t = 0; t < L; ++t)
        for (size_t k = 0; k < H; ++k) {
            float z[4];
            for (int gate = 0; gate < 4; ++gate) {
                const int row = gate * w.H + int(k);
                z[gate] = float(w.z(row, x + size_t(t) * size_t(w.D), r.h[size_t(t)], w.bih[row] + w.bhh[row]));
            }
            float i = sigmoid(z[0]), f = sigmoid(z[1]), g = std::tanh(z[2]), o = sigmoid(z[3]);
            r.i[size_t(t)][k] = i;
            r.f[size_t(t)][k] = f;
            r.g[size_t(t)][k] = g;
            r.c[size_t(t) + 1][k] = f * r.c[size_t(t)][k] + i * g;
            r.h[size_t(t) + 1][k] = o * std::tanh(r.c[size_t(t) + 1][k]);
        }
    return r;
}

// 2. One step back, from step t to t - 1: Rh and Rc (the relevance of h_t and
// of the carried c_t) become those of h_{t-1} and c_{t-1}; x_t's share is added to Rx_t.
void one_step_back(const Weights& w, const Record& r, int t, const float* x_t, float epsilon, float bias_factor,
                   std::vector<float>& Rh, std::vector<float>& Rc, float* Rx_t) {
    const size_t H = size_t(w.H), ts = size_t(t);
    std::vector<float> Rh_prev(H, 0.0f), Rc_prev(H, 0.0f);
    for (size_t k = 0; k < H; ++k) {
        float Rc_k = Rh[k] + Rc[k];  // signal-take-all at h = o tanh(c)
        double ct = r.c[ts + 1][k], denominator = ct + epsilon * sign(ct);
        if (denominator == 0) continue;
        Rc_prev[k] = float(r.f[ts][k] * r.c[ts][k] / denominator * Rc_k);  // c = f c_{t-1} + i g
        float Rg = float(r.i[ts][k] * r.g[ts][k] / denominator * Rc_k);
        const int row = 2 * w.H + int(k);  // R(z_g) = R(g): to x_t and h_{t-1} by the linear rule
        double b_g = double(w.bih[row]) + w.bhh[row], zg = w.z(row, x_t, r.h[ts], b_g);
        double dz = zg + epsilon * sign(zg);
        if (dz == 0) continue;
        double share = (epsilon * sign(zg) + bias_factor * b_g) / double(w.D + w.H);
        for (int j = 0; j < w.D; ++j)
            Rx_t[j] += float((w.Wih[size_t(row) * w.D + size_t(j)] * x_t[j] + share) / dz * Rg);
        for (size_t j = 0; j < H; ++j)
            Rh_prev[j] += float((w.Whh[size_t(row) * H + j] * r.h[ts][j] + share) / dz * Rg);
    }
    Rh = Rh_prev;
    Rc = Rc_prev;
}

}  // namespace

LstmRelevance lstm_relevance(LSTM& lstm, const Tensor& x, const Tensor& R_out, float epsilon, float bias_factor) {
    if (lstm.bidirectional() || !lstm.last_only())
        throw Error("the LSTM rule is implemented for one direction with the last state as output, not '" +
                    lstm.describe() + "'");
    auto params = lstm.parameters();  // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
    const int B = x.dim(0), T = x.dim(1), D = x.dim(2), H = lstm.hidden_size();
    const Weights w{params[0].second.data(), params[1].second.data(), params[2].second.data(),
                    params[3].second.data(), D, H};
    const std::vector<int> lengths = lstm.lengths_for(x);
    Tensor R_x(x.shape());
    std::vector<double> initial(size_t(B), 0.0);
    for (int b = 0; b < B; ++b) {
        const int L = lengths.empty() ? T : lengths[size_t(b)];
        const float* xb = x.data() + size_t(b) * T * D;
        const Record record = record_forward(w, xb, L);
        std::vector<float> Rh(R_out.data() + size_t(b) * H, R_out.data() + size_t(b + 1) * H), Rc(size_t(H), 0.0f);
        for (int t = L - 1; t >= 0; --t)
            one_step_back(w, record, t, xb + size_t(t) * D, epsilon, bias_factor, Rh, Rc,
                          R_x.values().data() + (size_t(b) * T + size_t(t)) * D);
        for (int k = 0; k < H; ++k) initial[size_t(b)] += double(Rh[size_t(k)]) + Rc[size_t(k)];  // to h_0, c_0
    }
    return {R_x, initial};
}

}  // namespace gb
