#include "explain/evaluation/chunks.hpp"

#include <algorithm>

#include "nn/module.hpp"
#include "util/error.hpp"

namespace gb {

std::vector<std::string> with_random_baseline(const std::vector<std::string>& methods) {
    std::vector<std::string> with_random = methods;
    for (const std::string& m : methods)
        if (!is_random_baseline(m)) method_named(m);  // throws for an unknown name
    if (std::none_of(methods.begin(), methods.end(), is_random_baseline)) with_random.push_back("random");
    return with_random;
}

Tensor rows(const Tensor& x, size_t begin, size_t end) {
    Shape shape = x.shape();
    const size_t row = x.numel() / size_t(shape[0]);
    shape[0] = int(end - begin);
    return Tensor(shape, std::vector<float>(x.values().begin() + long(begin * row), x.values().begin() + long(end * row)));
}

size_t examples_per_slice(Sequential& net, const Tensor& x, size_t most) {
    if (x.dim(0) == 0) return most;
    InferenceScope inference(net);
    Tensor h = rows(x, 0, 1);
    size_t floats = h.numel();
    for (size_t i = 0; i < net.size(); ++i) {
        h = net[i].forward(h);
        floats += h.numel();
    }
    return std::clamp<size_t>(kSliceFloats / std::max<size_t>(floats, 1), 1, most);
}

Explanation explain_in_chunks(Sequential& net, const Tensor& x, const std::string& method,
                              const ExplainOptions& options, size_t chunk) {
    const size_t B = size_t(x.dim(0));
    if (chunk == 0) chunk = examples_per_slice(net, x);
    if (options.targets.size() > 1 && options.targets.size() != B)
        throw Error("explain: " + std::to_string(options.targets.size()) + " targets for " + std::to_string(B) + " examples");
    Explanation all;
    all.method = method;
    std::vector<float> relevance;
    for (size_t begin = 0; begin < B; begin += chunk) {
        const size_t end = std::min(B, begin + chunk);
        ExplainOptions slice = options;
        if (options.targets.size() > 1) slice.targets.assign(options.targets.begin() + long(begin), options.targets.begin() + long(end));
        Explanation e = explain(net, rows(x, begin, end), method, slice);
        relevance.insert(relevance.end(), e.relevance.values().begin(), e.relevance.values().end());
        all.targets.insert(all.targets.end(), e.targets.begin(), e.targets.end());
        all.logit.insert(all.logit.end(), e.logit.begin(), e.logit.end());
        if (begin == 0) all.relevance = e.relevance;  // for its shape
    }
    Shape shape = all.relevance.shape();
    shape[0] = int(B);
    all.relevance = Tensor(shape, std::move(relevance));
    return all;
}

Scores forward_scores(Sequential& net, const Tensor& x, const std::vector<int>& targets, size_t chunk) {
    const size_t B = size_t(x.dim(0));
    if (targets.size() != B)
        throw Error("forward_scores: " + std::to_string(targets.size()) + " targets for " + std::to_string(B) + " examples");
    if (chunk == 0) chunk = examples_per_slice(net, x);
    net.set_training(false);  // and so it stays
    InferenceScope inference(net);  // no graph meanwhile: each layer's output is freed once the next has read it
    Scores s;
    for (size_t begin = 0; begin < B; begin += chunk) {
        const size_t end = std::min(B, begin + chunk);
        Tensor logits = net.forward(rows(x, begin, end));
        const size_t C = size_t(logits.dim(1));
        for (size_t b = 0; b < end - begin; ++b) {
            const float* row = logits.data() + b * C;
            s.logit.push_back(row[size_t(targets[begin + b])]);
            s.predicted.push_back(int(std::max_element(row, row + C) - row));
        }
    }
    return s;
}

}  // namespace gb
