// continuity.hpp: explanation continuity (Montavon et al. 2018, sec. 7.2).
// Two nearly equivalent inputs should get nearly equivalent explanations.
// A digit is translated step by step along a path x_0, x_1, ...; along it
// the explained score f(x_k) changes smoothly, and a continuous explanation
// does too. The figure of merit is the largest ratio
//   max_k ||R(x_{k+1}) - R(x_k)||_1 / ||x_{k+1} - x_k||_2
// (lower: more continuous). Gradient-based maps of a ReLU network jump
// where a unit switches on or off (gradients "shatter"); LRP's redistribution
// of f(x) moves with the input.
#pragma once
#include <string>
#include <vector>

#include "explain/explain.hpp"

namespace gb {

// A height x width image moved `shift` pixels to the right (left when
// negative), by linear interpolation between whole-pixel moves; what enters
// from the border is 0.
std::vector<float> translate(const std::vector<float>& image, int height, int width, float shift);

struct ContinuityPath {
    std::string method;
    std::vector<double> shift;          // the translation of each point, in pixels
    std::vector<double> score;          // f(x_k), the explained logit
    std::vector<double> relevance_sum;  // sum_i R_i(x_k)
    std::vector<double> ratio;          // ||R(x_{k+1}) - R(x_k)||_1 / ||x_{k+1} - x_k||_2, one per step
    double max_ratio = 0;
    double relative_max_ratio = 0;      // max_ratio / mean_k ||R(x_k)||_1: free of the map's scale (1/pixel units)
    std::vector<std::vector<float>> maps;  // R(x_k)
};

// The path of `points` translations evenly spaced from `from` to `to` pixels,
// each explained by `method` for class `target`. The network takes
// (B, input_shape...), holding height x width values.
ContinuityPath continuity(Sequential& net, const std::vector<float>& image, const Shape& input_shape, int height,
                          int width, int target, const std::string& method, const ExplainOptions& options, float from,
                          float to, int points);

}  // namespace gb
