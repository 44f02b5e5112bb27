// train_trees.cpp: `glassbox train --model tree|forest`: CART or a random
// forest (trees/) on MNIST's pixels or a table's raw features, a black box
// that is not a network, with its Gini importance.
#include <algorithm>
#include <chrono>
#include <fstream>

#include "app/cli.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "training/data.hpp"
#include "trees/forest.hpp"
#include "util/error.hpp"
#include "viz/png.hpp"

namespace gb {

namespace {

TreeData tree_data(const DataSplits& data, bool train) {
    const LabeledSet& set = train ? data.train : data.test;
    TreeData d;
    d.rows = set.count(), d.features = int(set.example_size), d.classes = set.classes;
    d.x = data.table.names.empty() ? set.dense : (train ? data.table.train_raw : data.table.test_raw);
    d.y = set.labels;
    d.names = data.table.names;
    return d;
}

}  // namespace

int train_trees(const Flags& flags, std::ostream& out, std::ostream& err) {
    const std::string model_name = flags.text("model", "tree");
    for (const char* flag : {"epochs", "batch", "lr", "optimizer", "momentum", "weight-decay", "schedule", "curves",
                             "min-count", "max-words", "length", "strip", "embeddings", "hidden"})
        if (flags.has(flag)) throw Error(std::string("--") + flag + " is for networks, not --model " + model_name);
    std::string data_name = flags.text("data", "mnist");
    if (data_name == "20news") throw Error("trees read pixels or table features; use --data mnist, wine or breast-cancer");
    std::string path = flags.required("out"), importance_png = flags.text("importance", "");
    int limit = flags.whole("limit", 0, 0, 1 << 30);
    int max_depth = flags.whole("max-depth", 0, 0, 1000), min_cases = flags.whole("min-cases", 1, 1, 1 << 20);
    int trees = flags.whole("trees", 50, 1, 10000);
    if (model_name == "tree" && flags.has("trees")) throw Error("--trees is for --model forest");
    uint64_t seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    check_writable(path);
    if (!importance_png.empty()) {
        if (data_name != "mnist") throw Error("--importance draws a 28x28 map: it is for --data mnist");
        check_writable(importance_png);
    }
    TextSettings slice;
    slice.train_limit = limit;
    DataSplits data = load_data(data_name, data_name == "mnist" ? InputKind::Image : InputKind::Table, limit, slice);
    if (flags.has("one-vs-rest")) make_one_vs_rest(data, flags.whole("one-vs-rest", 0, 0, 1 << 20));
    TreeData train = tree_data(data, true), test = tree_data(data, false);

    auto start = std::chrono::steady_clock::now();
    std::vector<double> importance;
    double train_accuracy = 0, test_accuracy = 0;
    int leaves = 0, depth = 0;
    std::ofstream file(path);
    if (model_name == "tree") {
        CartOptions options;
        options.max_depth = max_depth, options.min_leaf = min_cases;
        importance = gini_importance(train, options);
        Tree tree = grow_cart(train, options);
        train_accuracy = tree_accuracy(tree, train), test_accuracy = tree_accuracy(tree, test);
        leaves = tree.leaves(), depth = tree.depth();
        file << tree.text(train);
    } else {
        ForestOptions options;
        options.trees = trees, options.max_depth = max_depth, options.min_leaf = min_cases, options.seed = seed;
        Forest forest = grow_forest(train, options);
        importance = forest.importance;
        auto accuracy = [&](const TreeData& d) {
            int correct = 0;
            for (int i = 0; i < d.rows; ++i) correct += forest.predict(d.row(i)) == d.y[size_t(i)];
            return double(correct) / std::max(1, d.rows);
        };
        train_accuracy = accuracy(train), test_accuracy = accuracy(test);
        for (const Tree& t : forest.trees) leaves += t.leaves(), depth = std::max(depth, t.depth());
        file << "random forest of " << trees << " CART trees, " << leaves << " leaves in all, seed " << seed << "\n";
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!file) throw Error("cannot write " + path);
    err << model_name << ": train accuracy " << 100 * train_accuracy << "%, test accuracy " << 100 * test_accuracy
        << "%, " << leaves << " leaves, " << seconds << " s\n";

    JsonObject json;
    json.add("command", "train").add("model", model_name).add("data", data_name).add("out", path);
    if (data.one_vs_rest >= 0) json.add("one_vs_rest", data.one_vs_rest);
    if (!importance_png.empty()) {
        std::vector<float> map(importance.begin(), importance.end());
        float largest = *std::max_element(map.begin(), map.end());
        Canvas canvas(28 * 8, 28 * 8, {255, 255, 255});
        canvas.draw_signed(0, 0, map.data(), 28, 28, 8, largest > 0 ? largest : 1.0f);
        canvas.save_png(importance_png);
        json.add("importance_png", importance_png);
    }
    std::vector<int> order(importance.size());
    for (size_t j = 0; j < order.size(); ++j) order[j] = int(j);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return importance[size_t(a)] > importance[size_t(b)]; });
    order.resize(std::min<size_t>(order.size(), 10));
    json.add("train_examples", train.rows).add("test_examples", test.rows).add("seconds", seconds);
    json.add("leaves", leaves).add("depth", depth).add("train_accuracy", train_accuracy);
    json.add("test_accuracy", test_accuracy).add("most_important_features", order);
    out << json.str() << std::endl;
    return 0;
}

}  // namespace gb
