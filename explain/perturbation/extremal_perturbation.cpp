#include "explain/perturbation/extremal_perturbation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "explain/method.hpp"
#include "nn/module.hpp"
#include "util/error.hpp"

namespace gb {

// ---- the blur pyramid ---------------------------------------------------------------------------------------

std::vector<float> gaussian_blur(const std::vector<float>& image, int channels, int height, int width, float sigma) {
    // f_i proportional to exp(-i^2 / (2 sigma^2)), i = -W..W, W = ceil(4 sigma), normalised to sum 1
    const int radius = int(std::ceil(4.0f * sigma));
    std::vector<float> filter(size_t(2 * radius + 1));
    float total = 0;
    for (int i = -radius; i <= radius; ++i) {
        const float z = float(i) / (std::sqrt(2.0f) * sigma + 1.19209290e-07f);
        total += filter[size_t(i + radius)] = std::exp(-z * z);
    }
    for (float& f : filter) f /= total;
    // separable, zero padding: first down the columns, then along the rows
    std::vector<float> vertical(image.size()), out(image.size());
    for (int c = 0; c < channels; ++c) {
        const size_t plane = size_t(c) * height * width;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                float s = 0;
                for (int i = -radius; i <= radius; ++i)
                    if (y + i >= 0 && y + i < height) s += filter[size_t(i + radius)] * image[plane + size_t(y + i) * width + x];
                vertical[plane + size_t(y) * width + x] = s;
            }
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                float s = 0;
                for (int i = -radius; i <= radius; ++i)
                    if (x + i >= 0 && x + i < width) s += filter[size_t(i + radius)] * vertical[plane + size_t(y) * width + x + i];
                out[plane + size_t(y) * width + x] = s;
            }
    }
    return out;
}

BlurPyramid::BlurPyramid(const std::vector<float>& image, int channels, int height, int width, int levels,
                         float max_blur)
    : levels_(levels), channels_(channels), height_(height), width_(width) {
    if (levels < 2 || !(max_blur > 0))
        throw Error("a blur pyramid needs at least 2 levels and a positive max_blur");
    for (int l = 0; l < levels; ++l) {  // sigma_l = (1 - l / (L - 1)) max_blur
        const float t = float(l) / float(levels - 1);
        pyramid_.push_back(gaussian_blur(image, channels, height, width, (1.0f - t) * max_blur));
    }
}

std::vector<float> BlurPyramid::apply(const std::vector<float>& mask) const {
    const size_t plane = size_t(height_) * width_;
    std::vector<float> out(plane * channels_);
    for (size_t u = 0; u < plane; ++u) {  // the level m (L - 1), between levels k and k + 1
        const float w = mask[u] * float(levels_ - 1), k = std::floor(w), f = w - k;
        const int k0 = int(k), k1 = std::min(k0 + 1, levels_ - 1);
        for (int c = 0; c < channels_; ++c) {
            const size_t i = size_t(c) * plane + u;
            out[i] = (1 - f) * pyramid_[size_t(k0)][i] + f * pyramid_[size_t(k1)][i];
        }
    }
    return out;
}

std::vector<float> BlurPyramid::apply_backward(const std::vector<float>& mask, const std::vector<float>& g) const {
    const size_t plane = size_t(height_) * width_;
    std::vector<float> d(plane);
    for (size_t u = 0; u < plane; ++u) {  // d out / d m = (L - 1) (y_{k+1} - y_k); the floor has no gradient
        const int k0 = int(std::floor(mask[u] * float(levels_ - 1))), k1 = std::min(k0 + 1, levels_ - 1);
        for (int c = 0; c < channels_; ++c) {
            const size_t i = size_t(c) * plane + u;
            d[u] += g[i] * float(levels_ - 1) * (pyramid_[size_t(k1)][i] - pyramid_[size_t(k0)][i]);
        }
    }
    return d;
}

// ---- the smooth mask generator ------------------------------------------------------------------------------

namespace {
constexpr float kColdness = 20.0f;  // of the softmax pooling, as the reference
}

MaskGenerator::MaskGenerator(int height, int width, int step, float sigma)
    : height_(height), width_(width) {
    if (step < 1 || step > std::min(height, width) || !(sigma > 0))
        throw Error("extremal-perturbation: a mask step of " + std::to_string(step) + " pixels does not fit a " +
                    std::to_string(height) + " x " + std::to_string(width) + " image (take --step from 1 to " +
                    std::to_string(std::min(height, width)) + ", and --sigma > 0)");
    const float margin = sigma;
    margin_ = int(std::lround(margin));
    padding_ = 1 + int(std::ceil((margin + sigma) / float(step)));
    radius_ = 1 + int(std::ceil(sigma / float(step)));
    const int side[2] = {height, width}, span = 2 * radius_ + 1;
    for (int d = 0; d < 2; ++d) {
        in_[d] = (side[d] + step - 1) / step;
        mid_[d] = in_[d] + 2 * padding_ - span + 1;
        out_[d] = step * mid_[d] - step + 1;
    }
    K_ = span * span;
    const size_t plane = size_t(out_[0]) * out_[1];
    weight_.resize(size_t(K_) * plane);
    source_.resize(size_t(K_) * plane);
    for (int uy = 0; uy < out_[0]; ++uy)
        for (int ux = 0; ux < out_[1]; ++ux)
            for (int ky = 0; ky < span; ++ky)
                for (int kx = 0; kx < span; ++kx) {
                    // the grid point i = floor(u / step) + k - padding, placed at margin + step i
                    const int iy = uy / step + ky - padding_, ix = ux / step + kx - padding_;
                    const float dy = float(uy) - (margin + float(step * iy)), dx = float(ux) - (margin + float(step * ix));
                    const float z = std::sqrt(dy * dy + dx * dx) / sigma - 0.5f;
                    const size_t at = (size_t(uy) * out_[1] + size_t(ux)) * K_ + size_t(ky * span + kx);
                    weight_[at] = std::exp(-2.0f * std::max(z, 0.0f) * std::max(z, 0.0f));
                    const bool inside = iy >= 0 && iy < in_[0] && ix >= 0 && ix < in_[1];
                    source_[at] = inside ? iy * in_[1] + ix : -1;
                }
}

void MaskGenerator::generate_pooled(const std::vector<float>& mbar, Pooled& p) const {
    const size_t plane = size_t(out_[0]) * out_[1], K = size_t(K_);
    p.full.resize(plane);
    p.raw.resize(plane);
    p.softmax.resize(plane * K);
    std::vector<float> z(K);
    for (size_t u = 0; u < plane; ++u) {
        const float* w = weight_.data() + u * K;
        const int* src = source_.data() + u * K;
        float zmax = -1e30f;
        for (size_t k = 0; k < K; ++k) {  // z_k = w_k(u) mbar(i_k(u)), 0 outside the grid
            z[k] = src[k] < 0 ? 0.0f : w[k] * mbar[size_t(src[k])];
            zmax = std::max(zmax, z[k]);
        }
        float* s = p.softmax.data() + u * K;
        const float at_zero = std::exp(-kColdness * zmax);  // shared by every z_k = 0 (most, once mbar settles)
        double total = 0, weighted = 0;
        for (size_t k = 0; k < K; ++k) {
            s[k] = z[k] == 0.0f ? at_zero : std::exp(kColdness * (z[k] - zmax));
            total += s[k], weighted += double(s[k]) * z[k];
        }
        for (size_t k = 0; k < K; ++k) s[k] = float(s[k] / total);
        p.raw[u] = float(weighted / total);  // sum_k z_k softmax(20 z)_k
        p.full[u] = std::clamp(p.raw[u], 0.0f, 1.0f);
    }
}

std::vector<float> MaskGenerator::generate_backward(const std::vector<float>& mbar, const Pooled& p,
                                                    const std::vector<float>& g) const {
    const size_t plane = size_t(out_[0]) * out_[1], K = size_t(K_);
    std::vector<float> d(mbar.size());
    for (size_t u = 0; u < plane; ++u) {
        const float out = p.raw[u];
        if (out < 0.0f || out > 1.0f || g[u] == 0.0f) continue;  // the clamp passes no gradient outside [0, 1]
        const float* w = weight_.data() + u * K;
        const float* s = p.softmax.data() + u * K;
        const int* src = source_.data() + u * K;
        for (size_t k = 0; k < K; ++k) {
            if (src[k] < 0) continue;
            const float z = w[k] * mbar[size_t(src[k])];
            // d out / d z_k = s_k (1 + c (z_k - out)), and d z_k / d mbar = w_k
            d[size_t(src[k])] += g[u] * s[k] * (1.0f + kColdness * (z - out)) * w[k];
        }
    }
    return d;
}

std::vector<float> MaskGenerator::crop(const std::vector<float>& full) const {
    std::vector<float> m(size_t(height_) * width_);
    for (int y = 0; y < height_; ++y)
        for (int x = 0; x < width_; ++x)
            m[size_t(y) * width_ + x] = full[size_t(y + margin_) * out_[1] + size_t(x + margin_)];
    return m;
}

void MaskGenerator::crop_backward(const std::vector<float>& g, std::vector<float>& g_full) const {
    for (int y = 0; y < height_; ++y)
        for (int x = 0; x < width_; ++x)
            g_full[size_t(y + margin_) * out_[1] + size_t(x + margin_)] += g[size_t(y) * width_ + x];
}

// ---- the optimisation ---------------------------------------------------------------------------------------

namespace {

// f_{target_b}(z_b) and df/dz_b for the B inputs z of x's shape (B, ...), in one pass.
std::vector<float> logits_and_gradients(Sequential& net, const Shape& shape, const std::vector<float>& z,
                                        const std::vector<int>& targets, std::vector<float>& gradient) {
    InferenceScope inference(net);
    Tensor input(shape, z);
    input.set_requires_grad();
    Tensor y = net.forward(input);
    const size_t classes = size_t(y.dim(1));
    std::vector<float> seed(y.numel(), 0.0f), f(targets.size());
    for (size_t b = 0; b < targets.size(); ++b) {
        if (size_t(targets[b]) >= classes)
            throw Error("extremal-perturbation: class " + std::to_string(targets[b]) + " is not one of the model's " +
                        std::to_string(classes));
        seed[b * classes + size_t(targets[b])] = 1.0f;
        f[b] = y.values()[b * classes + size_t(targets[b])];
    }
    y.backward(seed);
    gradient = input.grad();
    return f;
}

// One image's optimisation state for one area: the parameters mbar, SGD's momentum buffer, the last mask.
struct MaskState {
    std::vector<float> mbar, buffer, full, crop;
    MaskGenerator::Pooled pooled;
    double reward = 0;
};

}  // namespace

ExtremalResult extremal_perturbation(Sequential& net, const Tensor& x, int target, int height, int width,
                                     const ExtremalSettings& s) {
    if (x.dim(0) != 1) throw Error("extremal-perturbation explains one example at a time");
    return extremal_perturbation_batch(net, x, {target}, height, width, s).front();
}

std::vector<ExtremalResult> extremal_perturbation_batch(Sequential& net, const Tensor& x, const std::vector<int>& targets,
                                                        int height, int width, const ExtremalSettings& s) {
    const size_t B = size_t(x.dim(0)), plane = size_t(height) * width, values = x.numel() / std::max<size_t>(B, 1);
    if (B == 0 || targets.size() != B)
        throw Error("extremal-perturbation: " + std::to_string(targets.size()) + " targets for " + std::to_string(B) +
                    " images");
    if (values % plane != 0)
        throw Error("extremal-perturbation: an example of " + std::to_string(values) + " values is not an image of " +
                    std::to_string(height) + " x " + std::to_string(width));
    if (s.areas.empty()) throw Error("extremal-perturbation needs at least one area");
    for (float a : s.areas)
        if (!(a > 0.0f && a < 1.0f))
            throw Error("extremal-perturbation: an area is a fraction of the image in (0, 1), got " + std::to_string(a));
    if (s.variant != "preserve" && s.variant != "delete")
        throw Error("extremal-perturbation: the variant is preserve or delete, got '" + s.variant + "'");
    if (s.iterations < 1) throw Error("extremal-perturbation needs at least one iteration");
    ExtremalResult settings;
    const int side = std::max(height, width);
    settings.step = s.step > 0 ? s.step : std::max(1, int(std::lround(7.0 * side / 224.0)));
    settings.sigma = s.sigma > 0 ? s.sigma : 3.0f * float(settings.step);
    settings.max_blur = s.max_blur > 0 ? s.max_blur : 20.0f * float(side) / 224.0f;
    const MaskGenerator generator(height, width, settings.step, settings.sigma);
    const int channels = int(values / plane);
    std::vector<BlurPyramid> pyramids;  // one per image, built once for all its areas
    for (size_t b = 0; b < B; ++b)
        pyramids.emplace_back(std::vector<float>(x.values().begin() + long(b * values),
                                                 x.values().begin() + long((b + 1) * values)),
                              channels, height, width, s.levels, settings.max_blur);
    const bool preserve = s.variant == "preserve";
    const size_t n = size_t(generator.out_height()) * generator.out_width();
    std::vector<ExtremalResult> results(B, settings);

    for (float area : s.areas) {
        std::vector<float> reference(n, 1.0f);  // r_a: a fraction 1 - a of zeros, then ones
        std::fill(reference.begin(), reference.begin() + long(double(n) * (1.0 - double(area))), 0.0f);
        const float learning_rate = 0.01f, momentum = 0.9f, dampening = 0.9f;
        float lambda = 300.0f;
        std::vector<MaskState> states(B);
        for (MaskState& m : states) m.mbar.assign(size_t(generator.in_height()) * generator.in_width(), 1.0f);
        std::vector<float> perturbed(B * values), gradient;
        std::vector<std::vector<float>> used(B);
        for (int t = 0; t < s.iterations; ++t) {
            for (size_t b = 0; b < B; ++b) {  // each image perturbed by its own mask
                MaskState& m = states[b];
                generator.generate_pooled(m.mbar, m.pooled);
                m.crop = generator.crop(m.pooled.full);
                used[b] = m.crop;  // the preserved part (preserve), or what is kept (delete: 1 - m)
                if (!preserve)
                    for (float& v : used[b]) v = 1.0f - v;
                const std::vector<float> image = pyramids[b].apply(used[b]);
                std::copy(image.begin(), image.end(), perturbed.begin() + long(b * values));
            }
            const std::vector<float> f = logits_and_gradients(net, x.shape(), perturbed, targets, gradient);
            for (size_t b = 0; b < B; ++b) {
                MaskState& m = states[b];
                const std::vector<float>& full = m.pooled.full;
                m.reward = preserve ? f[b] : -f[b];  // Phi(m)
                // dPhi/dm; for delete, Phi = -f(perturb(x, 1 - m)) and its two signs cancel
                const std::vector<float> g(gradient.begin() + long(b * values), gradient.begin() + long((b + 1) * values));
                const std::vector<float> d_crop = pyramids[b].apply_backward(used[b], g);
                std::vector<float> d_full(n, 0.0f);
                generator.crop_backward(d_crop, d_full);
                // the area penalty -lambda mean((sort(m) - r_a)^2), its gradient routed back to the unsorted places
                std::vector<size_t> order(n);
                std::iota(order.begin(), order.end(), size_t(0));
                std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return full[i] < full[j]; });
                for (size_t i = 0; i < n; ++i)
                    d_full[order[i]] += -2.0f * lambda * (full[order[i]] - reference[i]) / float(n);
                const std::vector<float> d_mbar = generator.generate_backward(m.mbar, m.pooled, d_full);  // dE/dmbar
                if (m.buffer.empty()) {  // SGD on the loss -E, with momentum and dampening
                    m.buffer.resize(d_mbar.size());
                    for (size_t i = 0; i < d_mbar.size(); ++i) m.buffer[i] = -d_mbar[i];
                } else {
                    for (size_t i = 0; i < d_mbar.size(); ++i)
                        m.buffer[i] = momentum * m.buffer[i] + (1 - dampening) * -d_mbar[i];
                }
                for (size_t i = 0; i < m.mbar.size(); ++i)
                    m.mbar[i] = std::clamp(m.mbar[i] - learning_rate * m.buffer[i], 0.0f, 1.0f);
            }
            lambda *= 1.0035f;
        }
        for (size_t b = 0; b < B; ++b) {
            const std::vector<float>& full = states[b].pooled.full;
            results[b].masks.push_back(states[b].crop);
            results[b].rewards.push_back(states[b].reward);
            results[b].mask_areas.push_back(std::accumulate(full.begin(), full.end(), 0.0) / double(n));
        }
    }
    return results;
}

// ---- the method of the catalogue ----------------------------------------------------------------------------

Method extremal_perturbation_method() {
    Method m("extremal-perturbation", Family::Perturbation,
             "Fong, Patrick & Vedaldi 2019, understanding deep networks via extremal perturbations and smooth masks",
             "the smooth mask of area a whose preserved (or deleted) part keeps f largest (or smallest), by gradient ascent");
    m.parameters = {
        real_parameter("area", "0.1", 0.0, 1.0, "the mask's area a, a fraction of the image in (0, 1)"),
        choice_parameter("variant", "preserve", {"preserve", "delete"},
                         "preserve: maximise f of the image blurred outside the mask; delete: minimise f of the "
                         "image blurred inside it"),
        whole_parameter("iterations", 800, 1, 100000, "gradient steps (the reference: 800)"),
        whole_parameter("step", 0, 0, 1024, "pixels between the mask's parameters (0: 7 x side / 224, at least 1)"),
        real_parameter("sigma", "0", 0.0, 1024.0, "the mask's smoothing in pixels (0: 3 step)"),
        real_parameter("max-blur", "0", 0.0, 1024.0, "sigma of the strongest blur (0: 20 x side / 224)")};
    m.inputs = {InputForm::Image};
    m.has_steps = true;
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        const std::pair<int, int> size = image_size(call);
        const int H = size.first, W = size.second;
        ExtremalSettings s;
        s.areas = {call.real("area")};
        s.variant = call.choice("variant");
        s.iterations = call.whole("iterations");
        s.step = call.whole("step");
        s.sigma = call.real("sigma");
        s.max_blur = call.real("max-blur");
        const std::vector<ExtremalResult> results =
            extremal_perturbation_batch(call.net, call.x, call.targets, H, W, s);  // the batch's passes shared
        const ExtremalResult& r = results.front();
        char line[240];
        std::snprintf(line, sizeof line,
                      "%s mask of area %g: step %d, sigma %g, max blur %g, %d iterations; reward %.4f, "
                      "mean of the mask %.4f",
                      s.variant.c_str(), double(s.areas[0]), r.step, double(r.sigma), double(r.max_blur),
                      s.iterations, r.rewards[0], r.mask_areas[0]);
        e.steps.push_back(line);
        e.relevance = map_per_example(call, H, W, [&](size_t b, const Tensor&) { return results[b].masks[0]; });
        return e;
    };
    return m;
}

}  // namespace gb
