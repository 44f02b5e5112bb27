// lime_text.cpp: LIME's text explainer (lime_text.py, bag of words): the
// interpretable features are the distinct words of the post; a sample
// removes a random number of them (from 1 to all), each with every
// occurrence, and the words that remain move up (padding fills the end).
#include <algorithm>

#include "explain/surrogate/lime_fit.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

LimeResult lime_text(const Scorer& score, const Tensor& ids, int target, const std::vector<std::string>& vocabulary,
                     const LimeSettings& settings) {
    if (ids.ndim() != 2 || ids.dim(0) != 1) throw Error("lime: a post is one row of word ids (1, T), got " + shape_str(ids.shape()));
    if (settings.samples < 2) throw Error("lime needs at least 2 samples, got " + std::to_string(settings.samples));
    const int T = ids.dim(1), N = settings.samples;
    std::vector<int> words;  // the distinct words, in order of first appearance; feature_of each position
    std::vector<int> feature_of(size_t(T), -1);
    for (int t = 0; t < T; ++t) {
        const int id = int(ids.values()[size_t(t)]);
        if (id == 0) continue;  // padding
        auto at = std::find(words.begin(), words.end(), id);
        feature_of[size_t(t)] = int(at - words.begin());
        if (at == words.end()) words.push_back(id);
    }
    const int F = int(words.size());
    if (F == 0) throw Error("lime: the post has no words to explain");
    Neighbourhood n;
    n.rows = N;
    n.features = F;
    n.data.assign(size_t(N) * size_t(F), 1.0);
    Rng rng(settings.seed);
    std::vector<int> order(static_cast<size_t>(F));
    for (int row = 1; row < N; ++row) {  // remove d ~ U{1..F} distinct words, chosen without replacement
        const int d = 1 + int(rng.below(uint64_t(F)));
        for (int f = 0; f < F; ++f) order[size_t(f)] = f;
        for (int k = 0; k < d; ++k) {  // a partial Fisher-Yates shuffle: the first d are the removed words
            const int pick = k + int(rng.below(uint64_t(F - k)));
            std::swap(order[size_t(k)], order[size_t(pick)]);
            n.data[size_t(row) * size_t(F) + size_t(order[size_t(k)])] = 0.0;
        }
    }
    Tensor inputs(Shape{N, T});
    for (int row = 0; row < N; ++row) {
        float* out = inputs.values().data() + size_t(row) * size_t(T);
        int kept = 0;
        for (int t = 0; t < T; ++t)
            if (feature_of[size_t(t)] >= 0 && n.data[size_t(row) * size_t(F) + size_t(feature_of[size_t(t)])] == 1.0)
                out[kept++] = ids.values()[size_t(t)];
    }
    n.distances = cosine_distances(n.data, N, F, 100.0);
    LimeResult r = fit_neighbourhood(std::move(n), score_in_chunks(score, inputs), target, 25.0, settings);
    for (int id : words) r.feature_names.push_back(size_t(id) < vocabulary.size() ? vocabulary[size_t(id)] : std::to_string(id));
    r.feature_of = feature_of;
    return r;
}

}  // namespace gb
