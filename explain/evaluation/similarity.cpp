#include "explain/evaluation/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/error.hpp"

namespace gb {
namespace {

// Ranks 1..n, ties sharing the mean of the ranks they span.
std::vector<double> ranks(const std::vector<float>& v) {
    std::vector<size_t> order(v.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return v[i] < v[j]; });
    std::vector<double> rank(v.size());
    for (size_t start = 0; start < order.size();) {
        size_t end = start;
        while (end + 1 < order.size() && v[order[end + 1]] == v[order[start]]) ++end;
        double mean_rank = 0.5 * double(start + end) + 1.0;
        for (size_t k = start; k <= end; ++k) rank[order[k]] = mean_rank;
        start = end + 1;
    }
    return rank;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = double(a.size());
    double mean_a = std::accumulate(a.begin(), a.end(), 0.0) / n, mean_b = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double cov = 0, var_a = 0, var_b = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        cov += (a[i] - mean_a) * (b[i] - mean_b);
        var_a += (a[i] - mean_a) * (a[i] - mean_a);
        var_b += (b[i] - mean_b) * (b[i] - mean_b);
    }
    return var_a == 0 || var_b == 0 ? 0.0 : cov / std::sqrt(var_a * var_b);
}

}  // namespace

double spearman(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size() || a.empty())
        throw Error("spearman: needs two lists of the same non-zero size, got " + std::to_string(a.size()) + " and " +
                    std::to_string(b.size()));
    return pearson(ranks(a), ranks(b));
}

double ssim(const std::vector<float>& a, const std::vector<float>& b, int height, int width, double data_range) {
    const int w = 7;
    if (a.size() != size_t(height) * size_t(width) || b.size() != a.size())
        throw Error("ssim: both images must have height x width = " + std::to_string(height) + " x " +
                    std::to_string(width) + " values, got " + std::to_string(a.size()) + " and " + std::to_string(b.size()));
    if (height < w || width < w) throw Error("ssim: images must be at least 7 x 7");
    const double c1 = (0.01 * data_range) * (0.01 * data_range), c2 = (0.03 * data_range) * (0.03 * data_range);
    const double n = w * w;
    double total = 0;
    for (int top = 0; top + w <= height; ++top)
        for (int left = 0; left + w <= width; ++left) {
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (int i = top; i < top + w; ++i)
                for (int j = left; j < left + w; ++j) {
                    double x = a[size_t(i) * width + size_t(j)], y = b[size_t(i) * width + size_t(j)];
                    sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
                }
            double mu_a = sa / n, mu_b = sb / n;
            double var_a = (saa - n * mu_a * mu_a) / (n - 1), var_b = (sbb - n * mu_b * mu_b) / (n - 1);
            double cov = (sab - n * mu_a * mu_b) / (n - 1);
            total += (2 * mu_a * mu_b + c1) * (2 * cov + c2) / ((mu_a * mu_a + mu_b * mu_b + c1) * (var_a + var_b + c2));
        }
    return total / double((height - w + 1) * (width - w + 1));
}

std::vector<float> normalized_magnitude(const std::vector<float>& r) {
    float top = 0;
    for (float v : r) top = std::max(top, std::fabs(v));
    std::vector<float> m(r.size(), 0.0f);
    if (top > 0)
        for (size_t i = 0; i < r.size(); ++i) m[i] = std::fabs(r[i]) / top;
    return m;
}

}  // namespace gb
