#include "datasets/lsa.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "util/random.hpp"

namespace gb {

namespace {

// A dense row-major (rows, cols) matrix of doubles.
struct Dense {
    int rows = 0, cols = 0;
    std::vector<double> x;
    Dense(int r, int c) : rows(r), cols(c), x(size_t(r) * size_t(c), 0.0) {}
    double* row(int r) { return x.data() + size_t(r) * size_t(cols); }
    const double* row(int r) const { return x.data() + size_t(r) * size_t(cols); }
};

// A Z: (rows of A, l) for Z (cols of A, l)
Dense times(const SparseRows& a, const Dense& z) {
    Dense y(int(a.rows.size()), z.cols);
    for (int r = 0; r < y.rows; ++r)
        for (auto [c, value] : a.rows[size_t(r)]) {
            const double* zc = z.row(c);
            double* yr = y.row(r);
            for (int j = 0; j < z.cols; ++j) yr[j] += double(value) * zc[j];
        }
    return y;
}

// A^T Q: (cols of A, l) for Q (rows of A, l)
Dense transposed_times(const SparseRows& a, const Dense& q) {
    Dense z(a.cols, q.cols);
    for (int r = 0; r < q.rows; ++r)
        for (auto [c, value] : a.rows[size_t(r)]) {
            const double* qr = q.row(r);
            double* zc = z.row(c);
            for (int j = 0; j < q.cols; ++j) zc[j] += double(value) * qr[j];
        }
    return z;
}

// The transpose of y: column j of y is row j of the result.
Dense transposed(const Dense& y) {
    Dense t(y.cols, y.rows);
    for (int r = 0; r < y.rows; ++r)
        for (int c = 0; c < y.cols; ++c) t.row(c)[r] = y.row(r)[c];
    return t;
}

// Orthonormalizes the columns in place by modified Gram-Schmidt, each column
// projected out twice ("twice is enough", Giraud et al. 2005). A column that
// is (numerically) in the span of the previous ones becomes zero. The work is
// done on the transpose, where each column is one contiguous row, so that a
// column is not read with a cache miss for every value.
//
// The rounding is spelt out, as the arithmetic of this function must not
// depend on the shape of its loops: the norms and dot products add rounded
// products (fp-contract=off: no fused multiply-add), and the projection
// y_j -= <y_i, y_j> y_i rounds once per value (std::fma). Left to the
// compiler, GCC fused neither sum when tuning for AMD's Zen (it avoids chains
// of multiply-adds there) but fused them for other CPUs. (The attribute is
// GCC's; clang ignores it and fuses a product into the sum it is added to.)
__attribute__((optimize("fp-contract=off"))) void orthonormalize(Dense& y) {
    Dense t = transposed(y);
    const int n = t.cols;  // the length of a column
    for (int j = 0; j < t.rows; ++j) {
        double* yj = t.row(j);
        auto norm = [&] {
            double s = 0;
            for (int r = 0; r < n; ++r) s += yj[r] * yj[r];
            return std::sqrt(s);
        };
        double before = norm();
        for (int pass = 0; pass < 2; ++pass)
            for (int i = 0; i < j; ++i) {
                const double* yi = t.row(i);
                double dot = 0;  // <y_i, y_j>
                for (int r = 0; r < n; ++r) dot += yi[r] * yj[r];
                for (int r = 0; r < n; ++r) yj[r] = std::fma(-dot, yi[r], yj[r]);
            }
        double after = norm();
        double scale = after > 1e-10 * before && after > 0 ? 1.0 / after : 0.0;
        for (int r = 0; r < n; ++r) yj[r] *= scale;
    }
    y = transposed(t);
}

// The eigenvalues (descending) and eigenvectors (the columns of w) of the
// symmetric matrix g, by cyclic Jacobi rotations (Golub & Van Loan, 8.5):
// each rotation in the (p, q) plane zeroes g_pq, until the off-diagonal part
// vanishes; g = W diag(lambda) W^T.
void symmetric_eigen(Dense g, std::vector<double>& lambda, Dense& w) {
    const int n = g.rows;
    w = Dense(n, n);
    for (int i = 0; i < n; ++i) w.row(i)[i] = 1;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0, total = 0;
        for (int p = 0; p < n; ++p)
            for (int q = 0; q < n; ++q) (p == q ? total : off) += g.row(p)[q] * g.row(p)[q];
        if (off <= 1e-30 * (off + total)) break;
        for (int p = 0; p < n; ++p)
            for (int q = p + 1; q < n; ++q) {
                double gpq = g.row(p)[q];
                if (gpq == 0) continue;
                // tan of the angle that zeroes g_pq: t^2 + 2 theta t - 1 = 0, theta = (g_qq - g_pp) / (2 g_pq)
                double theta = (g.row(q)[q] - g.row(p)[p]) / (2 * gpq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
                double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; ++k) {  // g <- g J (columns p, q)
                    double gkp = g.row(k)[p], gkq = g.row(k)[q];
                    g.row(k)[p] = c * gkp - s * gkq;
                    g.row(k)[q] = s * gkp + c * gkq;
                }
                for (int k = 0; k < n; ++k) {  // g <- J^T g (rows p, q)
                    double gpk = g.row(p)[k], gqk = g.row(q)[k];
                    g.row(p)[k] = c * gpk - s * gqk;
                    g.row(q)[k] = s * gpk + c * gqk;
                }
                for (int k = 0; k < n; ++k) {  // W <- W J
                    double wkp = w.row(k)[p], wkq = w.row(k)[q];
                    w.row(k)[p] = c * wkp - s * wkq;
                    w.row(k)[q] = s * wkp + c * wkq;
                }
            }
    }
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return g.row(a)[a] > g.row(b)[b]; });
    Dense sorted(n, n);
    lambda.assign(size_t(n), 0);
    for (int j = 0; j < n; ++j) {
        lambda[size_t(j)] = g.row(order[size_t(j)])[order[size_t(j)]];
        for (int k = 0; k < n; ++k) sorted.row(k)[j] = w.row(k)[order[size_t(j)]];
    }
    w = std::move(sorted);
}

}  // namespace

TruncatedSvd truncated_svd(const SparseRows& a, int k, uint64_t seed, int power_iterations, int oversample) {
    const int m = int(a.rows.size()), n = a.cols;
    if (k < 1 || k > std::min(m, n))
        throw std::invalid_argument("truncated_svd: k = " + std::to_string(k) + " for a " + std::to_string(m) + " x " +
                                    std::to_string(n) + " matrix");
    const int l = std::min(k + std::max(oversample, 0), std::min(m, n));
    Rng rng(seed);
    Dense omega(n, l);
    for (double& x : omega.x) x = rng.normal();
    Dense q = times(a, omega);  // Y = A Omega
    orthonormalize(q);
    for (int i = 0; i < power_iterations; ++i) {  // Y = A (A^T Q), re-orthonormalized at each step
        Dense z = transposed_times(a, q);
        orthonormalize(z);
        q = times(a, z);
        orthonormalize(q);
    }
    Dense bt = transposed_times(a, q);  // B^T = A^T Q: (n, l)
    Dense g(l, l);                      // B B^T
    for (int c = 0; c < n; ++c)
        for (int i = 0; i < l; ++i)
            for (int j = 0; j < l; ++j) g.row(i)[j] += bt.row(c)[i] * bt.row(c)[j];
    std::vector<double> lambda;
    Dense w(l, l);
    symmetric_eigen(g, lambda, w);

    TruncatedSvd svd;
    svd.k = k;
    svd.u.assign(size_t(m) * size_t(k), 0);
    svd.v.assign(size_t(n) * size_t(k), 0);
    for (int j = 0; j < k; ++j) svd.sigma.push_back(std::sqrt(std::max(lambda[size_t(j)], 0.0)));
    for (int r = 0; r < m; ++r)  // U = Q W
        for (int j = 0; j < k; ++j)
            for (int i = 0; i < l; ++i) svd.u[size_t(r) * size_t(k) + size_t(j)] += q.row(r)[i] * w.row(i)[j];
    for (int c = 0; c < n; ++c)  // V = B^T W diag(1 / sigma)
        for (int j = 0; j < k; ++j) {
            double s = 0;
            for (int i = 0; i < l; ++i) s += bt.row(c)[i] * w.row(i)[j];
            svd.v[size_t(c) * size_t(k) + size_t(j)] = svd.sigma[size_t(j)] > 0 ? s / svd.sigma[size_t(j)] : 0.0;
        }
    return svd;
}

std::vector<float> lsa_word_vectors(const std::vector<BagOfWords>& documents, int vocabulary_size, int k,
                                    uint64_t seed) {
    TermWeighting weighting = tfidf_weighting(documents, vocabulary_size);
    weighting.tf = TermWeighting::sublinear;
    SparseRows a;
    a.cols = vocabulary_size;
    for (const BagOfWords& doc : documents) {
        if (doc.empty()) continue;  // a row of zeros changes no singular vector
        std::vector<std::pair<int, float>> row;
        double squares = 0;
        for (auto [id, count] : doc) {  // a_dw before the row's scaling
            float value = (1.0f + std::log(float(count))) * weighting.idf.at(size_t(id));
            row.emplace_back(id, value);
            squares += double(value) * value;
        }
        for (auto& entry : row) entry.second = float(entry.second / std::sqrt(squares));  // squares > 0: no empty bags
        a.rows.push_back(std::move(row));
    }
    std::vector<float> vectors(size_t(vocabulary_size) * size_t(k), 0.0f);
    const int rank = std::min({k, int(a.rows.size()), vocabulary_size});
    if (rank < 1) return vectors;
    TruncatedSvd svd = truncated_svd(a, rank, seed);
    for (size_t w = 0; w < size_t(vocabulary_size); ++w) {
        float* e = vectors.data() + w * size_t(k);
        double squares = 0;
        for (size_t j = 0; j < size_t(rank); ++j) {  // sigma_j v_wj = (U_k^T a_w)_j
            e[j] = float(svd.sigma[j] * svd.v[w * size_t(rank) + j]);
            squares += double(e[j]) * e[j];
        }
        float scale = squares > 0 ? float(std::sqrt(k / squares)) : 0.0f;  // length sqrt(k)
        for (size_t j = 0; j < size_t(rank); ++j) e[j] *= scale;
    }
    return vectors;
}

}  // namespace gb
