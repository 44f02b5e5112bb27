// rule_evaluation.hpp: how good extracted rules are (Zilke et al. 2016;
// Craven & Shavlik 1996): on held-out examples,
//
//   fidelity = share of examples where the rules decide as the network does
//   accuracy = share of examples where the rules decide as the label says
//
// (both one vs the rest for the rules' class), and their size: rules
// (terms), conditions over all terms, and the mean rule length.
#pragma once
#include <vector>

#include "explain/extraction/deepred.hpp"

namespace gb {

struct RuleScores {
    double fidelity = 0, accuracy = 0, network_accuracy = 0;  // network_accuracy: the network's own, one vs rest
    int rules = 0, terms = 0;  // terms: the conditions of all rules together
    double mean_length = 0;
    int examples = 0;
};

RuleScores score_rules(const RuleExtraction& rules, const DenseNetwork& network, const float* x,
                       const std::vector<int>& labels);

}  // namespace gb
