// Tutorial 15: a figure for each explanation method that the earlier
// tutorials do not show: Grad-CAM and guided Grad-CAM, excitation backprop
// and contrastive excitation (predicted class and runner-up), the translation
// trick, sliding-window explanation, filtering through chosen feature maps,
// the Lp-pooling rule, and simple Taylor decomposition at a searched root with
// its share of negative relevance. Every figure is drawn from the first seed's
// models; every number is printed for each seed and as the spread over seeds.
// Read along with tutorials/15_figures.md.
//
// usage: 15_figures [--epochs N] [--limit N] [--seeds N] [--digits N] [--out DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "viz/png.hpp"

using namespace gb;

namespace {

const std::vector<int> kShown{0, 1, 2, 3};  // the test digits in the figures

// LeNet-5 of tutorial 03 with Lp pooling (p = 2) in place of max pooling.
Model lenet_lp(uint64_t seed) {
    Rng rng(seed);
    Model m;
    m.name = "lenet-lp2";
    m.input_shape = {1, 28, 28};
    m.net.emplace<Conv2d>(1, 6, 5, rng, 1, 2).emplace<ReLU>().emplace<LpPool2d>(2.0f, 2, 2);
    m.net.emplace<Conv2d>(6, 16, 5, rng).emplace<ReLU>().emplace<LpPool2d>(2.0f, 2, 2);
    m.net.emplace<Flatten>().emplace<Linear>(400, 120, rng).emplace<ReLU>();
    m.net.emplace<Linear>(120, 84, rng).emplace<ReLU>().emplace<Linear>(84, 10, rng);
    return m;
}

Model trained(Model model, const LabeledSet& train, int epochs, float lr) {
    SGD sgd(parameter_tensors(model.net), lr, 0.9f);
    fit(model, sgd, train, epochs);
    return model;
}

// A figure being assembled: rows of an image and its maps, kept alive here.
struct Figure {
    std::vector<std::vector<float>> images, maps;
    std::vector<std::vector<size_t>> row_maps;
    std::vector<std::string> labels;

    void row(const float* image, size_t size, const std::string& label) {
        images.emplace_back(image, image + size);
        row_maps.emplace_back();
        labels.push_back(label);
    }
    void map(const std::vector<float>& values) {
        maps.push_back(values);
        row_maps.back().push_back(maps.size() - 1);
    }
    void save(const std::string& path, int rows, int cols, const std::vector<std::string>& columns) const {
        std::vector<HeatmapRow> grid;
        for (size_t i = 0; i < images.size(); ++i) {
            grid.push_back({images[i].data(), {}, labels[i]});
            for (size_t m : row_maps[i]) grid.back().maps.push_back(maps[m].data());
        }
        save_heatmap_grid(path, grid, rows, cols, false, 3, columns);
    }
};

const float* digit(const LabeledSet& test, int i) { return test.dense.data() + size_t(i) * test.example_size; }
std::string label_of(const LabeledSet& test, int i) { return "digit " + std::to_string(test.labels[size_t(i)]); }

// Negative relevance as a share of all relevance mass: sum_i max(0, -R_i) / sum_i |R_i|.
double negative_share(const std::vector<float>& r) {
    double negative = 0, mass = 0;
    for (float v : r) negative += std::max(0.0f, -v), mass += std::fabs(v);
    return mass > 0 ? negative / mass : 0.0;
}

// Roughness of a 28x28 map: the summed differences between neighbouring pixels over the summed |R|.
double roughness(const float* r) {
    double steps = 0, mass = 0;
    for (int i = 0; i < 28; ++i)
        for (int j = 0; j < 28; ++j) {
            mass += std::fabs(r[i * 28 + j]);
            if (j + 1 < 28) steps += std::fabs(r[i * 28 + j + 1] - r[i * 28 + j]);
            if (i + 1 < 28) steps += std::fabs(r[(i + 1) * 28 + j] - r[i * 28 + j]);
        }
    return mass > 0 ? steps / mass : 0.0;
}

// The mean and range of a figure over seeds, as "mean (min-max)".
std::string spread(const std::vector<double>& v, double scale = 1.0, const char* format = "%.1f") {
    double sum = 0, lo = v[0], hi = v[0];
    for (double x : v) sum += x, lo = std::min(lo, x), hi = std::max(hi, x);
    char one[32], text[128];
    std::snprintf(text, sizeof text, format, scale * sum / double(v.size()));
    std::string s = text;
    std::snprintf(one, sizeof one, format, scale * lo);
    s += std::string(" (") + one + "-";
    std::snprintf(one, sizeof one, format, scale * hi);
    return s + one + ")";
}

int runner_up(const std::vector<float>& logits) {
    std::vector<int> order(logits.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = int(k);
    std::partial_sort(order.begin(), order.begin() + 2, order.end(), [&](int a, int b) { return logits[size_t(a)] > logits[size_t(b)]; });
    return order[1];
}

}  // namespace

int run(const Flags& flags) {
    const int epochs = flags.whole("epochs", 2, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    const int seeds = flags.whole("seeds", 3, 1, 20), digits = flags.whole("digits", 100, 4, 10000);
    const std::string out = flags.text("out", "runs/15_figures");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    const LabeledSet& test = mnist.test;
    const int n = std::min(digits, test.count());

    // The three models of every seed, trained side by side, the slowest first (Lp pooling, LeNet, the mlp).
    const size_t runs = size_t(seeds);
    std::vector<Model> lps(runs), lenets(runs), mlps(runs);
    std::vector<double> accuracy_mlp(runs), accuracy_lenet(runs), accuracy_lp(runs);
    side_by_side(3 * seeds, [&](int task) {
        const size_t s = size_t(task) % runs;
        const uint64_t seed = s + 1;
        if (size_t(task) < runs) {
            lps[s] = trained(lenet_lp(seed), mnist.train, epochs, 0.01f);  // like lenet-sum: a smaller step
            accuracy_lp[s] = evaluate(lps[s], test).accuracy;
        } else if (size_t(task) < 2 * runs) {
            lenets[s] = trained(make_model("lenet", seed), mnist.train, epochs, 0.05f);
            accuracy_lenet[s] = evaluate(lenets[s], test).accuracy;
        } else {
            mlps[s] = trained(make_model("mlp", seed), mnist.train, epochs, 0.05f);
            accuracy_mlp[s] = evaluate(mlps[s], test).accuracy;
        }
    });

    // Figures measured per seed (the maps are drawn from the first seed's models).
    std::vector<double> taylor_negative, taylor_residual, epsilon_negative, rough_before, rough_after, window_share,
        filter_gap, lp_gap, contrast_negative;
    for (int seed = 1; seed <= seeds; ++seed) {
        const bool draw = seed == 1;
        const size_t s = size_t(seed - 1);
        Model &mlp = mlps[s], &lenet = lenets[s], &lp = lps[s];
        std::printf("seed %d: test accuracy mlp %.2f%%, lenet %.2f%%, lenet with L2 pooling %.2f%%\n", seed,
                    100 * accuracy_mlp[s], 100 * accuracy_lenet[s], 100 * accuracy_lp[s]);

        // ---- Grad-CAM and guided Grad-CAM (Selvaraju et al. 2017) on LeNet ------------
        if (draw) {
            Figure f;
            for (int d : kShown) {
                Tensor x = gather_batch(test, {d}, lenet.input_shape);
                f.row(digit(test, d), 784, label_of(test, d));
                for (const char* m : {"gradcam", "guided-backprop", "guided-gradcam"})
                    f.map(explain(lenet.net, x, m).relevance.values());
            }
            f.save(out + "/gradcam.png", 28, 28, {"digit", "gradcam", "guided-backprop", "guided-gradcam"});
        }

        // ---- excitation backprop vs contrastive excitation (Zhang et al. 2016) -------
        // For the predicted class c and the runner-up c2 (the second largest logit).
        {
            Figure f;
            double negative = 0;
            for (int d = 0; d < n; ++d) {
                Tensor x = gather_batch(test, {d}, lenet.input_shape);
                Explanation predicted = explain(lenet.net, x, "excitation");
                const int c = predicted.targets[0], c2 = runner_up(predicted.logits_row);
                Explanation contrast = explain(lenet.net, x, "contrastive-excitation");
                negative += negative_share(contrast.relevance.values()) / n;
                if (!draw || std::find(kShown.begin(), kShown.end(), d) == kShown.end()) continue;
                f.row(digit(test, d), 784, std::to_string(c) + " vs " + std::to_string(c2));
                f.map(predicted.relevance.values());
                f.map(contrast.relevance.values());
                f.map(explain(lenet.net, x, "excitation", for_class(c2)).relevance.values());
                f.map(explain(lenet.net, x, "contrastive-excitation", for_class(c2)).relevance.values());
            }
            contrast_negative.push_back(negative);
            if (draw)
                f.save(out + "/excitation.png", 28, 28,
                       {"predicted vs runner-up", "excitation, predicted", "contrastive, predicted",
                        "excitation, runner-up", "contrastive, runner-up"});
        }

        // ---- the translation trick (Montavon et al. 2018, sec. 6, Fig. 15) -----------
        // R = mean over the 9 shifts (dy, dx) in [-1, 1]^2 of the maps of the shifted digits, shifted back.
        {
            ExplainOptions plain, shifted;
            plain.input.height = shifted.input.height = 28;
            plain.input.width = shifted.input.width = 28;
            shifted.translations = 1;
            Figure f;
            double before = 0, after = 0;
            for (int d = 0; d < n; ++d) {
                Tensor x = gather_batch(test, {d}, mlp.input_shape);
                Explanation a = explain(mlp.net, x, "sensitivity", plain), b = explain(mlp.net, x, "sensitivity", shifted);
                before += roughness(a.relevance.data()) / n;
                after += roughness(b.relevance.data()) / n;
                if (!draw || std::find(kShown.begin(), kShown.end(), d) == kShown.end()) continue;
                f.row(digit(test, d), 784, label_of(test, d));
                f.map(a.relevance.values());
                f.map(b.relevance.values());
                f.map(explain(mlp.net, x, "gradient-x-input", plain).relevance.values());
                f.map(explain(mlp.net, x, "gradient-x-input", shifted).relevance.values());
            }
            rough_before.push_back(before);
            rough_after.push_back(after);
            if (draw)
                f.save(out + "/translation.png", 28, 28,
                       {"digit", "sensitivity", "sensitivity, translated", "gradient x input",
                        "gradient x input, translated"});
        }

        // ---- sliding-window explanation (Montavon et al. 2018, sec. 6) ---------------
        // Three test digits side by side (28 x 84); windows of 28 x 28 every 2 pixels, each explained by
        // LRP-epsilon for one class; a pixel's relevance is the mean over the windows that cover it.
        {
            const int width = 84, stride = 2;
            std::vector<float> strip(size_t(28) * width);
            for (int k = 0; k < 3; ++k)
                for (int i = 0; i < 28; ++i)
                    for (int j = 0; j < 28; ++j) strip[size_t(i) * width + size_t(k * 28 + j)] = digit(test, k)[i * 28 + j];
            Figure f;
            double share = 0;
            for (int k = 0; k < 3; ++k) {
                const int c = test.labels[size_t(k)];
                std::vector<float> r =
                    explain_sliding(lenet.net, strip, 28, width, lenet.input_shape, 28, 28, stride, "lrp-epsilon", c);
                double own = 0, positive = 0;  // the share of positive relevance on the digit of class c
                for (int i = 0; i < 28; ++i)
                    for (int j = 0; j < width; ++j) {
                        const float v = std::max(0.0f, r[size_t(i) * width + size_t(j)]);
                        positive += v;
                        if (j / 28 == k) own += v;
                    }
                share += own / positive / 3;
                if (draw) {
                    std::printf("  sliding windows, class %d: %.1f%% of the positive relevance on its own digit\n", c,
                                100 * own / positive);
                    f.row(strip.data(), strip.size(), "class " + std::to_string(c));
                    f.map(r);
                }
            }
            window_share.push_back(share);
            if (draw) f.save(out + "/sliding_window.png", 28, width, {"three digits", "lrp-epsilon, windows of 28x28"});
        }

        // ---- filtering: relevance through chosen feature maps ------------------------
        // LeNet's layer 4 is the ReLU after the second convolution: 16 maps of 10 x 10. Filtering keeps
        // what flows through one map; LRP is linear in R given the activations, so the 16 filtered
        // maps add up to the unfiltered one (up to rounding).
        {
            Figure f;
            double gap = 0;
            for (int d : kShown) {
                Tensor x = gather_batch(test, {d}, lenet.input_shape);
                std::vector<float> whole = explain(lenet.net, x, "lrp-epsilon").relevance.values(), sum(784, 0.0f);
                std::vector<std::pair<double, std::vector<float>>> through;  // (relevance through map k, its map)
                for (int k = 0; k < 16; ++k) {
                    Filter filter{4, {k}};
                    ExplainOptions o;
                    o.filter = &filter;
                    std::vector<float> r = explain(lenet.net, x, "lrp-epsilon", o).relevance.values();
                    double total = 0;
                    for (size_t i = 0; i < r.size(); ++i) total += r[i], sum[i] += r[i];
                    through.emplace_back(total, r);
                }
                double largest_gap = 0, scale = 0;
                for (size_t i = 0; i < 784; ++i) {
                    largest_gap = std::max(largest_gap, double(std::fabs(sum[i] - whole[i])));
                    scale = std::max(scale, double(std::fabs(whole[i])));
                }
                gap = std::max(gap, largest_gap / std::max(scale, 1e-12));
                if (!draw) continue;
                std::sort(through.begin(), through.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
                f.row(digit(test, d), 784, label_of(test, d));
                f.map(whole);
                for (int k = 0; k < 3; ++k) f.map(through[size_t(k)].second);
            }
            filter_gap.push_back(gap);
            if (draw)
                f.save(out + "/filtering.png", 28, 28,
                       {"digit", "all 16 maps", "most relevant map", "second map", "third map"});
        }

        // ---- the Lp-pooling rule: R_j = a_j^p / sum_i a_i^p R_k ----------------------
        {
            Figure f;
            double gap = 0;  // the relevance lost or gained at an Lp-pooling layer, relative to the logit
            for (int d = 0; d < n; ++d) {
                Tensor x = gather_batch(test, {d}, lp.input_shape);
                ExplainOptions o;
                o.trace = true;
                Explanation z = explain(lp.net, x, "lrp-zplus", o);
                for (size_t s = 0; s + 1 < z.trace.size(); ++s)
                    if (z.trace[s].layer.find("LpPool") != std::string::npos)  // after the pooling, and before it
                        gap = std::max(gap, std::fabs(z.trace[s].sum - z.trace[s + 1].sum) / std::fabs(z.logit[0]));
                if (!draw || std::find(kShown.begin(), kShown.end(), d) == kShown.end()) continue;
                f.row(digit(test, d), 784, label_of(test, d));
                f.map(explain(lp.net, x, "gradient-x-input").relevance.values());
                f.map(explain(lp.net, x, "lrp-epsilon").relevance.values());
                f.map(z.relevance.values());
                if (d == kShown[0]) {
                    std::printf("  lrp-zplus through LeNet with L2 pooling, digit %d:\n", test.labels[size_t(d)]);
                    for (const TraceStep& t : z.trace)
                        std::printf("    %-28s sum %9.4f\n", t.layer.c_str(), t.sum);
                }
            }
            lp_gap.push_back(gap);
            if (draw)
                f.save(out + "/lp_pooling.png", 28, 28, {"digit", "gradient x input", "lrp-epsilon", "lrp-zplus"});
        }

        // ---- simple Taylor decomposition at a searched root ---------------------------
        // R_i = df/dx_i|x~ (x_i - x~_i), x~ where f = 0 along the gradient from x; its negative share.
        {
            ExplainOptions search = ExplainOptions().set("baseline", "search");
            Figure f;
            double negative = 0, epsilon = 0, residual = 0;
            for (int d = 0; d < n; ++d) {
                Tensor x = gather_batch(test, {d}, mlp.input_shape);
                Explanation t = explain(mlp.net, x, "taylor", search);
                Explanation e = explain(mlp.net, x, "lrp-epsilon");
                negative += negative_share(t.relevance.values()) / n;
                epsilon += negative_share(e.relevance.values()) / n;
                residual += std::fabs(t.diagnostic("taylor_residual")) / std::fabs(t.logit[0]) / n;
                if (!draw || std::find(kShown.begin(), kShown.end(), d) == kShown.end()) continue;
                f.row(digit(test, d), 784, label_of(test, d));
                f.map(explain(mlp.net, x, "sensitivity").relevance.values());
                f.map(t.relevance.values());
                f.map(e.relevance.values());
                f.map(explain(mlp.net, x, "lrp-zplus").relevance.values());
            }
            taylor_negative.push_back(negative);
            epsilon_negative.push_back(epsilon);
            taylor_residual.push_back(residual);
            if (draw)
                f.save(out + "/taylor.png", 28, 28,
                       {"digit", "sensitivity", "taylor, searched root", "lrp-epsilon", "lrp-zplus"});
        }
        std::printf("seed %d: taylor at a searched root %.1f%% negative (lrp-epsilon %.1f%%), contrastive excitation "
                    "%.1f%% negative, roughness of sensitivity %.2f -> %.2f translated, sliding windows %.1f%% on the "
                    "right digit, filtered maps add up to within %.1e, Lp pooling conserves to within %.1e\n",
                    seed, 100 * taylor_negative.back(), 100 * epsilon_negative.back(), 100 * contrast_negative.back(),
                    rough_before.back(), rough_after.back(), 100 * window_share.back(), filter_gap.back(), lp_gap.back());
    }

    std::printf("\nover %d seeds (mean (min-max)), %d test digits each:\n", seeds, n);
    std::printf("  test accuracy: mlp %s%%, lenet %s%%, lenet with L2 pooling %s%%\n", spread(accuracy_mlp, 100, "%.2f").c_str(),
                spread(accuracy_lenet, 100, "%.2f").c_str(), spread(accuracy_lp, 100, "%.2f").c_str());
    std::printf("  simple Taylor at a searched root: %s%% of the relevance mass is negative (the tutorial paper: about "
                "38%%); lrp-epsilon %s%%\n", spread(taylor_negative, 100).c_str(), spread(epsilon_negative, 100).c_str());
    std::printf("  simple Taylor's first-order residual |f(x) - f(x~) - sum R| / |f(x)|: %s%%\n",
                spread(taylor_residual, 100).c_str());
    std::printf("  contrastive excitation, predicted class: %s%% of the relevance mass is negative\n",
                spread(contrast_negative, 100).c_str());
    std::printf("  roughness of sensitivity maps: %s plain, %s with the translation trick\n",
                spread(rough_before, 1, "%.2f").c_str(), spread(rough_after, 1, "%.2f").c_str());
    std::printf("  sliding windows: %s%% of each class's positive relevance on its own digit\n",
                spread(window_share, 100).c_str());
    std::printf("  filtering: the 16 filtered maps add up to the whole map within %s (largest gap / largest |R|)\n",
                spread(filter_gap, 1, "%.1e").c_str());
    std::printf("  Lp pooling with lrp-zplus: relevance kept through each pooling layer within %s of the logit\n",
                spread(lp_gap, 1, "%.1e").c_str());
    std::printf("\nwrote %s/gradcam.png, excitation.png, translation.png, sliding_window.png, filtering.png, "
                "lp_pooling.png, taylor.png\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) {
    return run_program("15_figures", argc, argv, {"epochs", "limit", "seeds", "digits", "out"}, run);
}
