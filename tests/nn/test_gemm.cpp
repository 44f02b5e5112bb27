// The fast GEMM against the naive reference on odd shapes, every transpose
// combination, and alpha/beta.
#include <cstring>
#include <limits>

#include "helpers.hpp"
#include "nn/gemm.hpp"

using namespace gb;
using test::same_bits;

TEST_CASE("the naive GEMM computes a hand-checked product", "[gemm]") {
    // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]];  2 A B + 1 C with C = ones
    std::vector<float> A{1, 2, 3, 4}, B{5, 6, 7, 8}, C{1, 1, 1, 1};
    gemm_naive(false, false, 2, 2, 2, 2.0f, A.data(), B.data(), 1.0f, C.data());
    CHECK(C == std::vector<float>{39, 45, 87, 101});
    gemm_naive(true, true, 2, 2, 2, 1.0f, A.data(), B.data(), 0.0f, C.data());  // A^T B^T
    CHECK(C == std::vector<float>{23, 31, 34, 46});
}

TEST_CASE("the fast GEMM equals the naive one on odd shapes", "[gemm]") {
    Rng rng(7);
    const int shapes[][3] = {{1, 1, 1},  {3, 5, 7},    {17, 33, 9},   {64, 300, 784}, {300, 784, 64},
                             {65, 1, 300}, {1, 257, 513}, {129, 70, 260}, {8, 32, 256},  {200, 130, 3},
                             {6, 25, 784}, {16, 150, 100}, {5, 3, 1000}, {64, 64, 300},  // small C, long K: dot products
                             {400, 40, 300}, {260, 300, 260}};  // full blocks of op(A): MC rows by KC
    for (auto& s : shapes) {
        int M = s[0], N = s[1], K = s[2];
        std::vector<float> A(size_t(M) * K), B(size_t(K) * N), C0(size_t(M) * N);
        for (float& v : A) v = rng.uniform(-1, 1);
        for (float& v : B) v = rng.uniform(-1, 1);
        for (float& v : C0) v = rng.uniform(-1, 1);
        for (int t = 0; t < 4; ++t) {
            bool ta = t & 1, tb = t & 2;
            for (auto [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{0.5f, 1.0f}, std::pair{-2.0f, 0.25f}}) {
                INFO("M " << M << " N " << N << " K " << K << " trans_a " << ta << " trans_b " << tb << " alpha "
                          << alpha << " beta " << beta);
                std::vector<float> fast = C0, slow = C0;
                gemm(ta, tb, M, N, K, alpha, A.data(), B.data(), beta, fast.data());
                gemm_naive(ta, tb, M, N, K, alpha, A.data(), B.data(), beta, slow.data());
                float worst = 0;
                for (size_t k = 0; k < fast.size(); ++k) worst = std::max(worst, std::fabs(fast[k] - slow[k]));
                CHECK(worst <= 1e-6f * float(K) + 1e-6f);
            }
        }
    }
}

TEST_CASE("beta = 0 overwrites C, even where it held NaN", "[gemm]") {
    std::vector<float> A(6, 1.0f), B(6, 1.0f), C(4, std::nanf(""));
    gemm(false, false, 2, 2, 3, 1.0f, A.data(), B.data(), 0.0f, C.data());
    CHECK(C == std::vector<float>{3, 3, 3, 3});
}

TEST_CASE("beta = 0 gives the bits of the product added into zeros, -0 included", "[gemm]") {
    // The first block of sums overwrites C instead of adding into a zeroed C:
    // 0 + alpha c must still turn a -0 (alpha < 0, a row of zeros) into +0.
    Rng rng(11);
    const int shapes[][3] = {{9, 40, 300}, {64, 300, 100}, {3, 5, 7}, {17, 33, 0}};
    for (auto& s : shapes) {
        const int M = s[0], N = s[1], K = s[2];
        std::vector<float> A(size_t(M) * K), B(size_t(K) * N);
        for (float& v : A) v = rng.uniform(-1, 1);
        for (float& v : B) v = rng.uniform(-1, 1);
        for (int p = 0; p < K; ++p) A[size_t(p)] = 0.0f;  // row 0 of A: products +-0
        std::vector<float> At(A.size()), Bt(B.size());
        for (int i = 0; i < M; ++i)
            for (int p = 0; p < K; ++p) At[size_t(p) * M + i] = A[size_t(i) * K + p];
        for (int p = 0; p < K; ++p)
            for (int j = 0; j < N; ++j) Bt[size_t(j) * K + p] = B[size_t(p) * N + j];
        for (int t = 0; t < 4; ++t) {
            const bool ta = t & 1, tb = t & 2;
            INFO("M " << M << " N " << N << " K " << K << " trans_a " << ta << " trans_b " << tb);
            const float *a = (ta ? At : A).data(), *b = (tb ? Bt : B).data();
            std::vector<float> overwritten(size_t(M) * N, std::nanf("")), added(size_t(M) * N, 0.0f);
            gemm_blocked(ta, tb, M, N, K, -1.5f, a, b, 0.0f, overwritten.data());
            gemm_blocked(ta, tb, M, N, K, -1.5f, a, b, 1.0f, added.data());
            CHECK(same_bits(overwritten, added));
            CHECK_FALSE(std::signbit(overwritten[0]));
        }
    }
}

TEST_CASE("the fast GEMM gives bit-identical results on repeated runs", "[gemm]") {
    Rng rng(8);
    int M = 96, N = 500, K = 300;
    std::vector<float> A(size_t(M) * K), B(size_t(K) * N), C1(size_t(M) * N), C2(size_t(M) * N);
    for (float& v : A) v = rng.uniform(-1, 1);
    for (float& v : B) v = rng.uniform(-1, 1);
    gemm(false, false, M, N, K, 1.0f, A.data(), B.data(), 0.0f, C1.data());
    gemm(false, false, M, N, K, 1.0f, A.data(), B.data(), 0.0f, C2.data());
    CHECK(C1 == C2);
}

namespace {
// A (rows x cols) matrix with about one nonzero in `spread`, in [-1, 1].
std::vector<float> sparse_matrix(Rng& rng, int rows, int cols, int spread) {
    std::vector<float> x(size_t(rows) * cols, 0.0f);
    for (float& v : x)
        if (rng.uniform(0, 1) < 1.0f / float(spread)) v = rng.uniform(-1, 1);
    return x;
}
}  // namespace

TEST_CASE("the sparse shortcut gives the blocked kernel's bits", "[gemm]") {
    Rng rng(9);
    // {M, N, K}: a batch of bags of words times W^T, and the weight gradient;
    // inner dimensions across several blocks of 256, and a partial last one.
    const int shapes[][3] = {{64, 256, 2000}, {256, 2000, 64}, {40, 70, 777}, {300, 90, 513}};
    for (auto& s : shapes) {
        const int M = s[0], N = s[1], K = s[2];
        for (int t = 0; t < 4; ++t) {
            const bool ta = t & 1, tb = t & 2;
            // The operand read along its rows is the sparse one: A where not
            // transposed, else B where not transposed.
            const bool sparse_a = !ta;
            if (!sparse_a && tb) continue;
            Rng draw(rng.next_u64());
            std::vector<float> A = sparse_a ? sparse_matrix(draw, ta ? K : M, ta ? M : K, 50)
                                            : std::vector<float>(size_t(M) * K);
            std::vector<float> B = sparse_a ? std::vector<float>(size_t(K) * N) : sparse_matrix(draw, K, N, 50);
            for (float& v : sparse_a ? B : A) v = draw.uniform(-1, 1);
            std::vector<float> C0(size_t(M) * N);
            for (float& v : C0) v = draw.uniform(-1, 1);
            C0[0] = -0.0f, C0[1] = 0.0f;  // the signs of zero survive as in the blocked kernel
            for (auto [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{1.0f, 1.0f}, std::pair{-2.0f, 0.25f},
                                       std::pair{0.5f, -1.0f}}) {
                INFO("M " << M << " N " << N << " K " << K << " trans_a " << ta << " trans_b " << tb << " alpha "
                          << alpha << " beta " << beta);
                std::vector<float> sparse = C0, blocked = C0, through_gemm = C0;
                REQUIRE(gemm_sparse(ta, tb, M, N, K, alpha, A.data(), B.data(), beta, sparse.data()));
                gemm_blocked(ta, tb, M, N, K, alpha, A.data(), B.data(), beta, blocked.data());
                gemm(ta, tb, M, N, K, alpha, A.data(), B.data(), beta, through_gemm.data());
                CHECK(same_bits(sparse, blocked));
                CHECK(same_bits(through_gemm, blocked));
            }
        }
    }
}

// The layout of an operand changes how the blocked kernel reads it (in place,
// packed, or packed through 8 x 8 register transposes), never what it
// computes: op(A) op(B) from stored A^T or B^T gives the same bits as from A
// and B. Shapes with whole and edge tiles, and blocks of 8 columns and less.
TEST_CASE("the blocked kernel gives the same bits whichever operand is stored transposed", "[gemm]") {
    Rng rng(9);
    const int shapes[][3] = {{64, 256, 784}, {13, 100, 37}, {100, 77, 300}, {6, 16, 8}, {7, 33, 9}, {130, 40, 260}};
    for (auto& s : shapes) {
        const int M = s[0], N = s[1], K = s[2];
        std::vector<float> A(size_t(M) * K), At(A.size()), B(size_t(K) * N), Bt(B.size()), C0(size_t(M) * N);
        for (float& v : A) v = rng.uniform(-1, 1);
        for (float& v : B) v = rng.uniform(-1, 1);
        for (float& v : C0) v = rng.uniform(-1, 1);
        for (int i = 0; i < M; ++i)
            for (int p = 0; p < K; ++p) At[size_t(p) * M + i] = A[size_t(i) * K + p];
        for (int p = 0; p < K; ++p)
            for (int j = 0; j < N; ++j) Bt[size_t(j) * K + p] = B[size_t(p) * N + j];
        std::vector<float> plain = C0;
        gemm_blocked(false, false, M, N, K, 0.5f, A.data(), B.data(), 1.0f, plain.data());
        for (int t = 1; t < 4; ++t) {
            const bool ta = t & 1, tb = t & 2;
            INFO("M " << M << " N " << N << " K " << K << " trans_a " << ta << " trans_b " << tb);
            std::vector<float> other = C0;
            gemm_blocked(ta, tb, M, N, K, 0.5f, (ta ? At : A).data(), (tb ? Bt : B).data(), 1.0f, other.data());
            CHECK(same_bits(other, plain));
        }
    }
}

TEST_CASE("the sparse shortcut declines dense operands and an infinite other operand", "[gemm]") {
    Rng rng(10);
    const int M = 64, N = 128, K = 1000;
    std::vector<float> dense(size_t(M) * K), sparse = sparse_matrix(rng, M, K, 40), W(size_t(N) * K), C(size_t(M) * N, 7.0f);
    for (float& v : dense) v = rng.uniform(-1, 1);
    for (float& v : W) v = rng.uniform(-1, 1);
    CHECK_FALSE(gemm_sparse(false, true, M, N, K, 1.0f, dense.data(), W.data(), 0.0f, C.data()));
    CHECK(C == std::vector<float>(C.size(), 7.0f));  // untouched
    // 0 * inf is NaN in the blocked kernel: a zero of the sparse operand
    // meeting an infinite weight must not be left out.
    W[3 * size_t(K) + 1] = std::numeric_limits<float>::infinity();
    for (int i = 0; i < M; ++i) sparse[size_t(i) * K + 1] = 0.0f;
    CHECK_FALSE(gemm_sparse(false, true, M, N, K, 1.0f, sparse.data(), W.data(), 0.0f, C.data()));
    gemm(false, true, M, N, K, 1.0f, sparse.data(), W.data(), 0.0f, C.data());
    CHECK(std::isnan(C[3]));
}
