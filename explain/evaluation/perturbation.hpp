// perturbation.hpp: region perturbation (Samek et al. 2017, "Evaluating the
// visualization of what a deep neural network has learned"), the test of
// whether an explanation points at what the network really uses.
//
// The image is cut into a grid of patch x patch regions r_1, r_2, ... ranked
// by their summed relevance. Starting from x^(0) = x, step k replaces region
// r_k by values from a chosen distribution,
//   x^(k) = g(x^(k-1), r_k),
// most relevant first (MoRF) or least relevant first (LeRF), and records the
// explained score f(x^(k)) (the logit of the explained class). A good
// explanation makes the MoRF curve fall fast (it is selective) and the LeRF
// curve stay flat. The figures of merit, over L steps:
//   AOPC = 1/(L+1) < sum_{k=0..L} f(x^(0)) - f(x^(k)) >_p(x)     (higher: better, for MoRF)
//   ABPC = 1/(L+1) < sum_{k=0..L} f(x^(k)_LeRF) - f(x^(k)_MoRF) >  (the area between LeRF and MoRF)
// A random order of the regions is the baseline any method must beat.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explain/explain.hpp"

namespace gb {

// What a perturbed region is filled with.
enum class Replacement {
    Uniform,   // fresh samples of U(low, high) for every pixel (Samek et al.'s choice)
    Constant,  // one value
    Blur,      // the image itself, Gaussian-blurred: the region loses its detail, not its ink
};
Replacement replacement_named(const std::string& name);  // "uniform", "constant", "blur"; else gb::Error

struct PerturbationOptions {
    int height = 28, width = 28;  // the image: the last height x width values of each example
    int patch = 4;                // the regions: a grid of patch x patch squares
    int steps = 0;                // how many regions are perturbed; 0: all of them
    Replacement replacement = Replacement::Uniform;
    float low = 0.0f, high = 1.0f;  // Uniform: the input range
    float value = 0.0f;             // Constant
    float sigma = 2.0f;             // Blur: the Gaussian's standard deviation in pixels
    int repeats = 1;                // Uniform: the curves are averaged over this many draws
    uint64_t seed = 1;              // the draws, and the random order
};

struct PerturbationCurve {
    std::vector<double> score;     // mean f(x^(k)) over examples and repeats, k = 0..L
    std::vector<double> accuracy;  // the share of x^(k) still classified as their label
    double aopc() const;           // 1/(L+1) sum_k (score[0] - score[k])
};
// 1/(L+1) sum_k (lerf.score[k] - morf.score[k])
double abpc(const PerturbationCurve& morf, const PerturbationCurve& lerf);

// The regions of one height x width relevance map, most relevant first (or
// least relevant first); the region index is row-major over the grid, and
// ties keep index order.
std::vector<int> region_order(const float* relevance, int height, int width, int patch, bool most_relevant_first);
int region_count(int height, int width, int patch);

// The curve of f(x^(k)) when the regions of example b are perturbed in the
// order orders[b]. x: (B, ...) images; targets: the explained class of each
// example; labels: its true class. Seeded: the replacement values depend on
// (seed, repeat, example) only, so that every order of the same examples sees
// the same replacement values, and the same seed gives the same curve.
PerturbationCurve perturbation_curve(Sequential& net, const Tensor& x, const std::vector<int>& targets,
                                     const std::vector<int>& labels, const std::vector<std::vector<int>>& orders,
                                     const PerturbationOptions& options);

// Every method of a list, on the same examples: each is explained (for the
// predicted class), its regions perturbed MoRF and LeRF. The method name
// "random" stands for a random order of the regions (seeded), and has one
// curve (morf and lerf are the same).
struct MethodPerturbation {
    std::string method;
    PerturbationCurve morf, lerf;
    double negative_share = 0;  // of the relevance mass: sum |R_i < 0| / sum |R_i|
};
std::vector<MethodPerturbation> region_perturbation(Sequential& net, const Tensor& x, const std::vector<int>& labels,
                                                    const std::vector<std::string>& methods,
                                                    const ExplainOptions& explain_options,
                                                    const PerturbationOptions& options);

// sum |R_i < 0| / sum |R_i| over all values (0 for an all-zero map).
double negative_share(const std::vector<float>& relevance);

}  // namespace gb
