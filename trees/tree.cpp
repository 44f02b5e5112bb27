#include "trees/tree.hpp"

#include <algorithm>
#include <functional>
#include <sstream>

#include "util/error.hpp"

namespace gb {

void TreeData::check() const {
    if (rows <= 0) throw Error("a decision tree needs training cases, and the training set is empty");
    if (classes < 1) throw Error("a decision tree needs at least one class");
    if (features <= 0 || x.size() != size_t(rows) * size_t(features) || y.size() != size_t(rows))
        throw Error("a tree's data must hold rows x features values and one label per row");
    if (!values.empty() && values.size() != size_t(features))
        throw Error("a tree's data must say for every feature whether it is discrete");
    for (int label : y)
        if (label < 0 || label >= classes)
            throw Error("label " + std::to_string(label) + " is outside 0.." + std::to_string(classes - 1));
    for (int j = 0; j < features; ++j) {
        if (!discrete(j)) continue;
        for (int i = 0; i < rows; ++i) {
            float v = row(i)[j];
            if (!(v >= 0 && v < float(values[size_t(j)])) || v != float(int(v)))
                throw Error("feature " + name(j) + " is discrete with " + std::to_string(values[size_t(j)]) +
                            " values, and row " + std::to_string(i) + " holds " + std::to_string(v));
        }
    }
}

double TreeNode::cases() const {
    double n = 0;
    for (double c : counts) n += c;
    return n;
}

double TreeNode::errors() const { return cases() - counts[size_t(label)]; }

int Tree::leaf_of(const float* row) const {
    int at = 0;
    while (!nodes[size_t(at)].leaf()) {
        const TreeNode& n = nodes[size_t(at)];
        float v = row[n.feature];
        size_t branch = n.discrete ? size_t(std::max(0.0f, v)) : size_t(v > n.threshold);
        at = n.children[std::min(branch, n.children.size() - 1)];
    }
    return at;
}

std::vector<double> Tree::proportions(const float* row) const {
    const TreeNode& leaf = nodes[size_t(leaf_of(row))];
    std::vector<double> p = leaf.counts;
    double n = leaf.cases();
    for (double& v : p) v = n > 0 ? v / n : 0;
    return p;
}

int Tree::leaves() const {
    int n = 0;
    std::function<void(int)> walk = [&](int at) {
        if (nodes[size_t(at)].leaf()) ++n;
        else
            for (int c : nodes[size_t(at)].children) walk(c);
    };
    walk(0);
    return n;
}

int Tree::depth() const {
    std::function<int(int)> walk = [&](int at) {
        int d = 0;
        for (int c : nodes[size_t(at)].children) d = std::max(d, 1 + walk(c));
        return d;
    };
    return walk(0);
}

std::string Tree::text(const TreeData& data) const {
    std::ostringstream s;
    std::function<void(int, int)> walk = [&](int at, int indent) {
        const TreeNode& n = nodes[size_t(at)];
        for (size_t b = 0; b < n.children.size(); ++b) {
            s << std::string(size_t(indent) * 4, ' ') << data.name(n.feature);
            if (n.discrete) s << " = " << b;
            else s << (b == 0 ? " <= " : " > ") << n.threshold;
            const TreeNode& c = nodes[size_t(n.children[b])];
            if (c.leaf()) {
                s << ": " << c.label << " (" << c.cases();
                if (c.errors() > 0) s << "/" << c.errors();
                s << ")\n";
            } else {
                s << ":\n";
                walk(n.children[b], indent + 1);
            }
        }
    };
    if (nodes[0].leaf()) s << nodes[0].label << " (" << nodes[0].cases() << ")\n";
    else walk(0, 0);
    return s.str();
}

double tree_accuracy(const Tree& tree, const TreeData& data) {
    int correct = 0;
    for (int i = 0; i < data.rows; ++i) correct += tree.predict(data.row(i)) == data.y[size_t(i)];
    return data.rows ? double(correct) / data.rows : 0;
}

}  // namespace gb
