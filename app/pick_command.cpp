// `glassbox pick`: SP-LIME (Ribeiro et al. 2016, sec. 4). Explains a set of
// test examples with a surrogate method and picks the few whose
// explanations together cover the features that matter most
// (explain/surrogate/submodular_pick.hpp). Prints a markdown table and one
// JSON line.
#include <cstdio>

#include "app/cli.hpp"
#include "app/explain_flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "explain/surrogate/submodular_pick.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

const std::set<std::string> kFlags{"model", "data", "method", "budget", "instances", "first", "table"};

int run_pick(const Flags& flags, std::ostream& out) {
    const std::string path = flags.required("model"), method = flags.text("method", "lime"), table = flags.text("table", "");
    if (!table.empty()) check_writable(table);
    Model model = load_model(path);
    DataSplits data = data_for_model(model, flags.text("data", ""), 0);
    const int first = flags.whole("first", 0, 0, data.test.count() - 1);
    const int count = std::min(flags.whole("instances", 20, 1, 100000), data.test.count() - first);
    const int budget = flags.whole("budget", 5, 1, count);
    ExplainOptions options = explain_options(flags, data, {method}, kFlags);
    std::vector<int> indices, labels;  // evenly spaced from `first` on: the posts come sorted by group
    for (int k = 0; k < count; ++k) indices.push_back(first + int(int64_t(k) * (data.test.count() - first) / count));
    std::vector<Terms> explanations;
    std::vector<int> predicted;
    for (int index : indices) {
        Explanation e = explain(model.net, gather_batch(data.test, {index}, model.input_shape), method, options);
        if (e.terms.empty())
            throw Error("pick chooses among explanations that name their features; " + method + " does not (use lime)");
        explanations.push_back(e.terms);
        predicted.push_back(e.targets[0]);
    }
    const Pick p = submodular_pick(explanations, budget);
    std::string md = "| pick | test example | label | explained | coverage | local model |\n|---|---|---|---|---|---|\n";
    std::vector<int> picked;
    for (size_t k = 0; k < p.instances.size(); ++k) {
        const int i = p.instances[k];
        std::string terms;
        for (const auto& [feature, weight] : explanations[size_t(i)]) {
            char w[32];
            std::snprintf(w, sizeof w, " %+.3f", weight);
            terms += (terms.empty() ? "" : ", ") + feature + w;
        }
        char coverage[32];
        std::snprintf(coverage, sizeof coverage, "%.3f", p.coverage[k]);
        md += "| " + std::to_string(k + 1) + " | " + std::to_string(indices[size_t(i)]) + " | " +
              data.class_names[size_t(data.test.labels[size_t(indices[size_t(i)])])] + " | " +
              data.class_names[size_t(predicted[size_t(i)])] + " | " + coverage + " | " + terms + " |\n";
        picked.push_back(indices[size_t(i)]);
    }
    out << md;
    JsonObject json;
    json.add("command", "pick").add("model", path).add("method", method).add("instances", count);
    json.add("budget", budget).add("picked", picked).add("coverage", p.coverage);
    json.add("features", int(p.features.size()));
    if (!table.empty()) {
        std::ofstream file(table);
        file << md;
        if (!file) throw Error("cannot write " + table);
        json.add("table", table);
    }
    out << json.str() << std::endl;
    return 0;
}

}  // namespace

Command pick_command() {
    return {"pick", "SP-LIME: the few explanations that together cover the most important features",
            "  pick     --model FILE.npz [--method lime] [--budget B] [--instances N] [--first I] [--table OUT.md]\n"
            "           (explains N test examples, evenly spaced from I, and picks B of them: text and tables,\n"
            "           whose features are shared across examples; default 20 examples, budget 5)\n"
            "           [method parameters]\n" +
                methods_usage(kFlags),
            with_method_flags(kFlags), [](const Flags& flags, std::ostream& out, std::ostream&) { return run_pick(flags, out); }};
}

}  // namespace gb
