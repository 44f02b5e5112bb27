// lstm.cpp: the fused LSTM op (forward, and backward through time), the two
// small ops the layer is assembled with, and the layer. The equations and
// layouts are in lstm.hpp.
#include "nn/lstm.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "nn/gemm.hpp"
#include "nn/parallel.hpp"
#include "util/error.hpp"

namespace gb {

// ============================================================================
// The packed layout
// ============================================================================
//
// The op works in the layout of PyTorch's PackedSequence. The batch rows are
// sorted by decreasing length (sorted row k is batch row order[k]); step s of
// the recurrence then concerns the first count[s] sorted rows, those whose
// sequence is longer than s. Every per-step buffer is (N, .), N the sum of
// the lengths, with step s at rows offset[s] .. offset[s] + count[s]. So the
// padding costs no work, and each step's rows are one block for GEMM.

namespace {

struct Packing {
    int B = 0, T = 0;
    int S = 0;  // steps: the longest length
    int N = 0;  // packed rows: the sum of the lengths
    bool reverse = false;
    std::vector<int> order;   // (B,) the batch row of each sorted row
    std::vector<int> length;  // (B,) the length of each sorted row
    std::vector<int> count;   // (S + 1,) rows running at step s; count[S] = 0
    std::vector<int> offset;  // (S + 1,) first packed row of step s; offset[S] = N

    // The index b * T + t into (B, T, .) of sorted row k at step s: t = s, or
    // t = length - 1 - s when the sequence is read backwards.
    size_t source(int s, int k) const {
        int t = reverse ? length[size_t(k)] - 1 - s : s;
        return size_t(order[size_t(k)]) * size_t(T) + size_t(t);
    }
    // The packed row of sorted row k at step s.
    size_t row(int s, int k) const { return size_t(offset[size_t(s)]) + size_t(k); }
};

Packing make_packing(int B, int T, const std::vector<int>& lengths, bool reverse) {
    Packing p;
    p.B = B;
    p.T = T;
    p.reverse = reverse;
    auto length_of = [&](int b) { return lengths.empty() ? T : lengths[size_t(b)]; };
    p.order.resize(size_t(B));
    std::iota(p.order.begin(), p.order.end(), 0);
    std::stable_sort(p.order.begin(), p.order.end(), [&](int a, int b) { return length_of(a) > length_of(b); });
    for (int b : p.order) p.length.push_back(length_of(b));
    p.S = B > 0 ? p.length[0] : 0;
    p.count.assign(size_t(p.S) + 1, 0);
    for (int len : p.length)
        for (int s = 0; s < len; ++s) ++p.count[size_t(s)];
    p.offset.assign(size_t(p.S) + 1, 0);
    for (int s = 0; s < p.S; ++s) p.offset[size_t(s) + 1] = p.offset[size_t(s)] + p.count[size_t(s)];
    p.N = p.offset[size_t(p.S)];
    return p;
}

// Runs fn(lo, hi) on pieces of the rows [0, rows), one piece per thread and
// at least 8 rows each (a GEMM micro-tile). Pieces write disjoint rows, and
// GEMM gives every row the same value however the rows are split, so the
// result does not depend on the number of threads.
template <typename F>
void split_rows(int rows, const F& fn) {
    int pieces = std::max(1, std::min(thread_count(), rows / 8));
    if (pieces == 1) return fn(0, rows);
    parallel_for(pieces, [&](int piece) { fn(rows * piece / pieces, rows * (piece + 1) / pieces); });
}

float logistic(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// ============================================================================
// The fused op
// ============================================================================

// What the forward pass keeps for the backward, in the packed layout.
struct Saved {
    Packing pack;
    int D = 0, H = 0;
    std::vector<float> x;          // (N, D) the inputs
    std::vector<float> h_prev;     // (N, H) h_{t-1} of each step (0 at the first)
    std::vector<float> gates;      // (N, 4H) i, f, g, o after their nonlinearities
    std::vector<float> cell;       // (N, H) c_t
    std::vector<float> tanh_cell;  // (N, H) tanh(c_t)
    std::vector<float> zeros;      // (H,) c_0
};

// Step s of the recurrence for sorted rows lo .. hi. On entry the gates hold
// the input term W_ih x_t + b_ih + b_hh; the step adds W_hh h_{t-1}, applies
// the nonlinearities in place, and writes c_t, h_t into the saved state and
// h_t into y (B, T, H).
void forward_step(Saved& m, int s, int lo, int hi, const float* w_hh_t, float* y) {
    const Packing& p = m.pack;
    const int H = m.H, G = 4 * H;
    float* gates = m.gates.data() + p.row(s, lo) * G;  // (hi - lo, 4H)
    // gates (rows, 4H) += h_prev (rows, H) @ w_hh^T (H, 4H)
    gemm(false, false, hi - lo, G, H, 1.0f, m.h_prev.data() + p.row(s, lo) * H, w_hh_t, 1.0f, gates);
    for (int k = lo; k < hi; ++k, gates += G) {
        const float* c_prev = s > 0 ? m.cell.data() + p.row(s - 1, k) * H : m.zeros.data();  // (H,)
        float* c = m.cell.data() + p.row(s, k) * H;                                            // (H,)
        float* tanh_c = m.tanh_cell.data() + p.row(s, k) * H;                                  // (H,)
        float* h = y + p.source(s, k) * H;                                                     // (H,)
        for (int j = 0; j < H; ++j) {
            float i = logistic(gates[j]), f = logistic(gates[H + j]);
            float g = std::tanh(gates[2 * H + j]), o = logistic(gates[3 * H + j]);
            gates[j] = i, gates[H + j] = f, gates[2 * H + j] = g, gates[3 * H + j] = o;
            c[j] = f * c_prev[j] + i * g;
            tanh_c[j] = std::tanh(c[j]);
            h[j] = o * tanh_c[j];
        }
        if (k < p.count[size_t(s) + 1])  // the sequence goes on: h_t is the next step's h_{t-1}
            std::copy(h, h + H, m.h_prev.data() + p.row(s + 1, k) * H);
    }
}

// Step s backwards, for sorted rows lo .. hi. On entry dh, dc (B, H) hold
// dL/dh_t and dL/dc_t through the later steps (0 after a sequence's last
// step); the step adds dL/dy_t, writes dL/d(pre-activation gates) of step s
// into dgates (N, 4H), and leaves dL/dh_{t-1}, dL/dc_{t-1} in dh, dc.
void backward_step(const Saved& m, int s, int lo, int hi, const float* dy, const float* w_hh, float* dgates,
                   float* dh, float* dc) {
    const Packing& p = m.pack;
    const int H = m.H, G = 4 * H;
    for (int k = lo; k < hi; ++k) {
        const float* a = m.gates.data() + p.row(s, k) * G;  // (4H,) i, f, g, o
        const float* tanh_c = m.tanh_cell.data() + p.row(s, k) * H;
        const float* c_prev = s > 0 ? m.cell.data() + p.row(s - 1, k) * H : m.zeros.data();
        const float* dy_t = dy + p.source(s, k) * H;
        float* da = dgates + p.row(s, k) * G;  // (4H,)
        float* dh_k = dh + size_t(k) * H;
        float* dc_k = dc + size_t(k) * H;
        for (int j = 0; j < H; ++j) {
            float i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j], tc = tanh_c[j];
            float dh_t = dy_t[j] + dh_k[j];
            float dc_t = dc_k[j] + dh_t * o * (1.0f - tc * tc);  // h = o tanh(c)
            da[j] = dc_t * g * i * (1.0f - i);                    // c = f c_prev + i g; sigmoid' = s (1 - s)
            da[H + j] = dc_t * c_prev[j] * f * (1.0f - f);
            da[2 * H + j] = dc_t * i * (1.0f - g * g);  // tanh' = 1 - tanh^2
            da[3 * H + j] = dh_t * tc * o * (1.0f - o);
            dc_k[j] = dc_t * f;
        }
    }
    // dh_{t-1} (rows, H) = dgates (rows, 4H) @ w_hh (4H, H); h_0 is a constant
    if (s > 0)
        gemm(false, false, hi - lo, H, G, 1.0f, dgates + p.row(s, lo) * G, w_hh, 0.0f, dh + size_t(lo) * H);
}

// Backpropagation through time: the steps in reverse, then the gradients of
// the weights, summed over all steps, with one GEMM each.
void lstm_backward(const Saved& m, const float* dy, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                   const Tensor& b_ih, const Tensor& b_hh) {
    const Packing& p = m.pack;
    const int D = m.D, H = m.H, G = 4 * H, N = p.N;
    std::vector<float> dgates(size_t(N) * G);                                        // (N, 4H)
    std::vector<float> dh(size_t(p.B) * H, 0.0f), dc(size_t(p.B) * H, 0.0f);  // (B, H) by sorted row
    for (int s = p.S - 1; s >= 0; --s)
        split_rows(p.count[size_t(s)], [&](int lo, int hi) {
            backward_step(m, s, lo, hi, dy, w_hh.data(), dgates.data(), dh.data(), dc.data());
        });
    // dw_ih (4H, D) += dgates^T (4H, N) @ x (N, D)
    if (w_ih.requires_grad())
        gemm(true, false, G, D, N, 1.0f, dgates.data(), m.x.data(), 1.0f, w_ih.node()->grad_buffer());
    // dw_hh (4H, H) += dgates^T (4H, N) @ h_prev (N, H)
    if (w_hh.requires_grad())
        gemm(true, false, G, H, N, 1.0f, dgates.data(), m.h_prev.data(), 1.0f, w_hh.node()->grad_buffer());
    // db_ih (4H,) += sum over rows of dgates, and the same for db_hh
    for (const Tensor* b : {&b_ih, &b_hh}) {
        if (!b->requires_grad()) continue;
        float* gb = b->node()->grad_buffer();
        for (int r = 0; r < N; ++r)
            for (int j = 0; j < G; ++j) gb[j] += dgates[size_t(r) * G + j];
    }
    if (x.requires_grad()) {
        // dx (N, D) = dgates (N, 4H) @ w_ih (4H, D), then back from packed rows to (B, T, D)
        std::vector<float> dx(size_t(N) * D);
        gemm(false, false, N, D, G, 1.0f, dgates.data(), w_ih.data(), 0.0f, dx.data());
        float* gx = x.node()->grad_buffer();
        for (int s = 0; s < p.S; ++s)
            for (int k = 0; k < p.count[size_t(s)]; ++k) {
                const float* from = dx.data() + p.row(s, k) * D;
                float* to = gx + p.source(s, k) * D;
                for (int d = 0; d < D; ++d) to[d] += from[d];
            }
    }
}

void check_lstm_args(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                     const Tensor& b_hh, const std::vector<int>& lengths) {
    auto fail = [](const std::string& what) { throw Error("lstm: " + what); };
    if (x.ndim() != 3) fail("input of shape " + shape_str(x.shape()) + " is not (batch, time, features)");
    if (w_ih.ndim() != 2 || w_ih.dim(0) == 0 || w_ih.dim(0) % 4 != 0)
        fail("weight_ih of shape " + shape_str(w_ih.shape()) + " is not (4H, D) with H > 0");
    int H = w_ih.dim(0) / 4, B = x.dim(0), T = x.dim(1);
    if (w_ih.dim(1) != x.dim(2))
        fail("input of shape " + shape_str(x.shape()) + " does not fit weight_ih of shape " +
             shape_str(w_ih.shape()) + "; need (batch, time, " + std::to_string(w_ih.dim(1)) + ")");
    if (w_hh.shape() != Shape{4 * H, H})
        fail("weight_hh of shape " + shape_str(w_hh.shape()) + " does not fit weight_ih of shape " +
             shape_str(w_ih.shape()) + "; need (4H, H) = " + shape_str({4 * H, H}));
    for (const Tensor* b : {&b_ih, &b_hh})
        if (b->shape() != Shape{4 * H})
            fail("bias of shape " + shape_str(b->shape()) + " does not fit weight_ih of shape " +
                 shape_str(w_ih.shape()) + "; need (4H,) = " + shape_str({4 * H}));
    if (!lengths.empty() && lengths.size() != size_t(B))
        fail(std::to_string(lengths.size()) + " lengths for a batch of " + std::to_string(B) +
             "; give one per sequence, or none");
    for (int len : lengths)
        if (len < 0 || len > T)
            fail("length " + std::to_string(len) + " is outside [0, " + std::to_string(T) + "] for input of shape " +
                 shape_str(x.shape()));
}

}  // namespace

Tensor lstm(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh,
            const std::vector<int>& lengths, bool reverse) {
    check_lstm_args(x, w_ih, w_hh, b_ih, b_hh, lengths);
    const int B = x.dim(0), T = x.dim(1), D = x.dim(2), H = w_hh.dim(1), G = 4 * H;
    auto m = std::make_shared<Saved>();
    m->pack = make_packing(B, T, lengths, reverse);
    m->D = D;
    m->H = H;
    const Packing& p = m->pack;
    const size_t N = size_t(p.N);

    // x, packed: (N, D), row (s, k) = x[order[k], t]
    m->x.resize(N * D);
    for (int s = 0; s < p.S; ++s)
        for (int k = 0; k < p.count[size_t(s)]; ++k)
            std::copy_n(x.data() + p.source(s, k) * D, D, m->x.data() + p.row(s, k) * D);

    // The input term of every step at once:
    // gates (N, 4H) = x (N, D) @ w_ih^T (D, 4H) + b_ih + b_hh
    m->gates.resize(N * G);
    for (size_t r = 0; r < N; ++r)
        for (int j = 0; j < G; ++j) m->gates[r * G + j] = b_ih.data()[j] + b_hh.data()[j];
    gemm(false, true, int(N), G, D, 1.0f, m->x.data(), w_ih.data(), 1.0f, m->gates.data());

    // w_hh_t (H, 4H) = w_hh^T, so that each step's GEMM reads it row by row.
    std::vector<float> w_hh_t(size_t(H) * G);
    for (int r = 0; r < G; ++r)
        for (int c = 0; c < H; ++c) w_hh_t[size_t(c) * G + r] = w_hh.data()[size_t(r) * H + c];

    m->h_prev.assign(N * H, 0.0f);
    m->cell.resize(N * H);
    m->tanh_cell.resize(N * H);
    m->zeros.assign(size_t(H), 0.0f);
    std::vector<float> y(size_t(B) * T * H, 0.0f);  // (B, T, H)
    for (int s = 0; s < p.S; ++s)
        split_rows(p.count[size_t(s)], [&](int lo, int hi) { forward_step(*m, s, lo, hi, w_hh_t.data(), y.data()); });

    return make_result("lstm", {B, T, H}, std::move(y), {&x, &w_ih, &w_hh, &b_ih, &b_hh},
                       [x, w_ih, w_hh, b_ih, b_hh, m](Node& self) {
                           lstm_backward(*m, self.grad.data(), x, w_ih, w_hh, b_ih, b_hh);
                       });
}

// ============================================================================
// Helper ops
// ============================================================================

namespace detail {

// out[r] = [a[r], b[r]] for each row r of the last axis;  da[r] += dout[r][:m],  db[r] += dout[r][m:]
Tensor concat_last(const Tensor& a, const Tensor& b) {
    Shape lead_a = a.shape(), lead_b = b.shape();
    if (!lead_a.empty()) lead_a.pop_back();
    if (!lead_b.empty()) lead_b.pop_back();
    if (a.ndim() == 0 || lead_a != lead_b)
        throw Error("concat_last: shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                    " do not concatenate; need equal shapes but for the last axis");
    const size_t m = size_t(a.dim(-1)), n = size_t(b.dim(-1)), rows = numel(lead_a);
    Shape shape = lead_a;
    shape.push_back(int(m + n));
    std::vector<float> out(rows * (m + n));  // (rows, m + n)
    for (size_t r = 0; r < rows; ++r) {
        std::copy_n(a.data() + r * m, m, out.data() + r * (m + n));
        std::copy_n(b.data() + r * n, n, out.data() + r * (m + n) + m);
    }
    return make_result("concat_last", shape, std::move(out), {&a, &b}, [a, b, m, n, rows](Node& self) {
        const float* g = self.grad.data();  // (rows, m + n)
        float* ga = a.requires_grad() ? a.node()->grad_buffer() : nullptr;
        float* gb = b.requires_grad() ? b.node()->grad_buffer() : nullptr;
        for (size_t r = 0; r < rows; ++r) {
            if (ga)
                for (size_t j = 0; j < m; ++j) ga[r * m + j] += g[r * (m + n) + j];
            if (gb)
                for (size_t j = 0; j < n; ++j) gb[r * n + j] += g[r * (m + n) + m + j];
        }
    });
}

// out[b] = y[b, steps[b]];  dy[b, steps[b]] += dout[b]
Tensor select_steps(const Tensor& y, const std::vector<int>& steps) {
    if (y.ndim() != 3) throw Error("select_steps: input of shape " + shape_str(y.shape()) + " is not (B, T, H)");
    const int B = y.dim(0), T = y.dim(1), H = y.dim(2);
    if (steps.size() != size_t(B))
        throw Error("select_steps: " + std::to_string(steps.size()) + " steps for input of shape " +
                    shape_str(y.shape()) + "; need one per row");
    for (int t : steps)
        if (t < 0 || t >= T)
            throw Error("select_steps: step " + std::to_string(t) + " out of range for input of shape " +
                        shape_str(y.shape()));
    std::vector<float> out(size_t(B) * H);  // (B, H)
    for (int b = 0; b < B; ++b)
        std::copy_n(y.data() + (size_t(b) * T + steps[size_t(b)]) * H, H, out.data() + size_t(b) * H);
    return make_result("select_steps", {B, H}, std::move(out), {&y}, [y, steps, T, H](Node& self) {
        float* gy = y.node()->grad_buffer();
        for (size_t b = 0; b < steps.size(); ++b)
            for (int j = 0; j < H; ++j) gy[(b * T + steps[b]) * H + j] += self.grad[b * H + j];
    });
}

}  // namespace detail

// ============================================================================
// The layer
// ============================================================================

LSTM::LSTM(int input_size, int hidden_size, Rng& rng, bool bidirectional, bool last_only)
    : input_size_(input_size), hidden_size_(hidden_size), last_only_(last_only) {
    if (input_size <= 0 || hidden_size <= 0)
        throw Error("LSTM: input and hidden sizes must be positive, got " + std::to_string(input_size) + " and " +
                    std::to_string(hidden_size));
    const float bound = 1.0f / std::sqrt(float(hidden_size));  // PyTorch's init, for weights and biases alike
    auto parameter = [&](Shape shape) {
        Tensor t(std::move(shape));
        for (float& v : t.values()) v = rng.uniform(-bound, bound);
        return t.set_requires_grad();
    };
    const int G = 4 * hidden_size;
    for (int d = 0; d < (bidirectional ? 2 : 1); ++d) {
        Direction w;
        w.w_ih = parameter({G, input_size});
        w.w_hh = parameter({G, hidden_size});
        w.b_ih = parameter({G});
        w.b_hh = parameter({G});
        directions_.push_back(w);
    }
}

Tensor LSTM::forward(const Tensor& x) { return forward(x, lengths_); }

Tensor LSTM::forward(const Tensor& x, const std::vector<int>& lengths) {
    if (x.ndim() != 3 || x.dim(2) != input_size_ || (last_only_ && x.dim(1) == 0))
        throw Error("LSTM: input of shape " + shape_str(x.shape()) + " does not fit; need (batch, time > 0, " +
                    std::to_string(input_size_) + ")");
    std::vector<Tensor> outputs;  // (B, T, H) per direction
    for (size_t d = 0; d < directions_.size(); ++d) {
        const Direction& w = directions_[d];
        outputs.push_back(lstm(x, w.w_ih, w.w_hh, w.b_ih, w.b_hh, lengths, /*reverse=*/d == 1));
    }
    if (!last_only_) return outputs.size() == 1 ? outputs[0] : detail::concat_last(outputs[0], outputs[1]);
    // The final states: the forward direction ends at step length-1, the
    // reverse one at step 0. (A sequence of length 0 has zero outputs
    // everywhere, so its final state reads as 0.)
    const int B = x.dim(0), T = x.dim(1);
    std::vector<int> last(size_t(B)), first(size_t(B), 0);
    for (int b = 0; b < B; ++b) last[size_t(b)] = std::max(0, (lengths.empty() ? T : lengths[size_t(b)]) - 1);
    Tensor h = detail::select_steps(outputs[0], last);  // (B, H)
    return outputs.size() == 1 ? h : detail::concat_last(h, detail::select_steps(outputs[1], first));
}

std::vector<NamedTensor> LSTM::parameters() {
    std::vector<NamedTensor> all;
    for (size_t d = 0; d < directions_.size(); ++d) {
        std::string suffix = d == 1 ? "_reverse" : "";
        Direction& w = directions_[d];
        all.emplace_back("weight_ih_l0" + suffix, w.w_ih);
        all.emplace_back("weight_hh_l0" + suffix, w.w_hh);
        all.emplace_back("bias_ih_l0" + suffix, w.b_ih);
        all.emplace_back("bias_hh_l0" + suffix, w.b_hh);
    }
    return all;
}

std::string LSTM::describe() const {
    std::string s = "LSTM " + std::to_string(input_size_) + " " + std::to_string(hidden_size_);
    if (bidirectional()) s += " bidirectional";
    if (!last_only_) s += " sequence";
    return s;
}

}  // namespace gb
