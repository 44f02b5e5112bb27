// cart.hpp: CART (Breiman et al. 1984) for classification, as scikit-learn's
// DecisionTreeClassifier grows it: binary tests x_j <= t at the midpoint of
// two neighbouring values, chosen to minimise the children's Gini impurity
//
//   G(T) = 1 - sum_c p_c^2,      cost = |T_l|/|T| G(T_l) + |T_r|/|T| G(T_r),
//
// grown until the leaves are pure (or max_depth, min_leaf stop it), and the
// Gini (mean decrease in impurity) importance of a feature:
//
//   I(j) = sum over nodes t splitting on j of |T|/N (G(T) - |T_l|/|T| G(T_l) - |T_r|/|T| G(T_r)),
//
// normalised to sum to 1.
#pragma once
#include <cstdint>
#include <vector>

#include "trees/tree.hpp"
#include "util/random.hpp"

namespace gb {

struct CartOptions {
    int max_depth = 0;      // 0: unlimited
    int min_leaf = 1;       // cases in each child of a test
    int max_features = 0;   // > 0: that many features drawn per test (a random forest's trees); 0: all
};

double gini(const std::vector<double>& counts);

// Grows a tree on the rows `rows` of data (all of them when empty); `importance`
// (if given) receives the unnormalised impurity decreases per feature. `rng`
// draws the features of each test when options.max_features > 0.
Tree grow_cart(const TreeData& data, const CartOptions& options, const std::vector<int>& rows = {},
               std::vector<double>* importance = nullptr, Rng* rng = nullptr);

// The normalised Gini importance of a CART tree grown on data.
std::vector<double> gini_importance(const TreeData& data, const CartOptions& options = {});

}  // namespace gb
