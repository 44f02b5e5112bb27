// `glassbox explain`: explanations of test examples as heatmaps (one, or a
// grid of inputs x methods), text pages, .npy files, trace tables and
// pictures, and a JSON summary.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "app/cli.hpp"
#include "app/explain_flags.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "explain/explain.hpp"
#include "nn/npz.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "training/scenes.hpp"
#include "util/error.hpp"
#include "viz/html.hpp"
#include "viz/png.hpp"

namespace gb {
namespace {

std::vector<int> parse_indices(const std::string& text, int count) {
    std::vector<int> indices;
    for (const std::string& part : split_commas(text)) {
        char* end = nullptr;
        long i = std::strtol(part.c_str(), &end, 10);
        if (*end != '\0' || i < 0) throw Error("--index takes whole numbers separated by commas, got '" + text + "'");
        if (i >= count)
            throw Error("--index " + part + " is out of range: the test set has " + std::to_string(count) +
                        " examples (0-" + std::to_string(count - 1) + ")");
        indices.push_back(int(i));
    }
    if (indices.empty()) throw Error("`glassbox explain` needs --index");
    return indices;
}

// The signal layer by layer (propagation methods), or the steps a method took.
void print_trace(std::ostream& out, const Explanation& e) {
    for (const std::string& step : e.steps) out << step << "\n";
    if (e.trace.empty()) return;
    const std::vector<TraceStep>& trace = e.trace;
    out << "signal at                          shape              sum        positive   negative\n";
    for (const TraceStep& t : trace) {
        char line[160];
        std::snprintf(line, sizeof line, "%-34s %-18s % .4e % .4e % .4e\n", t.layer.substr(0, 34).c_str(),
                      shape_str(t.shape).c_str(), t.sum, t.positive, t.negative);
        out << line;
    }
}

// The summary of one explanation, as a JSON object, with the method's diagnostics.
JsonObject summary(const Explanation& e, const std::string& method, int index, const DataSplits& data) {
    const std::vector<float>& r = e.relevance.values();
    double positive = 0, negative = 0;
    for (float v : r) (v > 0 ? positive : negative) += v;
    JsonObject json;
    json.add("method", method).add("index", index).add("label", data.test.labels[size_t(index)]);
    json.add("target", e.targets[0]).add("logit", double(e.logit[0]));
    json.add("relevance_sum", positive + negative).add("positive", positive).add("negative", negative);
    if (positive - negative > 0) json.add("negative_share", -negative / (positive - negative));  // of the mass
    for (const Diagnostic& d : e.diagnostics) json.add(d.name, d.values[0]);
    for (const auto& [name, text] : e.notes) json.add(name, text);
    if (!e.terms.empty()) {  // a surrogate's local model: "feature +weight, ..."
        std::string terms;
        for (const auto& [feature, weight] : e.terms) {
            char w[32];
            std::snprintf(w, sizeof w, " %+.4g", weight);
            terms += (terms.empty() ? "" : ", ") + feature + w;
        }
        json.add("terms", terms);
    }
    if (data.name == "20news") {  // the most relevant words of the post, in order (a bag of words: feature k is word k)
        const bool bag = data.test.dense.empty();
        std::vector<int> order(r.size());
        for (size_t k = 0; k < order.size(); ++k) order[k] = int(k);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r[size_t(a)] > r[size_t(b)]; });
        std::string words;
        for (size_t k = 0; k < std::min<size_t>(10, order.size()); ++k) {
            int id = bag ? order[k] : int(data.test.dense[size_t(index) * data.test.example_size + size_t(order[k])]);
            if (id != Vocabulary::pad) words += (words.empty() ? "" : " ") + data.vocabulary.word(id);
        }
        json.add("top_words", words);
    }
    return json;
}

// --sliding STRIDE: the listed digits side by side as one wide image, explained
// by windows of the network's input size moved by STRIDE pixels.
int sliding_command(const Flags& flags, std::ostream& out, Model& model, const DataSplits& data,
                    const std::vector<int>& indices, const std::vector<std::string>& methods,
                    const ExplainOptions& options, const std::string& png) {
    if (data.name != "mnist" || methods.size() != 1)
        throw Error("--sliding explains MNIST digits side by side with one --method");
    const int stride = flags.whole("sliding", 7, 1, 28), width = 28 * int(indices.size());
    std::vector<float> image(size_t(28) * width);
    for (size_t n = 0; n < indices.size(); ++n)
        for (int i = 0; i < 28; ++i)
            for (int j = 0; j < 28; ++j)
                image[size_t(i) * width + n * 28 + size_t(j)] =
                    data.test.dense[size_t(indices[n]) * 784 + size_t(i) * 28 + size_t(j)];
    int target = options.targets.empty() ? -1 : options.targets[0];
    if (target < 0) throw Error("--sliding needs --target: the class to look for along the image");
    std::vector<float> r = explain_sliding(model.net, image, 28, width, model.input_shape, 28, 28, stride, methods[0],
                                           target, options);
    if (!png.empty())
        save_heatmap_grid(png, {{image.data(), {r.data()}, "class " + std::to_string(target)}}, 28, width,
                          flags.text("overlay", "no") == "yes", 4, {"digits", methods[0] + ", sliding windows"});
    double positive = 0, negative = 0;
    for (float v : r) (v > 0 ? positive : negative) += v;
    JsonObject json;
    json.add("command", "explain").add("method", methods[0]).add("indices", indices).add("target", target);
    json.add("sliding_stride", stride).add("relevance_sum", positive + negative).add("positive", positive);
    json.add("negative", negative);
    if (!png.empty()) json.add("png", png);
    out << json.str() << std::endl;
    return 0;
}


const std::set<std::string> kFlags{"model", "data", "index", "method", "png", "npy", "html", "trace", "trace-png",
                                   "overlay", "filter", "sliding", "save-samples", "save-masks", "scene", "scene-seed",
                                   "size"};

int run_explain(const Flags& flags, std::ostream& out) {
    std::string path = flags.required("model");
    std::vector<std::string> methods = split_commas(flags.required("method"));
    std::string png = flags.text("png", ""), npy = flags.text("npy", ""), html = flags.text("html", "");
    std::string trace_png = flags.text("trace-png", ""), samples_file = flags.text("save-samples", flags.text("save-masks", ""));
    for (std::string yes_no : {"trace", "overlay"})
        if (flags.text(yes_no, "no") != "yes" && flags.text(yes_no, "no") != "no")
            throw Error("--" + std::string(yes_no) + " takes yes or no, got '" + flags.text(yes_no, "") + "'");
    Model model = load_model(path);
    for (const std::string& file : {png, npy, html, trace_png, samples_file})
        if (!file.empty()) check_writable(file);
    // --data mnist-scenes: MNIST scenes (training/scenes.hpp) for a model that takes images of any size
    const bool scenes = flags.text("data", "") == "mnist-scenes";
    const int side = scenes ? flags.whole("size", 56, 28, 1024) : 28;
    Shape input_shape = model.input_shape;
    DataSplits data;
    if (scenes) {
        if (model.data != "mnist")
            throw Error("--data mnist-scenes is made of MNIST digits; " + path + " was trained on '" + model.data + "'");
        SceneSettings settings;
        settings.kind = scene_kind(flags.text("scene", "single"));
        settings.count = 1000;  // --index picks among the first 1000 scenes of the seed
        settings.size = side;
        settings.seed = uint64_t(flags.whole("scene-seed", 1, 0, 2147483647));
        data.name = "mnist-scenes";
        data.test = scenes_as_set(make_scenes(load_mnist_data().test, settings));
        input_shape = {1, side, side};
    } else {
        for (const char* flag : {"scene", "scene-seed", "size"})
            if (flags.has(flag)) throw Error(std::string("--") + flag + " belongs to --data mnist-scenes");
        data = data_for_model(model, flags.text("data", ""), 0);
    }
    const LabeledSet& test = data.test;
    std::vector<int> indices = parse_indices(flags.required("index"), test.count());
    const bool single = indices.size() == 1 && methods.size() == 1, image = data.name == "mnist" || scenes;
    if (!single && !(npy.empty() && html.empty() && trace_png.empty() && samples_file.empty()))
        throw Error("--npy, --html, --trace-png and --save-samples take one --index and one --method; --png draws a grid "
                    "of several");
    if (!png.empty() && !image)
        throw Error("--png draws images; " + model.name + " reads text (use --html or --npy for its word relevance)");
    if (!html.empty() && image) throw Error("--html colours the words of a post; " + model.name + " reads images");
    ExplainOptions options = explain_options(flags, data, methods, kFlags);
    if (scenes) options.input.height = options.input.width = side, options.input.bounded = true;
    options.trace = flags.text("trace", "no") == "yes" || flags.has("trace-png");
    if (flags.has("sliding") && scenes) throw Error("--sliding slides over digits side by side, not over scenes");
    if (flags.has("sliding")) return sliding_command(flags, out, model, data, indices, methods, options, png);
    Filter filter;  // --filter LAYER:UNIT[,UNIT...]
    if (flags.has("filter")) {
        std::string spec = flags.text("filter", "");
        size_t colon = spec.find(':');
        const std::string layer_text = colon == std::string::npos ? "" : spec.substr(0, colon);
        char* end = nullptr;
        long layer = layer_text.empty() ? -1 : std::strtol(layer_text.c_str(), &end, 10);
        if (layer < 0 || *end != '\0') throw Error("--filter takes LAYER:UNIT[,UNIT...], e.g. 3:0,5; got '" + spec + "'");
        filter.layer = size_t(layer);
        for (const std::string& u : split_commas(spec.substr(colon + 1))) filter.units.push_back(std::atoi(u.c_str()));
        options.filter = &filter;
    }

    std::vector<Explanation> explanations;  // index-major
    std::vector<std::string> summaries;
    for (int index : indices)
        for (const std::string& method : methods) {
            ExplainOptions these = options;  // a scene explains its first digit's class unless --target says
            if (scenes && !flags.has("target")) these.targets = {test.labels[size_t(index)]};
            explanations.push_back(explain(model.net, gather_batch(test, {index}, input_shape), method, these));
            summaries.push_back(summary(explanations.back(), method, index, data).str());
        }
    const Explanation& first = explanations.front();
    if (options.trace) print_trace(out, first);
    if (!data.table.names.empty() && !first.terms.empty()) {  // a table row: the local model as a table of rules
        out << "| feature of test row " << indices[0] << " | weight |\n|---|---|\n";
        for (const auto& [feature, weight] : first.terms) {
            char w[32];
            std::snprintf(w, sizeof w, "%+.4f", weight);
            out << "| " << feature << " | " << w << " |\n";
        }
    }
    if (!samples_file.empty()) {
        if (first.saved.empty()) throw Error("--save-samples: " + methods[0] + " draws no samples (lime and rise do)");
        write_npz(samples_file, {first.saved, ""});
    }
    if (!png.empty()) {
        std::vector<HeatmapRow> grid;
        for (size_t i = 0; i < indices.size(); ++i) {
            grid.push_back({test.dense.data() + size_t(indices[i]) * test.example_size, {},
                            single ? "" : "#" + std::to_string(indices[i])});
            for (size_t m = 0; m < methods.size(); ++m)
                grid.back().maps.push_back(explanations[i * methods.size() + m].relevance.data());
        }
        const NpyArray* segments = nullptr;  // a surrogate over superpixels: their outlines
        for (const NpyArray& a : first.saved)
            if (a.name == "segments") segments = &a;
        if (single && segments && segments->values.size() == size_t(side) * side) {
            save_outlined_segments(png, grid[0].image, first.relevance.data(),
                                   std::vector<int>(segments->values.begin(), segments->values.end()), side, side);
        } else {  // a grid names its columns (the methods) and its rows (the test indices)
            std::vector<std::string> columns;
            if (!single) columns.push_back("input"), columns.insert(columns.end(), methods.begin(), methods.end());
            save_heatmap_grid(png, grid, side, side, flags.text("overlay", "no") == "yes", single ? 8 : 4, columns);
        }
    }
    if (!trace_png.empty()) {
        std::vector<SignalMap> steps;
        for (const TraceStep& t : first.trace) steps.push_back({t.layer, Shape(t.shape.begin() + 1, t.shape.end()), t.signal});
        save_signal_maps(trace_png, steps);
    }
    if (!npy.empty())
        write_npy(npy, {"relevance", Shape(first.relevance.shape().begin() + 1, first.relevance.shape().end()),
                        first.relevance.values()});
    if (!html.empty()) {
        const std::string& text = data.test_texts[size_t(indices[0])];
        int predicted = int(std::max_element(first.logits_row.begin(), first.logits_row.end()) - first.logits_row.begin());
        const bool bag = data.test.dense.empty();  // a bag of words: relevance per vocabulary word
        save_text_heatmap(html, text,
                          bag ? bag_word_spans(text, data.vocabulary, first.relevance.values())
                              : word_spans(text, first.relevance.values()),
                          model.name + " " + methods[0] + ": explained " + data.class_names[size_t(first.targets[0])] +
                              ", predicted " + data.class_names[size_t(predicted)] + ", true " +
                              data.class_names[size_t(test.labels[size_t(indices[0])])]);
    }
    JsonObject json;
    if (single) json = summary(first, methods[0], indices[0], data);
    json.add("command", "explain").add("model", path);
    if (!single) {
        std::string list = "[";
        for (size_t k = 0; k < summaries.size(); ++k) list += (k ? ", " : "") + summaries[k];
        json.add_raw("explanations", list + "]");
    }
    for (auto [key, file] : {std::pair{"png", png}, std::pair{"npy", npy}, std::pair{"html", html},
                             std::pair{"trace_png", trace_png}, std::pair{"samples", samples_file}})
        if (!file.empty()) json.add(key, file);
    out << json.str() << std::endl;
    return 0;
}

}  // namespace

Command explain_command() {
    return {"explain",
            "heatmaps, word pages, .npy files and traces of a model's decisions",
            "  explain  --model FILE.npz --index I[,I...] --method NAME[,NAME...] [--target C] [--png OUT.png]\n"
            "           [--overlay yes] [--html OUT.html] [--npy OUT.npy] [--trace yes] [--trace-png OUT.png]\n"
            "           [--filter LAYER:UNIT,...]  (keep what flows through these neurons / feature maps)\n"
            "           [--translations R]  (average over copies shifted by up to R pixels)\n"
            "           [--sliding STRIDE --target C]  (the listed digits side by side, explained by sliding windows)\n"
            "           [--save-samples FILE.npz]  (lime: the neighbourhood and the local model, as NumPy arrays)\n"
            "           [--data mnist-scenes [--scene single|same|different] [--scene-seed S] [--size 56]]\n"
            "             (--index among its first 1000 scenes; the first digit's class explained unless --target;\n"
            "             for a model of any input size, such as allconv-gap)\n"
            "           [--save-masks FILE.npz]  (rise: its masks, their scores and the saliency, as NumPy arrays)\n"
            "           [method parameters]\n" +
                methods_usage(kFlags),
            with_method_flags(kFlags), [](const Flags& flags, std::ostream& out, std::ostream&) { return run_explain(flags, out); }};
}

}  // namespace gb
