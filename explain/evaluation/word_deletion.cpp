#include "explain/evaluation/word_deletion.hpp"

#include <algorithm>

#include "explain/evaluation/chunks.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

constexpr int padding = 0;  // the padding id of the text models (Vocabulary::pad)

std::vector<int> word_order(const float* relevance, const float* ids, int length, bool most_relevant_first) {
    std::vector<int> order;
    for (int t = 0; t < length; ++t)
        if (int(ids[t]) != padding) order.push_back(t);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return most_relevant_first ? relevance[a] > relevance[b] : relevance[a] < relevance[b];
    });
    return order;
}

std::vector<double> deletion_curve(Sequential& net, const Tensor& ids, const std::vector<int>& labels,
                                   const std::vector<std::vector<int>>& orders, int deletions) {
    const size_t B = size_t(ids.dim(0)), T = ids.numel() / std::max<size_t>(B, 1);
    if (labels.size() != B || orders.size() != B)
        throw Error("word deletion: needs a label and an order for each of the " + std::to_string(B) + " documents");
    std::vector<double> accuracy;
    if (B == 0) return std::vector<double>(size_t(deletions) + 1, 0.0);
    Tensor current(ids.shape(), ids.values());
    for (int k = 0; k <= deletions; ++k) {
        for (size_t b = 0; b < B && k > 0; ++b)
            if (size_t(k - 1) < orders[b].size()) {
                const int t = orders[b][size_t(k - 1)];
                if (t < 0 || size_t(t) >= T) throw Error("word deletion: position " + std::to_string(t) + " is not in the document");
                current.data()[b * T + size_t(t)] = float(padding);
            }
        std::vector<int> predicted = forward_scores(net, current, labels).predicted;
        size_t right = 0;
        for (size_t b = 0; b < B; ++b) right += predicted[b] == labels[b];
        accuracy.push_back(double(right) / double(B));
    }
    return accuracy;
}

std::vector<MethodDeletion> word_deletion(Sequential& net, const Tensor& ids, const std::vector<int>& labels,
                                          const std::vector<std::string>& methods, const ExplainOptions& explain_options,
                                          int deletions, uint64_t seed) {
    const size_t B = size_t(ids.dim(0)), T = ids.numel() / B;
    std::vector<int> predicted = forward_scores(net, ids, labels).predicted;
    std::vector<size_t> correct, wrong;  // the documents of each experiment
    for (size_t b = 0; b < B; ++b) (predicted[b] == labels[b] ? correct : wrong).push_back(b);
    auto subset = [&](const std::vector<size_t>& docs, const std::vector<std::vector<int>>& orders) {
        std::vector<float> values;
        std::vector<int> subset_labels;
        std::vector<std::vector<int>> subset_orders;
        for (size_t b : docs) {
            values.insert(values.end(), ids.values().begin() + long(b * T), ids.values().begin() + long((b + 1) * T));
            subset_labels.push_back(labels[b]);
            subset_orders.push_back(orders[b]);
        }
        Shape shape = ids.shape();
        shape[0] = int(docs.size());
        return deletion_curve(net, Tensor(shape, values), subset_labels, subset_orders, deletions);
    };
    std::vector<MethodDeletion> results;
    for (const std::string& method : methods) {
        std::vector<std::vector<int>> most(B), least(B);
        if (is_random_baseline(method)) {
            Rng rng(seed);
            std::vector<float> r(T);
            for (size_t b = 0; b < B; ++b) {
                for (float& v : r) v = rng.uniform();
                most[b] = least[b] = word_order(r.data(), ids.data() + b * T, int(T), true);
            }
        } else {
            ExplainOptions eo = explain_options;
            eo.targets = labels;  // relevance for the true class
            Explanation e = explain_in_chunks(net, ids, method, eo);
            for (size_t b = 0; b < B; ++b) {
                most[b] = word_order(e.relevance.data() + b * T, ids.data() + b * T, int(T), true);
                least[b] = word_order(e.relevance.data() + b * T, ids.data() + b * T, int(T), false);
            }
        }
        results.push_back({method, subset(correct, most), subset(wrong, least), int(correct.size()), int(wrong.size())});
    }
    return results;
}

}  // namespace gb
