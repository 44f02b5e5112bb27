#include "explain/evaluation/deletion_insertion.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "explain/perturbation/extremal_perturbation.hpp"
#include "util/error.hpp"

namespace gb {

namespace {

// Morphs `start` into `end` by taking the map's pixels in decreasing order, `step` at a time, and scores
// every stage in one call of the scorer.
CausalCurve morph(const Scorer& score, const std::vector<float>& start, const std::vector<float>& end,
                  const Shape& shape, int height, int width, const std::vector<float>& map, int target, int step) {
    const size_t plane = size_t(height) * width, values = start.size();
    if (map.size() != plane || values % plane != 0 || end.size() != values)
        throw Error("deletion / insertion: a map of " + std::to_string(map.size()) + " values for an image of " +
                    std::to_string(values) + " values that is " + std::to_string(height) + " x " + std::to_string(width));
    if (step < 1) throw Error("deletion / insertion: take at least one pixel a step, got " + std::to_string(step));
    std::vector<size_t> order(plane);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return map[a] > map[b]; });
    const int stages = int((plane + size_t(step) - 1) / size_t(step)) + 1;
    Shape batch_shape = shape;
    batch_shape[0] = stages;
    Tensor batch(batch_shape);
    std::vector<float> current = start;
    CausalCurve curve;
    for (int s = 0; s < stages; ++s) {
        const size_t taken = std::min(plane, size_t(s) * size_t(step));
        if (s > 0)
            for (size_t i = size_t(s - 1) * size_t(step); i < taken; ++i)
                for (size_t c = 0; c < values / plane; ++c) current[c * plane + order[i]] = end[c * plane + order[i]];
        std::copy(current.begin(), current.end(), batch.values().begin() + long(size_t(s) * values));
        curve.fraction.push_back(double(taken) / double(plane));
    }
    const Tensor logits = score(batch);
    const int classes = logits.dim(1);
    if (target < 0 || target >= classes) throw Error("deletion / insertion: class " + std::to_string(target) +
                                                     " is not one of the model's " + std::to_string(classes));
    for (int s = 0; s < stages; ++s) {  // softmax probability of the target
        const float* z = logits.data() + size_t(s) * classes;
        const float top = *std::max_element(z, z + classes);
        double total = 0;
        for (int c = 0; c < classes; ++c) total += std::exp(double(z[c] - top));
        curve.probability.push_back(std::exp(double(z[target] - top)) / total);
    }
    curve.auc = trapezoid(curve.fraction, curve.probability);
    return curve;
}

}  // namespace

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
    double area = 0;
    for (size_t i = 1; i < x.size(); ++i) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    return area;
}

CausalCurve deletion_curve(const Scorer& score, const std::vector<float>& image, const Shape& shape, int height,
                           int width, const std::vector<float>& map, int target, int step, float deleted) {
    return morph(score, image, std::vector<float>(image.size(), deleted), shape, height, width, map, target, step);
}

CausalCurve insertion_curve(const Scorer& score, const std::vector<float>& image, const Shape& shape, int height,
                            int width, const std::vector<float>& map, int target, int step, float blur) {
    const size_t plane = size_t(height) * width;
    if (plane == 0 || image.size() % plane != 0) throw Error("insertion: the image is not " + std::to_string(height) +
                                                             " x " + std::to_string(width));
    const std::vector<float> blurred = gaussian_blur(image, int(image.size() / plane), height, width, blur);
    return morph(score, blurred, image, shape, height, width, map, target, step);
}

}  // namespace gb
