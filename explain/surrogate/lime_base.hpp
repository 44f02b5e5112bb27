// lime_base.hpp: the core of LIME (Ribeiro, Singh, Guestrin 2016, "Why
// should I trust you?", sec. 3), as lime's lime_base.py defines it: given a
// neighbourhood of the instance (rows of interpretable features z', the black
// box's score f(z) of each, and each row's distance D(x, z) to the
// instance), fit the weighted linear model of eq. 1-2,
//   xi(x) = argmin_g  L(f, g, pi_x) + Omega(g),
//   L(f, g, pi_x) = sum_z pi_x(z) (f(z) - g(z'))^2,
//   pi_x(z) = sqrt(exp(-D(x, z)^2 / sigma^2))     (lime's kernel; the paper writes exp(-D^2 / sigma^2)),
// where Omega(g) keeps at most K features: a feature selection picks K
// features, then g is a ridge regression (alpha = 1) on them.
//
// The explainers only build neighbourhoods and call fit_local_model; lime's
// kernel widths are 0.25 on cosine distances for images (lime_image), 25 on
// cosine distances x 100 for text (lime_text, the same kernel) and
// 0.75 sqrt(number of columns) on euclidean distances of standardised rows
// for tables (lime_tabular).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace gb {

// The neighbourhood LIME fits its local model on: N rows of F interpretable
// features (row-major), the black box's score of the explained class for each
// row, and each row's distance to the instance (row 0).
struct Neighbourhood {
    int rows = 0, features = 0;
    std::vector<double> data, scores, distances;
};

// lime's kernel: pi = sqrt(exp(-d^2 / width^2)), for each distance.
std::vector<double> exponential_kernel(const std::vector<double>& distances, double kernel_width);

enum class FeatureSelection { None, ForwardSelection, HighestWeights, LassoPath, Auto };
// "none", "forward-selection", "highest-weights", "lasso-path", "auto" (lime's names with '_' also work).
FeatureSelection feature_selection_named(const std::string& name);
std::string feature_selection_name(FeatureSelection mode);

// Weighted ridge regression with an unpenalised intercept, scikit-learn's
// Ridge(alpha, fit_intercept=True).fit(X[:, columns], y, sample_weight=weights):
//   b = argmin sum_i w_i (y_i - b0 - x_i^T b)^2 + alpha |b|^2,
// solved by centring on the weighted means (x_bar = sum_i w_i x_i / sum_i w_i, y_bar likewise):
//   (X_c^T W X_c + alpha I) b = X_c^T W y_c,   b0 = y_bar - x_bar^T b.
// data: (rows, F) row-major; columns: the features used, in order.
struct RidgeFit {
    std::vector<double> coefficients;  // one per column, in the order of `columns`
    double intercept = 0;
};
RidgeFit weighted_ridge(const std::vector<double>& data, int rows, const std::vector<int>& columns,
                        const std::vector<double>& y, const std::vector<double>& weights, double alpha);

// The fit's prediction for every row: b0 + x_i[columns]^T b.
std::vector<double> ridge_predict(const RidgeFit& fit, const std::vector<double>& data, int rows,
                                  const std::vector<int>& columns);

// scikit-learn's weighted R^2 (r2_score with sample_weight):
//   R^2 = 1 - sum_i w_i (y_i - p_i)^2 / sum_i w_i (y_i - y_bar)^2,  y_bar = sum_i w_i y_i / sum_i w_i;
// 1 when the numerator is 0, and 0 when only the denominator is.
double weighted_r2(const std::vector<double>& y, const std::vector<double>& predicted,
                   const std::vector<double>& weights);

// The K features lime's feature selection picks, in lime's order: forward
// selection in the order chosen, highest weights by |b_j x_0j| (largest
// first), none and the lasso path by index.
std::vector<int> select_features(const Neighbourhood& n, const std::vector<double>& weights, int num_features,
                                 FeatureSelection mode);

struct LocalModel {
    std::vector<int> features;                   // the used features, in the selection's order
    std::vector<std::pair<int, double>> ranked;  // (feature, coefficient) by |coefficient|, largest first;
                                                 // ties keep the order of `features`, as lime's stable sort does
    double intercept = 0;
    double score = 0;             // weighted R^2 of the local model on the neighbourhood
    double local_prediction = 0;  // the local model at the instance, row 0
};

// lime's explain_instance_with_data: weights = kernel(distances); select
// features; Ridge(alpha = 1) on them with the weights; its weighted R^2; its
// prediction at row 0.
LocalModel fit_local_model(const Neighbourhood& n, double kernel_width, int num_features, FeatureSelection mode);

}  // namespace gb
