// gemm.hpp: general matrix multiply, the kernel under every dense layer.
//
//   C = alpha * op(A) op(B) + beta * C,   op(X) = X or X^T
//
// All matrices are row-major and contiguous: C is (M, N); A is (M, K), or
// (K, M) when trans_a; B is (K, N), or (N, K) when trans_b. With beta = 0, C
// is overwritten (its old values, even NaN, are ignored).
//
// Two implementations with the same contract:
//   gemm_naive  the triple loop, as an algorithmic reference (gemm_naive.cpp);
//   gemm        blocked, packed and threaded, for speed (gemm_fast.cpp).
// The tests check one against the other on odd shapes.
//
// gemm picks one of three ways to compute the product: dot products for a
// small C over a long inner dimension (gemm_takes_dots), the sparse shortcut
// where A or B is mostly zeros (gemm_sparse), and otherwise the blocked
// kernel (gemm_blocked). The last two give the same bits.
#pragma once
#include <cstddef>
#include <vector>

namespace gb {

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                float beta, float* C);

void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B, float beta,
          float* C);

// True when no element of x[0:n] is inf or NaN: then each product with a
// zero is +-0.
bool all_finite(const float* x, size_t n);

// The blocked kernel alone, whatever the operands: what gemm computes when
// neither shortcut applies.
void gemm_blocked(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                  float beta, float* C);

// A matrix by its nonzeros (compressed rows): those of row r are value[k],
// in column index[k], for k in [start[r], start[r + 1]), columns increasing.
struct CompressedRows {
    std::vector<size_t> start;
    std::vector<int> index;
    std::vector<float> value;
};

// gemm looks for zeros only in products of at least this many multiply-adds (M N K).
constexpr double kSparseMinProducts = 262144.0;

// What gemm_sparse computes once it has the nonzeros, for a caller that has
// them at hand: C = alpha A op(B) + beta C with A (M x K, not transposed)
// given by its nonzeros, and C = alpha op(A) B + beta C with B (K x N, not
// transposed) given by them. gemm_blocked's bits where the dense operand is
// finite.
void sparse_times_dense(const CompressedRows& a, bool trans_b, int M, int N, int K, float alpha, const float* B,
                        float beta, float* C);
void dense_times_sparse(bool trans_a, const CompressedRows& b, int M, int N, int K, float alpha, const float* A,
                        float beta, float* C);

// Computes the product and returns true where it is large, op(A) (A not
// transposed) or op(B) (B not transposed) has about one nonzero in 16 or
// fewer (counted row by row, see gemm_sparse.cpp), and the other operand is
// finite; leaving out the products with zeros, it gives gemm_blocked's bits
// (gemm_sparse.cpp says why). Otherwise returns false and leaves C as it was.
bool gemm_sparse(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                 float beta, float* C);

// True when gemm(false, true, M, N, K, ...), C = A B^T, takes dot products
// of the rows of A and B, read in place: a small C over a long inner
// dimension. Otherwise it copies B^T into its panels, a transposition, and a
// caller that can lay B out as (K, N) itself saves that copy.
bool gemm_takes_dots(int M, int N, int K);
// That way itself (nn/gemm_dots.cpp): A (M, K), B (N, K), C (M, N).
void gemm_dots(int M, int N, int K, float alpha, const float* A, const float* B, float beta, float* C);

}  // namespace gb
