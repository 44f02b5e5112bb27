#include "explain/explain.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace gb {
namespace {

// The explained class of each example: one per example, one for all, or none
// (-1: the predicted class, found by a forward pass unless the method's walk
// finds it).
std::vector<int> targets_for(Sequential& net, const Tensor& x, const ExplainOptions& options, bool resolve) {
    const size_t B = size_t(x.dim(0));
    std::vector<int> targets = options.targets;
    if (targets.empty()) targets.assign(B, -1);
    if (targets.size() == 1 && B > 1) targets.assign(B, targets[0]);
    if (targets.size() != B)
        throw Error("explain: " + std::to_string(targets.size()) + " targets for a batch of " + std::to_string(B));
    if (!resolve || std::none_of(targets.begin(), targets.end(), [](int c) { return c < 0; })) return targets;
    const Tensor logits = forward_until(net, x, net.size());
    const int C = logits.dim(1);
    for (size_t b = 0; b < B; ++b)
        if (targets[b] < 0) {
            const float* row = logits.data() + b * size_t(C);
            targets[b] = int(std::max_element(row, row + C) - row);
        }
    return targets;
}

// "absorbed" = f(x) - sum_i R_i per example, the positive and negative parts summed apart.
Diagnostic absorbed(const Explanation& e) {
    Diagnostic d{"absorbed", {}};
    const size_t B = e.logit.size(), per_example = e.relevance.numel() / B;
    for (size_t b = 0; b < B; ++b) {
        double positive = 0, negative = 0;
        for (size_t k = 0; k < per_example; ++k) {
            float v = e.relevance.values()[b * per_example + k];
            (v > 0 ? positive : negative) += v;
        }
        d.values.push_back(double(e.logit[b]) - (positive + negative));
    }
    return d;
}

// (dy, dx)-shifted copy of images of height x width (zeros fill in), for every channel and example.
Tensor shift_images(const Tensor& x, int height, int width, int dy, int dx) {
    Tensor out(x.shape());
    const size_t plane = size_t(height) * width;
    for (size_t p = 0; p < x.numel() / plane; ++p)
        for (int i = 0; i < height; ++i)
            for (int j = 0; j < width; ++j) {
                int si = i - dy, sj = j - dx;
                if (si >= 0 && si < height && sj >= 0 && sj < width)
                    out.values()[p * plane + size_t(i) * width + size_t(j)] = x.values()[p * plane + size_t(si) * width + size_t(sj)];
            }
    return out;
}

}  // namespace

Explanation explain(Sequential& net, const Tensor& x, const std::string& method, const ExplainOptions& options) {
    const Method& m = method_named(method);
    for (const auto& [name, value] : options.parameters)
        if (m.takes(name)) m.parameter(name).check(value);
    if (!m.propagates && ((options.trace && !m.has_steps) || options.filter))
        throw Error(std::string(options.trace ? "a trace" : "a filter") + " follows one backward walk through the layers, "
                    "and " + method + " makes none; use it with a propagation method (gradient, lrp-epsilon, ...)");
    const std::string refusal = m.refuses(net, x, options.input);
    if (!refusal.empty()) throw Error(refusal);
    if (options.translations > 0) return explain_translated(net, x, method, options);
    InferenceScope inference(net);
    MethodCall call{m, net, x, targets_for(net, x, options, !m.propagates), options, explainable_start(net)};
    Explanation e = m.run(call);
    if (m.decomposes_logit) e.diagnostics.push_back(absorbed(e));
    return e;
}

Explanation explain_translated(Sequential& net, const Tensor& x, const std::string& method,
                               const ExplainOptions& options) {
    int H = options.input.height, W = options.input.width;
    if (H == 0 && x.ndim() >= 3) H = x.dim(-2), W = x.dim(-1);
    if (H == 0 || x.numel() % (size_t(x.dim(0)) * H * W) != 0 || explainable_start(net) > 0)
        throw Error("the translation trick shifts images; this input is not one");
    ExplainOptions once = options;
    once.translations = 0;
    Explanation e = explain(net, x, method, once);  // the unshifted copy, which also fixes the class
    once.targets = e.targets;
    Tensor sum(e.relevance.shape());
    const int r = options.translations;
    for (int dy = -r; dy <= r; ++dy)
        for (int dx = -r; dx <= r; ++dx) {
            Tensor back = dy == 0 && dx == 0 ? e.relevance  // computed above
                                             : shift_images(explain(net, shift_images(x, H, W, dy, dx), method, once).relevance,
                                                            H, W, -dy, -dx);
            for (size_t k = 0; k < sum.numel(); ++k) sum.values()[k] += back.values()[k];
        }
    for (float& v : sum.values()) v /= float((2 * r + 1) * (2 * r + 1));
    e.relevance = sum;
    e.diagnostics.clear();
    if (method_named(method).decomposes_logit) e.diagnostics.push_back(absorbed(e));
    return e;
}

std::vector<float> explain_sliding(Sequential& net, const std::vector<float>& image, int height, int width,
                                   const Shape& input_shape, int rows, int cols, int stride,
                                   const std::string& method, int target, const ExplainOptions& options) {
    if (rows > height || cols > width || stride < 1 || image.size() != size_t(height) * width ||
        numel(input_shape) != size_t(rows) * cols)
        throw Error("sliding windows: " + std::to_string(rows) + "x" + std::to_string(cols) + " windows with stride " +
                    std::to_string(stride) + " do not fit a " + std::to_string(height) + "x" + std::to_string(width) +
                    " image for inputs of shape " + shape_str(input_shape));
    std::vector<float> sum(image.size(), 0.0f), covered(image.size(), 0.0f);
    ExplainOptions once = options;
    once.targets = {target};
    Shape shape{1};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    for (int top = 0; top + rows <= height; top += stride)
        for (int left = 0; left + cols <= width; left += stride) {
            Tensor window(shape);
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < cols; ++j)
                    window.values()[size_t(i) * cols + size_t(j)] = image[size_t(top + i) * width + size_t(left + j)];
            Tensor r = explain(net, window, method, once).relevance;
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < cols; ++j) {
                    size_t at = size_t(top + i) * width + size_t(left + j);
                    sum[at] += r.values()[size_t(i) * cols + size_t(j)];
                    covered[at] += 1.0f;
                }
        }
    for (size_t k = 0; k < sum.size(); ++k)
        if (covered[k] > 0) sum[k] /= covered[k];
    return sum;
}

}  // namespace gb
