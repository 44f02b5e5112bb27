// lime_fit.hpp: what LIME's three explainers share once their neighbourhood
// is drawn: scoring its rows in batches, the cosine distance of lime_image
// and lime_text, and the fit of the local model.
#pragma once
#include "explain/surrogate/lime.hpp"

namespace gb {

// The scores (N, C) of a batch of N inputs, `chunk` rows at a time.
Tensor score_in_chunks(const Scorer& score, const Tensor& inputs, int chunk = 100);

// D(x, z) = scale (1 - cos(z'_0, z')) for every row z' of 0/1 rows (N x F), row 0 the instance
// (lime_image: scale 1; lime_text: 100).
std::vector<double> cosine_distances(const std::vector<double>& rows, int N, int F, double scale);

// Fills the result: the explained column of `scores` (softmax probabilities,
// or logits) as the neighbourhood's scores, the weights, and the local model
// with settings.kernel_width, or `default_width` when that is 0.
LimeResult fit_neighbourhood(Neighbourhood neighbourhood, const Tensor& scores, int target, double default_width,
                             const LimeSettings& settings);

}  // namespace gb
