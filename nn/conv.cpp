#include "nn/conv.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "nn/buffers.hpp"
#include "nn/gemm.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"
#include "nn/pool.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

struct ConvShape {
    int B, C, H, W, O, KH, KW, stride, pad, OH, OW;
    size_t patch() const { return size_t(C) * KH * KW; }    // rows of an image's column matrix
    size_t positions() const { return size_t(OH) * OW; }    // its columns: one per output position
    size_t image() const { return size_t(C) * H * W; }      // values of one input image
};

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

// conv2d's checks, for the fast kernel and the reference loops alike.
ConvShape conv2d_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    const ConvCall call{"conv2d", x, w, bias};
    call.need_axes(4, "(B, C, H, W), (O, C, KH, KW) and (O,)");
    return check_shapes(x.shape(), w.shape(), bias.shape(), stride, padding, call);
}

// to[0:n] = from[0:n] and to[0:n] += from[0:n] for the rows of patch
// matrices, inline: most are short (5 to 28 values in LeNet), and a call to
// memmove would cost more than the copy. They move whole blocks of 8 or 4
// values, which the compiler turns into single vector instructions.
template <int block>
inline void copy_block(const float* __restrict from, float* __restrict to) {
    for (int k = 0; k < block; ++k) to[k] = from[k];
}

template <int block>
inline void add_block(const float* __restrict from, float* __restrict to) {
    for (int k = 0; k < block; ++k) to[k] += from[k];
}

// The last block of a copy ends at n and may overlap the one before: the
// overlap is written twice with the same values.
inline void copy_short(const float* __restrict from, int n, float* __restrict to) {
    if (n >= 8) {
        for (int i = 0; i + 8 < n; i += 8) copy_block<8>(from + i, to + i);
        copy_block<8>(from + n - 8, to + n - 8);
    } else if (n >= 4) {
        copy_block<4>(from, to);
        copy_block<4>(from + n - 4, to + n - 4);
    } else {
        for (int k = 0; k < 3; ++k)
            if (k < n) to[k] = from[k];
    }
}

// Additions must not overlap: blocks of 8, one of 4, then single values.
inline void add_short(const float* __restrict from, int n, float* __restrict to) {
    int i = 0;
    for (; i + 8 <= n; i += 8) add_block<8>(from + i, to + i);
    if (i + 4 <= n) {
        add_block<4>(from + i, to + i);
        i += 4;
    }
    for (int k = 0; k < 3; ++k)
        if (i + k < n) to[i + k] += from[i + k];
}

// The image that im2col reads: x itself, or x copied into the middle of a
// zeroed (C, H + 2p, W + 2p) buffer, so that the patches need no bounds checks.
struct PaddedImage {
    const float* data;
    int H, W;  // the padded height and width
};

// A thread's padding buffer, with the geometry it was zeroed for. Copies of
// images of that geometry write only its middle, so its border stays zero
// and is not zeroed again for the next image (for LeNet's first layer, that
// was 4 KB of zeros per image, twice per training step).
struct PaddingBuffer {
    std::vector<float> data;
    int C = 0, H = 0, W = 0, pad = 0;
};

PaddedImage pad_image(const ConvShape& s, const float* x, PaddingBuffer& buffer) {
    if (s.pad == 0) return {x, s.H, s.W};
    const int H = s.H + 2 * s.pad, W = s.W + 2 * s.pad;
    if (buffer.C != s.C || buffer.H != s.H || buffer.W != s.W || buffer.pad != s.pad) {
        buffer.data.assign(size_t(s.C) * H * W, 0.0f);
        buffer.C = s.C, buffer.H = s.H, buffer.W = s.W, buffer.pad = s.pad;
    }
    for (int c = 0; c < s.C; ++c)
        for (int y = 0; y < s.H; ++y)
            copy_short(x + (size_t(c) * s.H + size_t(y)) * s.W, s.W,
                       buffer.data.data() + (size_t(c) * H + size_t(y + s.pad)) * W + s.pad);
    return {buffer.data.data(), H, W};
}

// Where patch entry (c, u, v) of output row i starts in the padded image:
// at[j * s] = xp[c, i*s + u, j*s + v].
const float* patch_row(const ConvShape& s, const PaddedImage& xp, int c, int u, int v, int i) {
    return xp.data + (size_t(c) * xp.H + size_t(i * s.stride + u)) * xp.W + size_t(v);
}

// One image as a patch matrix, one row per kernel entry:
//   cols[(c, u, v), (i, j)] = xp[c, i*s + u, j*s + v]      (C*KH*KW, OH*OW)
void im2col(const ConvShape& s, const PaddedImage& xp, float* cols) {
    float* row = cols;
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v)
                for (int i = 0; i < s.OH; ++i, row += s.OW) {
                    const float* in = patch_row(s, xp, c, u, v, i);
                    if (s.stride == 1) copy_short(in, s.OW, row);
                    else for (int j = 0; j < s.OW; ++j) row[j] = in[j * s.stride];
                }
}

// The same matrix transposed, one row per output position:
//   rows[(i, j), (c, u, v)] = xp[c, i*s + u, j*s + v]      (OH*OW, C*KH*KW)
// It is gathered KW neighbouring values at a time.
void im2row(const ConvShape& s, const PaddedImage& xp, float* rows) {
    float* out = rows;
    for (int i = 0; i < s.OH; ++i)
        for (int j = 0; j < s.OW; ++j)
            for (int c = 0; c < s.C; ++c)
                for (int u = 0; u < s.KH; ++u, out += s.KW)
                    copy_short(patch_row(s, xp, c, u, 0, i) + size_t(j) * s.stride, s.KW, out);
}

// The adjoint of im2col: each entry of dcols is added to the padded-image
// value it was read from, dxp[c, i*s + u, j*s + v] += dcols[(c, u, v), (i, j)].
void col2im(const ConvShape& s, const float* dcols, float* dxp, int H, int W) {
    const float* row = dcols;
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v)
                for (int i = 0; i < s.OH; ++i, row += s.OW) {
                    float* at = dxp + (size_t(c) * H + size_t(i * s.stride + u)) * W + size_t(v);
                    if (s.stride == 1) add_short(row, s.OW, at);
                    else for (int j = 0; j < s.OW; ++j) at[j * s.stride] += row[j];
                }
}

// dx += the gradient of one image, from W^T dy_b: straight into dx without
// padding, otherwise through a zeroed padded buffer whose border is dropped.
void add_input_gradient(const ConvShape& s, const float* dcols, float* dx, std::vector<float>& buffer) {
    if (s.pad == 0) return col2im(s, dcols, dx, s.H, s.W);
    const int H = s.H + 2 * s.pad, W = s.W + 2 * s.pad;
    buffer.assign(size_t(s.C) * H * W, 0.0f);
    col2im(s, dcols, buffer.data(), H, W);
    for (int c = 0; c < s.C; ++c)
        for (int y = 0; y < s.H; ++y)
            add_short(buffer.data() + (size_t(c) * H + size_t(y + s.pad)) * W + s.pad, s.W,
                      dx + (size_t(c) * s.H + size_t(y)) * s.W);
}

// sums[o] += sum over p of dy[o, p], each sum added in the order of p, as a
// plain loop would; a group of up to eight channels at a time, so that eight
// independent additions are under way instead of one chain. The group size
// is a compile-time constant, so that the partial sums stay in registers
// (with a size known only at run time, they were kept in memory).
template <int group>
void add_row_sums_group(const float* __restrict dy, size_t cols, float* __restrict sums) {
    float acc[group];
    for (int k = 0; k < group; ++k) acc[k] = sums[k];
    for (size_t p = 0; p < cols; ++p)
#pragma GCC unroll 8
        for (int k = 0; k < group; ++k) acc[k] += dy[size_t(k) * cols + p];
    for (int k = 0; k < group; ++k) sums[k] = acc[k];
}

void add_row_sums(const float* dy, int rows, size_t cols, float* sums) {
    for (int o = 0; o < rows; o += 8) {
        const float* from = dy + size_t(o) * cols;
        switch (std::min(8, rows - o)) {
            case 8: add_row_sums_group<8>(from, cols, sums + o); break;
            case 7: add_row_sums_group<7>(from, cols, sums + o); break;
            case 6: add_row_sums_group<6>(from, cols, sums + o); break;
            case 5: add_row_sums_group<5>(from, cols, sums + o); break;
            case 4: add_row_sums_group<4>(from, cols, sums + o); break;
            case 3: add_row_sums_group<3>(from, cols, sums + o); break;
            case 2: add_row_sums_group<2>(from, cols, sums + o); break;
            default: add_row_sums_group<1>(from, cols, sums + o); break;
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

// Image by image (in parallel over the batch), as one GEMM each:
//   cols_b = im2col(x_b)                  (C*KH*KW, OH*OW), small enough to stay in cache
//   y_b = W cols_b + bias                 W: (O, C*KH*KW) -> y_b: (O, OH*OW)
// Backward, with the patches gathered again rather than kept:
//   dW += dy_b cols_b^T,  dbias += sum over positions of dy_b,  dx_b = col2im(W^T dy_b)
// For dW, GEMM would have to transpose cols_b into its panels, unless dW is
// small and the positions many (conv1 of LeNet: 6 x 25 weights, 784
// positions), where it takes dot products of rows instead. So outside that
// case the patches are gathered straight into the transposed layout, rows_b =
// cols_b^T = im2row(x_b), and dW += dy_b rows_b.
//
// The ops take the shape apart from the tensors, so that conv1d runs on its
// (B, C, L) input and (O, C, K) weight as images of height 1 without copying
// them into 4-D tensors (the values sit in the same order).

// y_b (O, OH*OW) of image b. A position whose patch is all zeros (a padding
// word of a post: 71% of the text CNN's positions) takes no products: each
// product of the finite W with a zero is +-0 and the GEMM's sums start at +0,
// so its outputs are bias + 0, written as that. The other positions go to the
// GEMM gathered side by side, where each output's sum does not depend on the
// other columns: the bits are those of one GEMM over all positions. Looking
// for zero patches and gathering pays only where a position costs many
// products (512 x 64 in the text CNN); LeNet's layers (6 x 25, 16 x 150) took
// a tenth longer with it, so they go straight to the GEMM.
//
// With `compact` given, a caller that can use the outputs as computed gets
// them so where positions were left out (returns true, yb untouched): the
// (O, n) outputs of the n positions `*compact->positions`.
constexpr size_t kProductsToSkip = 4096;

struct CompactOutputs {
    const float* values;                     // (O, n)
    const std::vector<int>* positions;       // n increasing positions; every other one holds bias + 0
};

bool convolve_image(const ConvShape& s, const Tensor& x, const Tensor& w, const Tensor& bias, bool w_finite, int b,
                    float* yb, CompactOutputs* compact = nullptr) {
    thread_local std::vector<float> buffer, gathered_buffer, products_buffer;
    thread_local std::vector<int> used;  // the positions with a nonzero in their patch
    thread_local std::vector<unsigned char> nonzero;
    thread_local PaddingBuffer padded;
    const size_t P = s.positions(), K = s.patch();
    float* cols = scratch(buffer, K * P);
    im2col(s, pad_image(s, x.data() + size_t(b) * s.image(), padded), cols);
    used.clear();
    const bool skip_zeros = w_finite && size_t(s.O) * K >= kProductsToSkip;
    if (skip_zeros) {
        nonzero.assign(P, 0);
        for (size_t k = 0; k < K; ++k)
            for (size_t p = 0; p < P; ++p) nonzero[p] |= cols[k * P + p] != 0.0f;
        for (size_t p = 0; p < P; ++p)
            if (nonzero[p]) used.push_back(int(p));
    }
    if (!skip_zeros || used.size() > P * 3 / 4) {  // few all-zero patches: the GEMM over all positions
        for (int o = 0; o < s.O; ++o) std::fill(yb + size_t(o) * P, yb + size_t(o + 1) * P, bias.data()[o]);
        gemm(false, false, s.O, int(P), int(K), 1.0f, w.data(), cols, 1.0f, yb);
        return false;
    }
    const size_t n = used.size();
    float *gathered = scratch(gathered_buffer, K * n), *products = scratch(products_buffer, size_t(s.O) * n);
    for (size_t k = 0; k < K; ++k)
        for (size_t u = 0; u < n; ++u) gathered[k * n + u] = cols[k * P + size_t(used[u])];
    for (int o = 0; o < s.O; ++o) std::fill(products + size_t(o) * n, products + size_t(o + 1) * n, bias.data()[o]);
    gemm(false, false, s.O, int(n), int(K), 1.0f, w.data(), gathered, 1.0f, products);
    if (compact) {
        *compact = {products, &used};
        return true;
    }
    for (int o = 0; o < s.O; ++o) {
        float* row = yb + size_t(o) * P;
        std::fill(row, row + P, bias.data()[o] + 0.0f);
        for (size_t u = 0; u < n; ++u) row[used[u]] = products[size_t(o) * n + u];
    }
    return false;
}

// Image b's output gradient dy_b (O, OH*OW): a pointer into the op's own
// gradient, or its nonzeros (conv1d_relu_max's, one per row at most).
struct ImageGradient {
    const float* dense;
    const CompressedRows* sparse;
};
using OutputGradient = std::function<ImageGradient(int b, CompressedRows& buffer)>;

// dy_b given by its nonzeros goes through the GEMM's sparse shortcut directly,
// as gemm would take it with the zeros written out: where the product is
// large enough, dy_b sparse by gemm's count (a row of P >= 16 positions with
// one nonzero is), not a case for dot products, and the other operand finite
// (gemm_sparse.cpp). The bias gradient is add_row_sums' chain of additions
// with the runs of zeros in it each added once (add_zeros_and): a second +0
// changes nothing after the first.
// Otherwise dy_b is spread into a zeroed buffer and takes the dense way.
bool sparse_shortcut(const ConvShape& s, bool dots, const ImageGradient& dy) {
    const size_t P = s.positions(), K = s.patch();
    if (!dy.sparse || dots || P < 16 || double(s.O) * double(K) * double(P) < kSparseMinProducts) return false;
    for (int o = 0; o < s.O; ++o)
        if (dy.sparse->start[size_t(o) + 1] - dy.sparse->start[size_t(o)] > 1) return false;
    return true;
}

// sum + row o of dy (P values, given by its nonzeros), added one after the
// other as add_row_sums adds them, where a run of zeros is added as one +0.
float add_zeros_and(const CompressedRows& dy, size_t o, size_t P, float sum) {
    size_t next = 0;  // the next position to add
    for (size_t k = dy.start[o]; k < dy.start[o + 1]; ++k) {
        if (size_t(dy.index[k]) > next) sum += 0.0f;
        sum += dy.value[k];
        next = size_t(dy.index[k]) + 1;
    }
    if (next < P) sum += 0.0f;
    return sum;
}

const float* spread_out(const ConvShape& s, const CompressedRows& dy, std::vector<float>& buffer) {
    const size_t P = s.positions();
    buffer.assign(size_t(s.O) * P, 0.0f);
    for (size_t o = 0; o < size_t(s.O); ++o)
        for (size_t k = dy.start[o]; k < dy.start[o + 1]; ++k) buffer[o * P + size_t(dy.index[k])] = dy.value[k];
    return buffer.data();
}

// The backward pass above: accumulates into the gradients of x, w and bias.
void convolution_backward(const ConvShape& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                          const OutputGradient& dy_of) {
    const size_t P = s.positions(), K = s.patch();
    const int slices = std::min(kSlices, s.B);
    const bool dots = gemm_takes_dots(s.O, int(K), int(P)), w_finite = all_finite(w.data(), w.numel());
    std::vector<float> dw(size_t(slices) * s.O * K, 0.0f), db(size_t(slices) * s.O, 0.0f);
    // The input gradient is allocated before the threads start; a new one
    // is not zeroed in a pass of its own, but image by image just before
    // the image's gradient is added into it, while it is in cache.
    bool fresh = false;
    float* gx = x.requires_grad() ? x.node()->grad_buffer_to_fill(fresh) : nullptr;
    parallel_for(slices, [&](int slice) {
        thread_local std::vector<float> buffer, dbuffer, padded_grad, spread;
        thread_local CompressedRows nonzeros;
        thread_local PaddingBuffer padded;
        float* patches = scratch(buffer, K * P);
        float *dw_slice = dw.data() + size_t(slice) * s.O * K, *db_slice = db.data() + size_t(slice) * s.O;
        for (int b = s.B * slice / slices; b < s.B * (slice + 1) / slices; ++b) {
            const ImageGradient dy = dy_of(b, nonzeros);
            bool shortcut = sparse_shortcut(s, dots, dy) && w_finite;
            if (w.requires_grad()) {
                PaddedImage xp = pad_image(s, x.data() + size_t(b) * s.image(), padded);
                dots ? im2col(s, xp, patches) : im2row(s, xp, patches);
                shortcut = shortcut && all_finite(patches, K * P);
            }
            const float* dense = shortcut ? nullptr : dy.dense ? dy.dense : spread_out(s, *dy.sparse, spread);
            if (w.requires_grad()) {
                if (shortcut) sparse_times_dense(*dy.sparse, false, s.O, int(K), int(P), 1.0f, patches, 1.0f, dw_slice);
                else gemm(false, dots, s.O, int(K), int(P), 1.0f, dense, patches, 1.0f, dw_slice);
            }
            if (shortcut) {
                for (size_t o = 0; o < size_t(s.O); ++o) db_slice[o] = add_zeros_and(*dy.sparse, o, P, db_slice[o]);
            } else {
                add_row_sums(dense, s.O, P, db_slice);
            }
            if (gx) {
                float* dcols = scratch(dbuffer, K * P);
                if (shortcut) dense_times_sparse(true, *dy.sparse, int(K), int(P), s.O, 1.0f, w.data(), 0.0f, dcols);
                else gemm(true, false, int(K), int(P), s.O, 1.0f, w.data(), dense, 0.0f, dcols);
                float* dx = gx + size_t(b) * s.image();
                if (fresh) std::fill(dx, dx + s.image(), 0.0f);
                add_input_gradient(s, dcols, dx, padded_grad);
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
}

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

// conv1d's checks; the shapes as those of images of height 1.
ConvShape conv1d_shapes(const Tensor& x, const Tensor& w, const Tensor& bias, int stride, int padding) {
    const ConvCall call{"conv1d", x, w, bias};
    call.need_axes(3, "(B, C, L), (O, C, K) and (O,)");
    if (padding < 0) call.fail("padding must be >= 0");
    return check_shapes(Shape{x.dim(0), x.dim(1), 1, x.dim(2) + 2 * padding}, Shape{w.dim(0), w.dim(1), 1, w.dim(2)},
                        bias.shape(), stride, 0, call);
}
}  // namespace

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

// Per image: y_b as conv1d gives it, ReLU'd row by row, and each row's first
// maximum (first_argmax, as max_last_axis finds it) kept with its position.
// Backward: the gradient the max and the ReLU would pass down, one value per
// row of the image's (O, L) gradient, dy[o, t*] = 0 + (0 + g[b, o]) * relu'(y),
// the same expression, given by its nonzeros to conv1d's backward pass.
// relu'(y) is 1 where the kept maximum is > 0, which is where y > 0 (relu(y)
// = y there); it is recorded in the forward pass.
Tensor conv1d_relu_max(const Tensor& x, const Tensor& w, const Tensor& bias, Switches* switches) {
    const ConvShape s = conv1d_shapes(x, w, bias, 1, 0);
    const size_t P = s.positions(), per_image = size_t(s.O) * P;
    std::vector<float> y(size_t(s.B) * s.O);
    std::vector<unsigned char> positive(y.size());  // relu'(y) at each maximum: where it is > 0
    auto argmax = std::make_shared<std::vector<size_t>>(y.size());  // flat indices into (B, O, L)
    const bool w_finite = all_finite(w.data(), w.numel());
    parallel_for(s.B, [&](int b) {
        thread_local std::vector<float> buffer, sequence_buffer;
        float* yb = scratch(buffer, per_image);
        CompactOutputs compact;
        const size_t first = size_t(b) * s.O;  // the image's first output
        if (!convolve_image(s, x, w, bias, w_finite, b, yb, &compact)) {
            for (int o = 0; o < s.O; ++o) {
                float* row = yb + size_t(o) * P;
                for (size_t t = 0; t < P; ++t) row[t] = relu_of(row[t]);
                const size_t r = first + size_t(o), t = first_argmax(row, P);
                y[r] = row[t];
                positive[r] = y[r] > 0.0f;
                (*argmax)[r] = r * P + t;
            }
            return;
        }
        // Positions left out all hold relu(bias + 0); of them only the first, z, can be the first maximum.
        // So the maximum is taken over the kept positions with z in its place among them, n + 1 values.
        const std::vector<int>& kept = *compact.positions;
        const size_t n = kept.size();
        size_t z = 0;
        while (z < n && kept[z] == int(z)) ++z;
        float* sequence = scratch(sequence_buffer, n + 1);
        for (int o = 0; o < s.O; ++o) {
            const float* row = compact.values + size_t(o) * n;
            for (size_t u = 0; u < z; ++u) sequence[u] = relu_of(row[u]);
            sequence[z] = relu_of(bias.data()[o] + 0.0f);
            for (size_t u = z; u < n; ++u) sequence[u + 1] = relu_of(row[u]);
            const size_t i = first_argmax(sequence, n + 1), t = i <= z ? i : size_t(kept[i - 1]);
            const size_t r = first + size_t(o);
            y[r] = sequence[i];
            positive[r] = y[r] > 0.0f;
            (*argmax)[r] = r * P + t;
        }
    });
    if (switches) *switches = argmax;
    return make_result("conv1d_relu_max", {s.B, s.O}, std::move(y), {&x, &w, &bias},
                       [x, w, bias, s, argmax, P, positive = std::move(positive)](Node& self) {
                           const float* g = self.grad.data();
                           const size_t O = size_t(s.O);
                           convolution_backward(s, x, w, bias, [&](int b, CompressedRows& nonzeros) {
                               nonzeros.start.assign(1, 0);
                               nonzeros.index.clear();
                               nonzeros.value.clear();
                               for (size_t r = size_t(b) * O; r < size_t(b + 1) * O; ++r) {
                                   const float dy = 0.0f + (0.0f + g[r]) * (positive[r] ? 1.0f : 0.0f);
                                   if (dy != 0.0f) {
                                       nonzeros.index.push_back(int((*argmax)[r] - r * P));
                                       nonzeros.value.push_back(dy);
                                   }
                                   nonzeros.start.push_back(nonzeros.index.size());
                               }
                               return ImageGradient{nullptr, &nonzeros};
                           });
                       });
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
