// forest.hpp: a random forest (Breiman 2001): trees grown by CART on
// bootstrap samples of the training rows, each test chosen among
// max_features features drawn afresh (sqrt(features) by default); the forest
// averages its trees' leaf class proportions. Every draw comes from one
// seeded generator: the same seed gives the same forest.
#pragma once
#include <cstdint>
#include <vector>

#include "trees/cart.hpp"

namespace gb {

struct ForestOptions {
    int trees = 50;
    int max_depth = 0;
    int min_leaf = 1;
    int max_features = 0;  // 0: round(sqrt(features))
    uint64_t seed = 1;
};

class Forest {
public:
    std::vector<Tree> trees;
    std::vector<double> importance;  // mean of the trees' normalised Gini importances
    int classes = 0;

    std::vector<double> proportions(const float* row) const;  // averaged over the trees
    int predict(const float* row) const;
};

Forest grow_forest(const TreeData& data, const ForestOptions& options = {});

}  // namespace gb
