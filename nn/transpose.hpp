// transpose.hpp: matrices transposed in 8 x 8 blocks, for the GEMM's packing
// (gemm_fast.cpp), the text models' (B, T, E) -> (B, E, T) (ops.cpp) and
// the GEMM's sparse shortcut (gemm_sparse.cpp).
#pragma once
#include <algorithm>
#include <cstddef>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "nn/parallel.hpp"

namespace gb {

// What a transposition does with the values it moves: overwrites its
// destination, or adds to it (a gradient).
enum class Into { Overwrite, Add };

constexpr size_t kTransposeBlock = 8;

// to[k * to_step + i] (=, +=) from[i * ld + k] for i, k < 8. With AVX, in
// registers: pairs of rows interleaved, then pairs of pairs, then the 128-bit
// halves exchanged; each value is moved, or added, as one float would be.
template <Into into = Into::Overwrite>
inline void transpose_8x8(const float* from, size_t ld, float* to, size_t to_step) {
#if defined(__AVX__)
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(from + size_t(i) * ld);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    auto put = [&](size_t k, __m256 column) {
        float* out = to + k * to_step;
        if (into == Into::Add) column = _mm256_add_ps(_mm256_loadu_ps(out), column);
        _mm256_storeu_ps(out, column);
    };
    for (int k = 0; k < 4; ++k) {
        put(size_t(k), _mm256_permute2f128_ps(u[k], u[k + 4], 0x20));
        put(size_t(k + 4), _mm256_permute2f128_ps(u[k], u[k + 4], 0x31));
    }
#else
    for (size_t k = 0; k < 8; ++k)
        for (size_t i = 0; i < 8; ++i) {
            float& out = to[k * to_step + i];
            out = into == Into::Add ? out + from[i * ld + k] : from[i * ld + k];
        }
#endif
}

// to[b, c, r] (=, +=) from[b, r, c] for a batch of R x C matrices, in 8 x 8
// blocks (the edges value by value). The matrices of the batch are spread
// over the threads (called from a thread's task, it runs on that one).
template <Into into>
void transpose_matrices(const float* from, size_t batch, size_t R, size_t C, float* to) {
    constexpr size_t n = kTransposeBlock;
    parallel_ranges(batch, 1, [&](size_t begin, size_t end) {
        for (size_t b = begin; b < end; ++b) {
            const float* x = from + b * R * C;
            float* y = to + b * R * C;
            for (size_t r0 = 0; r0 < R; r0 += n)
                for (size_t c0 = 0; c0 < C; c0 += n) {
                    if (r0 + n <= R && c0 + n <= C) {
                        transpose_8x8<into>(x + r0 * C + c0, C, y + c0 * R + r0, R);
                        continue;
                    }
                    for (size_t c = c0; c < std::min(C, c0 + n); ++c)
                        for (size_t r = r0; r < std::min(R, r0 + n); ++r) {
                            float& out = y[c * R + r];
                            out = into == Into::Add ? out + x[r * C + c] : x[r * C + c];
                        }
                }
        }
    });
}

}  // namespace gb
