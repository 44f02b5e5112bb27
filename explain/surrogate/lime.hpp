// lime.hpp: LIME (Ribeiro, Singh, Guestrin 2016, "Why should I trust you?"),
// the three explainers of the reference implementation (lime_image,
// lime_text, lime_tabular). Each builds a neighbourhood of the instance in
// an interpretable representation z' (which superpixels, words or feature
// bins are kept), asks the black box f (a Scorer) for its scores there, and
// hands both to the core (lime_base.hpp), which weighs the samples by
//   pi_x(z) = sqrt(exp(-D(x, z)^2 / width^2))
// and fits the local linear model g(z') = w . z' + b by weighted ridge.
//
// The conventions are lime's:
//   images  rows of random 0/1 per superpixel (row 0 all ones), hidden
//           superpixels replaced by their mean or a constant; D = the cosine
//           distance of the rows to the all-ones row; width 0.25
//   text    a random number of distinct words removed per row (1 to all, row
//           0 keeps every word), every occurrence of a removed word deleted and
//           the rest moved up; D = 100 times the cosine distance; width 25
//   tables  each feature discretized into quartiles of the training data; a
//           row draws every feature's bin from the training frequencies and a
//           value inside the bin (a normal truncated to the bin, with the
//           bin's mean and standard deviation); z'_j = 1 where the bin is the
//           instance's; D = euclidean distance of the rows; width 0.75 sqrt(F)
// The black box's score is its softmax probability (lime's classifier_fn
// returns probabilities), or the logit with LimeSettings::probabilities off.
// Every random choice comes from one Rng seeded by LimeSettings::seed: the
// same seed gives the same explanation.
#pragma once
#include <string>
#include <vector>

#include "explain/perturbation/scorer.hpp"
#include "explain/perturbation/segmentation.hpp"
#include "explain/surrogate/lime_base.hpp"

namespace gb {

struct LimeSettings {
    int samples = 1000;         // N, the neighbourhood's size, row 0 included
    double kernel_width = 0;    // 0: lime's width for the kind of input (above)
    int features = 10;          // K, the features of the local model
    bool at_most = true;        // K is at most the number of interpretable features (lime's default
                                // asks for 10); off: more than there are is an error
    FeatureSelection selection = FeatureSelection::Auto;
    uint64_t seed = 1;
    bool probabilities = true;  // explain softmax probabilities (lime) or logits
};

// What an explainer found: the local model, the neighbourhood it was fitted
// on (for --save-samples), the names of the interpretable features, and each
// input value's feature (-1: none), to draw the coefficients as a map.
struct LimeResult {
    LocalModel model;
    Neighbourhood neighbourhood;
    std::vector<double> weights;            // pi_x of every row
    Tensor scores;                          // (N, C): the black box's scores of every row
    double kernel_width = 0;
    std::vector<std::string> feature_names;  // "segment 3", "atheism", "proline > 985.00"
    std::vector<int> feature_of;            // per value of the input (per pixel, word position or column)
};

// The hidden superpixels' fill: their mean value (hide_mean) or `hide_value`.
// x: one image (1, C, H, W) or (1, H * W) with the size given; segments over H x W.
LimeResult lime_image(const Scorer& score, const Tensor& x, int target, const Segmentation& segments, bool hide_mean,
                      float hide_value, const LimeSettings& settings);

// ids: one post as word ids (1, T), padding id 0 at the end.
LimeResult lime_text(const Scorer& score, const Tensor& ids, int target, const std::vector<std::string>& vocabulary,
                     const LimeSettings& settings);

// What the tabular explainer knows of the training data: its rows in the
// model's input space (rows x F), the feature names, and how to show a value
// in the data's own units (raw = value * scale + mean).
struct TableStatistics {
    std::vector<float> rows;
    std::vector<std::string> names;
    std::vector<float> mean, scale;
};
// row: one example (1, F) in the model's input space.
LimeResult lime_tabular(const Scorer& score, const Tensor& row, int target, const TableStatistics& training,
                        const LimeSettings& settings);

}  // namespace gb
