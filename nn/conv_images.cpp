#include "nn/conv_images.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "nn/gemm_sums.hpp"
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

// The direct convolution: y_b = bias + W x_b without the patch matrix, for a
// stride of 1 and a layer whose position costs few products (LeNet's: 6 x 25
// and 16 x 150), where the GEMM's tiles are mostly padding and gathering the
// patches cost as much as the products. An output row i is computed kLanes
// positions j at a time, for up to kBlock output channels at once:
//   acc[o][j] += w[o, c, u, v] * xp[c, i + u, j + v]    for (c, u, v) in order,
// the patch entries summed in blocks of kDepthBlock from +0 and each block's
// sum added to y = bias, exactly as the GEMM sums the products of a column of
// the patch matrix (the same operations, fused where it fuses them, as GCC
// contracts both loops alike): the bits are the GEMM's. The lanes past the
// end of a row compute on whatever follows it and are not stored; the
// padded image has kLanes floats to spare at its end for them.
constexpr int kLanes = 16, kBlock = 8;
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

inline Lanes load_lanes(const float* from) {
    Lanes v;
    std::memcpy(&v, from, sizeof v);
    return v;
}

// `tiles` (1 or 2) tiles of kLanes positions of output rows, from tile t0 on
// (t = i * chunks + j0 / kLanes), for channels o0 .. o0 + block - 1: each
// weight loaded serves every tile, and tiles * block sums are under way at
// once.
template <int block, int tiles>
void direct_tiles(const ConvShape& s, const PaddedImage& xp, const size_t* __restrict offset, const float* __restrict w,
                  const float* __restrict bias, int o0, int t0, int chunks, float* __restrict yb) {
    const size_t K = s.patch(), P = s.positions();
    const float* __restrict wo = w + size_t(o0) * K;
    const float* at[tiles];
    size_t out[tiles];
    int n[tiles];
    for (int r = 0; r < tiles; ++r) {
        const int i = (t0 + r) / chunks, j0 = (t0 + r) % chunks * kLanes;
        at[r] = xp.data + size_t(i) * xp.W + size_t(j0);
        out[r] = size_t(i) * s.OW + size_t(j0);
        n[r] = std::min(kLanes, s.OW - j0);  // valid lanes; the others are computed on what follows and dropped
    }
    Lanes y[tiles][block];
    for (int r = 0; r < tiles; ++r)
        for (int q = 0; q < block; ++q) y[r][q] = Lanes{} + bias[o0 + q];
    for (size_t k0 = 0; k0 < K; k0 += kDepthBlock) {
        Lanes acc[tiles][block] = {};
        const size_t k_end = std::min(K, k0 + kDepthBlock);
        for (size_t k = k0; k < k_end; ++k) {
            Lanes x[tiles];
            for (int r = 0; r < tiles; ++r) x[r] = load_lanes(at[r] + offset[k]);
            for (int q = 0; q < block; ++q) {
                const float wq = wo[size_t(q) * K + k];
                for (int r = 0; r < tiles; ++r) acc[r][q] += wq * x[r];
            }
        }
        for (int r = 0; r < tiles; ++r)
            for (int q = 0; q < block; ++q) y[r][q] = y[r][q] + acc[r][q];
    }
    for (int r = 0; r < tiles; ++r)
        for (int q = 0; q < block; ++q) {
            float lanes[kLanes];
            std::memcpy(lanes, &y[r][q], sizeof lanes);
            std::memcpy(yb + (size_t(o0) + q) * P + out[r], lanes, size_t(n[r]) * sizeof(float));
        }
}

template <int block>
void direct_rows(const ConvShape& s, const PaddedImage& xp, const std::vector<size_t>& offset, const float* w,
                 const float* bias, int o0, float* yb) {
    const int chunks = (s.OW + kLanes - 1) / kLanes, count = s.OH * chunks;
    int t = 0;
    for (; t + 2 <= count; t += 2) direct_tiles<block, 2>(s, xp, offset.data(), w, bias, o0, t, chunks, yb);
    if (t < count) direct_tiles<block, 1>(s, xp, offset.data(), w, bias, o0, t, chunks, yb);
}

// offset[k]: where patch entry k = (c, u, v) of output (0, 0) is in the padded image
const std::vector<size_t>& patch_offsets(const ConvShape& s, const PaddedImage& xp) {
    thread_local std::vector<size_t> offset;
    offset.clear();
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v) offset.push_back((size_t(c) * xp.H + size_t(u)) * xp.W + size_t(v));
    return offset;
}

void convolve_direct(const ConvShape& s, const PaddedImage& xp, const float* w, const float* bias, float* yb) {
    const std::vector<size_t>& offset = patch_offsets(s, xp);
    for (int o0 = 0; o0 < s.O; o0 += kBlock) {
        switch (std::min(kBlock, s.O - o0)) {
            case 8: direct_rows<8>(s, xp, offset, w, bias, o0, yb); break;
            case 7: direct_rows<7>(s, xp, offset, w, bias, o0, yb); break;
            case 6: direct_rows<6>(s, xp, offset, w, bias, o0, yb); break;
            case 5: direct_rows<5>(s, xp, offset, w, bias, o0, yb); break;
            case 4: direct_rows<4>(s, xp, offset, w, bias, o0, yb); break;
            case 3: direct_rows<3>(s, xp, offset, w, bias, o0, yb); break;
            case 2: direct_rows<2>(s, xp, offset, w, bias, o0, yb); break;
            default: direct_rows<1>(s, xp, offset, w, bias, o0, yb); break;
        }
    }
}

// The weight gradient the same way, dW += dy_b rows_b without the row
// matrix (stride 1, a small layer): kLanes output channels o at a time, for
// up to kBlock patch entries k at once,
//   acc[k][o] += x_p[k] * dy[o, p]    for the positions p in order,
// in blocks of kDepthBlock positions, each block's sums added to dW, as the
// GEMM sums dy_b rows_b: the bits are the GEMM's. position[p]: where output
// p's patch starts in the padded image.
template <int block>
void weight_gradient_entries(const ConvShape& s, const PaddedImage& xp, const size_t* offset, const size_t* position,
                             const float* dyt, int o0, int lanes, size_t k0, float* dw) {
    const size_t P = s.positions(), K = s.patch();
    const float* entry[block];  // entry[q][position[p]] = x_p[k0 + q]
    for (int q = 0; q < block; ++q) entry[q] = xp.data + offset[k0 + size_t(q)];
    for (size_t p0 = 0; p0 < P; p0 += kDepthBlock) {
        Lanes acc[block] = {};
        const size_t p_end = std::min(P, p0 + kDepthBlock);
        for (size_t p = p0; p < p_end; ++p) {
            const Lanes d = load_lanes(dyt + p * kLanes);
            for (int q = 0; q < block; ++q) acc[q] += entry[q][position[p]] * d;
        }
        for (int q = 0; q < block; ++q)
            for (int l = 0; l < lanes; ++l) {
                float& to = dw[(size_t(o0) + size_t(l)) * K + k0 + size_t(q)];
                to = to + acc[q][l];
            }
    }
}

void add_weight_gradient_direct(const ConvShape& s, const PaddedImage& xp, const float* dy, float* dw) {
    const size_t P = s.positions(), K = s.patch();
    const std::vector<size_t>& offset = patch_offsets(s, xp);
    thread_local std::vector<size_t> position;
    position.clear();
    for (int i = 0; i < s.OH; ++i)
        for (int j = 0; j < s.OW; ++j) position.push_back(size_t(i) * xp.W + size_t(j));
    thread_local std::vector<float> transposed;  // dyt[p * kLanes + l] = dy[o0 + l, p], zero past the last channel
    transposed.resize(P * kLanes);
    float* dyt = transposed.data();
    for (int o0 = 0; o0 < s.O; o0 += kLanes) {
        const int lanes = std::min(kLanes, s.O - o0);
        for (size_t p = 0; p < P; ++p)
            for (int l = 0; l < kLanes; ++l) dyt[p * kLanes + size_t(l)] = l < lanes ? dy[(size_t(o0) + size_t(l)) * P + p] : 0.0f;
        for (size_t k0 = 0; k0 < K; k0 += kBlock) {
            switch (std::min(size_t(kBlock), K - k0)) {
                case 8: weight_gradient_entries<8>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                case 7: weight_gradient_entries<7>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                case 6: weight_gradient_entries<6>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                case 5: weight_gradient_entries<5>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                case 4: weight_gradient_entries<4>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                case 3: weight_gradient_entries<3>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                case 2: weight_gradient_entries<2>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
                default: weight_gradient_entries<1>(s, xp, offset.data(), position.data(), dyt, o0, lanes, k0, dw); break;
            }
        }
    }
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
        convolve_direct(s, pad_image(s, x.data() + size_t(b) * s.image(), padded, kLanes), w.data(), bias.data(), yb);
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
