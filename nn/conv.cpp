#include "nn/conv.hpp"

#include <memory>

#include "nn/gemm.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

struct ConvShape {
    int B, C, H, W, O, KH, KW, stride, pad, OH, OW;
    size_t patch() const { return size_t(C) * KH * KW; }    // rows of the column matrix
    size_t columns() const { return size_t(B) * OH * OW; }  // one per output position
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

// cols[(c, u, v), (b, i, j)] = x[b, c, i*s - p + u, j*s - p + v], or 0 outside.
// x: (B, C, H, W) -> cols: (C*KH*KW, B*OH*OW). Each row of cols is one task.
void im2col(const ConvShape& s, const float* x, float* cols) {
    size_t n = s.columns();
    parallel_for(int(s.patch()), [&](int r) {
        int c = r / (s.KH * s.KW), u = r / s.KW % s.KH, v = r % s.KW;
        float* row = cols + size_t(r) * n;
        for (int b = 0; b < s.B; ++b) {
            const float* plane = x + (size_t(b) * s.C + c) * s.H * s.W;
            for (int i = 0; i < s.OH; ++i) {
                int y = i * s.stride - s.pad + u;
                for (int j = 0; j < s.OW; ++j) {
                    int xx = j * s.stride - s.pad + v;
                    *row++ = (y >= 0 && y < s.H && xx >= 0 && xx < s.W) ? plane[y * s.W + xx] : 0.0f;
                }
            }
        }
    });
}

// The adjoint of im2col: dx[b, c, y, x] += every dcols entry that was read
// from it. Each input channel is one task (they write disjoint planes).
void col2im(const ConvShape& s, const float* cols, float* dx) {
    size_t n = s.columns();
    parallel_for(s.C, [&](int c) {
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v) {
                const float* row = cols + ((size_t(c) * s.KH + u) * s.KW + v) * n;
                for (int b = 0; b < s.B; ++b) {
                    float* plane = dx + (size_t(b) * s.C + c) * s.H * s.W;
                    for (int i = 0; i < s.OH; ++i) {
                        int y = i * s.stride - s.pad + u;
                        for (int j = 0; j < s.OW; ++j, ++row) {
                            int xx = j * s.stride - s.pad + v;
                            if (y >= 0 && y < s.H && xx >= 0 && xx < s.W) plane[y * s.W + xx] += *row;
                        }
                    }
                }
            }
    });
}

}  // namespace

// Y = W cols, as one GEMM: W (O, C*KH*KW) @ cols (C*KH*KW, B*OH*OW) -> (O, B*OH*OW),
// then reordered to (B, O, OH, OW) with the bias added.
// Backward: dW += dY cols^T,  dcols = W^T dY -> col2im -> dx,  dbias += sum of dY.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    ConvShape s = check_shapes(x, w, bias, stride, padding);
    size_t P = size_t(s.OH) * s.OW, K = s.patch(), N = s.columns();
    auto cols = std::make_shared<std::vector<float>>(K * N);
    im2col(s, x.data(), cols->data());
    std::vector<float> y_by_channel(size_t(s.O) * N);  // (O, B*P)
    gemm(false, false, s.O, int(N), int(K), 1.0f, w.data(), cols->data(), 0.0f, y_by_channel.data());
    std::vector<float> y(size_t(s.B) * s.O * P);  // (B, O, OH, OW)
    for (int b = 0; b < s.B; ++b)
        for (int o = 0; o < s.O; ++o)
            for (size_t p = 0; p < P; ++p)
                y[(size_t(b) * s.O + o) * P + p] = y_by_channel[size_t(o) * N + size_t(b) * P + p] + bias.data()[o];
    return make_result("conv2d", {s.B, s.O, s.OH, s.OW}, std::move(y), {&x, &w, &bias},
                       [x, w, bias, s, cols, P, K, N](Node& self) {
                           std::vector<float> dy(size_t(s.O) * N);  // (O, B*P)
                           for (int b = 0; b < s.B; ++b)
                               for (int o = 0; o < s.O; ++o)
                                   for (size_t p = 0; p < P; ++p)
                                       dy[size_t(o) * N + size_t(b) * P + p] = self.grad[(size_t(b) * s.O + o) * P + p];
                           if (w.requires_grad())
                               gemm(false, true, s.O, int(K), int(N), 1.0f, dy.data(), cols->data(), 1.0f,
                                    w.node()->grad_buffer());
                           if (bias.requires_grad()) {
                               float* db = bias.node()->grad_buffer();
                               for (int o = 0; o < s.O; ++o)
                                   for (size_t k = 0; k < N; ++k) db[o] += dy[size_t(o) * N + k];
                           }
                           if (x.requires_grad()) {
                               std::vector<float> dcols(K * N);
                               gemm(true, false, int(K), int(N), s.O, 1.0f, w.data(), dy.data(), 0.0f, dcols.data());
                               col2im(s, dcols.data(), x.node()->grad_buffer());
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
