// Spearman's rank correlation and SSIM: hand-checked cases and values from
// scipy.stats.spearmanr and skimage.metrics.structural_similarity.
#include "explain/evaluation/similarity.hpp"
#include "helpers.hpp"
#include "util/error.hpp"

using namespace gb;

TEST_CASE("Spearman's rank correlation", "[evaluation]") {
    CHECK(spearman({1, 2, 3, 4}, {10, 20, 30, 40}) == Approx(1.0));
    CHECK(spearman({1, 2, 3, 4}, {1, 4, 9, 16}) == Approx(1.0));  // any increasing map of the same order
    CHECK(spearman({1, 2, 3, 4}, {4, 3, 2, 1}) == Approx(-1.0));
    CHECK(spearman({1, 1, 1}, {1, 2, 3}) == 0.0);  // a constant list has no order
    // ties take their mean rank; scipy.stats.spearmanr gives 0.19885368120992467
    CHECK(spearman({3, 1, 4, 1, 5, 9, 2, 6}, {2, 7, 1, 8, 2, 8, 1, 8}) == Approx(0.19885368120992467).epsilon(1e-12));
    CHECK_THROWS_AS(spearman({1, 2}, {1, 2, 3}), Error);
}

TEST_CASE("SSIM is 1 for equal images and matches scikit-image", "[evaluation]") {
    // skimage.metrics.structural_similarity(x, y, data_range=1.0) = 0.9552199038513688
    std::vector<float> x{0.64, 0.27, 0.04, 0.02, 0.81, 0.91, 0.61, 0.73, 0.54, 0.94, 0.82, 0.0,  0.86, 0.03, 0.73,
                         0.18, 0.86, 0.54, 0.3,  0.42, 0.03, 0.12, 0.67, 0.65, 0.62, 0.38, 1.0,  0.98, 0.69, 0.65,
                         0.69, 0.39, 0.14, 0.72, 0.53, 0.31, 0.49, 0.89, 0.93, 0.36, 0.57, 0.32, 0.59, 0.34, 0.39,
                         0.89, 0.23, 0.62, 0.08, 0.83, 0.79, 0.24, 0.88, 0.06, 0.34, 0.15, 0.45, 0.8,  0.23, 0.05,
                         0.4,  0.2,  0.09, 0.58, 0.3,  0.67, 0.2,  0.94, 0.37, 0.11, 0.63, 0.93, 0.44, 0.95, 0.5,
                         0.43, 0.62, 1.0,  0.95, 0.46, 0.76, 0.5,  0.53, 0.79, 0.41, 0.73, 0.71, 0.93, 0.11, 0.73};
    std::vector<float> y{0.77, 0.41, 0.0,  0.13, 0.95, 1.0,  0.5,  0.87, 0.66, 1.0,  0.81, 0.0,  0.95, 0.16, 0.66,
                         0.19, 0.84, 0.67, 0.16, 0.49, 0.06, 0.0,  0.74, 0.5,  0.7,  0.38, 1.0,  0.85, 0.79, 0.52,
                         0.64, 0.37, 0.28, 0.74, 0.46, 0.23, 0.61, 0.81, 0.82, 0.3,  0.6,  0.34, 0.68, 0.36, 0.33,
                         0.86, 0.33, 0.66, 0.22, 0.79, 0.81, 0.27, 0.98, 0.0,  0.31, 0.27, 0.31, 0.9,  0.2,  0.15,
                         0.25, 0.16, 0.0,  0.63, 0.23, 0.73, 0.33, 0.83, 0.48, 0.0,  0.59, 0.91, 0.44, 1.0,  0.58,
                         0.37, 0.55, 1.0,  1.0,  0.46, 0.71, 0.65, 0.47, 0.69, 0.52, 0.82, 0.76, 1.0,  0.24, 0.8};
    CHECK(ssim(x, x, 9, 10) == Approx(1.0));
    CHECK(ssim(x, y, 9, 10) == Approx(0.9552199038513688).epsilon(1e-6));
    // a constant image against another constant: only the luminance term, (2ab + C1) / (a^2 + b^2 + C1)
    std::vector<float> a(49, 0.2f), b(49, 0.6f);
    const double c1 = 1e-4;
    CHECK(ssim(a, b, 7, 7) == Approx((2 * 0.2 * 0.6 + c1) / (0.04 + 0.36 + c1)).epsilon(1e-5));
    CHECK_THROWS_AS(ssim(x, y, 10, 10), Error);
    CHECK_THROWS_AS(ssim(a, b, 7, 6), Error);
}

TEST_CASE("normalized magnitude maps into [0, 1]", "[evaluation]") {
    CHECK(normalized_magnitude({-2, 1, 0, 4}) == std::vector<float>{0.5f, 0.25f, 0.0f, 1.0f});
    CHECK(normalized_magnitude({0, 0}) == std::vector<float>{0.0f, 0.0f});
}
