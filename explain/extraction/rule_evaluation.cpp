#include "explain/extraction/rule_evaluation.hpp"

#include "util/error.hpp"

namespace gb {

RuleScores score_rules(const RuleExtraction& rules, const DenseNetwork& network, const float* x,
                       const std::vector<int>& labels) {
    const int n = int(labels.size());
    if (n == 0) throw Error("rules are scored on test examples, and there are none");
    std::vector<int> decided = network.decisions(x, n, rules.target_class);
    RuleScores s;
    s.examples = n;
    int agree = 0, correct = 0, network_correct = 0;
    for (int i = 0; i < n; ++i) {
        bool says = rules.says_target(x + size_t(i) * size_t(rules.inputs));
        bool truth = labels[size_t(i)] == rules.target_class;
        agree += says == bool(decided[size_t(i)]);
        correct += says == truth;
        network_correct += bool(decided[size_t(i)]) == truth;
    }
    s.fidelity = double(agree) / n;
    s.accuracy = double(correct) / n;
    s.network_accuracy = double(network_correct) / n;
    s.rules = int(rules.rules.size());
    s.terms = int(total_conditions(rules.rules));
    s.mean_length = s.rules ? double(s.terms) / s.rules : 0;
    return s;
}

std::vector<double> layer_fidelity(const RuleExtraction& rules, const DenseNetwork& network, const float* x, int n) {
    if (n <= 0) throw Error("rules are scored on test examples, and there are none");
    std::vector<int> decided = network.decisions(x, n, rules.target_class);
    std::vector<double> fidelity;
    if (rules.method == "pedagogical") {  // one rule set, over the inputs
        int agree = 0;
        for (int i = 0; i < n; ++i)
            agree += holds(rules.layer_rules.front(), x + size_t(i) * size_t(rules.inputs)) == bool(decided[size_t(i)]);
        return {double(agree) / n};
    }
    Activations a = network.forward(x, n);
    const size_t top = size_t(network.hidden_layers());
    for (size_t k = 0; k < rules.layer_rules.size(); ++k) {
        const size_t layer = top - k;  // layer_rules[0] reads the last hidden layer
        const std::vector<float>& h = a.values[layer];
        const size_t width = size_t(a.units[layer]);
        int agree = 0;
        for (int i = 0; i < n; ++i) agree += holds(rules.layer_rules[k], h.data() + size_t(i) * width) == bool(decided[size_t(i)]);
        fidelity.push_back(double(agree) / n);
    }
    return fidelity;
}

}  // namespace gb
