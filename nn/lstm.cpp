// lstm.cpp: the fused LSTM op (forward, and backward through time), the two
// small ops the layer is assembled with, and the layer. The equations and
// layouts are in lstm.hpp.
#include "nn/lstm.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
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
// at least 8 rows each. Pieces write disjoint rows, so the result does not
// depend on the number of threads.
template <typename F>
void split_rows(int rows, const F& fn) {
    int pieces = std::max(1, std::min(thread_count(), rows / 8));
    if (pieces == 1) return fn(0, rows);
    parallel_for(pieces, [&](int piece) { fn(rows * piece / pieces, rows * (piece + 1) / pieces); });
}

// ============================================================================
// The gate nonlinearities
// ============================================================================
//
// The library's exp and tanh are calls the compiler cannot vectorize, and they
// took most of the time of a step. This exp is plain arithmetic, so the gate
// loops below compile to SIMD code: e^x = 2^n e^r with n = round(x / ln 2),
// r = x - n ln 2 in [-ln(2)/2, ln(2)/2], and e^r by the polynomial of Cephes'
// expf. Measured against double precision: exp within 9e-8 relative,
// logistic within 9e-8 and tanh within 2e-7 absolute, as good as std::exp
// and std::tanh in float. x is clamped to [-87, 87], where 2^n is a normal
// float; NaN passes through.
inline float exp_fast(float x) {
    x = x < -87.0f ? -87.0f : x;  // comparisons with NaN are false: NaN stays
    x = x > 87.0f ? 87.0f : x;
    // n = round(x / ln 2): adding 1.5 * 2^23 leaves n in the low bits of t
    const float t = x * 1.44269504f + 12582912.0f, n = t - 12582912.0f;
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;  // ln 2 in two parts, for precision
    float p = 1.9875691500e-4f;  // e^r = 1 + r + r^2 p(r), p by Horner's rule
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float e_r = p * r * r + r + 1.0f;
    uint32_t bits;  // 2^n, built in the exponent field: (n + 127) << 23
    std::memcpy(&bits, &t, sizeof bits);
    bits = (bits - 0x4B400000u + 127u) << 23;  // 0x4B400000: the bits of 1.5 * 2^23
    float two_n;
    std::memcpy(&two_n, &bits, sizeof two_n);
    return e_r * two_n;
}

inline float logistic(float v) { return 1.0f / (1.0f + exp_fast(-v)); }
inline float tanh_fast(float v) { return 1.0f - 2.0f / (1.0f + exp_fast(2.0f * v)); }  // = (e^2v - 1) / (e^2v + 1)

// ============================================================================
// Scratch memory
// ============================================================================
//
// Every training step needs the same large buffers (10 MB for an LSTM over
// MNIST rows, batch 64). Freed, such blocks go back to the operating system,
// and getting them again costs a page fault per 4 KB page: a fifth of the
// step's time. So the op keeps the buffers of finished steps (up to 16) and
// hands them out again. A buffer comes with arbitrary contents.
class ScratchBuffers {
public:
    std::vector<float> take(size_t n) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto best = free_.end();  // the smallest buffer that holds n values
        for (auto it = free_.begin(); it != free_.end(); ++it)
            if (it->capacity() >= n && (best == free_.end() || it->capacity() < best->capacity())) best = it;
        std::vector<float> buffer;
        if (best != free_.end()) {
            buffer = std::move(*best);
            free_.erase(best);
        }
        buffer.resize(n);
        return buffer;
    }
    void give(std::vector<float>&& buffer) {
        if (buffer.capacity() == 0) return;
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(std::move(buffer));
        if (free_.size() > 16)  // drop the smallest
            free_.erase(std::min_element(free_.begin(), free_.end(),
                                         [](auto& a, auto& b) { return a.capacity() < b.capacity(); }));
    }

private:
    std::mutex mutex_;
    std::vector<std::vector<float>> free_;
};

ScratchBuffers& scratch() {
    static auto* buffers = new ScratchBuffers;  // never destroyed: graphs may outlive static objects
    return *buffers;
}

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

    ~Saved() {
        for (auto* buffer : {&x, &h_prev, &gates, &cell, &tanh_cell}) scratch().give(std::move(*buffer));
    }
};

// The equations of one sequence at one step, on vectors of H values (the
// pointers do not overlap, which lets the compiler vectorize the loops).
//   forward:  gates (4H,) in: the pre-activations; out: i, f, g, o
//             c_prev (H,) in; c, tanh_c, h (H,) out
void cell_forward(int H, float* __restrict gates, const float* __restrict c_prev, float* __restrict c,
                  float* __restrict tanh_c, float* __restrict h) {
    for (int j = 0; j < H; ++j) {
        float i = logistic(gates[j]), f = logistic(gates[H + j]);
        float g = tanh_fast(gates[2 * H + j]), o = logistic(gates[3 * H + j]);
        gates[j] = i, gates[H + j] = f, gates[2 * H + j] = g, gates[3 * H + j] = o;
        c[j] = f * c_prev[j] + i * g;
        tanh_c[j] = tanh_fast(c[j]);
        h[j] = o * tanh_c[j];
    }
}

//   backward: a (4H,) i, f, g, o; tanh_c, c_prev (H,) as in the forward;
//             dy (H,) dL/dh_t from the output, dh (H,) from the later steps;
//             dc (H,) in: dL/dc_t from the later steps, out: dL/dc_{t-1};
//             da (4H,) out: dL/d(pre-activations)
void cell_backward(int H, const float* __restrict a, const float* __restrict tanh_c, const float* __restrict c_prev,
                   const float* __restrict dy, const float* __restrict dh, float* __restrict dc,
                   float* __restrict da) {
    for (int j = 0; j < H; ++j) {
        float i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j], tc = tanh_c[j];
        float dh_t = dy[j] + dh[j];
        float dc_t = dc[j] + dh_t * o * (1.0f - tc * tc);  // h = o tanh(c); tanh' = 1 - tanh^2
        da[j] = dc_t * g * i * (1.0f - i);                  // c = f c_prev + i g; sigmoid' = s (1 - s)
        da[H + j] = dc_t * c_prev[j] * f * (1.0f - f);
        da[2 * H + j] = dc_t * i * (1.0f - g * g);
        da[3 * H + j] = dh_t * tc * o * (1.0f - o);
        dc[j] = dc_t * f;
    }
}

// Step s of the recurrence. On entry the gates hold the input term
// W_ih x_t + b_ih + b_hh; the step adds W_hh h_{t-1}, applies the
// nonlinearities in place, and writes c_t, h_t into the saved state and h_t
// into y (B, T, H).
void forward_step(Saved& m, int s, const float* w_hh_t, float* y) {
    const Packing& p = m.pack;
    const int H = m.H, G = 4 * H, rows = p.count[size_t(s)];
    // gates (rows, 4H) += h_prev (rows, H) @ w_hh^T (H, 4H)
    gemm(false, false, rows, G, H, 1.0f, m.h_prev.data() + p.row(s, 0) * H, w_hh_t, 1.0f,
         m.gates.data() + p.row(s, 0) * G);
    split_rows(rows, [&](int lo, int hi) {
        for (int k = lo; k < hi; ++k) {
            const float* c_prev = s > 0 ? m.cell.data() + p.row(s - 1, k) * H : m.zeros.data();
            float* h = y + p.source(s, k) * H;
            cell_forward(H, m.gates.data() + p.row(s, k) * G, c_prev, m.cell.data() + p.row(s, k) * H,
                         m.tanh_cell.data() + p.row(s, k) * H, h);
            if (k < p.count[size_t(s) + 1])  // the sequence goes on: h_t is the next step's h_{t-1}
                std::copy(h, h + H, m.h_prev.data() + p.row(s + 1, k) * H);
        }
    });
}

// Step s backwards. On entry dh, dc (B, H) hold dL/dh_t and dL/dc_t through
// the later steps (0 after a sequence's last step); the step adds dL/dy_t,
// writes dL/d(pre-activation gates) of step s into dgates (N, 4H), and
// leaves dL/dh_{t-1}, dL/dc_{t-1} in dh, dc.
void backward_step(const Saved& m, int s, const float* dy, const float* w_hh, float* dgates, float* dh, float* dc) {
    const Packing& p = m.pack;
    const int H = m.H, G = 4 * H, rows = p.count[size_t(s)];
    split_rows(rows, [&](int lo, int hi) {
        for (int k = lo; k < hi; ++k) {
            const float* c_prev = s > 0 ? m.cell.data() + p.row(s - 1, k) * H : m.zeros.data();
            cell_backward(H, m.gates.data() + p.row(s, k) * G, m.tanh_cell.data() + p.row(s, k) * H, c_prev,
                          dy + p.source(s, k) * H, dh + size_t(k) * H, dc + size_t(k) * H,
                          dgates + p.row(s, k) * G);
        }
    });
    // dh_{t-1} (rows, H) = dgates (rows, 4H) @ w_hh (4H, H); h_0 is a constant
    if (s > 0) gemm(false, false, rows, H, G, 1.0f, dgates + p.row(s, 0) * G, w_hh, 0.0f, dh);
}

// Backpropagation through time: the steps in reverse, then the gradients of
// the weights, summed over all steps, with one GEMM each.
void lstm_backward(const Saved& m, const float* dy, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                   const Tensor& b_ih, const Tensor& b_hh) {
    const Packing& p = m.pack;
    const int D = m.D, H = m.H, G = 4 * H, N = p.N;
    std::vector<float> dgates = scratch().take(size_t(N) * G);                         // (N, 4H)
    std::vector<float> dh(size_t(p.B) * H, 0.0f), dc(size_t(p.B) * H, 0.0f);  // (B, H) by sorted row
    for (int s = p.S - 1; s >= 0; --s) backward_step(m, s, dy, w_hh.data(), dgates.data(), dh.data(), dc.data());
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
    scratch().give(std::move(dgates));
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
    m->x = scratch().take(N * D);
    for (int s = 0; s < p.S; ++s)
        for (int k = 0; k < p.count[size_t(s)]; ++k)
            std::copy_n(x.data() + p.source(s, k) * D, D, m->x.data() + p.row(s, k) * D);

    // The input term of every step at once:
    // gates (N, 4H) = x (N, D) @ w_ih^T (D, 4H) + b_ih + b_hh
    m->gates = scratch().take(N * G);
    for (size_t r = 0; r < N; ++r)
        for (int j = 0; j < G; ++j) m->gates[r * G + j] = b_ih.data()[j] + b_hh.data()[j];
    gemm(false, true, int(N), G, D, 1.0f, m->x.data(), w_ih.data(), 1.0f, m->gates.data());

    // w_hh_t (H, 4H) = w_hh^T, so that each step's GEMM reads it row by row.
    std::vector<float> w_hh_t(size_t(H) * G);
    for (int r = 0; r < G; ++r)
        for (int c = 0; c < H; ++c) w_hh_t[size_t(c) * G + r] = w_hh.data()[size_t(r) * H + c];

    m->h_prev = scratch().take(N * H);
    std::fill_n(m->h_prev.data(), size_t(p.count[0]) * H, 0.0f);  // h_0 = 0; later steps write theirs
    m->cell = scratch().take(N * H);
    m->tanh_cell = scratch().take(N * H);
    m->zeros.assign(size_t(H), 0.0f);
    std::vector<float> y(size_t(B) * T * H, 0.0f);  // (B, T, H)
    for (int s = 0; s < p.S; ++s) forward_step(*m, s, w_hh_t.data(), y.data());

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
    if (a.ndim() == 0 || b.ndim() == 0 || lead_a != lead_b)
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

Tensor LSTM::forward(const Tensor& x) { return forward(x, lengths_for(x)); }

std::vector<int> LSTM::lengths_for(const Tensor& x) const {
    if (!lengths_from_padding_ || x.ndim() != 3) return lengths_;
    // x: (B, T, D); length = 1 + the last step with a non-zero value
    const size_t B = size_t(x.dim(0)), T = size_t(x.dim(1)), D = size_t(x.dim(2));
    std::vector<int> lengths(B, 0);
    for (size_t b = 0; b < B; ++b)
        for (size_t t = T; t-- > 0 && lengths[b] == 0;) {
            const float* step = x.data() + (b * T + t) * D;
            if (std::any_of(step, step + D, [](float v) { return v != 0.0f; })) lengths[b] = int(t + 1);
        }
    return lengths;
}

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
    std::vector<int> last(static_cast<size_t>(B)), first(static_cast<size_t>(B), 0);
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
    if (lengths_from_padding_) s += " padded";
    return s;
}

}  // namespace gb
