#include "nn/ops.hpp"

#include <algorithm>
#include <cmath>

#include "nn/buffers.hpp"
#include "nn/gemm.hpp"
#include "nn/parallel.hpp"
#include "nn/transpose.hpp"
#include "util/error.hpp"

namespace gb {

// ============================================================================
// Element-wise binary ops with broadcasting
// ============================================================================

Shape broadcast_shape(const Shape& a, const Shape& b, const char* op) {
    size_t n = std::max(a.size(), b.size());
    Shape out(n);
    for (size_t i = 0; i < n; ++i) {
        int da = i < n - a.size() ? 1 : a[i - (n - a.size())];
        int db = i < n - b.size() ? 1 : b[i - (n - b.size())];
        if (da != db && da != 1 && db != 1)
            throw Error(std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                        " cannot be broadcast together; make their trailing dimensions equal or 1");
        out[i] = std::max(da, db);
    }
    return out;
}

namespace {

// For each element of a tensor of shape `out`, the index of the element of a
// tensor of shape `in` that broadcasting pairs it with. Empty when the shapes
// are equal (the identity map).
std::vector<size_t> broadcast_index(const Shape& out, const Shape& in) {
    if (in == out) return {};
    size_t n = out.size(), offset = n - in.size();
    std::vector<size_t> in_stride(n, 0);  // 0 along repeated dimensions
    size_t stride = 1;
    for (size_t i = n; i-- > offset;) {
        if (in[i - offset] != 1) in_stride[i] = stride;
        stride *= size_t(in[i - offset]);
    }
    std::vector<size_t> index(numel(out));
    std::vector<int> counter(n, 0);  // the multi-index of element k of out
    size_t at = 0;
    for (size_t k = 0; k < index.size(); ++k) {
        index[k] = at;
        for (size_t d = n; d-- > 0;) {  // odometer increment
            at += in_stride[d];
            if (++counter[d] < out[d]) break;
            at -= in_stride[d] * size_t(out[d]);
            counter[d] = 0;
        }
    }
    return index;
}

// out[k] = f(a[ia[k]], b[ib[k]]); backward: ga[ia[k]] += g[k] * df/da, likewise b.
template <typename F, typename DfDa, typename DfDb>
Tensor binary(const char* op, const Tensor& a, const Tensor& b, F f, DfDa dfda, DfDb dfdb) {
    Shape shape = broadcast_shape(a.shape(), b.shape(), op);
    auto ia = std::make_shared<std::vector<size_t>>(broadcast_index(shape, a.shape()));
    auto ib = std::make_shared<std::vector<size_t>>(broadcast_index(shape, b.shape()));
    auto at_a = [ia](size_t k) { return ia->empty() ? k : (*ia)[k]; };
    auto at_b = [ib](size_t k) { return ib->empty() ? k : (*ib)[k]; };
    std::vector<float> out(numel(shape));
    const float *pa = a.data(), *pb = b.data();
    for (size_t k = 0; k < out.size(); ++k) out[k] = f(pa[at_a(k)], pb[at_b(k)]);
    return make_result(op, shape, std::move(out), {&a, &b}, [a, b, at_a, at_b, dfda, dfdb](Node& self) {
        const float *g = self.grad.data(), *pa = a.data(), *pb = b.data();
        size_t n = self.grad.size();
        if (a.requires_grad()) {
            float* ga = a.node()->grad_buffer();
            for (size_t k = 0; k < n; ++k) ga[at_a(k)] += g[k] * dfda(pa[at_a(k)], pb[at_b(k)]);
        }
        if (b.requires_grad()) {
            float* gb = b.node()->grad_buffer();
            for (size_t k = 0; k < n; ++k) gb[at_b(k)] += g[k] * dfdb(pa[at_a(k)], pb[at_b(k)]);
        }
    });
}

// out[k] = f(x[k]); backward: gx[k] += g[k] * df(x[k], out[k]).
// Large tensors are split over the threads.
constexpr size_t kElementsPerTask = 16384;

template <typename F, typename Df>
Tensor unary(const char* op, const Tensor& x, F f, Df df) {
    std::vector<float> out = uninitialized_buffer(x.numel());
    const float* px = x.data();
    parallel_ranges(out.size(), kElementsPerTask, [&](size_t begin, size_t end) {
        for (size_t k = begin; k < end; ++k) out[k] = f(px[k]);
    });
    return make_result(op, x.shape(), std::move(out), {&x}, [x, df](Node& self) {
        const float *g = self.grad.data(), *px = x.data(), *py = self.data.data();
        bool fresh;  // a new gradient buffer is written, not zeroed first and added into
        float* gx = x.node()->grad_buffer_to_fill(fresh);
        parallel_ranges(self.grad.size(), kElementsPerTask, [&](size_t begin, size_t end) {
            if (fresh)
                for (size_t k = begin; k < end; ++k) gx[k] = 0.0f + g[k] * df(px[k], py[k]);
            else
                for (size_t k = begin; k < end; ++k) gx[k] += g[k] * df(px[k], py[k]);
        });
    });
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
    return binary("add", a, b, [](float x, float y) { return x + y; }, [](float, float) { return 1.0f; },
                  [](float, float) { return 1.0f; });
}

Tensor sub(const Tensor& a, const Tensor& b) {
    return binary("sub", a, b, [](float x, float y) { return x - y; }, [](float, float) { return 1.0f; },
                  [](float, float) { return -1.0f; });
}

Tensor mul(const Tensor& a, const Tensor& b) {
    return binary("mul", a, b, [](float x, float y) { return x * y; }, [](float, float y) { return y; },
                  [](float x, float) { return x; });
}

Tensor div(const Tensor& a, const Tensor& b) {
    return binary("div", a, b, [](float x, float y) { return x / y; }, [](float, float y) { return 1.0f / y; },
                  [](float x, float y) { return -x / (y * y); });
}

Tensor scale(const Tensor& a, float factor) {
    return unary("scale", a, [factor](float x) { return x * factor; }, [factor](float, float) { return factor; });
}

// ============================================================================
// Activations
// ============================================================================

Tensor relu(const Tensor& x) {  // written so that NaN passes through, as in PyTorch
    return unary("relu", x, [](float v) { return relu_of(v); },
                 [](float v, float) { return v > 0.0f ? 1.0f : 0.0f; });
}

Tensor tanh(const Tensor& x) {  // d tanh = 1 - tanh^2
    return unary("tanh", x, [](float v) { return std::tanh(v); }, [](float, float y) { return 1.0f - y * y; });
}

Tensor sigmoid(const Tensor& x) {  // d sigma = sigma (1 - sigma)
    return unary("sigmoid", x, [](float v) { return 1.0f / (1.0f + std::exp(-v)); },
                 [](float, float y) { return y * (1.0f - y); });
}

// ============================================================================
// Reductions and shape
// ============================================================================

Tensor sum(const Tensor& x) {
    double total = 0.0;
    for (float v : x.values()) total += v;
    return make_result("sum", {}, {float(total)}, {&x}, [x](Node& self) {
        float g = self.grad[0], *gx = x.node()->grad_buffer();
        for (size_t k = 0; k < x.numel(); ++k) gx[k] += g;
    });
}

Tensor sum(const Tensor& x, int axis, bool keepdim) {
    int n = x.ndim();
    if (axis < 0) axis += n;
    if (axis < 0 || axis >= n)
        throw Error("sum: axis out of range for shape " + shape_str(x.shape()));
    // View x as (outer, len, inner) and reduce the middle.
    size_t outer = 1, inner = 1, len = size_t(x.dim(axis));
    for (int d = 0; d < axis; ++d) outer *= size_t(x.dim(d));
    for (int d = axis + 1; d < n; ++d) inner *= size_t(x.dim(d));
    Shape shape = x.shape();
    if (keepdim) shape[size_t(axis)] = 1;
    else shape.erase(shape.begin() + axis);
    std::vector<float> out(outer * inner, 0.0f);
    const float* px = x.data();
    for (size_t o = 0; o < outer; ++o)
        for (size_t l = 0; l < len; ++l)
            for (size_t i = 0; i < inner; ++i) out[o * inner + i] += px[(o * len + l) * inner + i];
    return make_result("sum_axis", shape, std::move(out), {&x}, [x, outer, len, inner](Node& self) {
        const float* g = self.grad.data();
        float* gx = x.node()->grad_buffer();
        for (size_t o = 0; o < outer; ++o)
            for (size_t l = 0; l < len; ++l)
                for (size_t i = 0; i < inner; ++i) gx[(o * len + l) * inner + i] += g[o * inner + i];
    });
}

Tensor mean(const Tensor& x) { return scale(sum(x), 1.0f / float(x.numel())); }

Tensor mean(const Tensor& x, int axis, bool keepdim) {
    return scale(sum(x, axis, keepdim), 1.0f / float(x.dim(axis)));
}

Tensor reshape(const Tensor& x, Shape shape) {
    size_t known = 1;
    int free_dim = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1 && free_dim < 0) free_dim = int(i);
        else if (shape[i] <= 0) throw Error("reshape: bad size in target shape " + shape_str(shape));
        else known *= size_t(shape[i]);
    }
    if (free_dim >= 0 && known > 0 && x.numel() % known == 0) shape[size_t(free_dim)] = int(x.numel() / known);
    if (numel(shape) != x.numel() || (free_dim >= 0 && shape[size_t(free_dim)] == -1))
        throw Error("reshape: cannot view " + std::to_string(x.numel()) + " values of shape " + shape_str(x.shape()) +
                    " as shape " + shape_str(shape));
    // The values are copied into a recycled buffer, and a new gradient buffer
    // is written (0 + g, as adding into zeros gives) rather than zeroed first.
    std::vector<float> values = uninitialized_buffer(x.numel());
    std::copy(x.values().begin(), x.values().end(), values.begin());
    return make_result("reshape", shape, std::move(values), {&x}, [x](Node& self) {
        bool fresh;
        float* gx = x.node()->grad_buffer_to_fill(fresh);
        const float* g = self.grad.data();
        if (fresh)
            for (size_t k = 0; k < self.grad.size(); ++k) gx[k] = 0.0f + g[k];
        else
            for (size_t k = 0; k < self.grad.size(); ++k) gx[k] += g[k];
    });
}

namespace {

// transpose() of the last two axes (a text model's (B, T, E) -> (B, E, T)),
// without the index table of the general case; each value is moved, and
// each gradient added, once, as there.
Tensor transpose_last_two(const Tensor& x, const Shape& shape) {
    const size_t C = size_t(x.dim(-1)), R = size_t(x.dim(-2)), batch = x.numel() / std::max<size_t>(R * C, 1);
    std::vector<float> out = uninitialized_buffer(x.numel());
    transpose_matrices<Into::Overwrite>(x.data(), batch, R, C, out.data());
    return make_result("transpose", shape, std::move(out), {&x}, [x, batch, R, C](Node& self) {
        transpose_matrices<Into::Add>(self.grad.data(), batch, C, R, x.node()->grad_buffer());
    });
}

}  // namespace

Tensor transpose(const Tensor& x, int dim0, int dim1) {
    int n = x.ndim();
    if (dim0 < 0) dim0 += n;
    if (dim1 < 0) dim1 += n;
    if (dim0 < 0 || dim1 < 0 || dim0 >= n || dim1 >= n)
        throw Error("transpose: axes out of range for shape " + shape_str(x.shape()));
    Shape shape = x.shape();
    std::swap(shape[size_t(dim0)], shape[size_t(dim1)]);
    if (n >= 2 && std::min(dim0, dim1) == n - 2 && std::max(dim0, dim1) == n - 1) return transpose_last_two(x, shape);
    // index[k]: where element k of the result sits in x
    auto index = std::make_shared<std::vector<size_t>>(x.numel());
    std::vector<size_t> x_stride(size_t(n), 1);
    for (int d = n - 2; d >= 0; --d) x_stride[size_t(d)] = x_stride[size_t(d) + 1] * size_t(x.dim(d + 1));
    std::swap(x_stride[size_t(dim0)], x_stride[size_t(dim1)]);
    std::vector<int> counter(size_t(n), 0);
    size_t at = 0;
    for (size_t k = 0; k < index->size(); ++k) {
        (*index)[k] = at;
        for (int d = n - 1; d >= 0; --d) {
            at += x_stride[size_t(d)];
            if (++counter[size_t(d)] < shape[size_t(d)]) break;
            at -= x_stride[size_t(d)] * size_t(shape[size_t(d)]);
            counter[size_t(d)] = 0;
        }
    }
    std::vector<float> out(x.numel());
    for (size_t k = 0; k < out.size(); ++k) out[k] = x.data()[(*index)[k]];
    return make_result("transpose", shape, std::move(out), {&x}, [x, index](Node& self) {
        float* gx = x.node()->grad_buffer();
        for (size_t k = 0; k < self.grad.size(); ++k) gx[(*index)[k]] += self.grad[k];
    });
}

// ============================================================================
// Lookup
// ============================================================================

// y[s, :] = weight[ids[s], :];  dweight[ids[s], :] += dy[s, :] (except the padding row)
Tensor embedding(const Tensor& weight, const Tensor& ids, int padding_idx) {
    if (weight.ndim() != 2) throw Error("embedding: weight must be (V, E), got " + shape_str(weight.shape()));
    int V = weight.dim(0), E = weight.dim(1);
    auto rows = std::make_shared<std::vector<int>>(ids.numel());
    for (size_t k = 0; k < ids.numel(); ++k) {
        float v = ids.data()[k];
        if (!(v >= 0.0f && v < float(V)) || v != std::floor(v))
            throw Error("embedding: id " + std::to_string(v) + " is not a word of the vocabulary of " +
                        std::to_string(V) + "; the vocabulary and the model do not match");
        (*rows)[k] = int(v);
    }
    Shape shape = ids.shape();
    shape.push_back(E);
    std::vector<float> out(rows->size() * size_t(E));
    for (size_t k = 0; k < rows->size(); ++k)
        std::copy_n(weight.data() + size_t((*rows)[k]) * E, E, out.begin() + std::ptrdiff_t(k * size_t(E)));
    return make_result("embedding", shape, std::move(out), {&weight}, [weight, rows, E, padding_idx](Node& self) {
        float* gw = weight.node()->grad_buffer();
        for (size_t k = 0; k < rows->size(); ++k) {
            if ((*rows)[k] == padding_idx) continue;
            for (int e = 0; e < E; ++e) gw[size_t((*rows)[k]) * E + size_t(e)] += self.grad[k * size_t(E) + size_t(e)];
        }
    });
}

// ============================================================================
// Linear algebra
// ============================================================================

namespace {
void require(bool ok, const std::string& op, const std::string& what) {
    if (!ok) throw Error(op + ": " + what);
}
}  // namespace

// C = A B;  dA += dC B^T,  dB += A^T dC
Tensor matmul(const Tensor& a, const Tensor& b) {
    require(a.ndim() == 2 && b.ndim() == 2 && a.dim(1) == b.dim(0), "matmul",
            "shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                " do not multiply; need (M, K) and (K, N)");
    int M = a.dim(0), K = a.dim(1), N = b.dim(1);
    std::vector<float> out = uninitialized_buffer(size_t(M) * N);
    gemm(false, false, M, N, K, 1.0f, a.data(), b.data(), 0.0f, out.data());
    return make_result("matmul", {M, N}, std::move(out), {&a, &b}, [a, b, M, N, K](Node& self) {
        const float* g = self.grad.data();  // (M, N)
        if (a.requires_grad()) gemm(false, true, M, K, N, 1.0f, g, b.data(), 1.0f, a.node()->grad_buffer());
        if (b.requires_grad()) gemm(true, false, K, N, M, 1.0f, a.data(), g, 1.0f, b.node()->grad_buffer());
    });
}

// y = x W^T + b;  dx += dy W,  dW += dy^T x,  db += sum_batch dy
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    require(weight.ndim() == 2 && bias.ndim() == 1 && bias.dim(0) == weight.dim(0), "linear",
            "weight " + shape_str(weight.shape()) + " and bias " + shape_str(bias.shape()) +
                " do not fit; need (out, in) and (out,)");
    require(x.ndim() == 2 && x.dim(1) == weight.dim(1), "linear",
            "input of shape " + shape_str(x.shape()) + " does not fit weight " + shape_str(weight.shape()) +
                "; need (batch, " + std::to_string(weight.dim(1)) + ")");
    int B = x.dim(0), in = x.dim(1), out_features = weight.dim(0);
    std::vector<float> y = uninitialized_buffer(size_t(B) * out_features);
    const float* pb = bias.data();
    for (int r = 0; r < B; ++r) std::copy(pb, pb + out_features, y.begin() + size_t(r) * out_features);
    gemm(false, true, B, out_features, in, 1.0f, x.data(), weight.data(), 1.0f, y.data());
    return make_result("linear", {B, out_features}, std::move(y), {&x, &weight, &bias},
                       [x, weight, bias, B, in, out_features](Node& self) {
                           const float* g = self.grad.data();  // (B, out)
                           // A new gradient buffer is not zeroed and added into (beta = 1) but
                           // overwritten (beta = 0): the same values, one pass over memory less.
                           bool fresh;
                           if (x.requires_grad()) {
                               float* gx = x.node()->grad_buffer_to_fill(fresh);
                               gemm(false, false, B, in, out_features, 1.0f, g, weight.data(), fresh ? 0.0f : 1.0f, gx);
                           }
                           if (weight.requires_grad()) {
                               float* gw = weight.node()->grad_buffer_to_fill(fresh);
                               gemm(true, false, out_features, in, B, 1.0f, g, x.data(), fresh ? 0.0f : 1.0f, gw);
                           }
                           if (bias.requires_grad()) {
                               float* gb = bias.node()->grad_buffer();
                               for (int r = 0; r < B; ++r)
                                   for (int j = 0; j < out_features; ++j) gb[j] += g[size_t(r) * out_features + j];
                           }
                       });
}

// ============================================================================
// Classification
// ============================================================================

namespace {
// Rows of the last axis: (rows, cols).
std::pair<size_t, size_t> as_rows(const Tensor& x, const char* op) {
    if (x.ndim() < 1) throw Error(std::string(op) + ": needs at least one dimension, got a scalar");
    size_t cols = size_t(x.dim(-1));
    return {cols ? x.numel() / cols : 0, cols};
}

// log_softmax of each row: x_i - m - log sum_j exp(x_j - m), with m the row's
// maximum so that no exp overflows.
std::vector<float> log_softmax_rows(const Tensor& x, size_t rows, size_t cols) {
    std::vector<float> out(x.numel());
    for (size_t r = 0; r < rows; ++r) {
        const float* xr = x.data() + r * cols;
        float m = *std::max_element(xr, xr + cols);
        double s = 0.0;
        for (size_t c = 0; c < cols; ++c) s += std::exp(double(xr[c] - m));
        float log_s = float(std::log(s));  // (x - m) - log s: adding m back first would lose digits
        for (size_t c = 0; c < cols; ++c) out[r * cols + c] = (xr[c] - m) - log_s;
    }
    return out;
}
}  // namespace

// y_i = x_i - log sum_j exp(x_j);  dx_i = dy_i - softmax_i sum_j dy_j
Tensor log_softmax(const Tensor& x) {
    // Plain variables, not structured bindings: C++17 lambdas cannot capture those.
    const std::pair<size_t, size_t> shape = as_rows(x, "log_softmax");
    const size_t rows = shape.first, cols = shape.second;
    std::vector<float> out = log_softmax_rows(x, rows, cols);
    return make_result("log_softmax", x.shape(), std::move(out), {&x}, [x, rows, cols](Node& self) {
        const float *g = self.grad.data(), *y = self.data.data();
        float* gx = x.node()->grad_buffer();
        for (size_t r = 0; r < rows; ++r) {
            float gsum = 0.0f;
            for (size_t c = 0; c < cols; ++c) gsum += g[r * cols + c];
            for (size_t c = 0; c < cols; ++c) gx[r * cols + c] += g[r * cols + c] - std::exp(y[r * cols + c]) * gsum;
        }
    });
}

// y_i = exp(x_i) / sum_j exp(x_j);  dx_i = y_i (dy_i - sum_j dy_j y_j)
Tensor softmax(const Tensor& x) {
    const std::pair<size_t, size_t> shape = as_rows(x, "softmax");
    const size_t rows = shape.first, cols = shape.second;
    std::vector<float> out = log_softmax_rows(x, rows, cols);
    for (float& v : out) v = std::exp(v);
    return make_result("softmax", x.shape(), std::move(out), {&x}, [x, rows, cols](Node& self) {
        const float *g = self.grad.data(), *y = self.data.data();
        float* gx = x.node()->grad_buffer();
        for (size_t r = 0; r < rows; ++r) {
            float dot = 0.0f;
            for (size_t c = 0; c < cols; ++c) dot += g[r * cols + c] * y[r * cols + c];
            for (size_t c = 0; c < cols; ++c) gx[r * cols + c] += y[r * cols + c] * (g[r * cols + c] - dot);
        }
    });
}

// L = -1/B sum_b logp[b, y_b];  dlogp[b, y_b] += -dL / B
Tensor nll_loss(const Tensor& log_probs, const std::vector<int>& labels) {
    require(log_probs.ndim() == 2, "nll_loss", "needs (batch, classes), got " + shape_str(log_probs.shape()));
    int B = log_probs.dim(0), C = log_probs.dim(1);
    require(size_t(B) == labels.size(), "nll_loss",
            std::to_string(labels.size()) + " labels for a batch of " + std::to_string(B));
    double total = 0.0;
    for (int b = 0; b < B; ++b) {
        require(labels[size_t(b)] >= 0 && labels[size_t(b)] < C, "nll_loss",
                "label " + std::to_string(labels[size_t(b)]) + " is not a class of " + std::to_string(C));
        total += log_probs.data()[size_t(b) * C + labels[size_t(b)]];
    }
    return make_result("nll_loss", {}, {float(-total / B)}, {&log_probs}, [log_probs, labels, B, C](Node& self) {
        float* g = log_probs.node()->grad_buffer();
        for (int b = 0; b < B; ++b) g[size_t(b) * C + labels[size_t(b)]] -= self.grad[0] / float(B);
    });
}

Tensor cross_entropy(const Tensor& logits, const std::vector<int>& labels) {
    return nll_loss(log_softmax(logits), labels);
}

}  // namespace gb
