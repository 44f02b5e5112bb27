// Tutorial 07: layer-wise relevance propagation on the MLP, step by step:
// the four lines of a rule, relevance conserved layer by layer, and what
// each rule's heatmap looks like. Read along with tutorials/07_lrp_mlp.md.
//
// usage: 07_lrp_mlp [--epochs N] [--limit N] [--out DIR]
#include <cstdio>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "explain/rules/lrp.hpp"
#include "training/loop.hpp"
#include "viz/png.hpp"

using namespace gb;

const std::vector<std::string> kRules{"lrp-0", "lrp-epsilon", "lrp-gamma", "lrp-zplus", "lrp-alphabeta"};

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 5, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    std::string out = flags.text("out", "runs/07_lrp_mlp");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    Model model = make_model("mlp", 1);
    SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);
    fit(model, sgd, mnist.train, epochs);
    std::printf("mlp, %d epochs: test accuracy %.2f%%\n\n", epochs, 100 * evaluate(model, mnist.test).accuracy);

    // ---- one explanation, layer by layer ---------------------------------------
    Tensor x = gather_batch(mnist.test, {0}, model.input_shape);
    EpsilonRule epsilon(0.25f);
    ZPlusRule zplus;
    for (const LrpRule* rule : {static_cast<const LrpRule*>(&epsilon), static_cast<const LrpRule*>(&zplus)}) {
        Propagation p = propagate(model.net, x, {-1}, *rule, true);
        std::printf("%s on digit %d (explained class %d, logit %.4f): relevance at each layer\n", rule->name().c_str(),
                    mnist.test.labels[0], p.targets[0], p.logits.values()[size_t(p.targets[0])]);
        for (const TraceStep& t : p.trace)
            std::printf("  %-26s %-10s sum %9.4f   (positive %8.4f, negative %8.4f)\n", t.layer.c_str(),
                        shape_str(t.shape).c_str(), t.sum, t.positive, t.negative);
        std::printf("\n");
    }

    // ---- five rules, four digits ------------------------------------------------
    std::vector<int> digits{0, 1, 2, 3};
    std::vector<Tensor> maps;
    std::vector<HeatmapRow> grid;
    for (int d : digits) {
        Tensor xd = gather_batch(mnist.test, {d}, model.input_shape);
        grid.push_back({mnist.test.dense.data() + size_t(d) * mnist.test.example_size, {},
                        "digit " + std::to_string(mnist.test.labels[size_t(d)])});
        for (const std::string& rule : kRules) {
            Explanation e = explain(model.net, xd, rule);
            double sum = 0;
            for (float v : e.relevance.values()) sum += v;
            std::printf("digit %d  %-14s logit %8.4f  relevance at the input %8.4f  absorbed %8.4f\n",
                        mnist.test.labels[size_t(d)], rule.c_str(), e.logit[0], sum, e.logit[0] - sum);
            maps.push_back(e.relevance);
        }
    }
    for (size_t i = 0, m = 0; i < grid.size(); ++i)
        for (size_t r = 0; r < kRules.size(); ++r, ++m) grid[i].maps.push_back(maps[m].data());
    std::vector<std::string> columns{"digit"};
    columns.insert(columns.end(), kRules.begin(), kRules.end());
    save_heatmap_grid(out + "/rules.png", grid, 28, 28, false, 3, columns);
    std::printf("\nwrote %s/rules.png\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("07_lrp_mlp", argc, argv, {"epochs", "limit", "out"}, run); }
