// similarity.hpp: how alike two explanations are, for the sanity checks
// (Adebayo et al. 2018) and for comparing methods.
#pragma once
#include <vector>

namespace gb {

// Spearman's rank correlation: Pearson's correlation of the ranks, ties
// given their mean rank,
//   rho = cov(rank a, rank b) / (sd(rank a) sd(rank b)).
// 0 when either side is constant (it has no order). Sizes must match.
double spearman(const std::vector<float>& a, const std::vector<float>& b);

// The structural similarity index (Wang et al. 2004) of two height x width
// images whose values span data_range, averaged over every 7 x 7 window
// that lies inside the images (scikit-image's defaults):
//   SSIM = (2 mu_a mu_b + C1)(2 s_ab + C2) / ((mu_a^2 + mu_b^2 + C1)(s_a^2 + s_b^2 + C2)),
//   C1 = (0.01 L)^2, C2 = (0.03 L)^2, L = data_range,
// with sample (co)variances s over the window's 49 values.
double ssim(const std::vector<float>& a, const std::vector<float>& b, int height, int width, double data_range = 1.0);

// |r| / max |r|: a map scaled into [0, 1] (all zeros stays all zeros), the
// form the sanity checks compare with SSIM.
std::vector<float> normalized_magnitude(const std::vector<float>& r);

}  // namespace gb
