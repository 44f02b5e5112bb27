#include "app/cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>

#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/training.hpp"
#include "explain/methods.hpp"
#include "nn/npz.hpp"
#include "nn/serialize.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"
#include "viz/plot.hpp"
#include "viz/html.hpp"
#include "viz/png.hpp"

namespace gb {
namespace {

const char* kUsage = R"(usage: glassbox <command> [flags]

commands:
  train    --model NAME --data mnist|20news --out FILE.npz [--epochs N] [--batch B] [--lr X]
           [--optimizer sgd|adam] [--momentum M] [--weight-decay W]
           [--schedule cosine|constant] [--seed S] [--limit N] [--curves PLOT.png]
           text: [--min-count N] [--max-words N] [--length N] [--strip yes|no]
           models: mlp, lenet, lenet-sum, lstm (mnist); textcnn, textlstm, bow-mlp (20news)
           defaults: 10 epochs, batch 64, cosine schedule; SGD lr 0.05 momentum 0.9
           (mlp, lenet, lenet-sum) or Adam lr 0.001 (lstm and the text models)
  eval     --model FILE.npz [--data mnist|20news] [--limit N]
  predict  --model FILE.npz --data mnist --png OUT.png [--count N] [--first I]
  explain  --model FILE.npz --index I --method NAME [--target C] [--png OUT.png]
           [--html OUT.html] [--npy OUT.npy] [--trace yes] [--baseline zero|mean] [--samples N] [--noise F]
           [--seed S] [--patch P] [--stride S]
           methods: gradient, sensitivity, gradient-x-input, taylor, deconvnet, guided-backprop,
           smoothgrad, integrated-gradients, occlusion, gradcam, guided-gradcam

The data folder is $GLASSBOX_DATA, or ./data (run `make data` to fill it).
Every command prints one JSON object with its results as its last line.
)";

// Fails early, before any training, if `path` cannot be written.
void check_writable(const std::string& path) {
    std::string probe = path + ".tmp";
    if (!std::ofstream(probe)) throw Error("cannot write " + path + ": check that its folder exists and is writable");
    std::remove(probe.c_str());
}

void progress_bar(std::ostream& err, int epoch, int epochs, int done, int total, double loss) {
    const int width = 30;
    int filled = width * done / total;
    err << "\repoch " << epoch << "/" << epochs << " [" << std::string(size_t(filled), '#')
        << std::string(size_t(width - filled), '.') << "] " << done << "/" << total << " loss " << std::fixed
        << std::setprecision(4) << loss << std::defaultfloat << std::flush;
}

// The model's data, checked against the model: a text model must see the
// vocabulary it was built for.
DataSplits data_for(Model& model, const std::string& data_flag, int limit) {
    std::string record = model.data.empty() ? data_flag : model.data;
    if (record.empty()) throw Error("the model file does not say what it was trained on; pass --data mnist|20news");
    std::string trained_on = record.substr(0, record.find(' '));
    if (!data_flag.empty() && data_flag != trained_on)
        throw Error("the model was trained on " + trained_on + ", not " + data_flag);
    DataSplits data = load_data_from_record(record, input_kind(model.name), limit);
    if (auto* embedding = dynamic_cast<Embedding*>(&model.net[0]); embedding && embedding->vocabulary() != data.vocabulary.size())
        throw Error("the model was built for a vocabulary of " + std::to_string(embedding->vocabulary()) +
                    " words, the data gives " + std::to_string(data.vocabulary.size()) +
                    "; the vocabulary and the model do not match (was the data changed?)");
    return data;
}

int train(const Flags& flags, std::ostream& out, std::ostream& err) {
    std::string model_name = flags.text("model", "mlp");
    const auto& names = model_names();
    if (std::find(names.begin(), names.end(), model_name) == names.end()) make_model(model_name, 0);  // throws the list
    InputKind kind = input_kind(model_name);
    std::string data_name = flags.text("data", kind == InputKind::Image ? "mnist" : "20news");
    std::string path = flags.required("out"), curves = flags.text("curves", "");
    int epochs = flags.whole("epochs", 10, 1, 100000), batch = flags.whole("batch", 64, 1, 1 << 20);
    int limit = flags.whole("limit", 0, 0, 1 << 30);
    uint64_t seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    // Defaults: SGD with momentum for the feed-forward image models, Adam for the LSTM and the text models.
    bool feed_forward_images = kind == InputKind::Image && model_name != "lstm";
    std::string optimizer_name = flags.text("optimizer", feed_forward_images ? "sgd" : "adam");
    float lr = flags.real("lr", optimizer_name == "adam" ? 1e-3f : 0.05f, 0.0f, 100.0f);
    float momentum = flags.real("momentum", 0.9f, 0.0f, 0.999f), decay = flags.real("weight-decay", 0.0f, 0.0f, 1.0f);
    if (optimizer_name != "sgd" && optimizer_name != "adam")
        throw Error("unknown optimizer '" + optimizer_name + "'; choose sgd or adam");
    std::string schedule = flags.text("schedule", "cosine");
    if (schedule != "cosine" && schedule != "constant")
        throw Error("unknown schedule '" + schedule + "'; choose cosine or constant");
    TextSettings text;
    text.min_count = flags.whole("min-count", text.min_count, 1, 1 << 30);
    text.max_words = flags.whole("max-words", text.max_words, 1, 1 << 24);
    text.length = flags.whole("length", text.length, 1, 100000);
    std::string strip = flags.text("strip", "yes");
    if (strip != "yes" && strip != "no") throw Error("--strip takes yes or no, got '" + strip + "'");
    text.strip = strip == "yes";
    text.train_limit = limit;

    check_writable(path);
    if (!curves.empty()) check_writable(curves);
    DataSplits data = load_data(data_name, kind, limit, text);
    LabeledSet& train_set = data.train;
    LabeledSet& test_set = data.test;
    Model model = make_model(model_name, seed, {data.vocabulary.size(), text.length, train_set.classes});
    model.data = data.record();
    std::unique_ptr<Optimizer> optimizer;
    if (optimizer_name == "sgd") optimizer = std::make_unique<SGD>(parameter_tensors(model.net), lr, momentum, decay);
    else optimizer = std::make_unique<Adam>(parameter_tensors(model.net), lr, 0.9f, 0.999f, 1e-8f, decay);

    Minibatches batches(train_set.count(), batch, seed);
    bool tty = isatty(STDERR_FILENO) && &err == &std::cerr;
    std::vector<double> losses, train_acc, test_acc, seconds;
    for (int e = 0; e < epochs; ++e) {
        if (schedule == "cosine") optimizer->set_lr(cosine_annealing(lr, e, epochs));
        Progress show = [&](int done, int total, double loss) {
            if (tty && (done % 20 == 0 || done == total)) progress_bar(err, e + 1, epochs, done, total, loss);
        };
        EpochResult r = train_epoch(model, *optimizer, train_set, batches, e, show);
        EpochResult t = evaluate(model, test_set);
        losses.push_back(r.loss);
        train_acc.push_back(r.accuracy);
        test_acc.push_back(t.accuracy);
        seconds.push_back(r.seconds);
        err << (tty ? "\r" : "") << "epoch " << e + 1 << "/" << epochs << "  loss " << std::fixed
            << std::setprecision(4) << r.loss << "  train acc " << std::setprecision(2) << 100 * r.accuracy
            << "%  test acc " << 100 * t.accuracy << "%  " << std::setprecision(2) << r.seconds << " s"
            << std::defaultfloat << std::string(tty ? 20 : 0, ' ') << "\n";
    }
    save_model(model, path);

    JsonObject json;
    json.add("command", "train").add("model", model_name).add("data", data_name).add("out", path);
    if (!curves.empty()) {
        std::vector<double> x;
        for (int e = 1; e <= epochs; ++e) x.push_back(e);
        auto percent = [](std::vector<double> v) {
            for (double& a : v) a *= 100;
            return v;
        };
        plot_png(curves, {{"training loss", "epoch", "cross-entropy", {{"train", x, losses}}},
                          {"accuracy", "epoch", "%", {{"train", x, percent(train_acc)}, {"test", x, percent(test_acc)}}}});
        json.add("curves", curves);
    }
    double total_seconds = 0;
    for (double s : seconds) total_seconds += s;
    json.add("epochs", epochs).add("batch", batch).add("optimizer", optimizer_name).add("lr", double(lr));
    json.add("schedule", schedule);
    json.add("seed", int(seed)).add("train_examples", train_set.count()).add("test_examples", test_set.count());
    json.add("train_loss", losses).add("train_accuracy_per_epoch", train_acc).add("test_accuracy_per_epoch", test_acc);
    json.add("seconds_per_epoch", total_seconds / epochs).add("test_accuracy", test_acc.back());
    out << json.str() << std::endl;
    return 0;
}

int eval(const Flags& flags, std::ostream& out) {
    std::string path = flags.required("model");
    Model model = load_model(path);
    DataSplits data = data_for(model, flags.text("data", ""), flags.whole("limit", 0, 0, 1 << 30));
    const LabeledSet& test_set = data.test;
    std::string data_name = data.name;
    EpochResult t = evaluate(model, test_set);
    out << JsonObject()
               .add("command", "eval")
               .add("model", path)
               .add("data", data_name)
               .add("test_examples", test_set.count())
               .add("test_loss", t.loss)
               .add("test_accuracy", t.accuracy)
               .str()
        << std::endl;
    return 0;
}

int predict_command(const Flags& flags, std::ostream& out) {
    std::string path = flags.required("model"), png = flags.required("png");
    int count = flags.whole("count", 32, 1, 1024), first = flags.whole("first", 0, 0, 1 << 30);
    Model model = load_model(path);
    if (input_kind(model.name) != InputKind::Image)
        throw Error("predict draws digits, and " + model.name + " reads text; use `glassbox eval` for it");
    check_writable(png);
    DataSplits data = data_for(model, flags.text("data", ""), 0);
    const LabeledSet& test_set = data.test;
    if (first + count > test_set.count())
        throw Error("--first " + std::to_string(first) + " --count " + std::to_string(count) + " runs past the " +
                    std::to_string(test_set.count()) + " test examples");
    std::vector<int> indices, truth;
    std::vector<const float*> images;
    for (int i = first; i < first + count; ++i) {
        indices.push_back(i);
        truth.push_back(test_set.labels[size_t(i)]);
        images.push_back(test_set.dense.data() + size_t(i) * test_set.example_size);
    }
    std::vector<int> predicted = predict(model, test_set, indices);
    save_prediction_grid(png, images, 28, 28, predicted, truth);
    int correct = 0;
    for (size_t k = 0; k < predicted.size(); ++k) correct += predicted[k] == truth[k];
    out << JsonObject()
               .add("command", "predict")
               .add("model", path)
               .add("png", png)
               .add("indices", indices)
               .add("predicted", predicted)
               .add("labels", truth)
               .add("accuracy", double(correct) / count)
               .str()
        << std::endl;
    return 0;
}

// One test example explained: a heatmap, the relevance as .npy, a trace table.
int explain_command(const Flags& flags, std::ostream& out) {
    std::string path = flags.required("model"), method = flags.required("method");
    std::string png = flags.text("png", ""), npy = flags.text("npy", ""), html = flags.text("html", "");
    std::string trace = flags.text("trace", "no");
    if (trace != "yes" && trace != "no") throw Error("--trace takes yes or no, got '" + trace + "'");
    Model model = load_model(path);
    for (const std::string& file : {png, npy, html})
        if (!file.empty()) check_writable(file);
    DataSplits data = data_for(model, flags.text("data", ""), 0);
    const LabeledSet& test = data.test;
    int index = flags.whole("index", 0, 0, 1 << 30);
    if (index >= test.count())
        throw Error("--index " + std::to_string(index) + " is out of range: the test set has " +
                    std::to_string(test.count()) + " examples (0-" + std::to_string(test.count() - 1) + ")");
    ExplainOptions options;
    options.targets = {flags.whole("target", -1, -1, 1 << 20)};
    options.trace = trace == "yes";
    options.samples = flags.whole("samples", 50, 1, 100000);
    options.noise = flags.real("noise", 0.15f, 0.0f, 10.0f);
    options.seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    options.patch = flags.whole("patch", 4, 1, 28);
    options.stride = flags.whole("stride", 2, 1, 28);
    if (data.name == "mnist") options.image_height = options.image_width = 28;
    std::string baseline = flags.text("baseline", "zero");
    if (baseline == "mean") {  // taylor's root: the mean training input
        options.baseline.assign(test.example_size, 0.0f);
        std::vector<float> row(test.example_size);
        for (int i = 0; i < data.train.count(); ++i) {
            data.train.fill(i, row.data());
            for (size_t k = 0; k < row.size(); ++k) options.baseline[k] += row[k] / float(data.train.count());
        }
    } else if (baseline != "zero") {
        throw Error("--baseline takes zero or mean, got '" + baseline + "'");
    }
    Tensor x = gather_batch(test, {index}, model.input_shape);
    Explanation e = explain(model.net, x, method, options);

    const std::vector<float>& r = e.relevance.values();
    double positive = 0, negative = 0;
    for (float v : r) (v > 0 ? positive : negative) += v;
    if (options.trace) {
        out << "signal at                          shape              sum        positive   negative\n";
        for (const TraceStep& t : e.trace) {
            char line[160];
            std::snprintf(line, sizeof line, "%-34s %-18s % .4e % .4e % .4e\n", t.layer.substr(0, 34).c_str(),
                          shape_str(t.shape).c_str(), t.sum, t.positive, t.negative);
            out << line;
        }
    }
    Shape one(e.relevance.shape().begin() + 1, e.relevance.shape().end());
    if (!npy.empty()) write_npy(npy, {"relevance", one, r});
    bool image = input_kind(model.name) == InputKind::Image;
    if (!png.empty()) {
        if (!image) throw Error("--png draws images; " + model.name + " reads text (use --npy for its word relevance)");
        save_heatmap(png, test.dense.data() + size_t(index) * test.example_size, r.data(), 28, 28);
    }
    if (!html.empty()) {
        if (image) throw Error("--html colours the words of a post; " + model.name + " reads images (use --png)");
        const std::string& text = data.test_texts[size_t(index)];
        std::vector<WordSpan> words;
        std::vector<Token> tokens = tokenize(text);
        for (size_t t = 0; t < tokens.size() && t < r.size(); ++t) words.push_back({tokens[t].offset, tokens[t].length, r[t]});
        int predicted = int(std::max_element(e.logits_row.begin(), e.logits_row.end()) - e.logits_row.begin());
        save_text_heatmap(html, text, words,
                          model.name + " " + method + ": explained " + data.class_names[size_t(e.targets[0])] +
                              ", predicted " + data.class_names[size_t(predicted)] + ", true " +
                              data.class_names[size_t(test.labels[size_t(index)])]);
    }
    JsonObject json;
    json.add("command", "explain").add("model", path).add("method", method).add("index", index);
    json.add("label", test.labels[size_t(index)]).add("target", e.targets[0]).add("logit", double(e.logit[0]));
    json.add("relevance_sum", positive + negative).add("positive", positive).add("negative", negative);
    if (!e.residual.empty()) json.add(method == "taylor" ? "taylor_residual" : "completeness_gap", double(e.residual[0]));
    if (!image) {  // the most relevant words of the post, in order
        std::vector<int> order(r.size());
        for (size_t k = 0; k < order.size(); ++k) order[k] = int(k);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r[size_t(a)] > r[size_t(b)]; });
        std::string words;
        for (size_t k = 0; k < std::min<size_t>(10, order.size()); ++k) {
            int id = int(test.dense[size_t(index) * test.example_size + size_t(order[k])]);
            if (id != Vocabulary::pad) words += (words.empty() ? "" : " ") + data.vocabulary.word(id);
        }
        json.add("top_words", words);
    }
    if (!png.empty()) json.add("png", png);
    if (!npy.empty()) json.add("npy", npy);
    if (!html.empty()) json.add("html", html);
    out << json.str() << std::endl;
    return 0;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? err : out) << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string& command = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (command == "train")
            return train(Flags("glassbox " + command, rest,
                               {"model", "data", "out", "epochs", "batch", "lr", "optimizer", "momentum",
                                "weight-decay", "schedule", "seed", "limit", "curves", "min-count", "max-words",
                                "length", "strip"}),
                         out, err);
        if (command == "eval") return eval(Flags("glassbox " + command, rest, {"model", "data", "limit"}), out);
        if (command == "explain")
            return explain_command(Flags("glassbox " + command, rest,
                                         {"model", "data", "index", "method", "target", "png", "npy", "html", "trace",
                                          "baseline", "samples", "noise", "seed", "patch", "stride"}),
                                   out);
        if (command == "predict")
            return predict_command(Flags("glassbox " + command, rest, {"model", "data", "png", "count", "first"}), out);
        err << "glassbox: error: unknown command '" << command << "'; run `glassbox help` for the list\n";
        return 2;
    } catch (const Error& e) {
        err << "glassbox: error: " << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        err << "glassbox: error: out of memory; use a smaller --batch or --limit\n";
        return 1;
    }
}

}  // namespace gb
