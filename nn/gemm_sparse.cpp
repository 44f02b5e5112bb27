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
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nn/gemm.hpp"
#include "nn/gemm_sums.hpp"
#include "nn/parallel.hpp"
#include "nn/transpose.hpp"

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

// Loops over at least this many floats are spread over the threads.
constexpr size_t kParallelFloats = 65536;

// The nonzeros of a row-major (rows x cols) matrix, if it is sparse: at most
// kSparseDivisor-th of the rows read so far, plus a quarter row (for one
// long post among short ones), at every row. The first rows, as many as one
// thread would count, are counted one by one, so a dense matrix costs the
// reading of a row or a few; the others are counted, and then copied out,
// on all threads.
bool compress_if_sparse(const float* x, int rows, int cols, CompressedRows& out) {
    auto count = [&](size_t r) {
        size_t nonzeros = 0;
        const float* row = x + r * size_t(cols);
        for (int c = 0; c < cols; ++c) nonzeros += row[c] != 0.0f;
        return nonzeros;
    };
    auto too_many = [&](size_t r, size_t nonzeros) {  // in rows 0 to r
        return nonzeros > (r + 1) * size_t(cols) / kSparseDivisor + size_t(cols) / 4;
    };
    const size_t row_grain = std::max<size_t>(1, kParallelFloats / size_t(cols));
    const size_t alone = std::min(size_t(rows), row_grain);
    std::vector<size_t>& start = out.start;  // start[r + 1]: first the count of row r, then the sum to it
    start.assign(size_t(rows) + 1, 0);
    for (size_t r = 0; r < alone; ++r) {
        start[r + 1] = start[r] + count(r);
        if (too_many(r, start[r + 1])) return false;
    }
    parallel_ranges(size_t(rows) - alone, row_grain, [&](size_t begin, size_t end) {
        for (size_t r = alone + begin; r < alone + end; ++r) start[r + 1] = count(r);
    });
    for (size_t r = alone; r < size_t(rows); ++r) {
        start[r + 1] += start[r];
        if (too_many(r, start[r + 1])) return false;
    }
    out.index.resize(start.back());
    out.value.resize(start.back());
    parallel_ranges(size_t(rows), row_grain, [&](size_t begin, size_t end) {
        for (size_t r = begin; r < end; ++r) {
            const float* row = x + r * size_t(cols);
            size_t k = start[r];
            for (int c0 = 0; c0 < cols; c0 += kRun) {
                const int c1 = std::min(cols, c0 + kRun);
                if (c1 - c0 == kRun && all_bits_zero(row + c0)) continue;
                for (int c = c0; c < c1; ++c)
                    if (row[c] != 0.0f) out.index[k] = c, out.value[k++] = row[c];
            }
        }
    });
    return true;
}

// The values of [first, last), increasing, each once.
std::vector<int> sorted_distinct(std::vector<int>::const_iterator first, std::vector<int>::const_iterator last) {
    std::vector<int> values(first, last);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

// 16 floats: a cache line. The gathered rows of sparse_times_dense are
// filled that many columns at a time, and dense_times_sparse gives each
// thread at least that many rows of C.
constexpr size_t kTileRows = 16;

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
    // kept from call to call (each overwrites what it reads), as a reference
    // for the threads that fill it, to whom the name would mean their own
    thread_local std::vector<float> kept;
    std::vector<float>& gathered = kept;
    std::vector<int> slot;  // slot[p]: where row p of op(B) was copied to
    if (trans_b) {
        const std::vector<int> used = sorted_distinct(a.index.begin(), a.index.end());
        slot.assign(size_t(K), -1);
        for (size_t u = 0; u < used.size(); ++u) slot[size_t(used[u])] = int(u);
        gathered.resize(used.size() * size_t(N));
        // kTileRows columns j of `gathered` at a time: one cache line of each of
        // its rows, filled from kTileRows rows of B read front to back.
        parallel_ranges(size_t(N), kTileRows, [&](size_t begin, size_t end) {
            for (size_t j0 = begin; j0 < end; j0 += kTileRows) {
                const size_t j1 = std::min(end, j0 + kTileRows);
                for (size_t u = 0; u < used.size(); ++u)
                    for (size_t j = j0; j < j1; ++j) gathered[u * size_t(N) + j] = B[j * size_t(K) + size_t(used[u])];
            }
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

// sums[u][r] += a[r] * value for r < rows: one nonzero of B, value, times a
// column of op(A), into the sums of the column of C it reaches.
void add_scaled(float* __restrict sums, const float* __restrict a, float value, size_t rows) {
    for (size_t r = 0; r < rows; ++r) sums[r] += a[r] * value;
}

// C = alpha op(A) B + beta C, B (K x N) given by its nonzeros. Each thread
// takes a range of rows i of C. Within a block of p, the nonzero B[p][n]
// adds value * op(A)[i][p] to the sum of C[i][n], for every row i of the
// range at once, a multiply-add along a vector (the block's sums are kept
// column by column, for the columns its nonzeros reach); each sum thus adds
// its products in increasing p, as in the blocked kernel. The sums are then
// turned row by row, and each row of C is started and takes its sums, in
// increasing p, while it is in cache.
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
    parallel_ranges(size_t(M), kTileRows, [&](size_t begin, size_t end) {
        const size_t rows = end - begin;
        std::vector<float> sums, column(rows);
        thread_local std::vector<std::vector<float>> by_row;  // by_row[block][r * columns + u], overwritten
        by_row.resize(std::max(by_row.size(), blocks.size()));
        for (size_t n = 0; n < blocks.size(); ++n) {
            const Block& block = blocks[n];
            sums.assign(block.columns.size() * rows, 0.0f);  // sums[u * rows + r]: C[begin + r][columns[u]]
            const int* slot = block.slot.data();
            for (int p = block.p0; p < block.p1; ++p) {
                const float* a = column.data();  // op(A)[begin:end][p]: in place when A is stored transposed
                if (trans_a) a = A + size_t(p) * size_t(M) + begin;
                else
                    for (size_t r = 0; r < rows; ++r) column[r] = A[(begin + r) * size_t(K) + size_t(p)];
                for (size_t k = b.start[size_t(p)]; k < b.start[size_t(p) + 1]; ++k, ++slot)
                    add_scaled(sums.data() + size_t(*slot) * rows, a, b.value[k], rows);
            }
            by_row[n].resize(sums.size());
            transpose_matrices<Into::Overwrite>(sums.data(), 1, block.columns.size(), rows, by_row[n].data());
        }
        for (size_t r = 0; r < rows; ++r) {
            float* c = C + (begin + r) * size_t(N);
            start_row(c, N, alpha, beta);
            for (size_t n = 0; n < blocks.size(); ++n) {
                const std::vector<int>& columns = blocks[n].columns;
                const float* sum = by_row[n].data() + r * columns.size();
                for (size_t u = 0; u < columns.size(); ++u) c[columns[u]] += alpha * sum[u];
            }
        }
    });
}

bool all_finite(const float* x, size_t n) {
    std::atomic<bool> finite{true};
    parallel_ranges(n, kParallelFloats, [&](size_t begin, size_t end) {
        uint32_t not_finite = 0;  // exponent bits all ones: inf or NaN
        for (size_t k = begin; k < end; ++k) {
            uint32_t bits;
            std::memcpy(&bits, x + k, sizeof bits);
            not_finite |= (bits & 0x7f800000u) == 0x7f800000u;
        }
        if (not_finite) finite.store(false, std::memory_order_relaxed);
    });
    return finite.load();
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
