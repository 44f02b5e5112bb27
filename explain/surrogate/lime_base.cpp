#include "explain/surrogate/lime_base.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "explain/surrogate/lars.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

std::string str(double v) {  // shortest form: 0.25, 1e-07, nan
    std::ostringstream out;
    out << v;
    return out.str();
}

void check_weights(const std::vector<double>& weights, size_t rows, const std::string& who) {
    if (weights.size() != rows)
        throw Error(who + ": " + std::to_string(weights.size()) + " weights for " + std::to_string(rows) + " rows");
    double total = 0;
    for (double w : weights) {
        if (!std::isfinite(w) || w < 0)
            throw Error(who + ": a sample weight of " + str(w) + "; weights must be finite and >= 0");
        total += w;
    }
    if (!(total > 0)) throw Error(who + ": the sample weights sum to 0; give at least one row a positive weight");
}

void check_neighbourhood(const Neighbourhood& n) {
    if (n.rows < 2 || n.features < 1)
        throw Error("lime: a neighbourhood of " + std::to_string(n.rows) + " rows and " + std::to_string(n.features) +
                    " features; it needs at least 2 rows (the instance and one perturbation) and 1 feature");
    const size_t R = size_t(n.rows);
    if (n.data.size() != R * size_t(n.features) || n.scores.size() != R || n.distances.size() != R)
        throw Error("lime: a neighbourhood of " + std::to_string(n.rows) + " x " + std::to_string(n.features) +
                    " needs as many data values, and one score and one distance per row; got " +
                    std::to_string(n.data.size()) + " values, " + std::to_string(n.scores.size()) + " scores and " +
                    std::to_string(n.distances.size()) + " distances");
    auto finite = [&](const std::vector<double>& v, const std::string& what, size_t per_row) {
        for (size_t k = 0; k < v.size(); ++k)
            if (!std::isfinite(v[k]))
                throw Error("lime: the neighbourhood's " + what + " of row " + std::to_string(k / per_row) +
                            (per_row > 1 ? ", feature " + std::to_string(k % per_row) : "") + " is " + str(v[k]) +
                            "; every value must be finite");
    };
    finite(n.data, "value", size_t(n.features));
    finite(n.scores, "score", 1);
    finite(n.distances, "distance", 1);
}

std::vector<int> every_feature(int features) {  // 0, 1, ..., features - 1
    std::vector<int> all(size_t(features), 0);
    std::iota(all.begin(), all.end(), 0);
    return all;
}

// Weighted centring, as sklearn's _preprocess_data and _rescale_data (and lime's lasso_path) do:
//   x_bar = sum_i w_i x_i / sum_i w_i,  X_c[i] = (x_i - x_bar) sqrt(w_i),  y_c[i] = (y_i - y_bar) sqrt(w_i).
struct Centred {
    std::vector<double> x, y, x_bar;  // x: (rows, columns) row-major
    double y_bar = 0;
};
Centred centre(const std::vector<double>& data, int rows, const std::vector<int>& columns,
               const std::vector<double>& y, const std::vector<double>& weights) {
    const size_t R = size_t(rows), k = columns.size(), F = data.size() / R;
    Centred c;
    double total = 0;
    for (double w : weights) total += w;
    c.x_bar.assign(k, 0.0);
    for (size_t i = 0; i < R; ++i) {
        for (size_t j = 0; j < k; ++j) c.x_bar[j] += data[i * F + size_t(columns[j])] * weights[i];
        c.y_bar += y[i] * weights[i];
    }
    for (double& m : c.x_bar) m /= total;
    c.y_bar /= total;
    c.x.resize(R * k);
    c.y.resize(R);
    for (size_t i = 0; i < R; ++i) {
        const double root = std::sqrt(weights[i]);
        for (size_t j = 0; j < k; ++j) c.x[i * k + j] = (data[i * F + size_t(columns[j])] - c.x_bar[j]) * root;
        c.y[i] = (y[i] - c.y_bar) * root;
    }
    return c;
}

// Solves A b = r for a symmetric positive semi-definite A (k x k) by Cholesky, A = L L^T.
// A pivot at or below 1e-12 of its diagonal entry marks a column that depends on the
// earlier ones (possible only when alpha is 0): its coefficient is set to 0, which leaves
// a least-squares solution with the same fitted values.
std::vector<double> solve_positive(std::vector<double> A, std::vector<double> r, size_t k) {
    for (size_t j = 0; j < k; ++j) {
        double d = A[j * k + j];
        for (size_t m = 0; m < j; ++m) d -= A[j * k + m] * A[j * k + m];
        const bool dependent = !(d > 1e-12 * A[j * k + j]);
        A[j * k + j] = dependent ? 0.0 : std::sqrt(d);
        for (size_t i = j + 1; i < k; ++i) {
            double s = A[i * k + j];
            for (size_t m = 0; m < j; ++m) s -= A[i * k + m] * A[j * k + m];
            A[i * k + j] = dependent ? 0.0 : s / A[j * k + j];
        }
    }
    for (size_t j = 0; j < k; ++j) {  // L z = r
        for (size_t m = 0; m < j; ++m) r[j] -= A[j * k + m] * r[m];
        r[j] = A[j * k + j] > 0 ? r[j] / A[j * k + j] : 0.0;
    }
    for (size_t j = k; j-- > 0;) {  // L^T b = z
        for (size_t m = j + 1; m < k; ++m) r[j] -= A[m * k + j] * r[m];
        r[j] = A[j * k + j] > 0 ? r[j] / A[j * k + j] : 0.0;
    }
    return r;
}

// lime's forward_selection: greedily add the feature whose Ridge(alpha = 0) fit on the
// features so far plus it has the highest weighted R^2 (the first such on ties).
std::vector<int> forward_selection(const Neighbourhood& n, const std::vector<double>& weights, int K) {
    std::vector<int> used;
    for (int round = 0; round < std::min(K, n.features); ++round) {
        double best_score = -1e8;
        int best = 0;
        for (int f = 0; f < n.features; ++f) {
            if (std::find(used.begin(), used.end(), f) != used.end()) continue;
            std::vector<int> columns = used;
            columns.push_back(f);
            const RidgeFit fit = weighted_ridge(n.data, n.rows, columns, n.scores, weights, 0.0);
            const double score = weighted_r2(n.scores, ridge_predict(fit, n.data, n.rows, columns), weights);
            if (score > best_score) best = f, best_score = score;
        }
        used.push_back(best);
    }
    return used;
}

// lime's highest_weights: Ridge(alpha = 0.01) on every feature, then the K largest |b_j x_0j|.
std::vector<int> highest_weights(const Neighbourhood& n, const std::vector<double>& weights, int K) {
    std::vector<int> all = every_feature(n.features);
    const RidgeFit fit = weighted_ridge(n.data, n.rows, all, n.scores, weights, 0.01);
    std::vector<double> contribution(all.size());
    for (size_t j = 0; j < all.size(); ++j) contribution[j] = std::fabs(fit.coefficients[j] * n.data[j]);
    std::stable_sort(all.begin(), all.end(),
                     [&](int a, int b) { return contribution[size_t(a)] > contribution[size_t(b)]; });
    all.resize(size_t(K));
    return all;
}

// lime's lasso_path: the LARS lasso path of the weighted, centred data (X_c, y_c), walked
// from its end (alpha = 0) back to the first knot with at most K nonzero coefficients.
std::vector<int> lasso_path(const Neighbourhood& n, const std::vector<double>& weights, int K) {
    const std::vector<int> all = every_feature(n.features);
    const Centred c = centre(n.data, n.rows, all, n.scores, weights);
    const LassoPath path = lars_lasso_path(c.x, n.rows, n.features, c.y);
    std::vector<int> nonzero = all;  // what lime keeps when the path has a single knot
    for (size_t step = path.coefficients.size() - 1; step > 0; --step) {
        nonzero.clear();
        for (int j = 0; j < n.features; ++j)
            if (path.coefficients[step][size_t(j)] != 0) nonzero.push_back(j);
        if (int(nonzero.size()) <= K) break;
    }
    return nonzero;
}

}  // namespace

std::vector<double> exponential_kernel(const std::vector<double>& distances, double kernel_width) {
    if (!(kernel_width > 0) || !std::isfinite(kernel_width))
        throw Error("lime: a kernel width of " + str(kernel_width) + "; it must be a positive number");
    std::vector<double> pi(distances.size());
    for (size_t i = 0; i < pi.size(); ++i)
        pi[i] = std::sqrt(std::exp(-(distances[i] * distances[i]) / (kernel_width * kernel_width)));
    return pi;
}

FeatureSelection feature_selection_named(const std::string& name) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '_', '-');
    using S = FeatureSelection;
    for (S mode : {S::None, S::ForwardSelection, S::HighestWeights, S::LassoPath, S::Auto})
        if (key == feature_selection_name(mode)) return mode;
    throw Error("unknown feature selection '" + name +
                "'; use none, forward-selection, highest-weights, lasso-path or auto");
}

std::string feature_selection_name(FeatureSelection mode) {
    switch (mode) {
        case FeatureSelection::None: return "none";
        case FeatureSelection::ForwardSelection: return "forward-selection";
        case FeatureSelection::HighestWeights: return "highest-weights";
        case FeatureSelection::LassoPath: return "lasso-path";
        case FeatureSelection::Auto: return "auto";
    }
    return "auto";
}

RidgeFit weighted_ridge(const std::vector<double>& data, int rows, const std::vector<int>& columns,
                        const std::vector<double>& y, const std::vector<double>& weights, double alpha) {
    if (rows < 1 || data.empty() || data.size() % size_t(rows) != 0)
        throw Error("ridge: " + std::to_string(data.size()) + " data values do not make " + std::to_string(rows) +
                    " rows");
    const int F = int(data.size() / size_t(rows));
    for (int c : columns)
        if (c < 0 || c >= F)
            throw Error("ridge: column " + std::to_string(c) + " of data with " + std::to_string(F) +
                        " features; use 0 to " + std::to_string(F - 1));
    if (y.size() != size_t(rows))
        throw Error("ridge: " + std::to_string(y.size()) + " targets for " + std::to_string(rows) + " rows");
    check_weights(weights, size_t(rows), "ridge");
    if (!(alpha >= 0) || !std::isfinite(alpha))
        throw Error("ridge: a penalty alpha of " + str(alpha) + "; it must be a number >= 0");
    const Centred c = centre(data, rows, columns, y, weights);
    const size_t k = columns.size(), R = size_t(rows);
    std::vector<double> A(k * k, 0.0), r(k, 0.0);  // A = X_c^T X_c + alpha I,  r = X_c^T y_c
    for (size_t i = 0; i < R; ++i)
        for (size_t a = 0; a < k; ++a) {
            r[a] += c.x[i * k + a] * c.y[i];
            for (size_t b = 0; b <= a; ++b) A[a * k + b] += c.x[i * k + a] * c.x[i * k + b];
        }
    for (size_t a = 0; a < k; ++a) {
        A[a * k + a] += alpha;
        for (size_t b = 0; b < a; ++b) A[b * k + a] = A[a * k + b];
    }
    RidgeFit fit;
    fit.coefficients = solve_positive(A, r, k);
    double offset = 0;
    for (size_t a = 0; a < k; ++a) offset += c.x_bar[a] * fit.coefficients[a];
    fit.intercept = c.y_bar - offset;  // b0 = y_bar - x_bar^T b
    return fit;
}

std::vector<double> ridge_predict(const RidgeFit& fit, const std::vector<double>& data, int rows,
                                  const std::vector<int>& columns) {
    const size_t F = data.size() / size_t(rows);
    std::vector<double> p(static_cast<size_t>(rows));
    for (size_t i = 0; i < p.size(); ++i) {
        double s = 0;
        for (size_t j = 0; j < columns.size(); ++j) s += data[i * F + size_t(columns[j])] * fit.coefficients[j];
        p[i] = s + fit.intercept;
    }
    return p;
}

double weighted_r2(const std::vector<double>& y, const std::vector<double>& predicted,
                   const std::vector<double>& weights) {
    if (predicted.size() != y.size())
        throw Error("r2: " + std::to_string(predicted.size()) + " predictions for " + std::to_string(y.size()) +
                    " targets");
    check_weights(weights, y.size(), "r2");
    double total = 0, y_bar = 0;
    for (size_t i = 0; i < y.size(); ++i) total += weights[i], y_bar += weights[i] * y[i];
    y_bar /= total;
    double residual = 0, spread = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        residual += weights[i] * (y[i] - predicted[i]) * (y[i] - predicted[i]);
        spread += weights[i] * (y[i] - y_bar) * (y[i] - y_bar);
    }
    return residual == 0 ? 1.0 : spread == 0 ? 0.0 : 1 - residual / spread;
}

std::vector<int> select_features(const Neighbourhood& n, const std::vector<double>& weights, int num_features,
                                 FeatureSelection mode) {
    check_neighbourhood(n);
    check_weights(weights, size_t(n.rows), "lime");
    if (num_features < 1 || num_features > n.features)
        throw Error("lime: " + std::to_string(num_features) + " features asked of a neighbourhood with " +
                    std::to_string(n.features) + "; ask for 1 to " + std::to_string(n.features));
    switch (mode) {
        case FeatureSelection::None: return every_feature(n.features);
        case FeatureSelection::ForwardSelection: return forward_selection(n, weights, num_features);
        case FeatureSelection::HighestWeights: return highest_weights(n, weights, num_features);
        case FeatureSelection::LassoPath: return lasso_path(n, weights, num_features);
        case FeatureSelection::Auto:
            return num_features <= 6 ? forward_selection(n, weights, num_features)
                                     : highest_weights(n, weights, num_features);
    }
    return {};
}

LocalModel fit_local_model(const Neighbourhood& n, double kernel_width, int num_features, FeatureSelection mode) {
    check_neighbourhood(n);
    const std::vector<double> weights = exponential_kernel(n.distances, kernel_width);
    if (*std::max_element(weights.begin(), weights.end()) == 0)
        throw Error("lime: a kernel width of " + str(kernel_width) + " gives every row weight 0 (the nearest is at " +
                    str(*std::min_element(n.distances.begin(), n.distances.end())) + "); use a wider kernel");
    LocalModel m;
    m.features = select_features(n, weights, num_features, mode);
    const RidgeFit fit = weighted_ridge(n.data, n.rows, m.features, n.scores, weights, 1.0);
    const std::vector<double> predicted = ridge_predict(fit, n.data, n.rows, m.features);
    m.intercept = fit.intercept;
    m.score = weighted_r2(n.scores, predicted, weights);
    m.local_prediction = predicted[0];
    for (size_t j = 0; j < m.features.size(); ++j) m.ranked.emplace_back(m.features[j], fit.coefficients[j]);
    std::stable_sort(m.ranked.begin(), m.ranked.end(),
                     [](const auto& a, const auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
    return m;
}

}  // namespace gb
