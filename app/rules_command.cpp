// rules_command.cpp: `glassbox rules`: IF-THEN rules extracted from a trained
// MLP (DeepRED, CRED or a pedagogical C4.5 tree; explain/extraction/), their
// fidelity to the network and accuracy on the test split, as text and pictures.
#include <algorithm>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "app/cli.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "explain/extraction/rule_evaluation.hpp"
#include "nn/serialize.hpp"
#include "training/data.hpp"
#include "util/error.hpp"
#include "viz/png.hpp"

namespace gb {
namespace {

const char* kUsage =
    "  rules    --model FILE.npz [--data mnist|wine|breast-cancer] [--class C]\n"
    "           [--method deepred|cred|pedagogical] [--prune-inputs yes|no] [--max-depth D]\n"
    "           [--min-cases N] [--confidence CF] [--max-terms T] [--samples N] [--seed S] [--threads N]\n"
    "           [--simplify yes|no] [--min-rule-gain G] [--limit N] [--out RULES.txt] [--png RULES.png] [--trace yes]\n"
    "           IF-THEN rules for the network's decision \"class C\" (an output of the network; for a\n"
    "           --one-vs-rest model 1 is the chosen class, the default) against the rest. C4.5 trees with\n"
    "           min cases N (2), pruning confidence CF (0.25) and depth D (0: unlimited), learned on N\n"
    "           training examples (0: all), each node's features scored on N threads (default: the\n"
    "           machine's cores; the same trees); T (20000) caps the terms of a substitution step;\n"
    "           --prune-inputs drops the inputs whose removal changes no decision first; --simplify\n"
    "           drops conditions and rules that do not raise the agreement with the network on the\n"
    "           training examples, and rules that add fewer than G (1) agreements.\n"
    "           Fidelity (agreement with the network) and accuracy on the test split.\n";

// The name of input j: a pixel x[row,col] for digits, a column name for a table.
std::string input_name(const DataSplits& data, int j) {
    if (!data.table.names.empty()) return data.table.names[size_t(j)];
    return "x[" + std::to_string(j / 28) + "," + std::to_string(j % 28) + "]";
}

// The threshold in the units a reader knows: a table's raw units (the model reads z = (raw - mean) / scale).
float readable_threshold(const DataSplits& data, int j, float t) {
    if (data.table.names.empty()) return t;
    return t * data.table.scale[size_t(j)] + data.table.mean[size_t(j)];
}

std::string rule_text(const DataSplits& data, const Term& term, const std::string& then) {
    std::ostringstream s;
    s << "IF ";
    if (term.empty()) s << "TRUE";
    for (size_t k = 0; k < term.size(); ++k) {
        const Condition& c = term[k];
        s << (k ? " AND " : "") << input_name(data, c.unit) << (c.greater ? " > " : " <= ") << std::setprecision(4)
          << readable_threshold(data, c.unit, c.threshold);
    }
    s << " THEN " << then;
    return s.str();
}

int rules(const Flags& flags, std::ostream& out, std::ostream& err) {
    std::string path = flags.required("model");
    std::string out_txt = flags.text("out", ""), png = flags.text("png", "");
    ExtractionOptions options;
    options.method = flags.text("method", "deepred");
    options.target_class = flags.whole("class", 1, 0, 1 << 20);
    std::string prune = flags.text("prune-inputs", "no"), trace = flags.text("trace", "no");
    if (prune != "yes" && prune != "no") throw Error("--prune-inputs takes yes or no, got '" + prune + "'");
    if (trace != "yes" && trace != "no") throw Error("--trace takes yes or no, got '" + trace + "'");
    options.prune_inputs = prune == "yes";
    std::string simplify = flags.text("simplify", "no");
    if (simplify != "yes" && simplify != "no") throw Error("--simplify takes yes or no, got '" + simplify + "'");
    options.simplify = simplify == "yes";
    options.min_rule_gain = flags.whole("min-rule-gain", 1, 1, 1 << 30);
    options.tree.max_depth = flags.whole("max-depth", 0, 0, 1000);
    options.tree.min_cases = flags.whole("min-cases", 2, 1, 1 << 24);
    options.tree.confidence = flags.real("confidence", 0.25f, 1e-4f, 0.9999f);
    options.max_terms = size_t(flags.whole("max-terms", 20000, 1, 1 << 24));
    options.samples = flags.whole("samples", 0, 0, 1 << 30);
    options.seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    options.tree.threads = flags.whole("threads", int(std::max(1u, std::thread::hardware_concurrency())), 1, 256);
    if (!out_txt.empty()) check_writable(out_txt);
    if (!png.empty()) check_writable(png);

    Model model = load_model(path);
    DenseNetwork network(model);  // refuses convolutions, LSTMs, ... by name
    DataSplits data = data_for_model(model, flags.text("data", ""), flags.whole("limit", 0, 0, 1 << 30));
    if (!png.empty() && data.name != "mnist") throw Error("--png draws rules over 28x28 digits: it is for mnist models");
    if (options.target_class >= network.outputs())
        throw Error("--class " + std::to_string(options.target_class) + " is not an output of the network (0.." +
                    std::to_string(network.outputs() - 1) + ")");

    RuleExtraction extraction = extract_rules(network, data.train.dense.data(), data.train.count(), options);
    RuleScores scores = score_rules(extraction, network, data.test.dense.data(), data.test.labels);
    std::vector<double> layer_fidelity_test =
        layer_fidelity(extraction, network, data.test.dense.data(), data.test.count());

    const std::string then = data.class_names[size_t(options.target_class)];
    std::ostringstream text;
    for (const Term& term : extraction.rules) text << rule_text(data, term, then) << "\n";
    text << "ELSE not " << then << "\n";
    if (trace == "yes") {
        err << extraction.method << ": " << extraction.training_rows << " training examples\n";
        for (size_t k = 0; k < extraction.layer_rules.size(); ++k) {
            const bool inputs = k + 1 == extraction.layer_rules.size();
            const int layer = network.hidden_layers() - int(k);
            err << "  rules over " << (inputs ? std::string("the inputs") : "hidden layer " + std::to_string(layer))
                << ": " << extraction.layer_rules[k].size() << " terms, " << total_conditions(extraction.layer_rules[k])
                << " conditions, test fidelity " << layer_fidelity_test[k] << "\n";
            if (inputs) continue;  // printed in full below
            auto unit = [&](int u) { return "h" + std::to_string(layer) + "[" + std::to_string(u) + "]"; };
            const Dnf& dnf = extraction.layer_rules[k];
            for (size_t t = 0; t < std::min<size_t>(dnf.size(), 10); ++t) err << "    " << term_text(dnf[t], unit) << "\n";
            if (dnf.size() > 10) err << "    ... (" << dnf.size() - 10 << " more)\n";
        }
        for (const ExtractionStep& s : extraction.steps)
            err << "  layer " << s.from << " -> " << s.from - 1 << ": " << s.conditions << " trees, " << s.terms_in
                << " terms in, " << s.terms_before_merge << " substituted, " << s.terms_after_merge << " after merging\n";
        err << text.str();
    }
    if (!out_txt.empty()) {
        std::ofstream file(out_txt);
        file << text.str();
        if (!file) throw Error("cannot write " + out_txt);
    }
    if (!png.empty()) {
        std::vector<PixelRule> pictures;
        for (const Term& term : extraction.rules) {
            PixelRule p;
            for (const Condition& c : term) (c.greater ? p.bright : p.dark).push_back(c.unit);
            pictures.push_back(p);
        }
        std::vector<float> mean(784, 0.0f);  // the mean test digit of the class, as the background
        int members = 0;
        for (int i = 0; i < data.test.count(); ++i) {
            if (data.test.labels[size_t(i)] != options.target_class) continue;
            ++members;
            for (size_t p = 0; p < 784; ++p) mean[p] += data.test.dense[size_t(i) * 784 + p];
        }
        for (float& v : mean) v /= float(std::max(1, members));
        if (pictures.empty()) throw Error("the extraction gave no rule for class " + then + ", nothing to draw");
        save_rule_pictures(png, pictures, mean.data(), 28, 28);
    }

    std::vector<int> layer_terms;
    for (const Dnf& d : extraction.layer_rules) layer_terms.push_back(int(d.size()));
    std::vector<int> merged_before, merged_after;
    for (const ExtractionStep& s : extraction.steps)
        merged_before.push_back(int(s.terms_before_merge)), merged_after.push_back(int(s.terms_after_merge));
    int kept = 0;
    for (char k : extraction.kept_inputs) kept += k;
    JsonObject json;
    json.add("command", "rules").add("model", path).add("data", data.name).add("method", extraction.method);
    json.add("class", options.target_class).add("class_name", then);
    json.add("fidelity", scores.fidelity).add("accuracy", scores.accuracy).add("network_accuracy", scores.network_accuracy);
    json.add("rules", scores.rules).add("rules_before_simplify", int(extraction.rules_before_simplify));
    json.add("terms", scores.terms).add("mean_rule_length", scores.mean_length);
    json.add("seconds", extraction.seconds).add("peak_mb", extraction.peak_mb);
    json.add("training_examples", extraction.training_rows).add("test_examples", scores.examples);
    json.add("inputs_kept", kept).add("layer_terms", layer_terms).add("layer_fidelity", layer_fidelity_test);
    json.add("terms_before_merge", merged_before).add("terms_after_merge", merged_after);
    json.add("min_cases", options.tree.min_cases).add("max_depth", options.tree.max_depth);
    json.add("confidence", double(options.tree.confidence));
    if (options.simplify) json.add("min_rule_gain", options.min_rule_gain);
    if (!out_txt.empty()) json.add("out", out_txt);
    if (!png.empty()) json.add("png", png);
    out << json.str() << std::endl;
    return 0;
}

}  // namespace

Command rules_command() {
    return {"rules", "IF-THEN rules extracted from an MLP (DeepRED, CRED, pedagogical), with their fidelity", kUsage,
            {"model", "data", "class", "method", "prune-inputs", "max-depth", "min-cases", "confidence", "max-terms",
             "samples", "seed", "threads", "limit", "out", "png", "trace", "simplify", "min-rule-gain"},
            rules};
}

}  // namespace gb
