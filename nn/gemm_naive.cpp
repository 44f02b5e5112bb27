// The reference GEMM: C[i][j] = alpha * sum_p op(A)[i][p] op(B)[p][j] + beta * C[i][j].
#include "nn/gemm.hpp"

namespace gb {

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                float beta, float* C) {
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            float sum = 0.0f;
            for (int p = 0; p < K; ++p) {
                float a = trans_a ? A[p * M + i] : A[i * K + p];  // A: (K, M) or (M, K)
                float b = trans_b ? B[j * K + p] : B[p * N + j];  // B: (N, K) or (K, N)
                sum += a * b;
            }
            C[i * N + j] = alpha * sum + (beta == 0.0f ? 0.0f : beta * C[i * N + j]);
        }
    }
}

}  // namespace gb
