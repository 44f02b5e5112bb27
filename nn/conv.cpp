#include "nn/conv.hpp"

#include <algorithm>
#include <string>

#include "nn/buffers.hpp"
#include "nn/conv_images.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// A call of conv1d or conv2d as its caller made it, for error messages:
// "conv2d: input (1, 2, 5, 5), weight (3, 2, 3, 3), bias (3,)". The text is
// built only when a message needs it, not on every call.
struct ConvCall {
    const char* op;
    const Tensor &x, &w, &bias;
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(std::string(op) + ": input " + shape_str(x.shape()) + ", weight " + shape_str(w.shape()) +
                    ", bias " + shape_str(bias.shape()) + ": " + why);
    }
    // x and w with `axes` axes each and a 1-D bias, or a message saying what is needed
    void need_axes(int axes, const char* need) const {
        if (x.ndim() != axes || w.ndim() != axes || bias.ndim() != 1) fail(std::string("need ") + need);
    }
};

// The sizes of a convolution of images x (B, C, H, W) by kernels w (O, C,
// KH, KW), checked; a 1-D convolution passes its shapes with a height of 1.
ConvShape check_shapes(const Shape& x, const Shape& w, const Shape& bias, int stride, int padding, const ConvCall& call) {
    if (x[1] != w[1])
        call.fail("the input has " + std::to_string(x[1]) + " channels, the weight expects " + std::to_string(w[1]));
    if (bias[0] != w[0]) call.fail("bias and weight disagree on the number of output channels");
    if (stride < 1 || padding < 0) call.fail("stride must be >= 1 and padding >= 0");
    ConvShape s{x[0], x[1], x[2], x[3], w[0], w[2], w[3], stride, padding, 0, 0};
    s.OH = (s.H + 2 * padding - s.KH) / stride + 1;
    s.OW = (s.W + 2 * padding - s.KW) / stride + 1;
    if (s.H + 2 * padding < s.KH || s.W + 2 * padding < s.KW) call.fail("the kernel is larger than the padded input");
    return s;
}

// conv2d and conv1d: image by image, forward and backward (conv_images.hpp).
Tensor convolve(const char* op, const ConvShape& s, const Tensor& x, const Tensor& w, const Tensor& bias, Shape out_shape) {
    const size_t per_image = size_t(s.O) * s.positions();
    std::vector<float> y = uninitialized_buffer(size_t(s.B) * per_image);  // (B, O, OH, OW), every value written below
    const bool w_finite = all_finite(w.data(), w.numel());
    parallel_for(s.B, [&](int b) { convolve_image(s, x, w, bias, w_finite, b, y.data() + size_t(b) * per_image); });
    return make_result(op, std::move(out_shape), std::move(y), {&x, &w, &bias}, [x, w, bias, s, per_image](Node& self) {
        convolution_backward(s, x, w, bias, [&self, per_image](int b, CompressedRows&) {
            return ImageGradient{self.grad.data() + size_t(b) * per_image, nullptr};
        });
    });
}

}  // namespace

ConvShape conv2d_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    const ConvCall call{"conv2d", x, w, bias};
    call.need_axes(4, "(B, C, H, W), (O, C, KH, KW) and (O,)");
    return check_shapes(x.shape(), w.shape(), bias.shape(), stride, padding, call);
}

// conv1d's checks; the shapes as those of images of height 1.
ConvShape conv1d_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    const ConvCall call{"conv1d", x, w, bias};
    call.need_axes(3, "(B, C, L), (O, C, K) and (O,)");
    if (padding < 0) call.fail("padding must be >= 0");
    return check_shapes(Shape{x.dim(0), x.dim(1), 1, x.dim(2) + 2 * padding}, Shape{w.dim(0), w.dim(1), 1, w.dim(2)},
                        bias.shape(), stride, 0, call);
}

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    ConvShape s = conv2d_shapes(x, w, bias, stride, padding);
    return convolve("conv2d", s, x, w, bias, {s.B, s.O, s.OH, s.OW});
}

Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    // A 1-D convolution is a 2-D one on images of height 1 (no padding along the height).
    const ConvShape s = conv1d_shapes(x, w, bias, stride, padding);
    const int B = s.B, C = s.C, L = s.W - 2 * padding;
    Tensor padded = x;
    if (padding > 0) {  // pad the length by hand: conv2d would pad the height too
        std::vector<float> v(size_t(B) * C * s.W, 0.0f);
        for (size_t r = 0; r < size_t(B) * C; ++r)
            std::copy(x.data() + r * L, x.data() + (r + 1) * L, v.begin() + std::ptrdiff_t(r * s.W + padding));
        padded = make_result("pad1d", {B, C, s.W}, std::move(v), {&x}, [x, B, C, L, padding](Node& self) {
            float* gx = x.node()->grad_buffer();
            for (size_t r = 0; r < size_t(B) * C; ++r)
                for (int l = 0; l < L; ++l) gx[r * L + l] += self.grad[r * (L + 2 * padding) + padding + l];
        });
    }
    return convolve("conv1d", s, padded, w, bias, {B, s.O, s.OW});
}

Tensor conv2d_naive(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    ConvShape s = conv2d_shapes(x, w, bias, stride, padding);
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
