// Tutorial 12: rule extraction. Decision trees (C4.5 on play-tennis, CART and
// a random forest on MNIST pixels and their Gini importance maps), then
// IF-THEN rules from a 784-100-50-2 ReLU network trained on "digit 1 vs the
// rest": a pedagogical C4.5 tree (a global surrogate) against DeepRED's
// decompositional rules, the rules as pictures, fidelity against size, and
// how the number of terms grows layer by layer. Read along with
// tutorials/12_rule_extraction.md.
//
// usage: 12_rule_extraction [--epochs N] [--limit N] [--samples N] [--tree-rows N] [--more-digits 0,7|none]
//                           [--out DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "explain/extraction/rule_evaluation.hpp"
#include "explain/extraction/rule_pruning.hpp"
#include "training/loop.hpp"
#include "trees/c45.hpp"
#include "trees/forest.hpp"
#include "viz/plot.hpp"
#include "viz/png.hpp"

using namespace gb;

// ---- 1. C4.5 on a textbook table ---------------------------------------------
void play_tennis() {
    const int table[14][5] = {{0, 0, 0, 0, 0}, {0, 0, 0, 1, 0}, {1, 0, 0, 0, 1}, {2, 1, 0, 0, 1}, {2, 2, 1, 0, 1},
                              {2, 2, 1, 1, 0}, {1, 2, 1, 1, 1}, {0, 1, 0, 0, 0}, {0, 2, 1, 0, 1}, {2, 1, 1, 0, 1},
                              {0, 1, 1, 1, 1}, {1, 1, 0, 1, 1}, {1, 0, 1, 0, 1}, {2, 1, 0, 1, 0}};
    TreeData d;
    d.rows = 14, d.features = 4, d.classes = 2, d.values = {3, 3, 2, 2};
    d.names = {"outlook", "temperature", "humidity", "wind"};
    for (auto& r : table) {
        for (int j = 0; j < 4; ++j) d.x.push_back(float(r[j]));
        d.y.push_back(r[4]);
    }
    std::vector<int> rows(14);
    for (int i = 0; i < 14; ++i) rows[size_t(i)] = i;
    std::printf("== C4.5 on play-tennis (14 days, 9 play, 5 do not: info %.3f bits)\n", entropy_bits({9, 5}));
    std::printf("%-12s %6s %10s %10s\n", "attribute", "gain", "split info", "gain ratio");
    for (int j = 0; j < 4; ++j) {
        SplitScore s = c45_split_score(d, rows, j, 2);
        std::printf("%-12s %6.3f %10.3f %10.3f\n", d.names[size_t(j)].c_str(), s.gain, s.split_info, s.ratio);
    }
    std::printf("the tree (values: outlook sunny 0, overcast 1, rain 2; humidity high 0, normal 1; wind weak 0, "
                "strong 1; class 1 = play):\n%s\n", grow_c45(d).text(d).c_str());
}

TreeData tree_data(const LabeledSet& set, int rows) {
    TreeData d;
    d.rows = std::min(rows > 0 ? rows : set.count(), set.count());
    d.features = int(set.example_size), d.classes = set.classes;
    d.x.assign(set.dense.begin(), set.dense.begin() + long(d.rows) * d.features);
    d.y.assign(set.labels.begin(), set.labels.begin() + d.rows);
    return d;
}

std::vector<float> as_floats(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

Model train_network(const DataSplits& data, int epochs) {
    Model m = make_model("mlp", 1, {0, 0, 2, 0, {100, 50}});
    m.data = data.record();
    SGD sgd(parameter_tensors(m.net), 0.05f, 0.9f, 0.0f);
    FitOptions options;
    fit(m, sgd, data.train, epochs, options);
    return m;
}

struct Row {
    std::string name;
    RuleExtraction rules;
    RuleScores scores;
};

Row run(const DenseNetwork& net, const DataSplits& data, const ExtractionOptions& options, const std::string& name) {
    RuleExtraction r = extract_rules(net, data.train.dense.data(), data.train.count(), options);
    return {name, r, score_rules(r, net, data.test.dense.data(), data.test.labels)};
}

// The rules of `raw` simplified against the network's decisions on the same training examples: what
// --simplify yes does after the extraction, here applied to an extraction already made (extracting again
// would grow the same trees twice). The time is the extraction's plus the simplification's.
Row simplified(const Row& raw, const DenseNetwork& net, const DataSplits& data, const std::string& name) {
    auto start = std::chrono::steady_clock::now();
    Row r = raw;
    r.name = name;
    const std::vector<int> decided = net.decisions(data.train.dense.data(), data.train.count(), raw.rules.target_class);
    r.rules.rules = prune_rules(raw.rules.rules, data.train.dense.data(), data.train.count(), raw.rules.inputs, decided);
    r.rules.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.rules.peak_mb = peak_memory_mb();
    r.scores = score_rules(r.rules, net, data.test.dense.data(), data.test.labels);
    return r;
}

// The first `count` examples of `set` after a seeded shuffle: the training digits every extraction learns from.
LabeledSet sample_of(const LabeledSet& set, int count, uint64_t seed) {
    if (count <= 0 || count >= set.count()) return set;
    std::vector<int> order(static_cast<size_t>(set.count()));
    for (int i = 0; i < set.count(); ++i) order[size_t(i)] = i;
    Rng rng(seed);
    rng.shuffle(order);
    LabeledSet s = set;
    s.labels.clear(), s.dense.clear();
    for (int k = 0; k < count; ++k) {
        const int i = order[size_t(k)];
        s.labels.push_back(set.labels[size_t(i)]);
        s.dense.insert(s.dense.end(), set.dense.begin() + long(i) * long(set.example_size),
                       set.dense.begin() + long(i + 1) * long(set.example_size));
    }
    return s;
}

void print_row(const Row& r) {
    std::printf("%-34s %8.2f%% %8.2f%% %6d %6d %7.1f %8.1f s %7.0f MB\n", r.name.c_str(), 100 * r.scores.fidelity,
                100 * r.scores.accuracy, r.scores.rules, r.scores.terms, r.scores.mean_length, r.rules.seconds,
                r.rules.peak_mb);
}

void print_header() {
    std::printf("%-34s %9s %9s %6s %6s %7s %10s %10s\n", "method", "fidelity", "accuracy", "rules", "terms",
                "length", "time", "peak mem");
}

std::string pixel(int j) { return "x[" + std::to_string(j / 28) + "," + std::to_string(j % 28) + "]"; }

int main(int argc, char** argv) {
    return run_program("12_rule_extraction", argc, argv,
                       {"epochs", "limit", "samples", "tree-rows", "more-digits", "out"}, [](const Flags& flags) {
        const int epochs = flags.whole("epochs", 5, 1, 100), limit = flags.whole("limit", 0, 0, 60000);
        const int samples = flags.whole("samples", 10000, 0, 60000), tree_rows = flags.whole("tree-rows", 10000, 1, 60000);
        const std::string more = flags.text("more-digits", "0,7"), out = flags.text("out", "runs/12_rule_extraction");
        make_folder(out);
        play_tennis();

        // ---- 2. CART and a random forest on the pixels, and where they look --------
        DataSplits mnist = load_mnist_data(limit);
        TreeData train10 = tree_data(mnist.train, tree_rows), test10 = tree_data(mnist.test, 0);
        CartOptions cart;
        std::vector<double> cart_importance = gini_importance(train10, cart);
        Tree tree = grow_cart(train10, cart);
        ForestOptions forest_options;
        forest_options.trees = 30;
        Forest forest = grow_forest(train10, forest_options);
        int forest_correct = 0;
        for (int i = 0; i < test10.rows; ++i) forest_correct += forest.predict(test10.row(i)) == test10.y[size_t(i)];
        std::printf("== trees on MNIST pixels (%d training digits)\n", train10.rows);
        std::printf("CART: %d leaves, depth %d, test accuracy %.2f%%\n", tree.leaves(), tree.depth(),
                    100 * tree_accuracy(tree, test10));
        std::printf("random forest (30 trees, 28 pixels per test): test accuracy %.2f%%\n\n",
                    100.0 * forest_correct / test10.rows);

        // ---- 3. the network: 784-100-50-2, digit 1 against the rest ---------------------
        DataSplits ones = mnist;
        make_one_vs_rest(ones, 1);
        Model model = train_network(ones, epochs);
        std::printf("== 784-100-50-2 ReLU network, digit 1 vs the rest: test accuracy %.2f%%\n\n",
                    100 * evaluate(model, ones.test).accuracy);
        DenseNetwork net(model);

        // The saliency of the network (mean |gradient| of logit "1" over the test 1s) beside the Gini maps.
        std::vector<float> ones_images, mean_one(784, 0.0f);
        for (int i = 0; i < ones.test.count() && int(ones_images.size()) < 784 * 200; ++i)
            if (ones.test.labels[size_t(i)] == 1)
                ones_images.insert(ones_images.end(), ones.test.dense.begin() + long(i) * 784,
                                   ones.test.dense.begin() + long(i + 1) * 784);
        const int n_ones = int(ones_images.size() / 784);
        ExplainOptions gradient_options;
        gradient_options.targets = {1};
        Explanation g = explain(model.net, Tensor(Shape{n_ones, 784}, ones_images), "gradient", gradient_options);
        std::vector<float> saliency(784, 0.0f);
        for (int i = 0; i < n_ones; ++i)
            for (size_t p = 0; p < 784; ++p) {
                saliency[p] += std::fabs(g.relevance.values()[size_t(i) * 784 + p]) / float(n_ones);
                mean_one[p] += ones_images[size_t(i) * 784 + p] / float(n_ones);
            }
        std::vector<float> cart_map = as_floats(cart_importance), forest_map = as_floats(forest.importance);
        save_heatmap_grid(out + "/gini_maps.png", {{mean_one.data(), {cart_map.data(), forest_map.data(), saliency.data()}}},
                          28, 28, false, 6);
        std::printf("wrote %s/gini_maps.png: mean test 1 | CART Gini importance | forest Gini importance | network "
                    "saliency\n\n", out.c_str());

        // ---- 4. a global surrogate against DeepRED -----------------------------------
        // Every extraction learns from the same seeded sample of the training digits (what --samples draws).
        DataSplits ones_sample = ones;
        ones_sample.train = sample_of(ones.train, samples, 1);
        ExtractionOptions base;
        base.target_class = 1;
        base.tree.threads = int(std::max(1u, std::thread::hardware_concurrency()));  // the same trees, sooner
        std::printf("== rules for \"1\" (%d training digits; fidelity and accuracy on %d test digits)\n",
                    ones_sample.train.count(), ones.test.count());
        print_header();
        ExtractionOptions p = base;
        p.method = "pedagogical";
        Row pedagogical = run(net, ones_sample, p, "pedagogical C4.5 (defaults)");
        // DeepRED at depths 2, 3 and 4 (min cases 20), each extracted once: the rows of sections 4 to 6.
        const std::vector<int> depths{2, 3, 4};
        std::vector<Row> deepred_raw, deepred_simplified;
        for (int depth : depths) {
            ExtractionOptions o = base;
            o.tree.max_depth = depth, o.tree.min_cases = 20;
            const std::string name = "DeepRED depth " + std::to_string(depth);
            deepred_raw.push_back(run(net, ones_sample, o, name + ", min cases 20"));
            deepred_simplified.push_back(simplified(deepred_raw.back(), net, ones_sample, name + ", min 20, simplified"));
        }
        print_row(pedagogical);
        print_row(simplified(pedagogical, net, ones_sample, "pedagogical C4.5, simplified"));
        print_row(deepred_raw[1]);
        print_row(deepred_simplified[1]);
        const RuleExtraction& best = deepred_simplified[1].rules;
        std::printf("\nDeepRED's rules, step by step (fidelity of each layer's rules on the test digits, read on "
                    "that layer's activations):\n");
        std::vector<double> layer_fidelities = layer_fidelity(best, net, ones.test.dense.data(), ones.test.count());
        for (size_t k = 0; k < best.layer_rules.size(); ++k)
            std::printf("  rules over %s: %zu terms, fidelity %.2f%%\n", k + 1 == best.layer_rules.size() ? "the inputs"
                        : ("hidden layer " + std::to_string(net.hidden_layers() - int(k))).c_str(),
                        best.layer_rules[k].size(), 100 * layer_fidelities[k]);
        for (const ExtractionStep& s : best.steps)
            std::printf("  hidden layer %d -> %s: %d trees, %zu terms in, %zu terms after substitution, %zu after "
                        "merging\n", s.from, s.from == 1 ? "inputs" : ("hidden layer " + std::to_string(s.from - 1)).c_str(),
                        s.conditions, s.terms_in, s.terms_before_merge, s.terms_after_merge);
        std::printf("  simplified against the training decisions: %zu rules -> %zu\n", best.rules_before_simplify,
                    best.rules.size());
        for (const Term& t : best.rules) std::printf("IF %s THEN 1\n", term_text(t, pixel).c_str());
        std::printf("ELSE rest\n");
        std::vector<PixelRule> pictures;
        for (const Term& t : best.rules) {
            PixelRule pr;
            for (const Condition& c : t) (c.greater ? pr.bright : pr.dark).push_back(c.unit);
            pictures.push_back(pr);
        }
        save_rule_pictures(out + "/deepred_rules.png", pictures, mean_one.data(), 28, 28);
        std::printf("wrote %s/deepred_rules.png (red: must be bright, blue: must be dark)\n\n", out.c_str());

        // ---- 5. fidelity against size ------------------------------------------------
        std::printf("== fidelity against size (simplified rules)\n");
        print_header();
        Series deepred_series{"DeepRED", {}, {}}, pedagogical_series{"pedagogical", {}, {}};
        for (size_t k = 0; k < depths.size(); ++k) {
            Row r = deepred_simplified[k];
            r.name = "DeepRED depth " + std::to_string(depths[k]);
            print_row(r);
            deepred_series.x.push_back(r.scores.terms), deepred_series.y.push_back(100 * r.scores.fidelity);
        }
        for (int depth : {2, 4, 6, 8}) {
            ExtractionOptions o = base;
            o.method = "pedagogical", o.tree.max_depth = depth, o.tree.min_cases = 20, o.simplify = true;
            Row r = run(net, ones_sample, o, "pedagogical depth " + std::to_string(depth));
            print_row(r);
            pedagogical_series.x.push_back(r.scores.terms), pedagogical_series.y.push_back(100 * r.scores.fidelity);
        }
        plot_png(out + "/fidelity_vs_size.png",
                 {{"rules for digit 1", "conditions in all rules", "fidelity on test digits (%)", {deepred_series, pedagogical_series}}},
                 700, 420);
        std::printf("wrote %s/fidelity_vs_size.png\n\n", out.c_str());

        // ---- 6. when extraction blows up -------------------------------------------------
        std::printf("== terms per layer as the trees grow (no simplification)\n");
        for (size_t k = 0; k < depths.size(); ++k) {
            std::printf("  depth %d, min cases 20: terms over layer 2, 1, inputs:", depths[k]);
            for (const Dnf& dnf : deepred_raw[k].rules.layer_rules) std::printf(" %zu", dnf.size());
            std::printf("\n");
        }
        {
            ExtractionOptions o = base;
            o.tree.max_depth = 0, o.tree.min_cases = 2, o.max_terms = 5000;
            try {
                RuleExtraction r = extract_rules(net, ones_sample.train.dense.data(), ones_sample.train.count(), o);
                std::printf("  depth unlimited, min cases 2: terms over layer 2, 1, inputs:");
                for (const Dnf& dnf : r.layer_rules) std::printf(" %zu", dnf.size());
                std::printf("\n");
            } catch (const Error& e) {
                std::printf("  depth unlimited, min cases 2: %s\n", e.what());
            }
        }

        // ---- 7. other digits and the tables --------------------------------------------
        std::printf("\n== other digits and tables (DeepRED depth 3, min 20, simplified; pedagogical depth 6)\n");
        print_header();
        std::vector<int> digits;
        if (more != "none") {
            std::stringstream list(more);
            for (std::string item; std::getline(list, item, ',');) digits.push_back(std::stoi(item));
        }
        for (int digit : digits) {
            DataSplits task = mnist;
            make_one_vs_rest(task, digit);
            Model m = train_network(task, epochs);
            DenseNetwork n(m);
            task.train = sample_of(task.train, samples, 1);  // the rules learn from the same sample size as above
            ExtractionOptions o = base;
            o.tree.max_depth = 3, o.tree.min_cases = 20, o.simplify = true;
            print_row(run(n, task, o, "digit " + std::to_string(digit) + ": DeepRED"));
            o.method = "pedagogical", o.tree.max_depth = 6;
            print_row(run(n, task, o, "digit " + std::to_string(digit) + ": pedagogical"));
        }
        for (const std::string table : {"wine", "breast-cancer"}) {
            DataSplits t = load_data(table, InputKind::Table);
            Model m = make_model("tab-mlp", 1, {0, 0, t.train.classes, t.table.count()});
            SGD sgd(parameter_tensors(m.net), 0.01f, 0.9f, 0.0f);
            FitOptions fo;
            fo.batch = 16;
            fit(m, sgd, t.train, 50, fo);
            DenseNetwork n(m);
            ExtractionOptions o;
            o.target_class = 0, o.tree.max_depth = 3, o.simplify = true;
            print_row(run(n, t, o, table + " class 0: DeepRED"));
            o.method = "pedagogical";
            print_row(run(n, t, o, table + " class 0: pedagogical"));
        }
        return 0;
    });
}
