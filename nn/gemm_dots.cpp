// The GEMM's dot-product way (gemm.hpp): C = alpha A B^T + beta C for a
// small C over a long inner dimension, as plain dot products of rows.
#include <cmath>
#include <cstddef>

#include "nn/gemm.hpp"

namespace gb {
namespace {

// C = alpha A B^T + beta C as plain dot products, for a small C and a long
// inner dimension: A (M, K) and B (N, K) are both read along their rows, so
// nothing is packed. This is the weight gradient of a convolution with few
// channels (dW = dY cols^T: 6 x 25 outputs, each a sum over 784 positions),
// where packing would cost more than the products. Each dot product keeps
// 16 partial sums, one per vector lane.
//
// dot_block computes a rows x cols block of C at once. One dot product alone
// is a single chain of dependent additions, which waits for the previous
// addition at every step; a block runs rows * cols independent chains side
// by side, and each value it loads from A or B serves cols or rows of them.
// Every chain adds the same products in the same order as a lone dot product
// would, so the result does not depend on the blocking. The loops over the
// block are unrolled by request: otherwise GCC keeps the partial sums in
// memory, and every step waits for a store and a load.
constexpr int kDotLanes = 16;

// acc + a * b as GCC compiles `acc += a * b` (it contracts the two into one
// fused multiply-add where the machine has one), spelt out: in the unrolled
// block GCC would contract some of them and not others, and the sums would
// depend on the blocking after all.
inline float multiply_add(float a, float b, float acc) {
#ifdef FP_FAST_FMAF
    return std::fma(a, b, acc);
#else
    return acc + a * b;
#endif
}

template <int rows, int cols>
void dot_block(int K, float alpha, const float* __restrict A, const float* __restrict B, float beta,
               float* __restrict C, int ldc) {
    const int body = K - K % kDotLanes;
    float acc[rows][cols][kDotLanes] = {};
    for (int p = 0; p < body; p += kDotLanes)
#pragma GCC unroll 4
        for (int r = 0; r < rows; ++r)
#pragma GCC unroll 2
            for (int c = 0; c < cols; ++c)
                for (int l = 0; l < kDotLanes; ++l)
                    acc[r][c][l] = multiply_add(A[size_t(r) * K + p + l], B[size_t(c) * K + p + l], acc[r][c][l]);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            float sum = 0.0f;
            for (int l = 0; l < kDotLanes; ++l) sum += acc[r][c][l];
            for (int p = body; p < K; ++p) sum = multiply_add(A[size_t(r) * K + p], B[size_t(c) * K + p], sum);
            float& out = C[size_t(r) * ldc + c];
            out = alpha * sum + (beta == 0.0f ? 0.0f : beta * out);
        }
}

// Blocks of up to 4 rows of A by 2 rows of B: 8 chains, 8 vector registers.
template <int cols>
void dot_rows(int M, int K, float alpha, const float* A, const float* B, float beta, float* C, int ldc) {
    int i = 0;
    for (; i + 4 <= M; i += 4) dot_block<4, cols>(K, alpha, A + size_t(i) * K, B, beta, C + size_t(i) * ldc, ldc);
    const float* a = A + size_t(i) * K;
    float* c = C + size_t(i) * ldc;
    switch (M - i) {
        case 3: return dot_block<3, cols>(K, alpha, a, B, beta, c, ldc);
        case 2: return dot_block<2, cols>(K, alpha, a, B, beta, c, ldc);
        case 1: return dot_block<1, cols>(K, alpha, a, B, beta, c, ldc);
        default: return;
    }
}

}  // namespace

void gemm_dots(int M, int N, int K, float alpha, const float* A, const float* B, float beta, float* C) {
    int j = 0;
    for (; j + 2 <= N; j += 2) dot_rows<2>(M, K, alpha, A, B + size_t(j) * K, beta, C + j, N);
    if (j < N) dot_rows<1>(M, K, alpha, A, B + size_t(j) * K, beta, C + j, N);
}

bool gemm_takes_dots(int M, int N, int K) { return K >= 512 && M * N <= 1024; }

}  // namespace gb
