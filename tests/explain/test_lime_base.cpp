// LIME's core (explain/surrogate/lime_base.hpp, lars.hpp): against lime and
// scikit-learn (golden files from tests/golden/make_golden_lime.py), against
// closed forms, and on problems whose answer is worked out by hand.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "explain/surrogate/lars.hpp"
#include "explain/surrogate/lime_base.hpp"
#include "helpers.hpp"
#include "util/random.hpp"

using namespace gb;
using Catch::Matchers::Contains;

namespace {

// ---- golden files -------------------------------------------------------------
// The file's tokens without its '#' lines; next(word) checks that word comes next.
struct Tokens {
    std::istringstream in;
    explicit Tokens(const std::string& path) {
        std::ifstream file(path);
        REQUIRE(file.good());
        std::string line, text;
        while (std::getline(file, line))
            if (line.rfind('#', 0) != 0) text += line + "\n";
        in.str(text);
    }
    Tokens& next(const std::string& word) {
        std::string got;
        REQUIRE(((in >> got) && got == word));
        return *this;
    }
    double number() {
        double v = 0;
        REQUIRE(bool(in >> v));
        return v;
    }
    std::vector<double> numbers(size_t count) {
        std::vector<double> v(count);
        for (double& x : v) x = number();
        return v;
    }
    LassoPath knots(int features) {  // the path after the next word "knots"
        LassoPath path;
        for (std::string word; word != "knots";) REQUIRE(bool(in >> word));
        for (int k = 0, m = int(number()); k < m; ++k) {
            path.alphas.push_back(number());
            path.coefficients.push_back(numbers(size_t(features)));
        }
        return path;
    }
    Neighbourhood neighbourhood(double& kernel_width) {
        Neighbourhood n{int(next("neighbourhood").number()), int(number()), {}, {}, {}};
        kernel_width = number();
        n.data = next("data").numbers(size_t(n.rows) * size_t(n.features));
        n.scores = next("scores").numbers(size_t(n.rows));
        n.distances = next("distances").numbers(size_t(n.rows));
        return n;
    }
};

// |a - b| relative to |b| (absolute below `floor`), the measure of "to 1e-6 relative".
double deviation(double a, double b, double floor = 1e-8) { return std::fabs(a - b) / std::max(std::fabs(b), floor); }

// The largest deviation of a path from sklearn's, checking that the same coefficients are exactly 0
// (lime counts them) except sklearn's round-off (a leaving feature's, where glassbox has 0).
double compare_paths(const LassoPath& mine, const LassoPath& sklearn) {
    REQUIRE(mine.alphas.size() == sklearn.alphas.size());
    double worst = 0;
    for (size_t k = 0; k < mine.alphas.size(); ++k) {
        INFO("knot " << k);
        if (k + 1 < mine.alphas.size())  // the last alpha is round-off around 0
            worst = std::max(worst, deviation(mine.alphas[k], sklearn.alphas[k]));
        double largest = 0;
        for (double b : sklearn.coefficients[k]) largest = std::max(largest, std::fabs(b));
        for (size_t j = 0; j < mine.coefficients[k].size(); ++j) {
            INFO("feature " << j);
            const double a = mine.coefficients[k][j], b = sklearn.coefficients[k][j];
            if (std::fabs(b) > 1e-12 * largest || b == 0) CHECK((a == 0) == (b == 0));
            worst = std::max(worst, deviation(a, b, 1e-6));
        }
    }
    return worst;
}

}  // namespace

TEST_CASE("fit_local_model matches lime's explain_instance_with_data", "[lime][golden]") {
    double worst = 0;
    int fits = 0;
    for (const char* name : {"image", "text", "tabular"}) {
        Tokens t(std::string("tests/golden/lime_") + name + ".txt");
        double width = 0;
        const Neighbourhood n = t.neighbourhood(width);
        for (int f = 0, count = int(t.next("fits").number()); f < count; ++f, ++fits) {
            std::string mode;
            t.next("fit").in >> mode;
            const int k = int(t.number());
            INFO(name << ": " << mode << ", " << k << " features");
            const LocalModel got = fit_local_model(n, width, k, feature_selection_named(mode));
            worst = std::max({worst, deviation(got.intercept, t.next("intercept").number()),
                              deviation(got.score, t.next("score").number()),
                              deviation(got.local_prediction, t.next("local_pred").number())});
            REQUIRE(got.ranked.size() == size_t(t.next("ranked").number()));
            for (const auto& [feature, coefficient] : got.ranked) {
                CHECK(feature == int(t.number()));
                worst = std::max(worst, deviation(coefficient, t.number()));
            }
        }
    }
    INFO(fits << " fits; largest relative deviation from lime " << worst);
    CHECK(fits == 70);
    CHECK(worst < 1e-6);
}

TEST_CASE("the LARS lasso path matches scikit-learn's lars_path", "[lime][golden]") {
    double worst = 0;
    for (const char* name : {"image", "text", "tabular"}) {
        INFO(name);
        Tokens t(std::string("tests/golden/lime_") + name + ".txt");
        double width = 0;
        const Neighbourhood n = t.neighbourhood(width);
        // lime's lasso_path input: x_c = (x - x_bar) sqrt(pi), y_c = (y - y_bar) sqrt(pi), weighted means
        const std::vector<double> pi = exponential_kernel(n.distances, width);
        const size_t R = size_t(n.rows), F = size_t(n.features);
        std::vector<double> x(R * F), y(R);
        for (size_t j = 0; j <= F; ++j) {  // column j of x; j = F: y
            auto v = [&](size_t i) { return j < F ? n.data[i * F + j] : n.scores[i]; };
            double mean = 0, total = 0;
            for (size_t i = 0; i < R; ++i) mean += v(i) * pi[i], total += pi[i];
            for (size_t i = 0; i < R; ++i) (j < F ? x[i * F + j] : y[i]) = (v(i) - mean / total) * std::sqrt(pi[i]);
        }
        worst = std::max(worst, compare_paths(lars_lasso_path(x, n.rows, n.features, y), t.knots(n.features)));
    }
    // A path on which a feature leaves the active set and comes back.
    Tokens t("tests/golden/lime_lars.txt");
    const int rows = int(t.next("path").number()), features = int(t.number());
    const std::vector<double> x = t.next("x").numbers(size_t(rows) * size_t(features));
    const std::vector<double> y = t.next("y").numbers(size_t(rows));
    worst = std::max(worst, compare_paths(lars_lasso_path(x, rows, features, y), t.knots(features)));
    INFO("largest relative deviation from sklearn " << worst);
    CHECK(worst < 1e-6);
}

// ---- closed forms and hand-worked problems ------------------------------------------------

TEST_CASE("weighted ridge equals its closed form", "[lime]") {
    // 5 rows, 2 features. The closed form keeps the intercept unpenalised:
    //   [ sum w     sum w x^T     ] [b0]   [ sum w y   ]
    //   [ sum w x   X^T W X + a I ] [b ] = [ X^T W y   ]
    const std::vector<double> data = {1, 0.5, 2, -1, 0, 3, 1.5, 1, -0.5, 2};
    const std::vector<double> y = {1, 2, 0.5, -1, 3}, w = {1, 0.5, 2, 0.25, 1.5};
    for (double alpha : {0.0, 0.01, 1.0, 10.0}) {
        INFO("alpha " << alpha);
        double M[3][4] = {};  // the augmented system [M | r], rows and columns (1, x0, x1)
        for (size_t i = 0; i < 5; ++i)
            for (int a = 0; a < 3; ++a) {
                const double z[3] = {1, data[2 * i], data[2 * i + 1]};
                for (int b = 0; b < 3; ++b) M[a][b] += w[i] * z[a] * z[b];
                M[a][3] += w[i] * z[a] * y[i];
            }
        M[1][1] += alpha, M[2][2] += alpha;
        for (int p = 0; p < 3; ++p)  // Gauss-Jordan
            for (int r = 0; r < 3; ++r) {
                const double f = r == p ? 0.0 : M[r][p] / M[p][p];
                for (int c = 0; c < 4; ++c) M[r][c] -= f * M[p][c];
            }
        const RidgeFit fit = weighted_ridge(data, 5, {0, 1}, y, w, alpha);
        for (size_t k = 0; k < 3; ++k)
            CHECK((k ? fit.coefficients[k - 1] : fit.intercept) == Approx(M[k][3] / M[k][k]).epsilon(1e-12));
        CHECK(weighted_ridge(data, 5, {1, 0}, y, w, alpha).coefficients[0] == Approx(fit.coefficients[1]));
    }
    // With alpha = 0 a repeated column leaves a least-squares fit: the copy gets 0, the fit is the same.
    const RidgeFit single = weighted_ridge(data, 5, {0}, y, w, 0.0), twice = weighted_ridge(data, 5, {0, 0}, y, w, 0.0);
    CHECK((twice.coefficients[0] == Approx(single.coefficients[0]) && twice.coefficients[1] == 0.0));
    CHECK(twice.intercept == Approx(single.intercept));
    // No columns: the intercept is the weighted mean.
    CHECK(weighted_ridge(data, 5, {}, y, w, 1.0).intercept == Approx((1 + 1 + 1 - 0.25 + 4.5) / 5.25));
}

TEST_CASE("lime's kernel, and weighted R^2 as scikit-learn's r2_score", "[lime]") {
    const std::vector<double> pi = exponential_kernel({0.0, 0.25, 0.5}, 0.25);  // sqrt(exp(-d^2 / width^2))
    CHECK((pi[0] == 1.0 && pi[1] == Approx(std::exp(-0.5)) && pi[2] == Approx(std::exp(-2.0))));
    // y_bar = (1*1 + 3*3) / 4 = 2.5; residual = 1*0.25 + 3*0.25 = 1; spread = 1*2.25 + 3*0.25 = 3
    CHECK(weighted_r2({1, 3}, {1.5, 2.5}, {1, 3}) == Approx(1 - 1.0 / 3));
    CHECK(weighted_r2({1, 3}, {1, 3}, {1, 3}) == 1.0);
    CHECK(weighted_r2({2, 2}, {2, 2}, {1, 1}) == 1.0);  // 0 / 0
    CHECK(weighted_r2({2, 2}, {1, 2}, {1, 1}) == 0.0);  // x / 0
}

namespace {

// All 8 rows of 3 binary features, the instance (0, 1, 1) first, weights 1, and
// f(z) = 3 z0 + 2 z1 + z2. The centred columns are orthogonal with |x_j|^2 = 2,
// so every fit separates: b_j = 2 f_j / (2 + alpha), and the R^2 of a set S is
// sum_S f_j^2 / 14.
Neighbourhood factorial() {
    Neighbourhood n{8, 3, {}, {}, {}};
    for (int r : {3, 0, 1, 2, 4, 5, 6, 7}) {
        const double z[3] = {double(r >> 2 & 1), double(r >> 1 & 1), double(r & 1)};
        n.data.insert(n.data.end(), z, z + 3);
        n.scores.push_back(3 * z[0] + 2 * z[1] + z[2]);
        n.distances.push_back(0.0);
    }
    return n;
}

}  // namespace

TEST_CASE("each feature selection on a problem worked out by hand", "[lime]") {
    const Neighbourhood n = factorial();
    const std::vector<double> w(8, 1.0);
    auto pick = [&](int k, FeatureSelection mode) { return select_features(n, w, k, mode); };
    CHECK(pick(1, FeatureSelection::None) == std::vector<int>{0, 1, 2});
    // forward: R^2 of {0}, {1}, {2} = 9/14, 4/14, 1/14, then {0,1} = 13/14 beats {0,2} = 10/14
    CHECK(pick(2, FeatureSelection::ForwardSelection) == std::vector<int>{0, 1});
    CHECK(pick(3, FeatureSelection::ForwardSelection) == std::vector<int>{0, 1, 2});
    // highest weights: |b_j x_0j| = (6/2.01) * 0, (4/2.01) * 1, (2/2.01) * 1
    CHECK(pick(2, FeatureSelection::HighestWeights) == std::vector<int>{1, 2});
    CHECK(pick(3, FeatureSelection::HighestWeights) == std::vector<int>{1, 2, 0});
    // lasso: on this orthogonal design the path is soft thresholding (below), so the
    // features enter in the order of |c_j|, c = X_c^T y_c = (6, 4, 2)
    CHECK(pick(1, FeatureSelection::LassoPath) == std::vector<int>{0});
    CHECK(pick(2, FeatureSelection::LassoPath) == std::vector<int>{0, 1});
    CHECK(pick(2, FeatureSelection::Auto) == std::vector<int>{0, 1});  // forward selection for K <= 6

    // The path itself, with z1's sign flipped: b_j(alpha) = sign(c_j) max(|c_j| - n alpha, 0) / |x_j|^2,
    // c = (6, -4, 2), n = 8, |x_j|^2 = 2: knots at n alpha = 6, 4, 2, 0.
    std::vector<double> x(24), y(8);
    for (size_t i = 0; i < 24; ++i) x[i] = n.data[i] - 0.5;
    for (size_t i = 0; i < 8; ++i) y[i] = n.scores[i] - 4 * n.data[i * 3 + 1] - 1;  // 3 z0 - 2 z1 + z2 - its mean
    const LassoPath path = lars_lasso_path(x, 8, 3, y);
    REQUIRE(path.alphas.size() == 4);
    const std::vector<std::vector<double>> b = {{0, 0, 0}, {1, 0, 0}, {2, -1, 0}, {3, -2, 1}};
    for (size_t k = 0; k < 4; ++k) {
        CHECK(path.alphas[k] == Approx(0.75 - 0.25 * double(k)).margin(1e-12));
        for (size_t j = 0; j < 3; ++j) CHECK(path.coefficients[k][j] == Approx(b[k][j]).margin(1e-12));
    }
}

TEST_CASE("a linear black box over binary features is recovered", "[lime]") {
    // f(z) = w . z + 0.5, noise free; rows as lime_image draws them, cosine distances, width 0.25.
    // Ridge's alpha = 1 shrinks b by about 1 / (sum_i pi_i var(z)), under 1e-4 with 40000 rows.
    const std::vector<double> truth = {0.8, -0.5, 0.3, 0.0, 1.2, -0.9};
    Neighbourhood n{40000, 6, {}, {}, {}};
    Rng rng(7);
    for (int i = 0; i < n.rows; ++i) {
        double f = 0.5, dot = 0, norm = 0;
        for (int j = 0; j < n.features; ++j) {
            const double z = i == 0 ? 1.0 : double(rng.below(2));
            n.data.push_back(z);
            f += truth[size_t(j)] * z, dot += z, norm += z * z;
        }
        n.scores.push_back(f);
        n.distances.push_back(norm == 0 ? 1.0 : 1 - dot / (std::sqrt(norm) * std::sqrt(6.0)));
    }
    const LocalModel m = fit_local_model(n, 0.25, 6, FeatureSelection::None);
    REQUIRE(m.ranked.size() == 6);
    for (const auto& [feature, b] : m.ranked) CHECK(b == Approx(truth[size_t(feature)]).margin(1e-3));
    CHECK((m.ranked[0].first == 4 && m.ranked[1].first == 5));  // |1.2| first, then |-0.9|, ...
    CHECK(m.intercept == Approx(0.5).margin(1e-3));
    CHECK(m.local_prediction == Approx(n.scores[0]).margin(1e-3));
    CHECK(m.score == Approx(1.0).margin(1e-6));
}

TEST_CASE("lime's mistakes are errors with clear messages", "[lime]") {
    const Neighbourhood good = factorial();
    auto fit = [&](void (*change)(Neighbourhood&), double width = 0.25, int k = 2) {
        Neighbourhood n = good;
        change(n);
        return fit_local_model(n, width, k, FeatureSelection::Auto);
    };
    auto same = [](Neighbourhood&) {};
    CHECK_THROWS_WITH(fit(same, 0.25, 0), Contains("ask for 1 to 3"));
    CHECK_THROWS_WITH(fit(same, 0.25, 4), Contains("ask for 1 to 3"));
    CHECK_THROWS_WITH(fit(same, 0.0), Contains("kernel width of 0"));
    CHECK_THROWS_WITH(fit(same, -1.0), Contains("positive"));
    CHECK_THROWS_WITH(fit([](Neighbourhood& n) { n.rows = 1, n.data.resize(3), n.scores.resize(1); }),
                      Contains("at least 2 rows"));
    CHECK_THROWS_WITH(fit([](Neighbourhood& n) { n.scores.pop_back(); }), Contains("7 scores"));
    CHECK_THROWS_WITH(fit([](Neighbourhood& n) { n.data.pop_back(); }), Contains("23 values"));
    CHECK_THROWS_WITH(fit([](Neighbourhood& n) { n.distances.push_back(0); }), Contains("9 distances"));
    CHECK_THROWS_WITH(fit([](Neighbourhood& n) { n.scores[3] = std::nan(""); }), Contains("score of row 3"));
    CHECK_THROWS_WITH(feature_selection_named("lasso"),
                      Contains("none, forward-selection, highest-weights, lasso-path or auto"));
    CHECK(feature_selection_named("forward_selection") == FeatureSelection::ForwardSelection);
    CHECK(feature_selection_named("lasso-path") == FeatureSelection::LassoPath);
    const std::vector<double> ones(8, 1.0);
    CHECK_THROWS_WITH(select_features(good, {1, 1, 1}, 2, FeatureSelection::None), Contains("3 weights for 8 rows"));
    CHECK_THROWS_WITH(weighted_ridge(good.data, 8, {3}, good.scores, ones, 1.0), Contains("use 0 to 2"));
    CHECK_THROWS_WITH(weighted_ridge(good.data, 8, {0}, good.scores, std::vector<double>(8, -1.0), 1.0),
                      Contains(">= 0"));
    CHECK_THROWS_WITH(weighted_ridge(good.data, 8, {0}, good.scores, ones, -1.0), Contains("alpha of -1"));
    CHECK_THROWS_WITH(lars_lasso_path({1, 2, 3}, 2, 2, {1, 2}), Contains("2 x 2"));
}
