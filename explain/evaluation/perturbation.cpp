#include "explain/evaluation/perturbation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "explain/evaluation/chunks.hpp"
#include "explain/perturbation/regions.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {
namespace {

// The image blurred by a Gaussian of standard deviation sigma, separably,
// with the border pixels repeated outwards.
std::vector<float> gaussian_blur(const float* image, int height, int width, float sigma) {
    const int radius = std::max(1, int(std::ceil(3 * sigma)));
    std::vector<float> kernel(size_t(2 * radius + 1));
    for (int d = -radius; d <= radius; ++d) kernel[size_t(d + radius)] = std::exp(-0.5f * float(d * d) / (sigma * sigma));
    const float total = std::accumulate(kernel.begin(), kernel.end(), 0.0f);
    for (float& k : kernel) k /= total;
    auto at = [](int i, int n) { return std::clamp(i, 0, n - 1); };
    std::vector<float> across(size_t(height) * width), out(size_t(height) * width);
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j) {
            float s = 0;
            for (int d = -radius; d <= radius; ++d) s += kernel[size_t(d + radius)] * image[i * width + at(j + d, width)];
            across[size_t(i) * width + size_t(j)] = s;
        }
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j) {
            float s = 0;
            for (int d = -radius; d <= radius; ++d) s += kernel[size_t(d + radius)] * across[size_t(at(i + d, height)) * width + size_t(j)];
            out[size_t(i) * width + size_t(j)] = s;
        }
    return out;
}

// What the regions of each example are replaced by: a full image per example,
// (B, height * width), for draw number `repeat`.
std::vector<float> replacement_images(const Tensor& x, const PerturbationOptions& o, int repeat) {
    const size_t B = size_t(x.dim(0)), row = x.numel() / B, pixels = size_t(o.height) * size_t(o.width);
    std::vector<float> fill(B * pixels, o.value);
    if (o.replacement == Replacement::Uniform) {
        Rng rng(o.seed + 1000003 * uint64_t(repeat));
        for (float& v : fill) v = rng.uniform(o.low, o.high);
    } else if (o.replacement == Replacement::Blur) {
        for (size_t b = 0; b < B; ++b) {
            std::vector<float> blurred = gaussian_blur(x.data() + b * row + (row - pixels), o.height, o.width, o.sigma);
            std::copy(blurred.begin(), blurred.end(), fill.begin() + long(b * pixels));
        }
    }
    return fill;
}

}  // namespace

Replacement replacement_named(const std::string& name) {
    if (name == "uniform") return Replacement::Uniform;
    if (name == "constant") return Replacement::Constant;
    if (name == "blur") return Replacement::Blur;
    throw Error("unknown replacement '" + name + "': use uniform, constant or blur");
}

double PerturbationCurve::aopc() const {
    double sum = 0;
    for (double s : score) sum += score.front() - s;
    return sum / double(score.size());
}

double abpc(const PerturbationCurve& morf, const PerturbationCurve& lerf) {
    if (morf.score.size() != lerf.score.size()) throw Error("abpc: the MoRF and LeRF curves differ in length");
    double sum = 0;
    for (size_t k = 0; k < morf.score.size(); ++k) sum += lerf.score[k] - morf.score[k];
    return sum / double(morf.score.size());
}

int region_count(int height, int width, int patch) { return int(grid_regions(height, width, patch).size()); }

std::vector<int> region_order(const float* relevance, int height, int width, int patch, bool most_relevant_first) {
    const std::vector<double> sum = region_sums(relevance, grid_regions(height, width, patch));
    std::vector<int> order(sum.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return most_relevant_first ? sum[size_t(a)] > sum[size_t(b)] : sum[size_t(a)] < sum[size_t(b)];
    });
    return order;
}

PerturbationCurve perturbation_curve(Sequential& net, const Tensor& x, const std::vector<int>& targets,
                                     const std::vector<int>& labels, const std::vector<std::vector<int>>& orders,
                                     const PerturbationOptions& o) {
    const size_t B = size_t(x.dim(0)), row = x.numel() / B, pixels = size_t(o.height) * size_t(o.width);
    if (o.patch < 1 || pixels > row)
        throw Error("region perturbation: images of " + std::to_string(o.height) + " x " + std::to_string(o.width) +
                    " with patches of " + std::to_string(o.patch) + " do not fit examples of " + std::to_string(row) +
                    " values");
    const std::vector<Region> grid = grid_regions(o.height, o.width, o.patch);
    const int regions = int(grid.size()), steps = o.steps > 0 ? std::min(o.steps, regions) : regions;
    if (targets.size() != B || labels.size() != B || orders.size() != B)
        throw Error("region perturbation: needs a target, a label and an order for each of the " + std::to_string(B) +
                    " examples");
    for (const std::vector<int>& order : orders)
        if (order.size() < size_t(steps) ||
            std::any_of(order.begin(), order.end(), [&](int r) { return r < 0 || r >= regions; }))
            throw Error("region perturbation: an order must list " + std::to_string(steps) + " regions among 0-" +
                        std::to_string(regions - 1));
    const int repeats = o.replacement == Replacement::Uniform ? std::max(1, o.repeats) : 1;
    PerturbationCurve curve;
    curve.score.assign(size_t(steps) + 1, 0.0);
    curve.accuracy.assign(size_t(steps) + 1, 0.0);
    const double weight = 1.0 / (double(B) * repeats);
    for (int repeat = 0; repeat < repeats; ++repeat) {
        std::vector<float> fill = replacement_images(x, o, repeat);
        Tensor current(x.shape(), x.values());
        for (int k = 0; k <= steps; ++k) {
            if (k > 0)  // x^(k) = g(x^(k-1), r_k): region r_k of each example takes its replacement values
                for (size_t b = 0; b < B; ++b) {
                    float* image = current.data() + b * row + (row - pixels);
                    const float* source = fill.data() + b * pixels;
                    for (int pixel : grid[size_t(orders[b][size_t(k - 1)])]) image[pixel] = source[pixel];
                }
            Scores s = forward_scores(net, current, targets);
            for (size_t b = 0; b < B; ++b) {
                curve.score[size_t(k)] += weight * s.logit[b];
                curve.accuracy[size_t(k)] += weight * (s.predicted[b] == labels[b]);
            }
        }
    }
    return curve;
}

double negative_share(const std::vector<float>& relevance) {
    double negative = 0, mass = 0;
    for (float r : relevance) {
        mass += std::fabs(r);
        if (r < 0) negative -= r;
    }
    return mass > 0 ? negative / mass : 0.0;
}

std::vector<MethodPerturbation> region_perturbation(Sequential& net, const Tensor& x, const std::vector<int>& labels,
                                                    const std::vector<std::string>& methods,
                                                    const ExplainOptions& explain_options,
                                                    const PerturbationOptions& options) {
    const size_t B = size_t(x.dim(0)), pixels = size_t(options.height) * size_t(options.width);
    const int regions = region_count(options.height, options.width, options.patch);
    std::vector<int> predicted = forward_scores(net, x, std::vector<int>(B, 0)).predicted;
    std::vector<MethodPerturbation> results;
    for (const std::string& method : methods) {
        MethodPerturbation m;
        m.method = method;
        std::vector<std::vector<int>> morf(B), lerf(B);
        if (is_random_baseline(method)) {
            Rng rng(options.seed);
            for (auto& order : morf) {
                order.resize(size_t(regions));
                std::iota(order.begin(), order.end(), 0);
                rng.shuffle(order);
            }
            m.morf = m.lerf = perturbation_curve(net, x, predicted, labels, morf, options);
        } else {
            ExplainOptions eo = explain_options;
            eo.targets = predicted;
            Explanation e = explain_in_chunks(net, x, method, eo);
            const std::vector<float>& r = e.relevance.values();
            const size_t row = r.size() / B;
            for (size_t b = 0; b < B; ++b) {
                const float* map = r.data() + b * row + (row - pixels);  // the image's relevance
                morf[b] = region_order(map, options.height, options.width, options.patch, true);
                lerf[b] = region_order(map, options.height, options.width, options.patch, false);
            }
            m.morf = perturbation_curve(net, x, predicted, labels, morf, options);
            m.lerf = perturbation_curve(net, x, predicted, labels, lerf, options);
            m.negative_share = negative_share(r);
        }
        results.push_back(std::move(m));
    }
    return results;
}

}  // namespace gb
