// deletion_insertion.hpp: the causal metrics of RISE (Petsiuk, Das & Saenko
// 2018, sec. 4.1). Pixels are taken in the order of the map, most relevant
// first, `step` at a time:
//   deletion   starts from the image and sets the taken pixels to `deleted`
//              (0, black); a good map makes the class probability fall fast;
//   insertion  starts from the image blurred by a Gaussian of `blur` pixels and
//              puts the taken pixels back; a good map makes it rise fast.
// The curve is the softmax probability of the explained class after each
// step (the first point before any pixel is taken), on a fraction axis from 0
// to 1; its area (AUC) is the trapezoid rule on that axis. Lower is better for
// deletion, higher for insertion. Ties in the map keep the pixels' order.
#pragma once
#include <vector>

#include "explain/perturbation/scorer.hpp"

namespace gb {

struct CausalCurve {
    std::vector<double> fraction;     // of the pixels taken, 0 .. 1
    std::vector<double> probability;  // of the explained class
    double auc = 0;
};

// image: channels x height x width values (one example as the scorer takes it, with `shape`, (1, ...));
// map: height x width. The same pixels are taken in every channel.
CausalCurve deletion_curve(const Scorer& score, const std::vector<float>& image, const Shape& shape, int height,
                           int width, const std::vector<float>& map, int target, int step, float deleted = 0.0f);
CausalCurve insertion_curve(const Scorer& score, const std::vector<float>& image, const Shape& shape, int height,
                            int width, const std::vector<float>& map, int target, int step, float blur);

// The trapezoid area under y over x.
double trapezoid(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace gb
