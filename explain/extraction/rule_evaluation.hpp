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

// Where fidelity is lost: the fidelity of each of rules.layer_rules (the DNF
// over the last hidden layer, ..., over the inputs before simplification),
// each read on its own layer's activations of the n examples x, against the
// network's decisions. The first is the output rule alone; each next one adds
// the error of one substitution step.
std::vector<double> layer_fidelity(const RuleExtraction& rules, const DenseNetwork& network, const float* x, int n);

}  // namespace gb
