#include "explain/surrogate/lars.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "util/error.hpp"

namespace gb {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();  // lars_path's eps: the floor of a pivot of L
constexpr double kTiny32 = FLT_MIN;               // np.finfo(float32).tiny, keeps the step divisions finite
constexpr double kEqualityTolerance = FLT_EPSILON;  // np.finfo(float32).eps: the path ends at alpha <= this
constexpr double kDegeneratePivot = 1e-7;         // a joining feature this close to the span of A is refused
constexpr int kMaxIterations = 500;

// sklearn's min_pos: the smallest positive value, or the largest double if none is positive.
double min_positive(const std::vector<double>& v) {
    double m = std::numeric_limits<double>::max();
    for (double x : v)
        if (x > 0 && x < m) m = x;
    return m;
}

// numpy's around(x, 15): scale, round half to even, scale back.
double round_15_decimals(double x) { return std::nearbyint(x * 1e15) / 1e15; }

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
    return s;
}

// The path walker. Features sit in slots, as sklearn keeps them by swapping the
// columns of X: slots [0, active) hold A in the order of L's rows, the rest the
// inactive features, whose correlations c_j are cov[slot - active].
class Lars {
  public:
    Lars(const std::vector<double>& x, int rows, int features, const std::vector<double>& y)
        : x_(x), y_(y), n_(rows), p_(features), slot_(size_t(features)), L_(size_t(features) * features, 0.0),
          sign_(size_t(features), 0.0) {
        std::iota(slot_.begin(), slot_.end(), 0);
        for (int s = 0; s < p_; ++s) {  // c = X^T y
            double c = 0;
            for (int i = 0; i < n_; ++i) c += at(i, s) * y_[size_t(i)];
            cov_.push_back(c);
        }
    }

    LassoPath walk() {
        LassoPath path;
        path.alphas.push_back(0.0);
        path.coefficients.emplace_back(size_t(p_), 0.0);
        bool dropped = false;  // after a drop no feature joins in the next step
        for (int iter = 0;; ++iter) {
            // C = max_j |c_j| over the inactive features (the first such j on ties), alpha = C / n
            size_t best = 0;
            for (size_t k = 1; k < cov_.size(); ++k)
                if (std::fabs(cov_[k]) > std::fabs(cov_[best])) best = k;
            const double c_best = cov_.empty() ? 0.0 : cov_[best], C = std::fabs(c_best);
            path.alphas[size_t(iter)] = C / n_;
            if (path.alphas[size_t(iter)] <= kEqualityTolerance) break;  // reached alpha_min = 0
            if (iter >= kMaxIterations || active_ >= p_) break;
            if (!dropped) {
                // The feature with the largest |c_j| joins A in slot `active`: L grows by one row.
                sign_[size_t(active_)] = double((c_best > 0) - (c_best < 0));
                std::swap(cov_[best], cov_[0]);
                std::swap(slot_[best + size_t(active_)], slot_[size_t(active_)]);
                if (append_row(active_) < kDegeneratePivot) {
                    // x_j is (nearly) in the span of A. As sklearn does: zero the correlation in
                    // slot `best` and look again. The slots stay swapped, so (if best > 0) x_j now
                    // carries the correlation of the feature it swapped with, and that one 0.
                    cov_[0] = 0;
                    std::swap(cov_[best], cov_[0]);
                    --iter;
                    continue;
                }
                cov_.erase(cov_.begin());
                ++active_;
            }
            // Round-off made alpha grow again: sklearn stops the path here.
            if (iter > 0 && path.alphas[size_t(iter) - 1] < path.alphas[size_t(iter)]) break;

            // g = G_A^-1 s_A,  A_A = (s_A^T g)^(-1/2),  w_A = A_A g
            const std::vector<double> s(sign_.begin(), sign_.begin() + active_);
            std::vector<double> w = solve_factor(L_, s);
            double AA = 1;
            if (active_ == 1 && w[0] == 0) {
                w[0] = 1;
            } else {
                AA = 1 / std::sqrt(dot(w, s));
                if (!std::isfinite(AA)) {  // L too ill-conditioned: add 2^i eps to its diagonal until finite
                    std::vector<double> nudged = L_;
                    for (int i = 0; !std::isfinite(AA); ++i) {
                        for (int k = 0; k < active_; ++k) nudged[size_t(k) * p_ + k] += std::ldexp(1.0, i) * kEps;
                        w = solve_factor(nudged, s);
                        AA = 1 / std::sqrt(std::max(dot(w, s), kEps));
                    }
                }
                for (double& v : w) v *= AA;
            }
            // u = X_A w_A, and a_j = x_j^T u for each inactive j
            std::vector<double> u(size_t(n_), 0.0), a(cov_.size(), 0.0);
            for (int i = 0; i < n_; ++i)
                for (int k = 0; k < active_; ++k) u[size_t(i)] += at(i, k) * w[size_t(k)];
            for (size_t k = 0; k < a.size(); ++k) {
                for (int i = 0; i < n_; ++i) a[k] += at(i, active_ + int(k)) * u[size_t(i)];
                a[k] = round_15_decimals(a[k]);
            }
            // gamma = min+ { (C - c_j) / (A_A - a_j), (C + c_j) / (A_A + a_j) }, at most C / A_A (eq. 2.13)
            std::vector<double> g1(a.size()), g2(a.size());
            for (size_t k = 0; k < a.size(); ++k) {
                g1[k] = (C - cov_[k]) / (AA - a[k] + kTiny32);
                g2[k] = (C + cov_[k]) / (AA + a[k] + kTiny32);
            }
            double gamma = std::min({min_positive(g1), min_positive(g2), C / AA});
            // Lasso: the first active b_j to reach zero, at gamma_j = -b_j / w_j (eq. 3.5), ends the step there.
            const std::vector<double>& b = path.coefficients[size_t(iter)];
            std::vector<double> z(static_cast<size_t>(active_));
            for (int k = 0; k < active_; ++k) z[size_t(k)] = -b[size_t(slot_[size_t(k)])] / (w[size_t(k)] + kTiny32);
            const double z_min = min_positive(z);
            std::vector<int> leaving;  // slots, largest first
            dropped = z_min < gamma;
            if (dropped) {
                gamma = z_min;
                for (int k = active_ - 1; k >= 0; --k)
                    if (z[size_t(k)] == z_min) leaving.push_back(k);
            }
            // b_A <- b_A + gamma w_A,  c_j <- c_j - gamma a_j
            std::vector<double> next(size_t(p_), 0.0);
            for (int k = 0; k < active_; ++k) {
                const size_t j = size_t(slot_[size_t(k)]);
                next[j] = b[j] + gamma * w[size_t(k)];
            }
            // A leaving b_j is exactly 0 at this knot. (sklearn's b_j + (-b_j / w_j) w_j leaves round-off
            // there, most often 0 but not always. lime's count of nonzero b does not depend on it: the
            // next knot, where b_j is inactive, has fewer and comes first in lime's walk from the end.)
            for (int k : leaving) next[size_t(slot_[size_t(k)])] = 0.0;
            for (size_t k = 0; k < cov_.size(); ++k) cov_[k] -= gamma * a[k];
            path.coefficients.push_back(std::move(next));
            path.alphas.push_back(0.0);
            if (dropped) drop(leaving, path.coefficients.back());
        }
        return path;
    }

  private:
    // x_{i, j} for the feature j in slot s
    double at(int i, int s) const { return x_[size_t(i) * size_t(p_) + size_t(slot_[size_t(s)])]; }

    // Row k of L for the feature in slot k: L_k,<k = L_<k^-1 X_<k^T x_k, L_kk = sqrt(|x_k^T x_k - |L_k,<k|^2|).
    double append_row(int k) {
        double* row = &L_[size_t(k) * size_t(p_)];
        double c = 0;
        for (int i = 0; i < n_; ++i) c += at(i, k) * at(i, k);
        for (int j = 0; j < k; ++j) {
            row[j] = 0;
            for (int i = 0; i < n_; ++i) row[j] += at(i, k) * at(i, j);
        }
        for (int j = 0; j < k; ++j) {  // forward substitution with L_<k
            for (int m = 0; m < j; ++m) row[j] -= L_[size_t(j) * p_ + m] * row[m];
            row[j] /= L_[size_t(j) * p_ + j];
        }
        double v = 0;
        for (int j = 0; j < k; ++j) v += row[j] * row[j];
        row[k] = std::max(std::sqrt(std::fabs(c - v)), kEps);
        return row[k];
    }

    // Solves L L^T g = s for the active block of the factor L (forward, then backward substitution).
    std::vector<double> solve_factor(const std::vector<double>& L, std::vector<double> g) const {
        const int k = active_;
        for (int j = 0; j < k; ++j) {
            for (int m = 0; m < j; ++m) g[size_t(j)] -= L[size_t(j) * p_ + m] * g[size_t(m)];
            g[size_t(j)] /= L[size_t(j) * p_ + j];
        }
        for (int j = k - 1; j >= 0; --j) {
            double t = g[size_t(j)];
            for (int m = j + 1; m < k; ++m) t -= L[size_t(m) * p_ + j] * g[size_t(m)];
            g[size_t(j)] = t / L[size_t(j) * p_ + j];
        }
        return g;
    }

    // The features in `leaving` (slots, largest first) leave A: each moves to the front of
    // the inactive slots, L is refactored, and c_j = x_j^T (y - X_A b_A) is recomputed for them.
    // (sklearn downdates L by Givens rotations instead: the same factor up to round-off. For
    // two features leaving at once, which needs an exact tie, sklearn's bookkeeping goes astray.)
    void drop(const std::vector<int>& leaving, const std::vector<double>& b) {
        for (int k : leaving) {
            std::rotate(slot_.begin() + k, slot_.begin() + k + 1, slot_.begin() + active_);
            sign_.erase(sign_.begin() + k);
            sign_.push_back(0.0);
            --active_;
        }
        for (int k = 0; k < active_; ++k) append_row(k);
        std::vector<double> residual(static_cast<size_t>(n_));
        for (int i = 0; i < n_; ++i) {
            double fit = 0;
            for (int k = 0; k < active_; ++k) fit += at(i, k) * b[size_t(slot_[size_t(k)])];
            residual[size_t(i)] = y_[size_t(i)] - fit;
        }
        std::vector<double> back;
        for (size_t d = 0; d < leaving.size(); ++d) {
            double c = 0;
            for (int i = 0; i < n_; ++i) c += at(i, active_ + int(d)) * residual[size_t(i)];
            back.push_back(c);
        }
        cov_.insert(cov_.begin(), back.begin(), back.end());
    }

    const std::vector<double>& x_;
    const std::vector<double>& y_;
    const int n_, p_;
    std::vector<int> slot_;
    std::vector<double> L_;     // (p, p) lower triangular; its first `active` rows factor G_A
    std::vector<double> sign_;  // s_A, by slot
    std::vector<double> cov_;   // c_j of the inactive features, by slot
    int active_ = 0;
};

}  // namespace

LassoPath lars_lasso_path(const std::vector<double>& x, int rows, int features, const std::vector<double>& y) {
    if (rows < 1 || features < 1 || x.size() != size_t(rows) * size_t(features) || y.size() != size_t(rows))
        throw Error("lars: the data must be rows x features = " + std::to_string(rows) + " x " +
                    std::to_string(features) + " values with one target per row; got " + std::to_string(x.size()) +
                    " values and " + std::to_string(y.size()) + " targets");
    return Lars(x, rows, features, y).walk();
}

}  // namespace gb
