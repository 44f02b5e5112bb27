#include "trees/forest.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/error.hpp"

namespace gb {

std::vector<double> Forest::proportions(const float* row) const {
    std::vector<double> p(size_t(classes), 0.0);
    for (const Tree& t : trees) {
        std::vector<double> q = t.proportions(row);
        for (size_t c = 0; c < p.size(); ++c) p[c] += q[c] / double(trees.size());
    }
    return p;
}

int Forest::predict(const float* row) const {
    std::vector<double> p = proportions(row);
    return int(std::max_element(p.begin(), p.end()) - p.begin());
}

Forest grow_forest(const TreeData& data, const ForestOptions& options) {
    data.check();
    if (options.trees < 1) throw Error("a random forest needs at least one tree");
    Forest forest;
    forest.classes = data.classes;
    forest.importance.assign(size_t(data.features), 0.0);
    CartOptions cart;
    cart.max_depth = options.max_depth;
    cart.min_leaf = options.min_leaf;
    cart.max_features = options.max_features > 0 ? options.max_features
                                                  : std::max(1, int(std::lround(std::sqrt(double(data.features)))));
    Rng rng(options.seed);
    for (int t = 0; t < options.trees; ++t) {
        std::vector<int> sample(size_t(data.rows));
        for (int& i : sample) i = int(rng.below(uint64_t(data.rows)));  // a bootstrap sample
        std::vector<double> importance;
        forest.trees.push_back(grow_cart(data, cart, sample, &importance, &rng));
        double total = std::accumulate(importance.begin(), importance.end(), 0.0);
        if (total > 0)
            for (size_t j = 0; j < importance.size(); ++j) forest.importance[j] += importance[j] / total / options.trees;
    }
    return forest;
}

}  // namespace gb
