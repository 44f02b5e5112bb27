// c45.hpp: C4.5, the decision tree of Quinlan (1993), "C4.5: Programs for
// Machine Learning", as its Release 8 grows and prunes it.
//
//   info(T)        = - sum_c p_c log2 p_c                      (entropy of the classes)
//   gain(X)        = info(T) - sum_i |T_i|/|T| info(T_i)
//   split info(X)  = - sum_i |T_i|/|T| log2 |T_i|/|T|
//   gain ratio(X)  = gain(X) / split info(X)
//
// The test chosen at a node has the highest gain ratio among the tests whose
// gain is at least the average gain of the possible tests. A test is
// possible if at least two branches hold min_cases cases. A continuous
// attribute is split at a threshold t (x <= t | x > t; t is a value seen in
// the data) that leaves at least max(min_cases, min(25, 0.1 |T| / classes))
// cases on each side and has the highest gain; Release 8 then charges the
// gain log2(candidate thresholds) / |T|.
//
// Pruning is C4.5's pessimistic error: a leaf of N cases with E errors is
// charged E + added_errors(N, E), where E + added_errors is N times the
// upper limit U_CF(E, N) of the binomial confidence interval (CF = 0.25).
// A subtree is replaced by a leaf when the leaf's charge is at most the
// subtree's charge + 0.1. (Subtree raising, the other operation of C4.5's
// pruning, is not done.)
#pragma once
#include <vector>

#include "trees/tree.hpp"

namespace gb {

struct C45Options {
    int min_cases = 2;          // MINOBJS: cases in at least two branches of a test
    double confidence = 0.25;   // CF of pessimistic pruning
    int max_depth = 0;          // 0: unlimited
    bool prune = true;
    int threads = 1;            // threads that score a node's features (the same tree for any number)
};

// The scores of one attribute's test over some cases.
struct SplitScore {
    bool possible = false;  // at least two branches with min_cases cases (and a positive gain)
    double gain = 0;        // bits; for a continuous attribute after the threshold charge
    double split_info = 0;
    double ratio = 0;
    float threshold = 0;    // continuous attributes: the test is x <= threshold
};

double entropy_bits(const std::vector<double>& counts);
SplitScore c45_split_score(const TreeData& data, const std::vector<int>& rows, int feature, int min_cases);
// C4.5's AddErrs: the errors to add to E observed errors among N cases so that
// E + added = N * U_CF(E, N).
double c45_added_errors(double cases, double errors, double confidence);

// Each feature's rows in increasing order of value, computed once and shared by
// every tree grown on the same rows with other labels (DeepRED grows many
// trees on one layer's activations). A feature whose order is left empty is
// not used by the trees.
struct SortedColumns {
    std::vector<std::vector<int>> order;    // per feature
    std::vector<std::vector<float>> value;  // per feature, the values in that order (read without jumping rows)
};
// `use` (empty: every feature) says which features the trees may test.
SortedColumns sort_columns(const TreeData& data, const std::vector<char>& use = {});

// Throws gb::Error for empty data or a bad option. `sorted` (from
// sort_columns(data)) makes large trees faster and can leave features out.
Tree grow_c45(const TreeData& data, const C45Options& options = {}, const SortedColumns* sorted = nullptr);

}  // namespace gb
