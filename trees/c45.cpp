#include "trees/c45.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "util/error.hpp"

namespace gb {
namespace {

constexpr double kEpsilon = 1e-3;  // C4.5's Epsilon

std::vector<double> class_counts(const TreeData& data, const std::vector<int>& rows) {
    std::vector<double> counts(size_t(data.classes), 0.0);
    for (int i : rows) counts[size_t(data.y[size_t(i)])] += 1;
    return counts;
}

// sum_c n_c log2(n / n_c): the entropy of the counts times their total.
double total_info(const std::vector<double>& counts) {
    double n = 0, sum = 0;
    for (double c : counts) n += c;
    for (double c : counts)
        if (c > 0) sum += c * std::log2(n / c);
    return sum;
}

SplitScore discrete_score(const TreeData& data, const std::vector<int>& rows, int feature, int min_cases) {
    const size_t k = size_t(data.values[size_t(feature)]);
    std::vector<std::vector<double>> branch(k, std::vector<double>(size_t(data.classes), 0.0));
    for (int i : rows) branch[size_t(data.row(i)[feature])][size_t(data.y[size_t(i)])] += 1;
    const double n = double(rows.size());
    double info = 0;
    std::vector<double> sizes;
    int reasonable = 0;
    for (const auto& b : branch) {
        double size = 0;
        for (double c : b) size += c;
        sizes.push_back(size);
        reasonable += size >= min_cases;
        info += total_info(b);
    }
    SplitScore s;
    s.gain = (total_info(class_counts(data, rows)) - info) / n;
    s.split_info = entropy_bits(sizes);
    s.possible = reasonable >= 2 && s.gain > -kEpsilon;
    s.ratio = s.split_info > kEpsilon ? s.gain / s.split_info : 0;
    return s;
}

// The best threshold of a continuous attribute over cases given as (value, class) pairs sorted by value.
SplitScore continuous_score(const TreeData& data, const std::vector<std::pair<float, int>>& order, int min_cases) {
    SplitScore s;
    const size_t n = order.size();
    if (n < 2 || order.front().first == order.back().first) return s;
    // Release 8: at least MINOBJS, at most 25, and otherwise 10% of the cases per class on each side.
    double min_split = 0.1 * double(n) / data.classes;
    min_split = std::min(25.0, std::max(double(min_cases), min_split));
    std::vector<double> left(size_t(data.classes), 0.0), right(size_t(data.classes), 0.0);
    for (auto& p : order) right[size_t(p.second)] += 1;
    const double base = total_info(right);
    double best_gain = -1;
    int tries = 0;
    for (size_t k = 0; k + 1 < n; ++k) {
        left[size_t(order[k].second)] += 1, right[size_t(order[k].second)] -= 1;
        if (order[k].first == order[k + 1].first) continue;
        double nl = double(k + 1), nr = double(n - k - 1);
        if (nl < min_split || nr < min_split) continue;
        ++tries;
        double gain = (base - total_info(left) - total_info(right)) / double(n);
        if (gain > best_gain) {
            best_gain = gain;
            s.threshold = order[k].first;  // the greatest value on the left: a value seen in the data
            s.split_info = entropy_bits({nl, nr});
        }
    }
    if (tries == 0) return s;
    s.gain = best_gain - std::log2(double(tries)) / double(n);
    s.possible = s.gain > 0;
    s.ratio = s.split_info > kEpsilon ? s.gain / s.split_info : 0;
    return s;
}

std::vector<std::pair<float, int>> sorted_pairs(const TreeData& data, const std::vector<int>& rows, int feature) {
    std::vector<std::pair<float, int>> order(rows.size());
    for (size_t k = 0; k < rows.size(); ++k) order[k] = {data.row(rows[k])[feature], data.y[size_t(rows[k])]};
    std::sort(order.begin(), order.end());
    return order;
}

struct Grower {
    const TreeData& data;
    const C45Options& options;
    const SortedColumns* sorted;
    Tree tree;
    std::vector<char> member;  // with `sorted`: the rows of the node being split

    SplitScore score(const std::vector<int>& rows, int j) const {
        if (!sorted || data.discrete(j)) return c45_split_score(data, rows, j, options.min_cases);
        const std::vector<int>& order = sorted->order[size_t(j)];
        if (order.empty()) return {};
        // A large node reads the presorted column (linear); a small one sorts its own rows.
        if (rows.size() * 16 < order.size()) return continuous_score(data, sorted_pairs(data, rows, j), options.min_cases);
        std::vector<std::pair<float, int>> pairs;
        pairs.reserve(rows.size());
        const std::vector<float>& value = sorted->value[size_t(j)];
        for (size_t k = 0; k < order.size(); ++k)
            if (member[size_t(order[k])]) pairs.emplace_back(value[k], data.y[size_t(order[k])]);
        return continuous_score(data, pairs, options.min_cases);
    }

    int leaf(const std::vector<int>& rows, int parent_label) {
        TreeNode node;
        node.counts = class_counts(data, rows);
        node.label = rows.empty() ? parent_label
                                  : int(std::max_element(node.counts.begin(), node.counts.end()) - node.counts.begin());
        tree.nodes.push_back(node);
        return int(tree.nodes.size()) - 1;
    }

    // Grows the subtree of `rows`; returns its root's index.
    int grow(const std::vector<int>& rows, int depth, int parent_label) {
        int at = leaf(rows, parent_label);
        const TreeNode here = tree.nodes[size_t(at)];
        if (rows.size() < size_t(2 * options.min_cases) || here.errors() == 0) return at;
        if (options.max_depth > 0 && depth >= options.max_depth) return at;

        std::vector<SplitScore> scores(size_t(data.features));
        double average = 0;
        int possible = 0;
        if (sorted)
            for (int i : rows) member[size_t(i)] = 1;
        // The features' scores are independent of each other: with options.threads > 1 a large node scores
        // them on that many threads (feature j on thread j mod threads); the tree is the same.
        const int threads = rows.size() >= 1000 ? std::min(options.threads, data.features) : 1;
        auto score_some = [&](int first) {
            for (int j = first; j < data.features; j += threads) scores[size_t(j)] = score(rows, j);
        };
        std::vector<std::thread> helpers;
        for (int t = 1; t < threads; ++t) helpers.emplace_back(score_some, t);
        score_some(0);
        for (std::thread& h : helpers) h.join();
        for (int j = 0; j < data.features; ++j)
            if (scores[size_t(j)].possible) average += scores[size_t(j)].gain, ++possible;
        if (sorted)
            for (int i : rows) member[size_t(i)] = 0;
        if (possible == 0) return at;
        average /= possible;
        int best = -1;
        double best_ratio = kEpsilon;
        for (int j = 0; j < data.features; ++j) {
            const SplitScore& s = scores[size_t(j)];
            if (!s.possible || s.gain < average - kEpsilon || s.split_info <= kEpsilon) continue;
            if (s.ratio > best_ratio) best_ratio = s.ratio, best = j;
        }
        if (best < 0) return at;

        const bool discrete = data.discrete(best);
        const size_t branches = discrete ? size_t(data.values[size_t(best)]) : 2;
        std::vector<std::vector<int>> parts(branches);
        for (int i : rows) {
            float v = data.row(i)[best];
            parts[discrete ? size_t(v) : size_t(v > scores[size_t(best)].threshold)].push_back(i);
        }
        std::vector<int> children;
        for (auto& part : parts) children.push_back(grow(part, depth + 1, here.label));
        // Release 8: no better than a leaf on the training cases -> a leaf.
        double errors = 0;
        for (int c : children) errors += subtree_errors(c);
        if (errors >= here.errors() - kEpsilon) return at;
        TreeNode& node = tree.nodes[size_t(at)];
        node.feature = best;
        node.discrete = discrete;
        node.threshold = discrete ? 0.0f : scores[size_t(best)].threshold;
        node.children = children;
        return at;
    }

    double subtree_errors(int at) const {
        const TreeNode& n = tree.nodes[size_t(at)];
        if (n.leaf()) return n.errors();
        double e = 0;
        for (int c : n.children) e += subtree_errors(c);
        return e;
    }

    // Pessimistic pruning, bottom-up; returns the subtree's charged errors.
    double prune(int at) {
        TreeNode& n = tree.nodes[size_t(at)];
        double as_leaf = n.errors() + c45_added_errors(n.cases(), n.errors(), options.confidence);
        if (n.leaf()) return as_leaf;
        double as_tree = 0;
        for (int c : std::vector<int>(n.children)) as_tree += prune(c);
        TreeNode& m = tree.nodes[size_t(at)];
        if (as_leaf <= as_tree + 0.1) {
            m.feature = -1;
            m.children.clear();
            return as_leaf;
        }
        return as_tree;
    }
};

// Removes the nodes no longer reachable from the root (after pruning).
Tree compact(const Tree& tree) {
    Tree out;
    out.classes = tree.classes;
    struct Item { int old, parent; size_t slot; };  // a node, its parent's new index, its branch there
    std::vector<Item> todo{{0, -1, 0}};
    while (!todo.empty()) {
        Item item = todo.back();
        todo.pop_back();
        TreeNode node = tree.nodes[size_t(item.old)];
        int index = int(out.nodes.size());
        std::vector<int> old_children = node.children;
        out.nodes.push_back(node);
        if (item.parent >= 0) out.nodes[size_t(item.parent)].children[item.slot] = index;
        for (size_t b = 0; b < old_children.size(); ++b) todo.push_back({old_children[b], index, b});
    }
    return out;
}

}  // namespace

double entropy_bits(const std::vector<double>& counts) {
    double n = 0;
    for (double c : counts) n += c;
    return n > 0 ? total_info(counts) / n : 0;
}

SplitScore c45_split_score(const TreeData& data, const std::vector<int>& rows, int feature, int min_cases) {
    if (rows.empty()) return {};
    return data.discrete(feature) ? discrete_score(data, rows, feature, min_cases)
                                  : continuous_score(data, sorted_pairs(data, rows, feature), min_cases);
}

SortedColumns sort_columns(const TreeData& data, const std::vector<char>& use) {
    SortedColumns s;
    s.order.resize(size_t(data.features));
    s.value.resize(size_t(data.features));
    // (value, row) pairs sorted together: ties stay in row order, and the sort reads contiguous memory.
    std::vector<std::pair<float, int>> column(size_t(data.rows));
    for (int j = 0; j < data.features; ++j) {
        if (!use.empty() && !use[size_t(j)]) continue;
        for (int i = 0; i < data.rows; ++i) column[size_t(i)] = {data.row(i)[j], i};
        std::sort(column.begin(), column.end());
        std::vector<int>& order = s.order[size_t(j)];
        order.resize(size_t(data.rows));
        std::vector<float>& value = s.value[size_t(j)];
        value.resize(size_t(data.rows));
        for (int i = 0; i < data.rows; ++i) order[size_t(i)] = column[size_t(i)].second, value[size_t(i)] = column[size_t(i)].first;
    }
    return s;
}

double c45_added_errors(double n, double e, double cf) {
    // The normal deviate z of a one-sided confidence cf, interpolated in C4.5's table.
    static const double value[] = {0, 0.001, 0.005, 0.01, 0.05, 0.10, 0.20, 0.40, 1.00};
    static const double deviate[] = {4.0, 3.09, 2.58, 2.33, 1.65, 1.28, 0.84, 0.25, 0.00};
    int i = 1;
    while (i < 8 && cf > value[i]) ++i;
    double z = deviate[i - 1] + (deviate[i] - deviate[i - 1]) * (cf - value[i - 1]) / (value[i] - value[i - 1]);
    double z2 = z * z;
    if (e < 1e-6) return n * (1 - std::exp(std::log(cf) / n));  // exact: 1 - (1 - U)^N = CF
    if (e < 0.9999) {                                             // between 0 and 1 error: linear
        double at0 = n * (1 - std::exp(std::log(cf) / n));
        return at0 + e * (c45_added_errors(n, 1.0, cf) - at0);
    }
    if (e + 0.5 >= n) return 0.67 * (n - e);
    // The upper limit of the normal approximation (Wilson's interval with continuity correction 0.5).
    double u = (e + 0.5 + z2 / 2 + std::sqrt(z2 * ((e + 0.5) * (1 - (e + 0.5) / n) + z2 / 4))) / (n + z2);
    return n * u - e;
}

Tree grow_c45(const TreeData& data, const C45Options& options, const SortedColumns* sorted) {
    data.check();
    if (options.min_cases < 1) throw Error("C4.5's minimum number of cases must be at least 1");
    if (!(options.confidence > 0 && options.confidence < 1))
        throw Error("C4.5's pruning confidence must lie in (0, 1), e.g. 0.25");
    if (options.max_depth < 0) throw Error("C4.5's maximum depth must be 0 (unlimited) or more");
    if (options.threads < 1) throw Error("C4.5 needs at least one thread");
    if (sorted && sorted->order.size() != size_t(data.features))
        throw Error("the presorted columns were made for other data");
    Grower g{data, options, sorted, {}, {}};
    g.tree.classes = data.classes;
    if (sorted) g.member.assign(size_t(data.rows), 0);
    std::vector<int> rows(size_t(data.rows));
    for (int i = 0; i < data.rows; ++i) rows[size_t(i)] = i;
    g.grow(rows, 0, 0);
    if (options.prune) g.prune(0);
    return compact(g.tree);
}

}  // namespace gb
