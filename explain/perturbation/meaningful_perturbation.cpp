#include "explain/perturbation/meaningful_perturbation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "explain/method.hpp"
#include "explain/perturbation/extremal_perturbation.hpp"
#include "nn/module.hpp"
#include "util/error.hpp"

namespace gb {

namespace {

// Bilinear upsampling of an s x s mask to H x W at pixel centres (clamped at the edges) as a list of
// (pixel, source, weight) terms, so that the same terms give the forward map and its transpose.
struct Term {
    size_t pixel, source;
    float weight;
};
std::vector<Term> upsampling(int s, int H, int W) {
    std::vector<Term> terms;
    auto source = [](int dst, int from, int to) {
        return std::clamp((float(dst) + 0.5f) * float(from) / float(to) - 0.5f, 0.0f, float(from - 1));
    };
    for (int i = 0; i < H; ++i)
        for (int j = 0; j < W; ++j) {
            const float y = source(i, s, H), x = source(j, s, W);
            const int y0 = int(y), x0 = int(x), y1 = std::min(y0 + 1, s - 1), x1 = std::min(x0 + 1, s - 1);
            const float dy = y - float(y0), dx = x - float(x0);
            const size_t p = size_t(i) * W + size_t(j);
            terms.push_back({p, size_t(y0 * s + x0), (1 - dy) * (1 - dx)});
            terms.push_back({p, size_t(y0 * s + x1), (1 - dy) * dx});
            terms.push_back({p, size_t(y1 * s + x0), dy * (1 - dx)});
            terms.push_back({p, size_t(y1 * s + x1), dy * dx});
        }
    return terms;
}

}  // namespace

double meaningful_loss(Sequential& net, const Tensor& x, int target, int height, int width,
                       const std::vector<float>& mask, const MeaningfulSettings& s, std::vector<float>* gradient,
                       double* probability) {
    const int side = s.mask_side;
    const size_t plane = size_t(height) * width, values = x.numel(), channels = values / plane;
    if (mask.size() != size_t(side) * side) throw Error("meaningful-perturbation: the mask must have " +
                                                        std::to_string(side * side) + " values");
    const float sigma = s.blur > 0 ? s.blur : 10.0f * float(std::max(height, width)) / 224.0f;
    const std::vector<float> blurred = gaussian_blur(x.values(), int(channels), height, width, sigma);
    const std::vector<Term> up = upsampling(side, height, width);
    std::vector<float> m(plane, 0.0f);
    for (const Term& t : up) m[t.pixel] += t.weight * mask[t.source];
    // Phi(x; m) = m x + (1 - m) blur(x)
    Tensor input(x.shape());
    for (size_t k = 0; k < values; ++k) {
        const float mk = m[k % plane];
        input.values()[k] = mk * x.values()[k] + (1 - mk) * blurred[k];
    }
    InferenceScope inference(net);
    input.set_requires_grad(gradient != nullptr);
    Tensor y = net.forward(input);
    const int classes = y.dim(1);
    if (target < 0 || target >= classes)
        throw Error("meaningful-perturbation: class " + std::to_string(target) + " is not one of the model's " +
                    std::to_string(classes));
    // f_c = softmax(y)_c
    const float top = *std::max_element(y.values().begin(), y.values().end());
    std::vector<double> p(static_cast<size_t>(classes));
    double total = 0;
    for (int c = 0; c < classes; ++c) total += p[size_t(c)] = std::exp(double(y.values()[size_t(c)] - top));
    for (double& v : p) v /= total;
    double loss = p[size_t(target)];
    if (probability) *probability = loss;
    // lambda1 ||1 - m||_1 + lambda2 sum (|m(u) - m(u + down)|^beta + |m(u) - m(u + right)|^beta), on the mask's values
    for (float v : mask) loss += s.l1 * std::fabs(1.0 - v);
    auto tv_pair = [&](size_t a, size_t b, std::vector<float>* g) {
        const double d = double(mask[b]) - mask[a], t = std::pow(std::fabs(d), s.beta);
        if (g) {
            const double dd = s.tv * s.beta * std::pow(std::fabs(d), s.beta - 1) * (d > 0 ? 1 : d < 0 ? -1 : 0);
            (*g)[b] += float(dd), (*g)[a] -= float(dd);
        }
        return s.tv * t;
    };
    std::vector<float> g(mask.size(), 0.0f);
    std::vector<float>* gp = gradient ? &g : nullptr;
    for (int i = 0; i < side; ++i)
        for (int j = 0; j < side; ++j) {
            const size_t a = size_t(i * side + j);
            if (i + 1 < side) loss += tv_pair(a, a + size_t(side), gp);
            if (j + 1 < side) loss += tv_pair(a, a + 1, gp);
        }
    if (gradient) {
        for (size_t k = 0; k < mask.size(); ++k) g[k] -= s.l1 * (mask[k] < 1 ? 1.0f : mask[k] > 1 ? -1.0f : 0.0f);
        // d f_c / d logits = p_c (onehot_c - p), then back through the network to Phi
        std::vector<float> seed(static_cast<size_t>(classes));
        for (int c = 0; c < classes; ++c)
            seed[size_t(c)] = float(p[size_t(target)] * ((c == target ? 1.0 : 0.0) - p[size_t(c)]));
        y.backward(seed);
        std::vector<float> dm(plane, 0.0f);  // dPhi/dm = x - blur(x)
        for (size_t k = 0; k < values; ++k) dm[k % plane] += input.grad()[k] * (x.values()[k] - blurred[k]);
        for (const Term& t : up) g[t.source] += t.weight * dm[t.pixel];
        *gradient = g;
    }
    return loss;
}

MeaningfulResult meaningful_perturbation(Sequential& net, const Tensor& x, int target, int height, int width,
                                         const MeaningfulSettings& s) {
    if (x.dim(0) != 1) throw Error("meaningful-perturbation explains one example at a time");
    if (x.numel() % (size_t(height) * width) != 0)
        throw Error("meaningful-perturbation: the example is not an image of " + std::to_string(height) + " x " +
                    std::to_string(width));
    if (s.mask_side < 1 || s.mask_side > std::min(height, width))
        throw Error("meaningful-perturbation: a mask of " + std::to_string(s.mask_side) + " x " +
                    std::to_string(s.mask_side) + " is larger than the " + std::to_string(height) + " x " +
                    std::to_string(width) + " image");
    std::vector<float> mask(size_t(s.mask_side) * s.mask_side, 1.0f), gradient, first(mask.size()), second(mask.size());
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;  // Adam (Kingma & Ba 2015), PyTorch's defaults
    MeaningfulResult r;
    for (int t = 1; t <= s.iterations; ++t) {
        meaningful_loss(net, x, target, height, width, mask, s, &gradient);
        for (size_t k = 0; k < mask.size(); ++k) {
            first[k] = b1 * first[k] + (1 - b1) * gradient[k];
            second[k] = b2 * second[k] + (1 - b2) * gradient[k] * gradient[k];
            const float mhat = first[k] / (1 - std::pow(b1, float(t))), vhat = second[k] / (1 - std::pow(b2, float(t)));
            mask[k] = std::clamp(mask[k] - s.learning_rate * mhat / (std::sqrt(vhat) + eps), 0.0f, 1.0f);
        }
    }
    r.loss = meaningful_loss(net, x, target, height, width, mask, s, nullptr, &r.probability);
    const std::vector<Term> up = upsampling(s.mask_side, height, width);
    r.mask.assign(size_t(height) * width, 0.0f);
    for (const Term& t : up) r.mask[t.pixel] += t.weight * mask[t.source];
    return r;
}

Method meaningful_perturbation_method() {
    Method m("meaningful-perturbation", Family::Perturbation,
             "Fong & Vedaldi 2017, interpretable explanations of black boxes by meaningful perturbation",
             "1 - m for the smallest, smoothest blurred region m that deletes the class (L1 + TV + softmax score)");
    m.parameters = {whole_parameter("iterations", 300, 1, 100000, "gradient steps"),
                    real_parameter("l1", "0.0001", 0.0, 1e6, "lambda1, the weight of ||1 - m||_1"),
                    real_parameter("tv", "0.01", 0.0, 1e6, "lambda2, the weight of the total variation"),
                    real_parameter("max-blur", "0", 0.0, 1024.0, "sigma of the blur (0: 10 x side / 224)")};
    m.inputs = {InputForm::Image};
    m.has_steps = true;
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        const std::pair<int, int> size = image_size(call);
        const int H = size.first, W = size.second;
        MeaningfulSettings s;
        s.iterations = call.whole("iterations");
        s.l1 = call.real("l1");
        s.tv = call.real("tv");
        s.blur = call.real("max-blur");
        s.mask_side = std::min({28, H, W});
        e.relevance = map_per_example(call, H, W, [&](size_t b, const Tensor& x) {
            const MeaningfulResult r = meaningful_perturbation(call.net, x, call.targets[b], H, W, s);
            if (b == 0) {
                char line[200];
                std::snprintf(line, sizeof line, "%d Adam steps on a %d x %d mask; loss %.4f, class probability %.4f",
                              s.iterations, s.mask_side, s.mask_side, r.loss, r.probability);
                e.steps.push_back(line);
            }
            std::vector<float> deleted(r.mask.size());  // 1 - m: what deleting the class takes
            for (size_t k = 0; k < r.mask.size(); ++k) deleted[k] = 1 - r.mask[k];
            return deleted;
        });
        return e;
    };
    return m;
}

}  // namespace gb
