#include "trees/cart.hpp"

#include <algorithm>
#include <numeric>

#include "util/error.hpp"

namespace gb {

double gini(const std::vector<double>& counts) {
    double n = 0, squares = 0;
    for (double c : counts) n += c;
    if (n <= 0) return 0;
    for (double c : counts) squares += (c / n) * (c / n);
    return 1 - squares;
}

namespace {

struct Split {
    int feature = -1;
    float threshold = 0;
    double cost = 0;  // |T_l| G(T_l) + |T_r| G(T_r)
};

struct CartGrower {
    const TreeData& data;
    const CartOptions& options;
    std::vector<double>* importance;
    Rng* rng;
    Tree tree;

    Split best_split(const std::vector<int>& rows, const std::vector<double>& counts) {
        Split best;
        const size_t n = rows.size();
        best.cost = double(n) * gini(counts);
        std::vector<int> features(size_t(data.features));
        std::iota(features.begin(), features.end(), 0);
        size_t draw = features.size();
        if (options.max_features > 0 && size_t(options.max_features) < features.size()) {
            draw = size_t(options.max_features);
            for (size_t k = 0; k < draw; ++k) std::swap(features[k], features[k + rng->below(features.size() - k)]);
        }
        std::vector<std::pair<float, int>> order(n);
        for (size_t f = 0; f < draw; ++f) {
            const int j = features[f];
            for (size_t k = 0; k < n; ++k) order[k] = {data.row(rows[k])[j], data.y[size_t(rows[k])]};
            std::sort(order.begin(), order.end());
            if (order.front().first == order.back().first) continue;
            std::vector<double> left(size_t(data.classes), 0.0), right = counts;
            for (size_t k = 0; k + 1 < n; ++k) {
                left[size_t(order[k].second)] += 1, right[size_t(order[k].second)] -= 1;
                if (order[k + 1].first <= order[k].first + 1e-7f) continue;
                double nl = double(k + 1), nr = double(n - k - 1);
                if (nl < options.min_leaf || nr < options.min_leaf) continue;
                double cost = nl * gini(left) + nr * gini(right);
                if (cost < best.cost - 1e-12) {
                    best.cost = cost, best.feature = j;
                    best.threshold = float((double(order[k].first) + double(order[k + 1].first)) / 2);
                    if (best.threshold == order[k + 1].first) best.threshold = order[k].first;
                }
            }
        }
        return best;
    }

    int grow(const std::vector<int>& rows, int depth) {
        TreeNode node;
        node.counts.assign(size_t(data.classes), 0.0);
        for (int i : rows) node.counts[size_t(data.y[size_t(i)])] += 1;
        node.label = int(std::max_element(node.counts.begin(), node.counts.end()) - node.counts.begin());
        int at = int(tree.nodes.size());
        tree.nodes.push_back(node);
        const double impurity = gini(node.counts);
        if (impurity <= 0 || rows.size() < size_t(2 * options.min_leaf) || rows.size() < 2) return at;
        if (options.max_depth > 0 && depth >= options.max_depth) return at;
        Split s = best_split(rows, node.counts);
        if (s.feature < 0) return at;
        if (importance) (*importance)[size_t(s.feature)] += double(rows.size()) * impurity - s.cost;
        std::vector<int> left, right;
        for (int i : rows) (data.row(i)[s.feature] <= s.threshold ? left : right).push_back(i);
        int l = grow(left, depth + 1), r = grow(right, depth + 1);
        TreeNode& n = tree.nodes[size_t(at)];
        n.feature = s.feature, n.threshold = s.threshold, n.children = {l, r};
        return at;
    }
};

}  // namespace

Tree grow_cart(const TreeData& data, const CartOptions& options, const std::vector<int>& rows,
               std::vector<double>* importance, Rng* rng) {
    data.check();
    if (options.min_leaf < 1) throw Error("CART's minimum cases per leaf must be at least 1");
    if (options.max_depth < 0) throw Error("CART's maximum depth must be 0 (unlimited) or more");
    if (options.max_features > 0 && !rng) throw Error("CART draws features per test only with a random generator");
    if (importance) importance->assign(size_t(data.features), 0.0);
    CartGrower g{data, options, importance, rng, {}};
    g.tree.classes = data.classes;
    std::vector<int> all = rows;
    if (all.empty()) {
        all.resize(size_t(data.rows));
        std::iota(all.begin(), all.end(), 0);
    }
    g.grow(all, 0);
    return g.tree;
}

std::vector<double> gini_importance(const TreeData& data, const CartOptions& options) {
    std::vector<double> importance;
    Rng rng(1);
    grow_cart(data, options, {}, &importance, &rng);
    double total = std::accumulate(importance.begin(), importance.end(), 0.0);
    if (total > 0)
        for (double& v : importance) v /= total;
    return importance;
}

}  // namespace gb
