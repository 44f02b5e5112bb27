// deepred.hpp: rules from a network, three ways.
//
// DeepRED (Zilke, Loza Mencia & Janssen 2016), decompositional: for a class c
// (one vs the rest), let the network's decision y = [argmax f(x) = c] on the
// training data. A C4.5 tree on the last hidden layer's activations h_K
// learns y; its paths to "c" leaves give a DNF over h_K. Going down, for every
// distinct condition h_k,u > t in the DNF over layer k, a C4.5 tree on layer
// k-1's activations learns the target [h_k,u > t]: its "true" paths give a
// DNF for the condition, its "false" paths one for h_k,u <= t. Substituting
// these into each term (a conjunction: the AND of the conditions' DNFs,
// multiplied out) gives a DNF over layer k-1; unsatisfiable and redundant
// terms are dropped. At layer 0 the rules read the inputs:
//
//     IF term_1 OR term_2 OR ... THEN c ELSE not c.
//
// CRED (Sato & Tsukimoto 2001) is the case of one hidden layer. The
// pedagogical baseline is one C4.5 tree learned on the inputs x to the
// network's decisions y (a global surrogate), its "c" paths the rules.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explain/extraction/dense_network.hpp"
#include "explain/extraction/rules.hpp"
#include "trees/c45.hpp"

namespace gb {

struct ExtractionOptions {
    std::string method = "deepred";  // deepred, cred or pedagogical
    int target_class = 1;
    C45Options tree;                 // every tree's C4.5 settings (min cases, confidence, depth)
    size_t max_terms = 20000;        // cap on the terms of one substitution step
    bool prune_inputs = false;       // RxREN-style input pruning first
    int prune_tolerance = 0;         // decisions an input may change and still be pruned
    int prune_rows = 2000;           // training rows the pruning looks at (0: all)
    int samples = 0;                 // training rows the trees learn from (0: all), drawn with `seed`
    bool simplify = false;           // prune the final rules against the training decisions (rule_pruning.hpp)
    int min_rule_gain = 1;           // ... keeping a rule only if it adds this many agreements
    uint64_t seed = 1;
};

// One substitution step, from layer `from` to layer `from - 1` (0: the inputs).
struct ExtractionStep {
    int from = 0;
    int conditions = 0;           // distinct conditions over layer `from`, one tree each
    size_t terms_in = 0;          // terms over layer `from`
    size_t terms_before_merge = 0;  // terms over layer from-1 as the substitutions gave them
    size_t terms_after_merge = 0;   // ... with duplicates and redundant terms removed
    size_t conditions_after = 0;  // conditions in those terms
};

struct RuleExtraction {
    std::string method;
    int target_class = 0;
    int inputs = 0;
    Dnf rules;                        // over the inputs: any term holds -> target_class
    size_t rules_before_simplify = 0; // terms before rule pruning (the same without it)
    std::vector<Dnf> layer_rules;     // the DNF over each layer, from the last hidden layer down to the inputs
    std::vector<ExtractionStep> steps;
    std::vector<char> kept_inputs;    // after input pruning (all 1 without it)
    int training_rows = 0;
    double seconds = 0, peak_mb = 0;  // wall time of the extraction; the process's peak resident memory

    bool says_target(const float* x) const { return holds(rules, x); }
};

// Throws gb::Error for a network DeepRED cannot read (naming the layer), an
// empty training set, a class outside the outputs, or too many terms.
RuleExtraction extract_rules(const DenseNetwork& network, const float* train, int rows,
                             const ExtractionOptions& options);

// The process's peak resident memory so far (getrusage ru_maxrss), in MB.
double peak_memory_mb();

}  // namespace gb
