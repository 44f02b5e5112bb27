#include "nn/conv_direct.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "nn/gemm_sums.hpp"

namespace gb {
namespace {

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
// padded image has kDirectSpare = kLanes floats to spare at its end for them.
constexpr int kLanes = kDirectSpare, kBlock = 8;
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

}  // namespace

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

}  // namespace gb
