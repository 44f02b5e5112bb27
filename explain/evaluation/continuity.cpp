#include "explain/evaluation/continuity.hpp"

#include <cmath>

#include "explain/evaluation/chunks.hpp"
#include "util/error.hpp"

namespace gb {

std::vector<float> translate(const std::vector<float>& image, int height, int width, float shift) {
    const int whole = int(std::floor(shift));
    const float part = shift - float(whole);  // x'(j) = (1 - part) x(j - whole) + part x(j - whole - 1)
    auto at = [&](int i, int j) { return j < 0 || j >= width ? 0.0f : image[size_t(i) * width + size_t(j)]; };
    std::vector<float> moved(image.size());
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j)
            moved[size_t(i) * width + size_t(j)] = (1 - part) * at(i, j - whole) + part * at(i, j - whole - 1);
    return moved;
}

ContinuityPath continuity(Sequential& net, const std::vector<float>& image, const Shape& input_shape, int height,
                          int width, int target, const std::string& method, const ExplainOptions& options, float from,
                          float to, int points) {
    const size_t pixels = size_t(height) * size_t(width);
    if (image.size() != pixels || numel(input_shape) != pixels)
        throw Error("continuity: the image has " + std::to_string(image.size()) + " values, the network takes " +
                    shape_str(input_shape) + ", expected " + std::to_string(height) + " x " + std::to_string(width));
    if (points < 2) throw Error("continuity: a path needs at least 2 points");
    ContinuityPath path;
    path.method = method;
    std::vector<float> batch;
    std::vector<std::vector<float>> inputs;
    for (int k = 0; k < points; ++k) {
        path.shift.push_back(from + (to - from) * double(k) / (points - 1));
        inputs.push_back(translate(image, height, width, float(path.shift.back())));
        batch.insert(batch.end(), inputs.back().begin(), inputs.back().end());
    }
    Shape shape{points};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    ExplainOptions o = options;
    o.targets = {target};
    Explanation e = explain_in_chunks(net, Tensor(shape, batch), method, o);
    double mass = 0;
    for (int k = 0; k < points; ++k) {
        const float* r = e.relevance.data() + size_t(k) * pixels;
        path.maps.emplace_back(r, r + pixels);
        path.score.push_back(e.logit[size_t(k)]);
        double sum = 0;
        for (float v : path.maps.back()) sum += v, mass += std::fabs(v);
        path.relevance_sum.push_back(sum);
    }
    for (int k = 0; k + 1 < points; ++k) {
        double dr = 0, dx = 0;
        for (size_t i = 0; i < pixels; ++i) {
            dr += std::fabs(path.maps[size_t(k) + 1][i] - path.maps[size_t(k)][i]);
            double d = inputs[size_t(k) + 1][i] - inputs[size_t(k)][i];
            dx += d * d;
        }
        path.ratio.push_back(dx > 0 ? dr / std::sqrt(dx) : 0.0);
        path.max_ratio = std::max(path.max_ratio, path.ratio.back());
    }
    if (mass > 0) path.relative_max_ratio = path.max_ratio / (mass / points);
    return path;
}

}  // namespace gb
