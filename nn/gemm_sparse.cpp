// The GEMM's sparse shortcut: where one operand is mostly zeros, leave out
// the products with its zeros. A batch of tf-idf bags of words, densified,
// is such an operand: a post uses a few hundred of 20,000 words, and the
// first layer of bow-mlp would otherwise multiply 99% zeros, forward
// (X W^T) and backward (dW = dY^T X).
//
// The result is the blocked kernel's (gemm_fast.cpp) to the bit. Both sum
// as gemm_sums.hpp says: per block of kDepthBlock inner indices, from zero,
// in increasing p, `sum += a * b` per product, then `C += alpha * sum`.
// A product with a zero is +-0, and x + (+-0) = x for every x but a zero,
// so leaving it out changes nothing once C holds no -0 that the blocked
// kernel would turn into +0: each element first takes C + alpha * 0, as the
// blocked kernel's first block gives it (a sum that starts at +0 and adds a
// nonzero product is never -0, so no later step makes one). The one product
// with a zero that is not +-0 is 0 * inf or 0 * NaN: the shortcut is taken
// only where the other operand is finite.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nn/gemm.hpp"
#include "nn/gemm_sums.hpp"
#include "nn/parallel.hpp"

namespace gb {
namespace {

// A matrix with at most one nonzero in kSparseDivisor counts as sparse.
constexpr size_t kSparseDivisor = 16;

// True when the kRun floats from x are all +0 or -0: a quick test that lets
// the copying below pass over runs of zeros, reading their bits 8 bytes at
// a time (it says nothing of other values; `!= 0.0f` decides those).
constexpr int kRun = 8;
bool all_bits_zero(const float* x) {
    uint64_t bits[kRun / 2], any = 0;
    std::memcpy(bits, x, sizeof bits);
    for (uint64_t b : bits) any |= b;
    return (any & 0x7fffffff7fffffffull) == 0;  // every bit but the two signs
}

// The nonzeros of a row-major (rows x cols) matrix, if it is sparse. Counts
// row by row and gives up as soon as the rows read so far hold more than
// their share (plus a quarter row, for one long post among short ones), so a
// dense matrix costs the reading of one row.
bool compress_if_sparse(const float* x, int rows, int cols, CompressedRows& out) {
    size_t nonzeros = 0;
    for (int r = 0; r < rows; ++r) {
        const float* row = x + size_t(r) * size_t(cols);
        for (int c = 0; c < cols; ++c) nonzeros += row[c] != 0.0f;
        if (nonzeros > size_t(r + 1) * size_t(cols) / kSparseDivisor + size_t(cols) / 4) return false;
    }
    out.start.assign(1, 0);
    out.index.clear();
    out.value.clear();
    out.index.reserve(nonzeros);
    out.value.reserve(nonzeros);
    for (int r = 0; r < rows; ++r) {
        const float* row = x + size_t(r) * size_t(cols);
        for (int c0 = 0; c0 < cols; c0 += kRun) {
            const int c1 = std::min(cols, c0 + kRun);
            if (c1 - c0 == kRun && all_bits_zero(row + c0)) continue;
            for (int c = c0; c < c1; ++c)
                if (row[c] != 0.0f) {
                    out.index.push_back(c);
                    out.value.push_back(row[c]);
                }
        }
        out.start.push_back(out.index.size());
    }
    return true;
}

// The values of [first, last), increasing, each once.
std::vector<int> sorted_distinct(std::vector<int>::const_iterator first, std::vector<int>::const_iterator last) {
    std::vector<int> values(first, last);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

// Row i of C before any product: beta C, then + alpha * 0 (see the top).
void start_row(float* c, int N, float alpha, float beta) {
    for (int j = 0; j < N; ++j) {
        c[j] = beta == 0.0f ? 0.0f : beta * c[j];
        c[j] += alpha * 0.0f;
    }
}

}  // namespace

// C = alpha A op(B) + beta C, A (M x K) given by its nonzeros. Row i of C is
// a combination of the rows p of op(B) where A[i][p] is nonzero. With
// trans_b those rows are columns of B, strided: they are first copied out,
// for the columns some row of A uses (gathered[u] = op(B) row used[u]).
void sparse_times_dense(const CompressedRows& a, bool trans_b, int M, int N, int K, float alpha, const float* B,
                        float beta, float* C) {
    std::vector<float> gathered;
    std::vector<int> slot;  // slot[p]: where row p of op(B) was copied to
    if (trans_b) {
        const std::vector<int> used = sorted_distinct(a.index.begin(), a.index.end());
        slot.assign(size_t(K), -1);
        for (size_t u = 0; u < used.size(); ++u) slot[size_t(used[u])] = int(u);
        gathered.resize(used.size() * size_t(N));
        parallel_ranges(size_t(N), 64, [&](size_t begin, size_t end) {
            for (size_t j = begin; j < end; ++j)
                for (size_t u = 0; u < used.size(); ++u)
                    gathered[u * size_t(N) + j] = B[j * size_t(K) + size_t(used[u])];
        });
    }
    auto op_b_row = [&](int p) {
        return trans_b ? gathered.data() + size_t(slot[size_t(p)]) * size_t(N) : B + size_t(p) * size_t(N);
    };
    parallel_ranges(size_t(M), 1, [&](size_t begin, size_t end) {
        std::vector<float> sum(static_cast<size_t>(N));
        for (size_t i = begin; i < end; ++i) {
            float* c = C + i * size_t(N);
            start_row(c, N, alpha, beta);
            for (size_t k = a.start[i]; k < a.start[i + 1];) {  // one block of p at a time
                const int block = a.index[k] / kDepthBlock;
                std::fill(sum.begin(), sum.end(), 0.0f);
                for (; k < a.start[i + 1] && a.index[k] / kDepthBlock == block; ++k) {
                    const float value = a.value[k], *b = op_b_row(a.index[k]);
                    for (int j = 0; j < N; ++j) sum[size_t(j)] += value * b[j];
                }
                for (int j = 0; j < N; ++j) c[j] += alpha * sum[size_t(j)];
            }
        }
    });
}

// C = alpha op(A) B + beta C, B (K x N) given by its nonzeros. For each row i
// of C and each block of p, the nonzeros of B's rows in the block are
// spread over a compact sum (one slot per column some of them use), which
// then goes into C.
void dense_times_sparse(bool trans_a, const CompressedRows& b, int M, int N, int K, float alpha, const float* A,
                        float beta, float* C) {
    struct Block {
        int p0, p1;
        std::vector<int> columns;  // the columns of C the block's nonzeros reach, increasing
        std::vector<int> slot;     // for each nonzero of the block: its column's place in `columns`
    };
    std::vector<Block> blocks;
    std::vector<int> place(size_t(N), -1);
    for (int p0 = 0; p0 < K; p0 += kDepthBlock) {
        const int p1 = std::min(K, p0 + kDepthBlock);
        const size_t first = b.start[size_t(p0)], last = b.start[size_t(p1)];
        Block block{p0, p1, sorted_distinct(b.index.begin() + long(first), b.index.begin() + long(last)), {}};
        for (size_t u = 0; u < block.columns.size(); ++u) place[size_t(block.columns[u])] = int(u);
        for (size_t k = first; k < last; ++k) block.slot.push_back(place[size_t(b.index[k])]);
        blocks.push_back(std::move(block));
    }
    parallel_ranges(size_t(M), 1, [&](size_t begin, size_t end) {
        std::vector<float> sum;
        for (size_t i = begin; i < end; ++i) {
            float* c = C + i * size_t(N);
            start_row(c, N, alpha, beta);
            for (const Block& block : blocks) {
                sum.assign(block.columns.size(), 0.0f);
                const int* slot = block.slot.data();
                for (int p = block.p0; p < block.p1; ++p) {
                    const float a = trans_a ? A[size_t(p) * size_t(M) + i] : A[i * size_t(K) + size_t(p)];
                    for (size_t k = b.start[size_t(p)]; k < b.start[size_t(p) + 1]; ++k, ++slot)
                        sum[size_t(*slot)] += a * b.value[k];
                }
                for (size_t u = 0; u < block.columns.size(); ++u) {
                    c[block.columns[u]] += alpha * sum[u];
                }
            }
        }
    });
}

bool all_finite(const float* x, size_t n) {
    uint32_t not_finite = 0;  // exponent bits all ones: inf or NaN
    for (size_t k = 0; k < n; ++k) {
        uint32_t bits;
        std::memcpy(&bits, x + k, sizeof bits);
        not_finite |= (bits & 0x7f800000u) == 0x7f800000u;
    }
    return not_finite == 0;
}

bool gemm_sparse(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                 float beta, float* C) {
    // A small product is not worth the look for zeros.
    if (M <= 0 || N <= 0 || K <= 0 || double(M) * N * K < kSparseMinProducts) return false;
    thread_local CompressedRows sparse;
    // op(A) read along its rows (A not transposed) and sparse: X W^T.
    if (!trans_a && compress_if_sparse(A, M, K, sparse) && all_finite(B, size_t(K) * size_t(N))) {
        sparse_times_dense(sparse, trans_b, M, N, K, alpha, B, beta, C);
        return true;
    }
    // op(B) read along its rows (B not transposed) and sparse: dY^T X.
    if (!trans_b && compress_if_sparse(B, K, N, sparse) && all_finite(A, size_t(M) * size_t(K))) {
        dense_times_sparse(trans_a, sparse, M, N, K, alpha, A, beta, C);
        return true;
    }
    return false;
}

}  // namespace gb
