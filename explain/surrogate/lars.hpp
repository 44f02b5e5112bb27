// lars.hpp: the lasso path by least angle regression (Efron, Hastie,
// Johnstone, Tibshirani 2004, "Least angle regression", sec. 2 and the lasso
// modification of sec. 3.1), step for step as scikit-learn's
// lars_path(X, y, method='lasso') computes it with its defaults (no Gram
// matrix, max_iter 500, alpha_min 0), which is what lime's lasso_path
// feature selection calls.
//
// The lasso objective at penalty alpha is
//   (1 / 2n) ||y - X b||^2 + alpha ||b||_1,
// and its solution b(alpha) is piecewise linear in alpha. LARS walks the
// pieces from alpha_0 = max_j |x_j^T y| / n (where b = 0) down to 0:
//   c = X^T (y - X b)                  correlations; the active set A holds the
//   C = max_j |c_j|,  alpha = C / n    features with |c_j| = C, s_A = sign(c_A)
//   G_A = X_A^T X_A,  g = G_A^-1 s_A,  A_A = (s_A^T g)^(-1/2),  w_A = A_A g
//   u_A = X_A w_A                      the equiangular direction
//   a_j = x_j^T u_A                    (rounded to 15 decimals, as sklearn does)
//   gamma = min+ over j not in A of { (C - c_j) / (A_A - a_j), (C + c_j) / (A_A + a_j) }  (eq. 2.13)
//   b_A <- b_A + gamma w_A,  c_j <- c_j - gamma a_j
// Lasso modification (eq. 3.4-3.6): if an active b_j would cross zero first,
// at gamma_j = -b_j / w_j < gamma, the step stops there and j leaves A.
// G_A is kept as its Cholesky factor L (G_A = L L^T), grown by one row when a
// feature joins and rebuilt when one leaves.
#pragma once
#include <vector>

namespace gb {

struct LassoPath {
    std::vector<double> alphas;                     // alpha at each knot, decreasing; the first is max_j |x_j^T y| / n
    std::vector<std::vector<double>> coefficients;  // b at each knot (all features); the first is all zero
};

// x: (rows, features) row-major; y: (rows). Needs rows >= 1 and features >= 1.
LassoPath lars_lasso_path(const std::vector<double>& x, int rows, int features, const std::vector<double>& y);

}  // namespace gb
