// lsa.hpp: latent semantic analysis (Deerwester et al. 1990): dense word
// vectors from the truncated singular value decomposition of a weighted
// document-term matrix, for starting a text model's word embeddings from the
// training posts instead of from noise.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "datasets/text.hpp"

namespace gb {

// A sparse matrix, row by row: (column, value) pairs.
struct SparseRows {
    int cols = 0;
    std::vector<std::vector<std::pair<int, float>>> rows;
};

// A ~= U diag(sigma) V^T with the k largest singular values, sigma[0] >= sigma[1] >= ...
struct TruncatedSvd {
    int k = 0;
    std::vector<double> u;      // (rows of A, k), row-major; orthonormal columns
    std::vector<double> sigma;  // (k)
    std::vector<double> v;      // (columns of A, k), row-major; orthonormal columns
};

// The randomized SVD of Halko, Martinsson & Tropp (2011), algorithms 4.4 and 5.1:
//   Y = (A A^T)^q A Omega    Omega: (cols, k + oversample) standard normal, seeded;
//                            Y re-orthonormalized after every product (subspace iteration)
//   Q = orth(Y)              an orthonormal basis of A's dominant column space
//   B = Q^T A                (k + oversample, cols), small
//   B B^T = W diag(sigma^2) W^T   (Jacobi eigenvalue method)
//   U = Q W,  V = B^T W diag(1 / sigma)
// The first k columns are returned. Exact (up to rounding) when rank(A) <= k + oversample.
// Throws std::invalid_argument unless 1 <= k <= min(rows, cols).
TruncatedSvd truncated_svd(const SparseRows& a, int k, uint64_t seed, int power_iterations = 4, int oversample = 10);

// Word vectors by LSA. A is the documents x words tf-idf matrix of the given
// (training) documents with sublinear tf and smooth idf, each row scaled to
// unit length (as scikit-learn's TfidfVectorizer(sublinear_tf=True)):
//   a_dw = (1 + ln count(d, w)) idf(w) / ||row d||
// and word w's vector is the direction of its column a_w projected on the k
// leading left singular vectors (the coordinates LSA gives a word), at the
// length of a vector of k draws from N(0, 1):
//   e_w = sqrt(k) U_k^T a_w / ||U_k^T a_w||,   U_k^T a_w = diag(sigma_k) v_w
// Only the direction: a word's frequency sets the length of U_k^T a_w, and a
// rare but telling word should reach a filter of the network as strongly as
// a frequent one. Words in no document (<pad>, <unk>, words cut off by
// truncation) get zero vectors; with fewer than k documents or words, the
// columns beyond their number stay zero.
// Returns (vocabulary_size, k), row-major.
std::vector<float> lsa_word_vectors(const std::vector<BagOfWords>& documents, int vocabulary_size, int k,
                                    uint64_t seed);

}  // namespace gb
