#include "explain/methods.hpp"

#include <algorithm>

#include "explain/gradcam.hpp"
#include "explain/lrp.hpp"
#include "explain/rules.hpp"
#include "explain/sampling.hpp"
#include "util/error.hpp"

namespace gb {

const std::vector<std::string>& method_names() {
    static const std::vector<std::string> names{"gradient",   "sensitivity",          "gradient-x-input",
                                                "taylor",     "deconvnet",            "guided-backprop",
                                                "smoothgrad", "integrated-gradients", "occlusion",
                                                "gradcam",    "guided-gradcam",
                                                "lrp-0",      "lrp-epsilon",          "lrp-gamma",
                                                "lrp-alphabeta", "lrp-zplus",         "lrp-w2",
                                                "lrp-flat",   "lrp-zb",               "lrp",
                                                "deep-taylor", "excitation",          "contrastive-excitation"};
    return names;
}

namespace {

// (B, T, E) -> (B, T): a word's relevance is the sum over its embedding dimensions.
Tensor per_word(const Tensor& r) {
    int B = r.dim(0), T = r.dim(1), E = r.dim(2);
    Tensor words(Shape{B, T});
    for (size_t k = 0; k < size_t(B) * T; ++k)
        for (int e = 0; e < E; ++e) words.values()[k] += r.values()[k * size_t(E) + size_t(e)];
    return words;
}

std::vector<float> explained_logits(const Propagation& p) {
    std::vector<float> f;
    int C = p.logits.dim(1);
    for (size_t b = 0; b < p.targets.size(); ++b) f.push_back(p.logits.values()[b * size_t(C) + size_t(p.targets[b])]);
    return f;
}

// A root of f_c near x, searched along the gradient: x~ = x - t g with g = df/dx(x)
// and the smallest t > 0 found where f(x - t g) = 0 (bracketed by doubling t,
// then 40 bisections). An example whose logit does not reach 0 within
// t <= 2^20 / |g|^2 keeps the last point tried.
Tensor root_along_gradient(Sequential& net, const Tensor& x, const Tensor& gradient, const std::vector<int>& targets) {
    const int B = x.dim(0);
    const size_t per_example = x.numel() / size_t(B);
    Tensor root = x.detach();
    for (int b = 0; b < B; ++b) {
        const float* xb = x.data() + size_t(b) * per_example;
        const float* g = gradient.data() + size_t(b) * per_example;
        Shape one = x.shape();
        one[0] = 1;
        auto point = [&](double t) {
            Tensor p(one);
            for (size_t k = 0; k < per_example; ++k) p.values()[k] = xb[k] - float(t) * g[k];
            return p;
        };
        auto f = [&](double t) {
            Tensor y = net.forward(point(t));
            return double(y.values()[size_t(targets[size_t(b)])]);
        };
        double norm2 = 0;
        for (size_t k = 0; k < per_example; ++k) norm2 += double(g[k]) * g[k];
        if (norm2 == 0 || f(0) <= 0) continue;  // nothing to descend, or already at or below the root
        double lo = 0, hi = 1.0 / norm2;
        while (f(hi) > 0 && hi < 1048576.0 / norm2) lo = hi, hi *= 2;
        for (int i = 0; i < 40; ++i) {
            double mid = 0.5 * (lo + hi);
            (f(mid) > 0 ? lo : hi) = mid;
        }
        Tensor found = point(hi);
        std::copy(found.values().begin(), found.values().end(), root.values().begin() + std::ptrdiff_t(size_t(b) * per_example));
    }
    return root;
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

// R = 1/|S| sum_{(dy, dx) in S} shift_{-dy,-dx}( R(shift_{dy,dx}(x)) ),  S = [-r, r]^2
Explanation explain_translated(Sequential& net, const Tensor& x, const std::string& method,
                               const ExplainOptions& options) {
    int H = options.image_height, W = options.image_width;
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
    e.residual.clear();
    return e;
}

Explanation explain(Sequential& net, const Tensor& x, const std::string& method, const ExplainOptions& options) {
    const auto& names = method_names();
    if (std::find(names.begin(), names.end(), method) == names.end()) {
        std::string list;
        for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw Error("unknown explanation method '" + method + "'; choose one of: " + list);
    }
    const int B = x.dim(0);
    if (options.translations > 0) return explain_translated(net, x, method, options);
    std::vector<int> targets = options.targets;
    if (targets.empty()) targets.assign(size_t(B), -1);
    if (targets.size() == 1 && B > 1) targets.assign(size_t(B), targets[0]);
    const size_t stop = explainable_start(net);
    GradientRule gradient;
    DeconvnetRule deconvnet;
    GuidedBackpropRule guided;
    const bool lrp = method.rfind("lrp-", 0) == 0;
    LrpParameters lrp_parameters{options.epsilon, options.gamma, options.alpha, options.beta, options.low, options.high};
    lrp_parameters.bias_factor = options.bias_factor;
    lrp_parameters.max_pool_proportional = options.max_pool_proportional;
    LrpRule relevance(lrp ? method : "lrp-0", lrp_parameters);
    std::unique_ptr<Rule> composite;
    if (method == "lrp" || method == "deep-taylor") {
        size_t first = stop;  // the input layer: the first with weights, from where the walk stops
        while (first + 1 < net.size() && net[first].parameters().empty()) ++first;
        composite = make_composite(method == "lrp" ? options.composite : "deep-taylor", first, options.bounded,
                                   lrp_parameters);
    }
    ExcitationRule excitation;  // see lrp.hpp
    const bool excites = method == "excitation" || method == "contrastive-excitation";
    const Rule& rule = method == "deconvnet"         ? static_cast<const Rule&>(deconvnet)
                       : method == "guided-backprop" ? static_cast<const Rule&>(guided)
                       : lrp                          ? static_cast<const Rule&>(relevance)
                       : composite                    ? *composite
                       : excites                      ? static_cast<const Rule&>(excitation)
                                                      : static_cast<const Rule&>(gradient);

    Explanation e;
    e.method = method;
    Propagation p = propagate(net, x, targets, rule, options.trace, options.filter, stop);
    e.targets = p.targets;
    e.logit = explained_logits(p);
    e.logits_row.assign(p.logits.data(), p.logits.data() + p.logits.dim(1));
    e.trace = p.trace;
    if (method == "gradcam" || method == "guided-gradcam") {
        e.relevance = method == "gradcam" ? gradcam(net, x, e.targets) : guided_gradcam(net, x, e.targets);
        return e;
    }
    // Text models: the gradient-based sampling methods work on the embeddings
    // (x' = 0 is the padding's embedding), occlusion on the words themselves.
    if (method == "smoothgrad" || method == "integrated-gradients") {
        const Tensor& input = stop > 0 ? p.activation : x;
        Tensor r = method == "smoothgrad"
                       ? smoothgrad(net, input, e.targets, options.samples, options.noise, options.seed, stop)
                       : integrated_gradients(net, input, e.targets, stop > 0 ? std::vector<float>{} : options.baseline,
                                              options.samples, &e.residual, stop);
        e.relevance = stop > 0 ? per_word(r) : r;
        return e;
    }
    if (method == "occlusion" && stop > 0) {
        e.relevance = occlude_words(net, x, e.targets, std::min(options.patch, 3), 1);
        return e;
    }
    if (method == "occlusion") {
        int H = options.image_height, W = options.image_width;
        if (H == 0 && x.ndim() >= 3) H = x.dim(-2), W = x.dim(-1);
        if (H == 0) throw Error("occlusion needs the image size of a flat input");
        e.relevance = occlusion(net, x, e.targets, H, W, options.patch, options.stride);
        return e;
    }
    Tensor r = p.signal;  // the gradient, or the modified backward signal
    const Tensor& a = p.activation;

    if (method == "contrastive-excitation") {  // minus the map of the top unit's dual
        Tensor dual = propagate(net, x, e.targets, ExcitationRule(true, net.size() - 1), false, options.filter, stop).signal;
        for (size_t k = 0; k < r.numel(); ++k) r.values()[k] -= dual.values()[k];
    } else if (method == "sensitivity") {  // R_i = (df/dx_i)^2
        for (float& v : r.values()) v = v * v;
    } else if (method == "gradient-x-input") {  // R_i = x_i df/dx_i
        for (size_t k = 0; k < r.numel(); ++k) r.values()[k] *= a.values()[k];
    } else if (method == "taylor") {
        // R_i = df/dx_i|x~ (x_i - x~_i), x~ zero, a given baseline, or a root searched along
        // the gradient. The gradient is taken just off the root, at
        // x~ + 0.001 (x - x~): at the root itself a ReLU network's gradient is not defined
        // (with x~ = 0 and no biases every unit sits on its kink).
        if (stop > 0) throw Error("taylor: the root point is an input; text models are explained at their embeddings, "
                                  "use gradient-x-input there");
        size_t per_example = x.numel() / size_t(B);
        if (!options.baseline.empty() && options.baseline.size() != per_example)
            throw Error("taylor: the baseline has " + std::to_string(options.baseline.size()) +
                        " values, an input has " + std::to_string(per_example));
        Tensor root(x.shape()), near(x.shape());
        for (size_t k = 0; k < x.numel(); ++k)
            root.values()[k] = options.baseline.empty() ? 0.0f : options.baseline[k % per_example];
        if (options.root_search) root = root_along_gradient(net, x, p.signal, e.targets);
        for (size_t k = 0; k < x.numel(); ++k)
            near.values()[k] = root.values()[k] + 0.001f * (x.values()[k] - root.values()[k]);
        Propagation at_root = propagate(net, near, p.targets, gradient, false, nullptr, 0);
        Propagation f_root = propagate(net, root, p.targets, gradient, false, nullptr, 0);
        std::vector<float> f_at_root = explained_logits(f_root);
        r = at_root.signal;
        for (size_t k = 0; k < r.numel(); ++k) r.values()[k] *= x.values()[k] - root.values()[k];
        for (int b = 0; b < B; ++b) {
            double sum = 0;
            for (size_t k = 0; k < per_example; ++k) sum += r.values()[size_t(b) * per_example + k];
            e.residual.push_back(float(double(e.logit[size_t(b)]) - f_at_root[size_t(b)] - sum));
        }
    }
    e.relevance = stop > 0 ? per_word(r) : r;
    return e;
}

}  // namespace gb
