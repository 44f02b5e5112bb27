// Tutorial 08: deep Taylor decomposition (Montavon et al. 2017) on LeNet with
// sum pooling: the z+ rule derived from a Taylor expansion at a root point,
// the input-domain rules (zB for pixels in [0, 1], w^2 for unbounded inputs),
// and relevance conserved from the logit to the pixels.
// Read along with tutorials/08_deep_taylor.md.
//
// usage: 08_deep_taylor [--epochs N] [--limit N] [--out DIR]
#include <cstdio>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "explain/rules/composites.hpp"
#include "training/loop.hpp"
#include "viz/png.hpp"

using namespace gb;

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 3, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    std::string out = flags.text("out", "runs/08_deep_taylor");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    Model model = make_model("lenet-sum", 1);
    SGD sgd(parameter_tensors(model.net), 0.01f, 0.9f);  // sum pooling passes larger signals: a smaller step
    fit(model, sgd, mnist.train, epochs);
    std::printf("lenet-sum, %d epochs: test accuracy %.2f%%\n\n", epochs, 100 * evaluate(model, mnist.test).accuracy);

    // ---- the conservation of deep Taylor, layer by layer ----------------------
    Tensor x = gather_batch(mnist.test, {0}, model.input_shape);
    std::unique_ptr<Rule> deep_taylor = make_composite("deep-taylor", 0, true, {});
    Propagation p = propagate(model.net, x, {-1}, *deep_taylor, true);
    std::printf("deep Taylor (z+ in the hidden layers, zB at the pixels) on digit %d:\n", mnist.test.labels[0]);
    for (const TraceStep& t : p.trace)
        std::printf("  %-26s %-16s sum %9.4f   (negative %8.4f)\n", t.layer.c_str(), shape_str(t.shape).c_str(), t.sum,
                    t.negative);

    // ---- input-domain rules and a comparison with sensitivity ------------------
    std::printf("\nat the pixels, for four digits (explained logit, relevance sum):\n");
    std::vector<std::string> methods{"sensitivity", "lrp-zplus", "lrp-w2", "deep-taylor"};
    std::vector<Tensor> maps;
    std::vector<HeatmapRow> grid;
    ExplainOptions bounded;
    bounded.input.bounded = true;
    for (int d : {0, 1, 2, 3}) {
        Tensor xd = gather_batch(mnist.test, {d}, model.input_shape);
        grid.push_back({mnist.test.dense.data() + size_t(d) * mnist.test.example_size, {},
                        "digit " + std::to_string(mnist.test.labels[size_t(d)])});
        for (const std::string& m : methods) {
            Explanation e = explain(model.net, xd, m, bounded);
            double sum = 0;
            for (float v : e.relevance.values()) sum += v;
            if (m != "sensitivity")
                std::printf("  digit %d  %-12s logit %8.4f  sum %8.4f\n", mnist.test.labels[size_t(d)], m.c_str(),
                            e.logit[0], sum);
            maps.push_back(e.relevance);
        }
    }
    for (size_t i = 0, m = 0; i < grid.size(); ++i)
        for (size_t k = 0; k < methods.size(); ++k, ++m) grid[i].maps.push_back(maps[m].data());
    std::vector<std::string> columns{"digit"};
    columns.insert(columns.end(), methods.begin(), methods.end());
    save_heatmap_grid(out + "/deep_taylor.png", grid, 28, 28, false, 3, columns);

    // ---- rule choice: alpha1-beta0 vs alpha2-beta1 vs alpha3-beta2 --------------
    std::printf("\nalpha-beta on every layer, share of negative relevance at the pixels (four digits):\n");
    std::vector<Tensor> ab_maps;
    std::vector<HeatmapRow> ab_grid;
    for (int d : {0, 1, 2, 3})
        ab_grid.push_back({mnist.test.dense.data() + size_t(d) * mnist.test.example_size, {},
                           "digit " + std::to_string(mnist.test.labels[size_t(d)])});
    for (float alpha : {1.0f, 2.0f, 3.0f}) {
        double negative_share = 0;
        for (int d : {0, 1, 2, 3}) {
            ExplainOptions o = ExplainOptions().set("alpha", alpha).set("beta", alpha - 1.0f);
            Explanation e = explain(model.net, gather_batch(mnist.test, {d}, model.input_shape), "lrp-alphabeta", o);
            double pos = 0, neg = 0;
            for (float v : e.relevance.values()) (v > 0 ? pos : neg) += v;
            negative_share += -neg / (pos - neg) / 4;
            ab_maps.push_back(e.relevance);
        }
        std::printf("  alpha%.0f-beta%.0f: %4.1f%% of the relevance mass is negative\n", alpha, alpha - 1, 100 * negative_share);
    }
    for (size_t i = 0; i < 4; ++i)
        for (size_t a = 0; a < 3; ++a) ab_grid[i].maps.push_back(ab_maps[a * 4 + i].data());
    save_heatmap_grid(out + "/alpha_beta.png", ab_grid, 28, 28, false, 3,
                      {"digit", "alpha1-beta0", "alpha2-beta1", "alpha3-beta2"});
    std::printf("\nwrote %s/deep_taylor.png and %s/alpha_beta.png\n", out.c_str(), out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("08_deep_taylor", argc, argv, {"epochs", "limit", "out"}, run); }
