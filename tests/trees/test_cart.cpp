// CART and its Gini importance against hand-computed values and scikit-learn
// (tests/golden/make_golden_cart.py); the random forest's determinism.
#include <fstream>

#include <catch2/catch.hpp>

#include "trees/cart.hpp"
#include "trees/forest.hpp"

using namespace gb;
using Catch::Detail::Approx;

TEST_CASE("Gini importance gives all to the one feature that decides", "[trees][cart]") {
    TreeData d;
    d.features = 3, d.classes = 2;
    Rng rng(3);
    for (int i = 0; i < 60; ++i) {
        float a = rng.uniform(), b = rng.uniform(), c = rng.uniform();
        d.x.insert(d.x.end(), {a, b, c});
        d.y.push_back(b > 0.4f);
    }
    d.rows = 60;
    std::vector<double> importance = gini_importance(d);
    CHECK(importance[0] == 0);
    CHECK(importance[1] == Approx(1.0));
    CHECK(importance[2] == 0);
}

TEST_CASE("Gini importance by hand on four rows", "[trees][cart]") {
    // x0 splits {0, 0 | 1, 1} classes {0, 0 | 1, 2}; then x1 separates 1 from 2.
    TreeData d;
    d.rows = 4, d.features = 2, d.classes = 3;
    d.x = {0, 5, 0, 6, 1, 1, 1, 2};
    d.y = {0, 0, 1, 2};
    // Root G = 1 - (1/4 + 1/4 + 1/4)... counts (2, 1, 1): G = 1 - (0.25 + 0.0625 + 0.0625) = 0.625.
    // x0 split: 4 * 0.625 - (2 * 0 + 2 * 0.5) = 1.5; then x1: 2 * 0.5 - 0 = 1.0. Importances 0.6, 0.4.
    std::vector<double> importance = gini_importance(d);
    CHECK(importance[0] == Approx(0.6));
    CHECK(importance[1] == Approx(0.4));
    CHECK(gini({2, 1, 1}) == Approx(0.625));
}

TEST_CASE("CART's Gini importance, leaves and depth match scikit-learn", "[trees][cart][golden]") {
    std::ifstream in("tests/golden/cart_sklearn.txt");
    REQUIRE(in);
    TreeData d;
    in >> d.rows >> d.features >> d.classes;
    for (int i = 0; i < d.rows; ++i) {
        for (int j = 0; j < d.features; ++j) {
            float v;
            in >> v;
            d.x.push_back(v);
        }
        int label;
        in >> label;
        d.y.push_back(label);
    }
    for (int max_depth : {0, 3}) {
        std::vector<double> expected(size_t(d.features));
        for (double& v : expected) in >> v;
        int leaves, depth;
        in >> leaves >> depth;
        CartOptions options;
        options.max_depth = max_depth;
        std::vector<double> importance = gini_importance(d, options);
        for (int j = 0; j < d.features; ++j) CHECK(importance[size_t(j)] == Approx(expected[size_t(j)]).margin(1e-6));
        Tree t = grow_cart(d, options);
        CHECK(t.leaves() == leaves);
        CHECK(t.depth() == depth);
    }
}

TEST_CASE("The same seed grows the same forest", "[trees][forest]") {
    TreeData d;
    d.features = 4, d.classes = 2;
    Rng rng(5);
    for (int i = 0; i < 100; ++i) {
        float a = rng.uniform(), b = rng.uniform(), c = rng.uniform(), e = rng.uniform();
        d.x.insert(d.x.end(), {a, b, c, e});
        d.y.push_back(a + b > 1.0f);
    }
    d.rows = 100;
    ForestOptions options;
    options.trees = 10;
    Forest f1 = grow_forest(d, options), f2 = grow_forest(d, options);
    options.seed = 2;
    Forest f3 = grow_forest(d, options);
    REQUIRE(f1.trees.size() == 10);
    bool same = true, differs = false;
    for (size_t t = 0; t < 10; ++t) {
        same = same && f1.trees[t].text(d) == f2.trees[t].text(d);
        differs = differs || f1.trees[t].text(d) != f3.trees[t].text(d);
    }
    CHECK(same);
    CHECK(differs);
    CHECK(f1.importance == f2.importance);
    int correct = 0;
    for (int i = 0; i < d.rows; ++i) correct += f1.predict(d.row(i)) == d.y[size_t(i)];
    CHECK(correct >= 95);
    CHECK(f1.importance[0] + f1.importance[1] > 0.7);
}
