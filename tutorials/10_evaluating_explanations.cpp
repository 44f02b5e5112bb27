// Tutorial 10: is this explanation any good? Region perturbation (Samek et
// al. 2017), explanation continuity (Montavon et al. 2018), sanity checks
// (Adebayo et al. 2018) on the MNIST MLP, and word deletion (Arras et al.
// 2017) on the text CNN. Read along with tutorials/10_evaluating_explanations.md.
//
// usage: 10_evaluating_explanations [--epochs N] [--text-epochs N] [--limit N] [--samples N] [--out DIR]
#include <algorithm>
#include <cstdio>

#include "app/evaluation_report.hpp"
#include "app/program.hpp"
#include "explain/evaluation/chunks.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "util/random.hpp"
#include "viz/png.hpp"

using namespace gb;

const std::vector<std::string> kMethods{"sensitivity", "gradient-x-input", "lrp-epsilon", "deep-taylor", "lrp"};

ExplainOptions for_digits() {
    ExplainOptions o;
    o.input.bounded = true;  // pixels lie in [0, 1]: the composite "lrp" uses zB at the input
    return o;
}

// The MLP as `glassbox train --model mlp` trains it (seed 1), or from another seed, which draws its
// initial weights and its minibatches.
Model trained_mlp(const LabeledSet& train, int epochs, uint64_t seed) {
    Model model = make_model("mlp", seed);
    SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);
    FitOptions fit_options;
    fit_options.seed = seed;
    fit(model, sgd, train, epochs, fit_options);
    return model;
}

std::vector<std::string> with_random(std::vector<std::string> methods) {
    methods.push_back("random");
    return methods;
}

// ---- 1. region perturbation: does the map point at what the network uses? ----
// Returns the curves under uniform noise (seed 1), which section 1b reuses.
std::vector<MethodPerturbation> perturbation(Model& model, const Tensor& x, const std::vector<int>& labels,
                                             const std::string& out) {
    std::vector<MethodPerturbation> uniform;
    for (std::string replacement : {"uniform", "constant", "blur"}) {
        PerturbationOptions o;  // 4 x 4 regions of the 28 x 28 digit: 49 steps
        o.replacement = replacement_named(replacement);
        std::vector<MethodPerturbation> r = region_perturbation(model.net, x, labels, with_random(kMethods), for_digits(), o);
        Report report = perturbation_report(r);
        std::printf("region perturbation, regions replaced by %s values:\n%s\n", replacement.c_str(), report.table.c_str());
        plot_png(out + "/perturbation_" + replacement + ".png", report.panels);
        if (replacement == "uniform") uniform = std::move(r);
    }
    return uniform;
}

// ---- 1b. the same under uniform noise, over three seeds ----------------------
// The seed draws the MLP's initial weights, its minibatches and the noise; seed 1 is the model above.
// The MLP of another seed, trained and perturbed.
std::vector<MethodPerturbation> perturbation_of_seed(const LabeledSet& train, int epochs, const Tensor& x,
                                                     const std::vector<int>& labels, uint64_t seed) {
    Model model = trained_mlp(train, epochs, seed);
    PerturbationOptions o;
    o.seed = seed;
    return region_perturbation(model.net, x, labels, with_random(kMethods), for_digits(), o);
}

void perturbation_over_seeds(const std::vector<std::vector<MethodPerturbation>>& by_seed) {
    const std::vector<std::string> methods = with_random(kMethods);
    std::vector<std::vector<double>> morf(methods.size()), lerf(methods.size());
    for (const std::vector<MethodPerturbation>& r : by_seed)
        for (size_t m = 0; m < methods.size(); ++m) morf[m].push_back(r[m].morf.aopc()), lerf[m].push_back(r[m].lerf.aopc());
    std::printf("region perturbation, uniform noise, MLPs trained from seeds 1, 2, 3 (noise drawn with the same seed):\n");
    std::printf("| method | AOPC MoRF, seeds 1 / 2 / 3 | mean (min to max) | AOPC LeRF, mean (min to max) |\n|---|---|---|---|\n");
    for (size_t m = 0; m < methods.size(); ++m) {
        auto stats = [](const std::vector<double>& v) {
            double lo = v[0], hi = v[0], sum = 0;
            for (double a : v) lo = std::min(lo, a), hi = std::max(hi, a), sum += a;
            char text[64];
            std::snprintf(text, sizeof text, "%.2f (%.2f to %.2f)", sum / double(v.size()), lo, hi);
            return std::string(text);
        };
        std::printf("| %s | %.2f / %.2f / %.2f | %s | %s |\n", methods[m].c_str(), morf[m][0], morf[m][1], morf[m][2],
                    stats(morf[m]).c_str(), stats(lerf[m]).c_str());
    }
    const size_t sa = 0, lrp = methods.size() - 2;  // "sensitivity" and "lrp" (the composite)
    std::printf("lrp (composite) minus sensitivity, MoRF AOPC: %+.2f / %+.2f / %+.2f\n\n", morf[lrp][0] - morf[sa][0],
                morf[lrp][1] - morf[sa][1], morf[lrp][2] - morf[sa][2]);
}

// ---- 2. continuity: does the map move smoothly with the digit? ---------------
void continuity_along_a_path(Model& model, const Tensor& x, const std::vector<int>& labels, const std::string& out) {
    const std::vector<std::string> methods{"gradient", "sensitivity", "gradient-x-input", "lrp-epsilon", "deep-taylor"};
    std::vector<std::vector<ContinuityPath>> paths;
    for (const std::string& method : methods) {
        paths.emplace_back();
        for (int b = 0; b < std::min(10, x.dim(0)); ++b) {
            std::vector<float> digit(x.data() + size_t(b) * 784, x.data() + size_t(b + 1) * 784);
            paths.back().push_back(continuity(model.net, digit, model.input_shape, 28, 28, labels[size_t(b)], method,
                                              for_digits(), -6.0f, 6.0f, 49));
        }
    }
    Report report = continuity_report(paths);
    std::printf("continuity: translations of -6 to 6 pixels in 49 steps, %d digits:\n%s\n", int(paths[0].size()),
                report.table.c_str());
    plot_png(out + "/continuity.png", report.panels);
    // The first digit's maps at shifts -6, -4, ..., 6 (every 8th point), one row per method.
    std::vector<HeatmapRow> grid;
    for (size_t m = 0; m < paths.size(); ++m) {
        grid.push_back({x.data(), {}, methods[m]});
        for (size_t k = 0; k < 49; k += 8) grid.back().maps.push_back(paths[m][0].maps[k].data());
    }
    save_heatmap_grid(out + "/continuity_maps.png", grid, 28, 28, false, 3,
                      {"digit", "shift -6", "shift -4", "shift -2", "shift 0", "shift +2", "shift +4", "shift +6"});
}

// ---- 3. sanity checks: does the map depend on what the network learnt? -------
void sanity(Model& model, const Tensor& x, const std::string& out) {
    const std::vector<std::string> methods{"gradient", "guided-backprop", "gradient-x-input", "lrp-epsilon", "deep-taylor"};
    std::vector<MethodSanity> results;
    Tensor some = rows(x, 0, size_t(std::min(100, x.dim(0))));
    for (const std::string& method : methods)
        results.push_back({method, sanity_checks(model.net, some, method, for_digits(), 1, 28, 28)});
    Report report = sanity_report(results);
    std::printf("sanity checks, cascading randomization from the output, %d digits:\n%s\n", some.dim(0),
                report.table.c_str());
    for (Panel& panel : report.panels) panel.title = "mlp: " + panel.title;  // the table in the walkthrough is LeNet's
    plot_png(out + "/sanity.png", report.panels, report.width);
    // The cascade by hand for the first digit: explain, randomize the next layer from the top, explain again.
    Tensor first = rows(x, 0, 1);
    std::vector<std::vector<float>> before;
    for (auto& [name, p] : model.net.parameters()) before.push_back(p.values());
    std::vector<Tensor> maps(methods.size() * 4);
    const int target = explain(model.net, first, "gradient").targets[0];
    Rng rng(1);
    for (size_t step = 0; step < 4; ++step) {
        if (step > 0) randomize_parameters(model.net[size_t(6 - 2 * step)], rng);  // layers 4, 2, 0: the Linears
        for (size_t m = 0; m < methods.size(); ++m) {
            ExplainOptions o = for_digits();
            o.targets = {target};
            maps[m * 4 + step] = explain(model.net, first, methods[m], o).relevance;
        }
    }
    auto params = model.net.parameters();
    for (size_t k = 0; k < params.size(); ++k) params[k].second.values() = before[k];  // the trained network back
    std::vector<HeatmapRow> grid;
    for (size_t m = 0; m < methods.size(); ++m) {
        grid.push_back({first.data(), {}, methods[m]});
        for (size_t step = 0; step < 4; ++step) grid.back().maps.push_back(maps[m * 4 + step].data());
    }
    save_heatmap_grid(out + "/sanity_maps.png", grid, 28, 28, false, 3,
                      {"mlp, digit", "trained", "top layer random", "top 2 random", "all 3 random"});
}

// ---- 4. word deletion on 20 Newsgroups ------------------------------------------
struct TextResult {
    double accuracy = 0;
    int posts = 0;
    Report report;
};

// Trains the text CNN and runs word deletion.
TextResult word_deletion_on_text(int epochs, int limit, int samples) {
    TextSettings text;
    text.train_limit = limit;
    DataSplits news = load_data("20news", InputKind::Sequence, limit, text);
    // as `glassbox train --model textcnn` trains it: embeddings from LSA, Adam
    Model model = make_model("textcnn", 1, {news.vocabulary.size(), news.text.length, news.train.classes});
    embeddings_from_lsa(model, news.train, 1);
    Adam adam(parameter_tensors(model.net), 0.001f);
    fit(model, adam, news.train, epochs);
    TextResult result;
    result.accuracy = evaluate(model, news.test).accuracy;
    // evenly spaced test posts (they come sorted by group)
    std::vector<int> indices, labels;
    result.posts = std::min(samples, news.test.count());
    for (int k = 0; k < result.posts; ++k) indices.push_back(int(int64_t(k) * news.test.count() / result.posts));
    Tensor ids = gather_batch(news.test, indices, model.input_shape, &labels);
    result.report = word_deletion_report(
        word_deletion(model.net, ids, labels, {"sensitivity", "gradient-x-input", "lrp-epsilon", "random"}, {}, 20, 1));
    return result;
}

int run(const Flags& flags) {
    const int epochs = flags.whole("epochs", 10, 1, 1000), text_epochs = flags.whole("text-epochs", 3, 1, 1000);
    const int limit = flags.whole("limit", 0, 0, 60000), samples = flags.whole("samples", 1000, 10, 10000);
    std::string out = flags.text("out", "runs/10_evaluating_explanations");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    Model model = trained_mlp(mnist.train, epochs, 1);  // as `glassbox train --model mlp` trains it
    std::printf("mlp, %d epochs: test accuracy %.2f%%\n\n", epochs, 100 * evaluate(model, mnist.test).accuracy);
    std::vector<int> indices, labels;
    for (int k = 0; k < std::min(samples, mnist.test.count()); ++k) indices.push_back(k);
    Tensor x = gather_batch(mnist.test, indices, model.input_shape, &labels);

    std::vector<std::vector<MethodPerturbation>> by_seed{perturbation(model, x, labels, out)};
    // seeds 2 and 3 side by side, one core each: the MLP's small kernels keep two cores busy only in part
    by_seed.resize(3);
    side_by_side(2, [&](int k) {
        by_seed[size_t(k + 1)] = perturbation_of_seed(mnist.train, epochs, x, labels, uint64_t(k + 2));
    });
    perturbation_over_seeds(by_seed);
    continuity_along_a_path(model, x, labels, out);
    sanity(model, x, out);
    const TextResult t = word_deletion_on_text(text_epochs, limit, samples);
    std::printf("textcnn, %d epochs: test accuracy %.2f%%\n", text_epochs, 100 * t.accuracy);
    std::printf("word deletion on %d test posts:\n%s\n", t.posts, t.report.table.c_str());
    plot_png(out + "/word_deletion.png", t.report.panels);
    std::printf("wrote the pictures to %s\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) {
    return run_program("10_evaluating_explanations", argc, argv, {"epochs", "text-epochs", "limit", "samples", "out"}, run);
}
