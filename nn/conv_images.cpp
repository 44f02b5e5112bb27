#include "nn/conv_images.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "nn/conv_direct.hpp"
#include "nn/parallel.hpp"

namespace gb {
namespace {

// The batch is cut into this many fixed slices for the weight gradient: each
// slice sums its images' contributions, and the slices are added in order,
// so the result does not depend on which thread took which slice.
constexpr int kSlices = 8;

// y_b (O, OH*OW) of image b. A position whose patch is all zeros (a padding
// word of a post: 71% of the text CNN's positions) takes no products: each
// product of the finite W with a zero is +-0 and the GEMM's sums start at +0,
// so its outputs are bias + 0, written as that. The other positions go to the
// GEMM gathered side by side, where each output's sum does not depend on the
// other columns: the bits are those of one GEMM over all positions. Looking
// for zero patches and gathering pays only where a position costs many
// products (512 x 64 in the text CNN); LeNet's layers (6 x 25, 16 x 150) took
// 10-37% longer per epoch with it, so they go straight to the GEMM.
constexpr size_t kProductsToSkip = 4096;

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

// Whether a layer's products are few enough per position for the direct ways.
bool direct_pays(const ConvShape& s) { return s.stride == 1 && size_t(s.O) * s.patch() < kProductsToSkip; }

const float* spread_out(const ConvShape& s, const CompressedRows& dy, std::vector<float>& buffer) {
    const size_t P = s.positions();
    buffer.assign(size_t(s.O) * P, 0.0f);
    for (size_t o = 0; o < size_t(s.O); ++o)
        for (size_t k = dy.start[o]; k < dy.start[o + 1]; ++k) buffer[o * P + size_t(dy.index[k])] = dy.value[k];
    return buffer.data();
}

}  // namespace

bool convolve_image(const ConvShape& s, const Tensor& x, const Tensor& w, const Tensor& bias, bool w_finite, int b,
                    float* yb, CompactOutputs* compact) {
    thread_local std::vector<float> buffer, gathered_buffer, products_buffer;
    thread_local std::vector<int> used;  // the positions with a nonzero in their patch
    thread_local std::vector<uint32_t> nonzero_bits;
    thread_local PaddingBuffer padded;
    const size_t P = s.positions(), K = s.patch();
    const bool skip_zeros = w_finite && size_t(s.O) * K >= kProductsToSkip;
    if (!skip_zeros && direct_pays(s)) {
        convolve_direct(s, pad_image(s, x.data() + size_t(b) * s.image(), padded, kDirectSpare), w.data(), bias.data(), yb);
        return false;
    }
    float* cols = scratch(buffer, K * P);
    im2col(s, pad_image(s, x.data() + size_t(b) * s.image(), padded), cols);
    used.clear();
    if (skip_zeros) {
        // the bits of each patch's values but their signs, or-ed together: zero
        // exactly where every value is +0 or -0 (x != 0.0f, NaN included,
        // in whole vectors of integer operations)
        nonzero_bits.assign(P, 0);
        uint32_t* any = nonzero_bits.data();
        for (size_t k = 0; k < K; ++k) {
            const float* row = cols + k * P;
            for (size_t p = 0; p < P; ++p) {
                uint32_t bits;
                std::memcpy(&bits, row + p, sizeof bits);
                any[p] |= bits & 0x7fffffffu;
            }
        }
        for (size_t p = 0; p < P; ++p)
            if (any[p]) used.push_back(int(p));
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
            const bool direct = !shortcut && !dots && direct_pays(s);
            if (w.requires_grad() && !direct) {
                PaddedImage xp = pad_image(s, x.data() + size_t(b) * s.image(), padded);
                dots ? im2col(s, xp, patches) : im2row(s, xp, patches);
                shortcut = shortcut && all_finite(patches, K * P);
            }
            const float* dense = shortcut ? nullptr : dy.dense ? dy.dense : spread_out(s, *dy.sparse, spread);
            if (w.requires_grad()) {
                if (direct)
                    add_weight_gradient_direct(s, pad_image(s, x.data() + size_t(b) * s.image(), padded), dense,
                                               dw_slice);
                else if (shortcut) sparse_times_dense(*dy.sparse, false, s.O, int(K), int(P), 1.0f, patches, 1.0f, dw_slice);
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

}  // namespace gb
