// tree.hpp: the data a decision tree learns from, and a grown tree (the node
// layout C4.5, CART and the random forest share).
//
// Rows are stored row-major (rows x features). A feature is continuous
// (its tests are `x <= t` / `x > t`) or discrete with k values coded
// 0..k-1 (its C4.5 test has one branch per value).
#pragma once
#include <string>
#include <vector>

namespace gb {

struct TreeData {
    int rows = 0, features = 0, classes = 0;
    std::vector<float> x;        // rows x features
    std::vector<int> y;          // one class in 0..classes-1 per row
    std::vector<int> values;     // per feature: 0 continuous, k > 0 discrete with k values (empty: all continuous)
    std::vector<std::string> names;  // per feature (empty: "x[j]")

    const float* row(int i) const { return x.data() + size_t(i) * size_t(features); }
    bool discrete(int j) const { return !values.empty() && values[size_t(j)] > 0; }
    std::string name(int j) const { return names.empty() ? "x[" + std::to_string(j) + "]" : names[size_t(j)]; }
    // Throws gb::Error for no rows, a label out of range, a discrete value out of range or a size mismatch.
    void check() const;
};

struct TreeNode {
    int feature = -1;               // -1: a leaf
    bool discrete = false;          // a discrete test: one child per value
    float threshold = 0;            // continuous test: children[0] takes x <= threshold, children[1] x > threshold
    std::vector<int> children;      // continuous: 2; discrete: one per value
    int label = 0;                  // the majority class of the training cases here
    std::vector<double> counts;     // training cases here per class
    double cases() const;
    double errors() const;          // cases not of class `label`
    bool leaf() const { return feature < 0; }
};

class Tree {
public:
    std::vector<TreeNode> nodes;    // nodes[0] is the root
    int classes = 0;

    int leaf_of(const float* row) const;          // the node index of the leaf that row reaches
    int predict(const float* row) const { return nodes[size_t(leaf_of(row))].label; }
    // The class distribution of row's leaf, as fractions (what a forest averages).
    std::vector<double> proportions(const float* row) const;
    int leaves() const;
    int depth() const;
    // The tree as indented text: "x[2] <= 0.5:" lines, leaves "-> class (cases/errors)".
    std::string text(const TreeData& data) const;
};

// Accuracy of a tree on data.
double tree_accuracy(const Tree& tree, const TreeData& data);

}  // namespace gb
