// `glassbox evaluate`: how good are the explanations of a trained model?
// Region perturbation and word deletion (does the map point at what the
// model uses?), continuity (does it move smoothly with the input?) and the
// sanity checks (does it depend on the learnt weights?). Prints a markdown
// table, draws the curves with --plot, and ends with one JSON line.
#include <algorithm>

#include "app/cli.hpp"
#include "app/evaluation_report.hpp"
#include "app/explain_flags.hpp"
#include "app/json.hpp"
#include "app/localization_metrics.hpp"
#include "app/program.hpp"
#include "explain/evaluation/chunks.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

const std::vector<std::string> metrics{"perturbation", "word-deletion", "continuity", "sanity"};

Report run_metric(const std::string& metric, const Flags& flags, Model& model, const DataSplits& data, const Tensor& x,
                  const std::vector<int>& labels, const std::vector<std::string>& methods, const ExplainOptions& options,
                  JsonObject& json) {
    const uint64_t seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    const std::vector<std::string> with_random = with_random_baseline(methods);
    if (metric == "perturbation") {
        PerturbationOptions p;
        p.patch = flags.whole("region", 4, 1, 28);
        p.steps = flags.whole("steps", 0, 0, 784);
        p.replacement = replacement_named(flags.text("replace", "uniform"));
        p.value = flags.real("value", 0.0f, -1e6f, 1e6f);
        p.sigma = flags.real("sigma", 2.0f, 0.1f, 28.0f);
        p.repeats = flags.whole("repeats", 1, 1, 1000);
        p.seed = seed;
        json.add("region", p.patch).add("replace", flags.text("replace", "uniform")).add("repeats", p.repeats);
        return perturbation_report(region_perturbation(model.net, x, labels, with_random, options, p));
    }
    if (metric == "word-deletion") {
        const int deletions = flags.whole("deletions", 20, 1, data.text.length);
        json.add("deletions", deletions);
        return word_deletion_report(word_deletion(model.net, x, labels, with_random, options, deletions, seed));
    }
    if (metric == "continuity") {
        auto [from, to] = two_numbers(flags, "shifts", {-6.0f, 6.0f}, "two numbers FROM,TO, e.g. -4,4");
        const int points = flags.whole("points", 49, 2, 10000);
        std::vector<std::vector<ContinuityPath>> paths;
        for (const std::string& method : methods) {
            paths.emplace_back();
            for (int b = 0; b < x.dim(0); ++b) {
                std::vector<float> image(x.data() + size_t(b) * 784, x.data() + size_t(b + 1) * 784);
                paths.back().push_back(continuity(model.net, image, model.input_shape, 28, 28, labels[size_t(b)], method,
                                                  options, from, to, points));
            }
        }
        json.add("shifts", std::vector<double>{from, to}).add("points", points);
        return continuity_report(paths);
    }
    std::vector<MethodSanity> results;  // sanity
    const int side = data.name == "mnist" ? 28 : 0;
    for (const std::string& method : methods)
        results.push_back({method, sanity_checks(model.net, x, method, options, seed, side, side)});
    return sanity_report(results);
}


const std::set<std::string> kFlags{"model", "data", "metric", "methods", "samples", "first", "plot", "table", "region",
                                   "steps", "replace", "value", "sigma", "repeats", "deletions", "shifts", "points", "seed",
                                   "scene", "size", "tolerance", "step", "blur", "batch"};

int run_evaluate(const Flags& flags, std::ostream& out) {
    std::string path = flags.required("model"), metric = flags.required("metric");
    if (is_localization_metric(metric)) return run_localization(flags, out, kFlags);
    if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
        throw Error("unknown --metric '" + metric + "': use perturbation, word-deletion, continuity, sanity, pointing, "
                    "deletion or insertion");
    std::vector<std::string> methods = split_commas(flags.required("methods"));
    with_random_baseline(methods);  // checks the names
    std::string plot = flags.text("plot", ""), table = flags.text("table", "");
    for (const std::string& file : {plot, table})
        if (!file.empty()) check_writable(file);
    Model model = load_model(path);
    DataSplits data = data_for_model(model, flags.text("data", ""), 0);
    const bool text = data.name == "20news";
    if (metric != "sanity" && text != (metric == "word-deletion"))
        throw Error("--metric " + metric + (text ? " takes an image model; for text use word-deletion or sanity"
                                                 : " is for text models; " + model.name + " reads images"));
    if (metric == "word-deletion" && input_kind(model.name) == InputKind::BagOfWords)
        throw Error("--metric word-deletion deletes words from sequences of word ids; " + model.name +
                    " reads a bag of words (use textcnn or textlstm)");
    if (metric == "continuity" && numel(model.input_shape) != 784)
        throw Error("--metric continuity translates 28 x 28 digits; " + model.name + " takes " + shape_str(model.input_shape));
    const int first = flags.whole("first", 0, 0, data.test.count() - 1);
    const int defaults = metric == "continuity" ? 10 : metric == "sanity" ? 100 : 1000;
    const int count = std::min(flags.whole("samples", defaults, 1, 1 << 20), data.test.count() - first);
    std::vector<int> indices, labels;  // the next `count` test examples; for text, evenly spaced posts from
    for (int k = 0; k < count; ++k)     // `first` on, since the posts come sorted by group
        indices.push_back(first + (text ? int(int64_t(k) * (data.test.count() - first) / count) : k));
    Tensor x = gather_batch(data.test, indices, model.input_shape, &labels);

    JsonObject json;
    json.add("command", "evaluate").add("model", path).add("metric", metric).add("first", first).add("samples", count);
    Report report = run_metric(metric, flags, model, data, x, labels, methods, explain_options(flags, data, methods, kFlags), json);
    out << report.table;
    if (!table.empty()) {
        std::ofstream file(table);
        file << report.table;
        if (!file) throw Error("cannot write " + table);
        json.add("table", table);
    }
    if (!plot.empty()) {
        plot_png(plot, report.panels, report.width);
        json.add("plot", plot);
    }
    json.add_raw("methods", report.json);
    out << json.str() << std::endl;
    return 0;
}

}  // namespace

Command evaluate_command() {
    return {"evaluate",
            "how good the explanations of a model are: region perturbation, word deletion, continuity, sanity, "
            "pointing game, deletion and insertion",
            "  evaluate --model FILE.npz --metric perturbation|word-deletion|continuity|sanity --methods M1,M2,...\n"
            "           [--samples N] [--first I] [--seed S] [--plot OUT.png] [--table OUT.md]\n"
            "           perturbation (images): [--region P] [--steps L] [--replace uniform|constant|blur]\n"
            "             [--value V] [--sigma S] [--repeats R]   (AOPC of MoRF and LeRF; a random order added)\n"
            "           word-deletion (text): [--deletions K]      (accuracy as words are deleted; random added;\n"
            "             the posts are evenly spaced over the test set, which comes sorted by group)\n"
            "           continuity (digits): [--shifts FROM,TO] [--points N]   (max ||dR||_1 / ||dx||_2)\n"
            "           sanity (any model): cascading and independent randomization of the layers\n"
            "             (Spearman with and without absolute values; SSIM for images)\n"
            "           pointing|deletion|insertion (MNIST scenes, a model trained on digits such as allconv-gap):\n"
            "             [--data mnist-scenes] [--scene single|same|different] [--size 56] [--seed S]\n"
            "             [--batch 32]   (scenes explained per call)\n"
            "             pointing: [--tolerance 2]   (pointing game and energy share in the class's boxes)\n"
            "             deletion|insertion: [--step PIXELS] [--blur SIGMA]   (RISE's causal metrics, AUC)\n"
            "           [--target C] [--translations R] [method parameters]\n" +
                methods_usage(kFlags),
            with_method_flags(kFlags), [](const Flags& flags, std::ostream& out, std::ostream&) { return run_evaluate(flags, out); }};
}

}  // namespace gb
