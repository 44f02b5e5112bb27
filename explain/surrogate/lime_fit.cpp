#include "explain/surrogate/lime_fit.hpp"

#include <algorithm>
#include <cmath>

#include "util/error.hpp"

namespace gb {

Tensor score_in_chunks(const Scorer& score, const Tensor& inputs, int chunk) {
    const int N = inputs.dim(0);
    const size_t per_row = inputs.numel() / size_t(N);
    std::vector<float> all;
    int classes = 0;
    for (int begin = 0; begin < N; begin += chunk) {
        const int end = std::min(N, begin + chunk);
        Shape shape = inputs.shape();
        shape[0] = end - begin;
        Tensor part(shape, std::vector<float>(inputs.values().begin() + std::ptrdiff_t(size_t(begin) * per_row),
                                              inputs.values().begin() + std::ptrdiff_t(size_t(end) * per_row)));
        Tensor s = score(part);
        if (s.ndim() != 2 || s.dim(0) != end - begin)
            throw Error("the scorer returned " + shape_str(s.shape()) + " for " + std::to_string(end - begin) +
                        " inputs; it must return (inputs, classes)");
        classes = s.dim(1);
        all.insert(all.end(), s.values().begin(), s.values().end());
    }
    return Tensor(Shape{N, classes}, all);
}

std::vector<double> cosine_distances(const std::vector<double>& rows, int N, int F, double scale) {
    std::vector<double> d(static_cast<size_t>(N));
    const double* first = rows.data();
    double first_norm = 0;
    for (int f = 0; f < F; ++f) first_norm += first[f] * first[f];
    for (int n = 0; n < N; ++n) {
        const double* row = rows.data() + size_t(n) * size_t(F);
        double dot = 0, norm = 0;
        for (int f = 0; f < F; ++f) dot += first[f] * row[f], norm += row[f] * row[f];
        // sklearn's cosine distance; a row of zeros (everything hidden) has cosine 0
        d[size_t(n)] = scale * (1.0 - (norm > 0 && first_norm > 0 ? dot / std::sqrt(norm * first_norm) : 0.0));
    }
    return d;
}

LimeResult fit_neighbourhood(Neighbourhood neighbourhood, const Tensor& scores, int target, double default_width,
                             const LimeSettings& settings) {
    const int N = scores.dim(0), C = scores.dim(1);
    if (target < 0 || target >= C)
        throw Error("target class " + std::to_string(target) + " does not exist; the model has classes 0-" +
                    std::to_string(C - 1));
    neighbourhood.scores.assign(size_t(N), 0.0);
    for (int n = 0; n < N; ++n) {
        const float* row = scores.data() + size_t(n) * size_t(C);
        if (!settings.probabilities) {
            neighbourhood.scores[size_t(n)] = row[target];
            continue;
        }
        const float top = *std::max_element(row, row + C);  // softmax, shifted by the largest logit
        double total = 0;
        for (int c = 0; c < C; ++c) total += std::exp(double(row[c]) - top);
        neighbourhood.scores[size_t(n)] = std::exp(double(row[target]) - top) / total;
    }
    LimeResult r;
    r.kernel_width = settings.kernel_width > 0 ? settings.kernel_width : default_width;
    r.weights = exponential_kernel(neighbourhood.distances, r.kernel_width);
    const int K = settings.at_most ? std::min(settings.features, neighbourhood.features) : settings.features;
    r.model = fit_local_model(neighbourhood, r.kernel_width, K, settings.selection);
    r.neighbourhood = std::move(neighbourhood);
    r.scores = scores;
    return r;
}

}  // namespace gb
