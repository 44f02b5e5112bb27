// The randomized truncated SVD on matrices with known singular vectors, and
// LSA word vectors on a corpus of two topics.
#include <cmath>

#include "datasets/lsa.hpp"
#include "helpers.hpp"

using namespace gb;

namespace {

// The dense (rows, cols) matrix as SparseRows, zeros left out.
SparseRows sparse(const std::vector<std::vector<double>>& dense) {
    SparseRows a;
    a.cols = int(dense[0].size());
    for (const auto& row : dense) {
        a.rows.emplace_back();
        for (size_t c = 0; c < row.size(); ++c)
            if (row[c] != 0) a.rows.back().emplace_back(int(c), float(row[c]));
    }
    return a;
}

// Column j of a row-major (n, k) matrix.
std::vector<double> column(const std::vector<double>& m, int k, int j) {
    std::vector<double> c;
    for (size_t i = size_t(j); i < m.size(); i += size_t(k)) c.push_back(m[i]);
    return c;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

// Checks that the k columns of the row-major (n, k) matrix m are orthonormal: M^T M = I.
void check_orthonormal(const std::vector<double>& m, int k) {
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) CHECK(dot(column(m, k, i), column(m, k, j)) == Approx(i == j).margin(1e-6));
}

}  // namespace

TEST_CASE("the truncated SVD finds known singular values and vectors", "[lsa]") {
    // A = sum_i s_i u_i v_i^T with orthonormal u_i (6-vectors), v_i (5-vectors), s = 5, 2, 0.5
    const double h = 0.5, r = 1 / std::sqrt(2.0);
    std::vector<std::vector<double>> u{{h, h, h, h, 0, 0}, {h, -h, h, -h, 0, 0}, {0, 0, 0, 0, r, -r}};
    std::vector<std::vector<double>> v{{r, r, 0, 0, 0}, {0, 0, 0.6, 0, 0.8}, {r, -r, 0, 0, 0}};
    std::vector<double> s{5, 2, 0.5};
    std::vector<std::vector<double>> dense(6, std::vector<double>(5, 0.0));
    for (int i = 0; i < 3; ++i)
        for (int row = 0; row < 6; ++row)
            for (int col = 0; col < 5; ++col) dense[size_t(row)][size_t(col)] += s[size_t(i)] * u[size_t(i)][size_t(row)] * v[size_t(i)][size_t(col)];
    SparseRows a = sparse(dense);

    TruncatedSvd svd = truncated_svd(a, 3, 7);
    REQUIRE(svd.sigma.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(svd.sigma[size_t(i)] == Approx(s[size_t(i)]).epsilon(1e-6));
        // singular vectors are unique up to a common sign
        CHECK(std::abs(dot(column(svd.u, 3, i), u[size_t(i)])) == Approx(1).epsilon(1e-6));
        CHECK(std::abs(dot(column(svd.v, 3, i), v[size_t(i)])) == Approx(1).epsilon(1e-6));
        CHECK(dot(column(svd.u, 3, i), u[size_t(i)]) * dot(column(svd.v, 3, i), v[size_t(i)]) > 0);
    }
    check_orthonormal(svd.u, 3);
    check_orthonormal(svd.v, 3);
    for (int row = 0; row < 6; ++row)  // U diag(sigma) V^T = A
        for (int col = 0; col < 5; ++col) {
            double x = 0;
            for (int i = 0; i < 3; ++i) x += svd.u[size_t(row * 3 + i)] * svd.sigma[size_t(i)] * svd.v[size_t(col * 3 + i)];
            CHECK(x == Approx(dense[size_t(row)][size_t(col)]).margin(1e-5));
        }

    // the leading pair alone, without oversampling: found by the subspace iteration
    TruncatedSvd top = truncated_svd(a, 2, 7, 8, 0);
    CHECK(top.sigma[0] == Approx(5).epsilon(1e-5));
    CHECK(top.sigma[1] == Approx(2).epsilon(1e-5));
    CHECK(std::abs(dot(column(top.v, 2, 0), v[0])) == Approx(1).epsilon(1e-5));

    CHECK_THROWS_AS(truncated_svd(a, 0, 7), std::invalid_argument);
    CHECK_THROWS_AS(truncated_svd(a, 6, 7), std::invalid_argument);
}

TEST_CASE("the truncated SVD of a random matrix satisfies A v = sigma u and A^T u = sigma v", "[lsa]") {
    Rng rng(3);
    std::vector<std::vector<double>> dense(30, std::vector<double>(12, 0.0));
    for (auto& row : dense)
        for (double& x : row)
            if (rng.uniform() < 0.4) x = rng.uniform(-1, 1);
    SparseRows a = sparse(dense);
    const int k = 4;
    TruncatedSvd svd = truncated_svd(a, k, 11);  // k + oversample >= 12 columns: exact
    check_orthonormal(svd.u, k);
    check_orthonormal(svd.v, k);
    for (int i = 0; i < k; ++i) {
        if (i > 0) CHECK(svd.sigma[size_t(i)] <= svd.sigma[size_t(i - 1)]);
        std::vector<double> ui = column(svd.u, k, i), vi = column(svd.v, k, i);
        for (int row = 0; row < 30; ++row)
            CHECK(dot(dense[size_t(row)], vi) == Approx(svd.sigma[size_t(i)] * ui[size_t(row)]).margin(1e-5));
        for (int col = 0; col < 12; ++col) {
            double atu = 0;
            for (int row = 0; row < 30; ++row) atu += dense[size_t(row)][size_t(col)] * ui[size_t(row)];
            CHECK(atu == Approx(svd.sigma[size_t(i)] * vi[size_t(col)]).margin(1e-5));
        }
    }
}

TEST_CASE("LSA gives words of one topic similar vectors", "[lsa]") {
    // ids 2-4 are space words, 5-7 cooking words, 8 is in every post; 9 is in none
    std::vector<BagOfWords> docs{{{2, 2}, {3, 1}, {8, 1}}, {{3, 1}, {4, 3}, {8, 1}}, {{2, 1}, {4, 1}, {8, 2}},
                                 {{5, 1}, {6, 2}, {8, 1}}, {{6, 1}, {7, 1}, {8, 1}}, {{5, 2}, {7, 1}, {8, 1}},
                                 {}};
    const int k = 3, vocabulary = 10;
    std::vector<float> e = lsa_word_vectors(docs, vocabulary, k, 5);
    REQUIRE(e.size() == size_t(vocabulary * k));
    auto vec = [&](int w) { return std::vector<double>(e.begin() + w * k, e.begin() + (w + 1) * k); };
    auto cosine = [&](int a, int b) { return dot(vec(a), vec(b)) / std::sqrt(dot(vec(a), vec(a)) * dot(vec(b), vec(b))); };
    for (int w : {0, 1, 9}) CHECK(dot(vec(w), vec(w)) == 0);  // <pad>, <unk>, unseen
    for (int w = 2; w < 9; ++w) CHECK(dot(vec(w), vec(w)) == Approx(k).epsilon(1e-5));  // length sqrt(k)
    CHECK(cosine(2, 3) > 0.6);
    CHECK(cosine(5, 7) > 0.6);
    CHECK(cosine(2, 5) < 0.3);
    CHECK(cosine(4, 6) < 0.3);

    // two documents give two dimensions; the third stays zero
    std::vector<float> few = lsa_word_vectors({docs[0], docs[3]}, vocabulary, k, 5);
    for (int w = 0; w < vocabulary; ++w) CHECK(few[size_t(w * k + 2)] == 0);
    CHECK(few[size_t(2 * k)] * few[size_t(2 * k)] + few[size_t(2 * k + 1)] * few[size_t(2 * k + 1)] == Approx(k));
}
