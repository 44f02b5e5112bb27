// lime_tabular.cpp: LIME's tabular explainer (lime_tabular.py with its
// defaults: discretize_continuous, the quartile discretizer). Each feature
// is cut at the quartiles of its training values into (up to) four bins;
// a sample draws every feature's bin with the training frequencies and a
// value inside it; z'_j = 1 where the sample's bin is the instance's.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "explain/surrogate/lime_fit.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {
namespace {

// One feature, discretized: the bin edges q_1 < q_2 < q_3 (equal quartiles
// merged), and per bin the training frequency, mean, standard deviation and range.
struct Bins {
    std::vector<double> edges;
    std::vector<double> frequency, mean, std, low, high;
    int of(double v) const { return int(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin()); }  // np.searchsorted
};

double percentile(std::vector<double> sorted, double p) {  // numpy's default, linear interpolation
    const double at = p / 100.0 * double(sorted.size() - 1);
    const size_t below = size_t(at);
    const double above = below + 1 < sorted.size() ? sorted[below + 1] : sorted[below];
    return sorted[below] + (at - double(below)) * (above - sorted[below]);
}

Bins quartile_bins(std::vector<double> column) {
    std::sort(column.begin(), column.end());
    Bins b;
    for (double p : {25.0, 50.0, 75.0}) {
        const double q = percentile(column, p);
        if (b.edges.empty() || q != b.edges.back()) b.edges.push_back(q);
    }
    const size_t n = b.edges.size() + 1;
    std::vector<std::vector<double>> in(n);
    for (double v : column) in[size_t(b.of(v))].push_back(v);
    for (size_t k = 0; k < n; ++k) {
        double sum = 0, squares = 0;
        for (double v : in[k]) sum += v;
        const double mean = in[k].empty() ? 0.0 : sum / double(in[k].size());
        for (double v : in[k]) squares += (v - mean) * (v - mean);
        b.frequency.push_back(double(in[k].size()) / double(column.size()));
        b.mean.push_back(mean);
        b.std.push_back((in[k].empty() ? 0.0 : std::sqrt(squares / double(in[k].size()))) + 1e-11);  // lime adds 1e-11
        b.low.push_back(k == 0 ? column.front() : b.edges[k - 1]);
        b.high.push_back(k + 1 == n ? column.back() : b.edges[k]);
    }
    return b;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// A value of bin k: a normal with the bin's mean and deviation truncated to
// the bin's range, by inverting its distribution function (scipy's truncnorm).
double draw_in_bin(const Bins& b, size_t k, Rng& rng) {
    const double a = (b.low[k] - b.mean[k]) / b.std[k], z = (b.high[k] - b.mean[k]) / b.std[k];
    if (!(a < z)) return b.low[k];  // an empty range: its one value
    const double u = normal_cdf(a) + (normal_cdf(z) - normal_cdf(a)) * (double(rng.uniform()) + 0.5 / 16777216.0);
    double lo = a, hi = z;
    for (int i = 0; i < 60; ++i) (normal_cdf(0.5 * (lo + hi)) < u ? lo : hi) = 0.5 * (lo + hi);
    return b.mean[k] + 0.5 * (lo + hi) * b.std[k];
}

int draw_bin(const Bins& b, Rng& rng) {  // with the training frequencies
    const double u = rng.uniform();
    double cumulative = 0;
    for (size_t k = 0; k < b.frequency.size(); ++k)
        if (u < (cumulative += b.frequency[k])) return int(k);
    return int(b.frequency.size()) - 1;
}

std::string bin_name(const Bins& b, int k, const std::string& name, double scale, double mean) {
    auto raw = [&](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", v * scale + mean);
        return std::string(buf);
    };
    const size_t e = b.edges.size();
    if (k == 0) return name + " <= " + raw(b.edges[0]);
    if (size_t(k) == e) return name + " > " + raw(b.edges[e - 1]);
    return raw(b.edges[size_t(k) - 1]) + " < " + name + " <= " + raw(b.edges[size_t(k)]);
}

}  // namespace

LimeResult lime_tabular(const Scorer& score, const Tensor& row, int target, const TableStatistics& training,
                        const LimeSettings& settings) {
    const int F = int(row.numel());
    if (row.dim(0) != 1 || training.names.size() != size_t(F) || training.rows.empty() || training.rows.size() % size_t(F) != 0)
        throw Error("lime: a table row of " + std::to_string(F) + " values needs training rows and names of as many features");
    if (settings.samples < 2) throw Error("lime needs at least 2 samples, got " + std::to_string(settings.samples));
    const int N = settings.samples;
    const size_t examples = training.rows.size() / size_t(F);
    std::vector<Bins> bins;
    for (int j = 0; j < F; ++j) {
        std::vector<double> column;
        for (size_t i = 0; i < examples; ++i) column.push_back(training.rows[i * size_t(F) + size_t(j)]);
        bins.push_back(quartile_bins(column));
    }
    Neighbourhood n;
    n.rows = N;
    n.features = F;
    n.data.assign(size_t(N) * size_t(F), 1.0);
    Tensor inputs(Shape{N, F});
    std::copy(row.values().begin(), row.values().end(), inputs.values().begin());  // row 0: the instance itself
    Rng rng(settings.seed);
    for (int j = 0; j < F; ++j) {
        const int own = bins[size_t(j)].of(row.values()[size_t(j)]);
        for (int i = 1; i < N; ++i) {
            const int k = draw_bin(bins[size_t(j)], rng);
            n.data[size_t(i) * size_t(F) + size_t(j)] = k == own ? 1.0 : 0.0;
            inputs.values()[size_t(i) * size_t(F) + size_t(j)] = float(draw_in_bin(bins[size_t(j)], size_t(k), rng));
        }
    }
    for (int i = 0; i < N; ++i) {  // euclidean distance of the 0/1 rows to row 0 (all ones)
        double d = 0;
        for (int j = 0; j < F; ++j) d += 1.0 - n.data[size_t(i) * size_t(F) + size_t(j)];
        n.distances.push_back(std::sqrt(d));
    }
    LimeResult r = fit_neighbourhood(std::move(n), score_in_chunks(score, inputs), target, 0.75 * std::sqrt(double(F)),
                                     settings);
    for (int j = 0; j < F; ++j) {
        const double scale = training.scale.empty() ? 1.0 : training.scale[size_t(j)];
        const double mean = training.mean.empty() ? 0.0 : training.mean[size_t(j)];
        r.feature_names.push_back(bin_name(bins[size_t(j)], bins[size_t(j)].of(row.values()[size_t(j)]),
                                           training.names[size_t(j)], scale, mean));
        r.feature_of.push_back(j);
    }
    return r;
}

}  // namespace gb
