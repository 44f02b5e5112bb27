#include "explain/extraction/deepred.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "explain/extraction/rule_pruning.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

double peak_memory_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

namespace {

// One layer's activations as the data of C4.5 trees (labels set per tree); `take`: moved out of `a`.
TreeData layer_data(Activations& a, size_t layer, bool take = false) {
    TreeData d;
    d.rows = a.rows, d.features = a.units[layer], d.classes = 2;
    if (take)
        d.x = std::move(a.values[layer]);
    else
        d.x = a.values[layer];
    d.y.assign(size_t(a.rows), 0);
    return d;
}

// The DNF of a C4.5 tree learned on `data` to the 0/1 target, for the target being `value`.
struct LearnedCondition {
    Dnf when_true, when_false;
};

LearnedCondition learn(TreeData& data, const std::vector<int>& target, const C45Options& options,
                       const SortedColumns& sorted) {
    data.y = target;
    int ones = 0;
    for (int t : target) ones += t;
    LearnedCondition c;
    if (ones == 0) return {{}, {Term{}}};              // never true on the training data
    if (ones == data.rows) return {{Term{}}, {}};      // always true
    Tree tree = grow_c45(data, options, &sorted);
    return {dnf_of_tree(tree, 1), dnf_of_tree(tree, 0)};
}

std::string layer_name(int k) { return k == 0 ? "the inputs" : "hidden layer " + std::to_string(k); }

}  // namespace

RuleExtraction extract_rules(const DenseNetwork& network, const float* train, int rows,
                             const ExtractionOptions& options) {
    auto start = std::chrono::steady_clock::now();
    if (rows <= 0 || !train) throw Error("rule extraction needs training examples, and the training set is empty");
    if (options.method != "deepred" && options.method != "cred" && options.method != "pedagogical")
        throw Error("unknown rule extraction method '" + options.method + "'; choose deepred, cred or pedagogical");
    if (options.method == "cred" && network.hidden_layers() != 1)
        throw Error("CRED reads networks of one hidden layer, and this one has " +
                    std::to_string(network.hidden_layers()) + "; use --method deepred");
    if (options.method != "pedagogical" && network.hidden_layers() < 1)
        throw Error("DeepRED needs a hidden layer, and this network has none; use --method pedagogical");
    if (options.max_terms < 1) throw Error("the cap on terms must be at least 1");

    RuleExtraction r;
    r.method = options.method;
    r.target_class = options.target_class;
    r.inputs = network.inputs();

    // The training rows the trees learn from: all, or a seeded sample.
    std::vector<float> sample;
    const float* x = train;
    if (options.samples > 0 && options.samples < rows) {
        std::vector<int> order(static_cast<size_t>(rows));
        for (int i = 0; i < rows; ++i) order[size_t(i)] = i;
        Rng rng(options.seed);
        rng.shuffle(order);
        for (int k = 0; k < options.samples; ++k) {
            const float* row = train + size_t(order[size_t(k)]) * size_t(r.inputs);
            sample.insert(sample.end(), row, row + r.inputs);
        }
        x = sample.data();
        rows = options.samples;
    }
    r.training_rows = rows;
    std::vector<int> decided = network.decisions(x, rows, options.target_class);
    int positives = 0;
    for (int d : decided) positives += d;
    if (positives == 0 || positives == rows)
        throw Error("the network decides " + std::string(positives ? "class " : "against class ") +
                    std::to_string(options.target_class) + " on every one of the " + std::to_string(rows) +
                    " training examples: one class only, nothing to separate; use more examples or another class");

    r.kept_inputs.assign(size_t(r.inputs), 1);
    if (options.prune_inputs) {
        int n = options.prune_rows > 0 ? std::min(rows, options.prune_rows) : rows;
        r.kept_inputs = network.relevant_inputs(x, n, options.target_class, options.prune_tolerance);
    }

    if (options.method == "pedagogical") {
        Activations inputs;
        inputs.rows = rows, inputs.units = {r.inputs}, inputs.values = {std::vector<float>(x, x + size_t(rows) * size_t(r.inputs))};
        TreeData data = layer_data(inputs, 0, true);
        SortedColumns sorted = sort_columns(data, r.kept_inputs);
        r.rules = learn(data, decided, options.tree, sorted).when_true;
        r.layer_rules = {r.rules};
    } else {
        Activations a = network.forward(x, rows);
        const int top = network.hidden_layers();
        // The output rule: a tree on the last hidden layer learns the network's decision.
        {
            TreeData data = layer_data(a, size_t(top));
            SortedColumns sorted = sort_columns(data);
            r.layer_rules.push_back(learn(data, decided, options.tree, sorted).when_true);
        }
        for (int k = top; k >= 1; --k) {
            const Dnf& above = r.layer_rules.back();
            // The inputs are needed no more once their trees have them: moved, not copied (a copy of MNIST's
            // 60000 x 784 floats is 188 MB).
            TreeData data = layer_data(a, size_t(k - 1), k == 1);
            SortedColumns sorted = sort_columns(data, k == 1 ? r.kept_inputs : std::vector<char>{});
            // One tree per distinct (unit, threshold) over layer k: it gives both h > t and h <= t.
            std::map<std::pair<int, float>, LearnedCondition> learned;
            for (const Term& term : above)
                for (const Condition& c : term) {
                    auto key = std::make_pair(c.unit, c.threshold);
                    if (learned.count(key)) continue;
                    std::vector<int> target(static_cast<size_t>(rows));
                    const std::vector<float>& h = a.values[size_t(k)];
                    for (int i = 0; i < rows; ++i)
                        target[size_t(i)] = h[size_t(i) * size_t(a.units[size_t(k)]) + size_t(c.unit)] > c.threshold;
                    learned[key] = learn(data, target, options.tree, sorted);
                }
            ExtractionStep step;
            step.from = k;
            step.conditions = int(learned.size());
            step.terms_in = above.size();
            Dnf below;
            for (const Term& term : above) {
                std::vector<const Dnf*> parts;
                for (const Condition& c : term) {
                    const LearnedCondition& l = learned[std::make_pair(c.unit, c.threshold)];
                    parts.push_back(c.greater ? &l.when_true : &l.when_false);
                }
                Dnf substituted = conjoin(parts, options.max_terms,
                                          "the rules of " + layer_name(k) + " into " + layer_name(k - 1));
                below.insert(below.end(), substituted.begin(), substituted.end());
                if (below.size() > options.max_terms)
                    throw Error("rule extraction stopped: the rules over " + layer_name(k - 1) + " reached more than " +
                                std::to_string(options.max_terms) + " terms; raise --max-terms, or make the trees "
                                "smaller (a lower --max-depth or a higher --min-cases)");
            }
            step.terms_before_merge = below.size();
            remove_redundant(below);
            step.terms_after_merge = below.size();
            step.conditions_after = total_conditions(below);
            r.steps.push_back(step);
            r.layer_rules.push_back(std::move(below));
        }
        r.rules = r.layer_rules.back();
    }
    r.rules_before_simplify = r.rules.size();
    if (options.simplify) r.rules = prune_rules(r.rules, x, rows, r.inputs, decided, options.min_rule_gain);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.peak_mb = peak_memory_mb();
    return r;
}

}  // namespace gb
