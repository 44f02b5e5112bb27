#include "nn/conv.hpp"

#include <algorithm>
#include <memory>

#include "nn/gemm.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

struct ConvShape {
    int B, C, H, W, O, KH, KW, stride, pad, OH, OW;
    size_t patch() const { return size_t(C) * KH * KW; }    // rows of an image's column matrix
    size_t positions() const { return size_t(OH) * OW; }    // its columns: one per output position
    size_t image() const { return size_t(C) * H * W; }      // values of one input image
};

ConvShape check_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    auto fail = [&](const std::string& why) {
        throw Error("conv2d: input " + shape_str(x.shape()) + ", weight " + shape_str(w.shape()) + ", bias " +
                    shape_str(bias.shape()) + ": " + why);
    };
    if (x.ndim() != 4 || w.ndim() != 4 || bias.ndim() != 1) fail("need (B, C, H, W), (O, C, KH, KW) and (O,)");
    if (x.dim(1) != w.dim(1)) fail("the input has " + std::to_string(x.dim(1)) + " channels, the weight expects " +
                                   std::to_string(w.dim(1)));
    if (bias.dim(0) != w.dim(0)) fail("bias and weight disagree on the number of output channels");
    if (stride < 1 || padding < 0) fail("stride must be >= 1 and padding >= 0");
    ConvShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), stride, padding, 0, 0};
    s.OH = (s.H + 2 * padding - s.KH) / stride + 1;
    s.OW = (s.W + 2 * padding - s.KW) / stride + 1;
    if (s.H + 2 * padding < s.KH || s.W + 2 * padding < s.KW) fail("the kernel is larger than the padded input");
    return s;
}

// The output columns j whose input column j*s - p + v lies inside [0, W):
// j_lo <= j < j_hi. Outside them im2col writes zeros (the padding).
std::pair<int, int> valid_columns(const ConvShape& s, int v) {
    int lo = std::max(0, (s.pad - v + s.stride - 1) / s.stride);
    int hi = std::min(s.OW, (s.W + s.pad - v + s.stride - 1) / s.stride);
    return {lo, std::max(lo, hi)};
}

// One image: cols[(c, u, v), (i, j)] = x[c, i*s - p + u, j*s - p + v], or 0 outside.
// x: (C, H, W) -> cols: (C*KH*KW, OH*OW)
void im2col(const ConvShape& s, const float* x, float* cols) {
    for (int r = 0; r < int(s.patch()); ++r) {
        int c = r / (s.KH * s.KW), u = r / s.KW % s.KH, v = r % s.KW;
        auto [j_lo, j_hi] = valid_columns(s, v);
        float* row = cols + size_t(r) * s.positions();
        for (int i = 0; i < s.OH; ++i, row += s.OW) {
            int y = i * s.stride - s.pad + u;
            if (y < 0 || y >= s.H) {
                std::fill(row, row + s.OW, 0.0f);
                continue;
            }
            const float* in = x + (size_t(c) * s.H + size_t(y)) * s.W - s.pad + v;  // in[j*s] = x[c, y, j*s - p + v]
            std::fill(row, row + j_lo, 0.0f);
            if (s.stride == 1) std::copy(in + j_lo, in + j_hi, row + j_lo);  // the common case: one block copy
            else for (int j = j_lo; j < j_hi; ++j) row[j] = in[j * s.stride];
            std::fill(row + j_hi, row + s.OW, 0.0f);
        }
    }
}

// The adjoint of im2col: dx[c, y, x] += every dcols entry that was read from it.
void col2im(const ConvShape& s, const float* cols, float* dx) {
    for (int r = 0; r < int(s.patch()); ++r) {
        int c = r / (s.KH * s.KW), u = r / s.KW % s.KH, v = r % s.KW;
        auto [j_lo, j_hi] = valid_columns(s, v);
        const float* row = cols + size_t(r) * s.positions();
        for (int i = 0; i < s.OH; ++i, row += s.OW) {
            int y = i * s.stride - s.pad + u;
            if (y < 0 || y >= s.H) continue;
            float* out = dx + (size_t(c) * s.H + size_t(y)) * s.W - s.pad + v;
            for (int j = j_lo; j < j_hi; ++j) out[j * s.stride] += row[j];
        }
    }
}

// A scratch buffer per thread, reused from call to call.
float* scratch(std::vector<float>& buffer, size_t n) {
    if (buffer.size() < n) buffer.resize(n);
    return buffer.data();
}

// The batch is cut into this many fixed slices for the weight gradient: each
// slice sums its images' contributions, and the slices are added in order,
// so the result does not depend on which thread took which slice.
constexpr int kSlices = 8;

}  // namespace

// Image by image (in parallel over the batch), as one GEMM each:
//   cols_b = im2col(x_b)                        (C*KH*KW, OH*OW), small enough to stay in cache
//   y_b = W cols_b + bias                        W: (O, C*KH*KW) -> y_b: (O, OH*OW)
// Backward, with cols_b computed again rather than kept:
//   dW += dy_b cols_b^T,  dbias += sum over positions of dy_b,  dx_b = col2im(W^T dy_b)
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    ConvShape s = check_shapes(x, w, bias, stride, padding);
    const size_t P = s.positions(), K = s.patch();
    std::vector<float> y(size_t(s.B) * s.O * P);  // (B, O, OH, OW)
    parallel_for(s.B, [&](int b) {
        thread_local std::vector<float> buffer;
        float* cols = scratch(buffer, K * P);
        im2col(s, x.data() + size_t(b) * s.image(), cols);
        float* yb = y.data() + size_t(b) * s.O * P;
        for (int o = 0; o < s.O; ++o) std::fill(yb + size_t(o) * P, yb + size_t(o + 1) * P, bias.data()[o]);
        gemm(false, false, s.O, int(P), int(K), 1.0f, w.data(), cols, 1.0f, yb);
    });
    return make_result("conv2d", {s.B, s.O, s.OH, s.OW}, std::move(y), {&x, &w, &bias}, [x, w, bias, s, P, K](Node& self) {
        const int slices = std::min(kSlices, s.B);
        std::vector<float> dw(size_t(slices) * s.O * K, 0.0f), db(size_t(slices) * s.O, 0.0f);
        float* gx = x.requires_grad() ? x.node()->grad_buffer() : nullptr;  // allocated before the threads start
        parallel_for(slices, [&](int slice) {
            thread_local std::vector<float> buffer, dbuffer;
            float* cols = scratch(buffer, K * P);
            for (int b = s.B * slice / slices; b < s.B * (slice + 1) / slices; ++b) {
                const float* dy = self.grad.data() + size_t(b) * s.O * P;  // (O, OH*OW)
                if (w.requires_grad()) {
                    im2col(s, x.data() + size_t(b) * s.image(), cols);
                    gemm(false, true, s.O, int(K), int(P), 1.0f, dy, cols, 1.0f, dw.data() + size_t(slice) * s.O * K);
                }
                for (int o = 0; o < s.O; ++o)
                    for (size_t p = 0; p < P; ++p) db[size_t(slice) * s.O + size_t(o)] += dy[size_t(o) * P + p];
                if (gx) {
                    float* dcols = scratch(dbuffer, K * P);
                    gemm(true, false, int(K), int(P), s.O, 1.0f, w.data(), dy, 0.0f, dcols);
                    col2im(s, dcols, gx + size_t(b) * s.image());
                }
            }
        });
        for (int slice = 0; slice < slices; ++slice) {
            if (w.requires_grad()) {
                float* gw = w.node()->grad_buffer();
                for (size_t k = 0; k < size_t(s.O) * K; ++k) gw[k] += dw[size_t(slice) * s.O * K + k];
            }
            if (bias.requires_grad()) {
                float* gb = bias.node()->grad_buffer();
                for (int o = 0; o < s.O; ++o) gb[o] += db[size_t(slice) * s.O + size_t(o)];
            }
        }
    });
}

Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    if (x.ndim() != 3 || w.ndim() != 3)
        throw Error("conv1d: input " + shape_str(x.shape()) + " and weight " + shape_str(w.shape()) +
                    " must be (B, C, L) and (O, C, K)");
    if (padding < 0) throw Error("conv1d: padding must be >= 0");
    // A 1-D convolution is a 2-D one on images of height 1 (no padding along the height).
    int B = x.dim(0), C = x.dim(1), L = x.dim(2), O = w.dim(0), K = w.dim(2);
    Tensor padded = x;
    if (padding > 0) {  // pad the length by hand: conv2d would pad the height too
        std::vector<float> v(size_t(B) * C * (L + 2 * padding), 0.0f);
        for (size_t r = 0; r < size_t(B) * C; ++r)
            std::copy(x.data() + r * L, x.data() + (r + 1) * L, v.begin() + std::ptrdiff_t(r * (L + 2 * padding) + padding));
        padded = make_result("pad1d", {B, C, L + 2 * padding}, std::move(v), {&x}, [x, B, C, L, padding](Node& self) {
            float* gx = x.node()->grad_buffer();
            for (size_t r = 0; r < size_t(B) * C; ++r)
                for (int l = 0; l < L; ++l) gx[r * L + l] += self.grad[r * (L + 2 * padding) + padding + l];
        });
    }
    Tensor y = conv2d(reshape(padded, {B, C, 1, L + 2 * padding}), reshape(w, {O, C, 1, K}), bias, stride, 0);
    return reshape(y, {B, O, y.dim(3)});
}

Tensor conv2d_naive(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    ConvShape s = check_shapes(x, w, bias, stride, padding);
    Tensor y(Shape{s.B, s.O, s.OH, s.OW});
    for (int b = 0; b < s.B; ++b)
        for (int o = 0; o < s.O; ++o)
            for (int i = 0; i < s.OH; ++i)
                for (int j = 0; j < s.OW; ++j) {
                    float sum = bias.data()[o];
                    for (int c = 0; c < s.C; ++c)
                        for (int u = 0; u < s.KH; ++u)
                            for (int v = 0; v < s.KW; ++v) {
                                int yy = i * stride - padding + u, xx = j * stride - padding + v;
                                if (yy < 0 || yy >= s.H || xx < 0 || xx >= s.W) continue;
                                sum += w.data()[((size_t(o) * s.C + c) * s.KH + u) * s.KW + v] *
                                       x.data()[((size_t(b) * s.C + c) * s.H + yy) * s.W + xx];
                            }
                    y.data()[((size_t(b) * s.O + o) * s.OH + i) * s.OW + j] = sum;
                }
    return y;
}

}  // namespace gb
