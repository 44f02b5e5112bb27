// rule_pruning.hpp: simplifying extracted rules against the network's own
// decisions on the training examples, in the spirit of C4.5's rule
// post-processing (Quinlan 1993, ch. 5) and of the C5.0 rulesets that
// DeepRED's re-implementations use:
//
//   1. a condition is dropped from a term when the rule set then agrees with
//      the network on at least as many training examples;
//   2. a whole term is dropped under the same test, until none can be; with
//      min_gain > 1, a term is also dropped when it adds fewer than min_gain
//      agreements (a rule that explains a handful of training examples is
//      noise to a reader; C5.0's rulesets drop such rules by their MDL cost);
//   3. steps 1 and 2 again, until neither changes anything: once most terms
//      are gone, the conditions of those left are judged on rows no other
//      term covers any more, and more of them go (C4.5rules, too, revisits
//      its rules after deleting some). Each change keeps or raises the
//      agreement and shortens the rule set, so the rounds end.
//
// Agreement is counted with the DNF as a whole (an example is "class c" when
// any term fires), so a term that only repeats what others cover goes.
#pragma once
#include <vector>

#include "explain/extraction/rules.hpp"

namespace gb {

// x: rows x width; decided: the network's 0/1 decision per row.
Dnf prune_rules(const Dnf& dnf, const float* x, int rows, int width, const std::vector<int>& decided,
                int min_gain = 1);

}  // namespace gb
