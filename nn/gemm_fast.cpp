// The fast GEMM: blocked and packed in the style of Goto & van de Geijn,
// "Anatomy of High-Performance Matrix Multiplication" (2008).
//
//   for each (KC x NC) block of op(B):      pack it into NR-wide panels
//     for each (MC x KC) block of op(A):    (a block that stays in cache)
//       for each MR x NR tile of C:         micro_kernel: C_tile += alpha A_panel B_panel
//
// The micro-kernel keeps an MR x NR tile of C in registers and streams the
// panels through it; it is written in vectors of the machine's width (GCC's
// vector extension, sized by -march=native) over compile-time sizes. It reads
// op(A) in place, MR rows of it side by side, whichever way A is stored: a
// value of A is broadcast to a whole vector, which costs the same from a
// packed panel or from A itself, and the copy would be one more pass over A
// for every product (in a training step of the MLP, 5% of the time went to
// packing A). B's panels are packed where op(B)'s rows do not run along
// memory. Edge panels are zero-padded copies, so edge tiles run the same
// kernel and store only their valid part. Large products are split into
// column (or row) strips, one per thread; each strip is computed exactly as
// it would be alone, so the result does not depend on the number of threads.
#include <algorithm>
#include <cstring>
#include <vector>

#include "nn/gemm.hpp"
#include "nn/gemm_sums.hpp"
#include "nn/parallel.hpp"
#include "nn/transpose.hpp"

namespace gb {
namespace {

// The tile of C held in registers is MR x NR, NR a multiple of the vector
// width (in floats, VL).
#if defined(__AVX512F__)
constexpr int MR = 8, NR = 32, VL = 16;  // 16 zmm accumulators
#elif defined(__AVX__)
constexpr int MR = 6, NR = 16, VL = 8;  // 12 ymm accumulators
#else
constexpr int MR = 4, NR = 8, VL = 4;
#endif
// MC is a whole number of MR-tall panels (126 rows for MR = 6).
constexpr int KC = kDepthBlock, MC = 128 / MR * MR, NC = 4096;

struct Matrix {  // op(X)[r][c] = x[r * ld + c], or x[c * ld + r] when trans
    const float* x;
    int ld;
    bool trans;
};

// Copies the block op(X)[r0 : r0+rows, c0 : c0+n] into a panel of `width`
// rows, zero-padded below row `rows`: panel[c * width + r]. Both packings
// below are this one copy: A's panels are op(A) blocks, B's are blocks of
// op(B)^T. Where X's memory runs along r (op(X)[r][c] = x[c * ld + r]), each
// panel row is one contiguous read, which the compiler vectorizes with masked
// loads for the padding; otherwise it is a transposition (the weights of a
// linear layer, W^T, at every forward pass): in 8 x 8 blocks in registers
// where the panel is full and its width a multiple of 8, element by element
// for the rest.
template <int width>
void pack_panel(const float* __restrict x, int ld, bool r_contiguous, int r0, int rows, int c0, int n,
                float* __restrict out) {
    if (r_contiguous) {
        for (int c = 0; c < n; ++c) {
            const float* from = x + size_t(c0 + c) * ld + r0;
            float* to = out + size_t(c) * width;
            for (int r = 0; r < width; ++r) to[r] = r < rows ? from[r] : 0.0f;
        }
        return;
    }
    int done = 0;  // columns transposed in blocks
#if defined(__AVX__)
    if (width % 8 == 0 && rows == width)
        for (; done + 8 <= n; done += 8)
            for (int r = 0; r < width; r += 8)
                transpose_8x8(x + size_t(r0 + r) * ld + size_t(c0 + done), ld, out + size_t(done) * width + r, width);
#endif
    for (int r = 0; r < width; ++r) {
        const float* from = x + size_t(r0 + r) * ld + c0;
        for (int c = done; c < n; ++c) out[size_t(c) * width + r] = r < rows ? from[c] : 0.0f;
    }
}

// One MR-tall panel of op(A)[i0 : i0+rows, p0 : p0+kc], zero-padded to MR rows: panel[p * MR + i].
void pack_a_panel(const Matrix& A, int i0, int rows, int p0, int kc, float* out) {
    pack_panel<MR>(A.x, A.ld, A.trans, i0, rows, p0, kc, out);
}

// One NR-wide panel of op(B)[p0 : p0+kc, j0 : j0+cols], zero-padded to NR columns: panel[p * NR + j].
void pack_b_panel(const Matrix& B, int p0, int kc, int j0, int cols, float* out) {
    pack_panel<NR>(B.x, B.ld, !B.trans, j0, cols, p0, kc, out);
}

// A panel as the micro-kernel reads it: element (p, i) at
// data[p * step + i * across]. Packed panels and matrices read in place along
// their memory have across = 1; op(A) of an untransposed A read in place has
// step 1 and across = its row stride.
struct Panel {
    const float* data;
    int step;
    int across = 1;
};

// VL floats, one vector register, in GCC's (and clang's) vector extension:
// arithmetic on it is lane by lane, and a scalar operand is broadcast to
// every lane. The kernel below is written with it rather than as plain loops
// over the tile, because GCC unrolls such short loops completely before it
// vectorizes, and for some tile shapes (6 x 16 for AVX2) it then vectorized
// the unrolled statements poorly, with shuffles, at a fifth of the speed.
typedef float Vector __attribute__((vector_size(VL * sizeof(float))));
constexpr int NV = NR / VL;  // vectors per row of the tile

inline Vector load_vector(const float* from) {  // from need not be aligned
    Vector v;
    std::memcpy(&v, from, sizeof v);
    return v;
}

// C[0:mr, 0:nr] += alpha * a_panel (MR x kc) * b_panel (kc x NR), the tile
// of C summed in registers one p at a time: c[i][j] += a[p, i] * b[p, j]
// (one fused multiply-add per element where the machine has them, as GCC
// contracts the plain loop). With `overwrite`, C's old values are not read
// but taken as +0: the first block of a product with beta = 0, which needs
// no pass that zeroes C first (0 + alpha c is still added, so that the bits
// are those of adding into zeros, -0 turned into +0 included).
template <bool unit_across>
void micro_kernel(int kc, Panel a, Panel b, float alpha, float* __restrict C, int ldc, int mr, int nr,
                  bool overwrite) {
    Vector c[MR][NV] = {};
    const float* __restrict pa = a.data;
    const float* __restrict pb = b.data;
    const size_t across = unit_across ? 1 : size_t(a.across);
    for (int p = 0; p < kc; ++p, pa += a.step, pb += b.step) {
        Vector row[NV];
        for (int v = 0; v < NV; ++v) row[v] = load_vector(pb + v * VL);
        for (int i = 0; i < MR; ++i)
            for (int v = 0; v < NV; ++v) c[i][v] += pa[i * across] * row[v];
    }
    if (nr == NR) {  // whole rows of a tile: C updated a vector at a time, with the same operations
        for (int i = 0; i < mr; ++i)
            for (int v = 0; v < NV; ++v) {
                float* to = C + size_t(i) * ldc + size_t(v) * VL;
                Vector sum = (overwrite ? Vector{} : load_vector(to)) + alpha * c[i][v];
                std::memcpy(to, &sum, sizeof sum);
            }
        return;
    }
    for (int i = 0; i < mr; ++i)
        for (int j = 0; j < nr; ++j) {
            float& to = C[size_t(i) * ldc + j];
            to = (overwrite ? 0.0f : to) + alpha * c[i][j / VL][j % VL];
        }
}

// C (M x N, row stride ldc) = alpha op(A) op(B) + beta C, on one thread.
//
// op(A) is read in place (see the top of this file), and so is op(B) of an
// untransposed B (for fixed p, the j are contiguous), with the row stride as
// panel step; only edge panels, which need zero padding, are packed. That
// matters when one side is a huge matrix used once, such as the im2col
// matrix of a convolution.
//
// C is scaled by beta in a pass of its own only where beta is neither 0 nor 1:
// with beta = 0 the first block of the sums overwrites C (micro_kernel), and
// with beta = 1 the pass would change nothing.
void gemm_serial(const Matrix& A, const Matrix& B, int M, int N, int K, float alpha, float beta, float* C, int ldc) {
    if ((beta != 0.0f && beta != 1.0f) || (beta == 0.0f && K == 0))
        for (int i = 0; i < M; ++i)
            for (int j = 0; j < N; ++j) {
                float& c = C[size_t(i) * ldc + j];
                c = beta == 0.0f ? 0.0f : beta * c;
            }
    const bool b_in_place = !B.trans;
    thread_local std::vector<float> b_pack, edge_a, edge_b;
    b_pack.resize(size_t(KC) * NC);
    edge_a.resize(size_t(MR) * KC);
    edge_b.resize(size_t(KC) * NR);
    for (int jc = 0; jc < N; jc += NC) {
        int nc = std::min(NC, N - jc);
        for (int pc = 0; pc < K; pc += KC) {
            int kc = std::min(KC, K - pc);
            if (!b_in_place)
                for (int jr = 0; jr < nc; jr += NR)
                    pack_b_panel(B, pc, kc, jc + jr, std::min(NR, nc - jr), b_pack.data() + size_t(jr) * kc);
            for (int ic = 0; ic < M; ic += MC) {
                int mc = std::min(MC, M - ic);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = std::min(NR, nc - jr);
                    Panel b{b_pack.data() + size_t(jr) * kc, NR};
                    if (b_in_place && nr == NR) {
                        b = {B.x + size_t(pc) * B.ld + size_t(jc + jr), B.ld};
                    } else if (b_in_place) {
                        pack_b_panel(B, pc, kc, jc + jr, nr, edge_b.data());
                        b = {edge_b.data(), NR};
                    }
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = std::min(MR, mc - ir);
                        Panel a = A.trans ? Panel{A.x + size_t(pc) * A.ld + size_t(ic + ir), A.ld}
                                          : Panel{A.x + size_t(ic + ir) * A.ld + size_t(pc), 1, A.ld};
                        if (mr < MR) {
                            pack_a_panel(A, ic + ir, mr, pc, kc, edge_a.data());
                            a = {edge_a.data(), MR};
                        }
                        float* tile = C + size_t(ic + ir) * ldc + jc + jr;
                        const bool overwrite = beta == 0.0f && pc == 0;
                        if (a.across == 1) micro_kernel<true>(kc, a, b, alpha, tile, ldc, mr, nr, overwrite);
                        else micro_kernel<false>(kc, a, b, alpha, tile, ldc, mr, nr, overwrite);
                    }
                }
            }
        }
    }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B, float beta,
          float* C) {
    if (M <= 0 || N <= 0) return;
    if (!trans_a && trans_b && gemm_takes_dots(M, N, K)) return gemm_dots(M, N, K, alpha, A, B, beta, C);
    if (gemm_sparse(trans_a, trans_b, M, N, K, alpha, A, B, beta, C)) return;
    gemm_blocked(trans_a, trans_b, M, N, K, alpha, A, B, beta, C);
}

namespace {

// C = alpha op(A) op(B) + beta C, in one strip of C per thread.
void gemm_in_strips(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                    float beta, float* C) {
    Matrix a{A, trans_a ? M : K, trans_a};
    Matrix b{B, trans_b ? K : N, trans_b};
    int threads = thread_count();
    bool worth_splitting = double(M) * N * K >= 262144.0 && threads > 1;
    if (!worth_splitting) return gemm_serial(a, b, M, N, K, alpha, beta, C, N);
    // Split C into one strip per thread, in whole tiles: into strips of rows
    // where op(B) is read in place (every thread then packs only its own rows
    // of op(A), and each holds whole rows of C, as the threads of the
    // optimizer's update do), as long as there are rows enough for the
    // threads to share them evenly; otherwise along its longer side.
    const int row_tiles = (M + MR - 1) / MR;
    bool by_columns = !trans_b && row_tiles >= 4 * threads ? false : N >= M;
    int unit = by_columns ? NR : MR;
    int tiles = ((by_columns ? N : M) + unit - 1) / unit;
    int strips = std::min(threads, tiles);
    parallel_for(strips, [&](int s) {
        int lo = tiles * s / strips * unit, hi = std::min(tiles * (s + 1) / strips * unit, by_columns ? N : M);
        if (lo >= hi) return;
        if (by_columns) {
            Matrix bs = b;  // columns lo..hi of op(B)
            bs.x += trans_b ? size_t(lo) * b.ld : size_t(lo);
            gemm_serial(a, bs, M, hi - lo, K, alpha, beta, C + lo, N);
        } else {
            Matrix as = a;  // rows lo..hi of op(A)
            as.x += trans_a ? size_t(lo) : size_t(lo) * a.ld;
            gemm_serial(as, b, hi - lo, N, K, alpha, beta, C + size_t(lo) * N, N);
        }
    });
}

// Roughly what a product costs, in multiply-add slots of the micro-kernel
// (whole tiles, the padding of edge tiles included) plus the copies of op(B)
// into panels, at about ten slots per value copied.
constexpr double kSlotsPerCopy = 10;

double product_cost(bool trans_b, int M, int N, int K) {
    const double rows = (M + MR - 1) / MR * MR, columns = (N + NR - 1) / NR * NR;
    return rows * columns * K + (trans_b ? kSlotsPerCopy * N * K : 0.0);
}

// C^T = op(B)^T op(A)^T, through a transposed copy of C, pays where op(B)
// would be packed (a transposed B) and is much larger than op(A) and C: the
// forward pass of a linear layer, x W^T, whose weight would be transposed
// into panels at every batch, costs one transposition of the small x and two
// of the small C instead.
bool transposed_product_pays(bool trans_a, bool trans_b, int M, int N, int K, float beta) {
    if (!trans_b) return false;
    const double copies_of_c = (beta == 0.0f ? 1 : 2) * double(M) * N;
    return product_cost(!trans_a, N, M, K) + kSlotsPerCopy * copies_of_c < product_cost(true, M, N, K);
}

}  // namespace

// Where it pays, the product is computed transposed: every element of C^T is
// the same chain of the same products (a b = b a, also fused), summed in the
// same blocks of the inner dimension and added to the same beta C, so the
// bits are those of the product computed straight.
void gemm_blocked(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, const float* B,
                  float beta, float* C) {
    if (M <= 0 || N <= 0) return;
    if (!transposed_product_pays(trans_a, trans_b, M, N, K, beta))
        return gemm_in_strips(trans_a, trans_b, M, N, K, alpha, A, B, beta, C);
    thread_local std::vector<float> transposed;
    transposed.resize(size_t(M) * N);
    float* ct = transposed.data();
    if (beta != 0.0f) transpose_matrices<Into::Overwrite>(C, 1, size_t(M), size_t(N), ct);
    gemm_in_strips(!trans_b, !trans_a, N, M, K, alpha, B, A, beta, ct);
    transpose_matrices<Into::Overwrite>(ct, 1, size_t(N), size_t(M), C);
}

}  // namespace gb
