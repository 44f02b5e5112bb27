#include "app/cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>

#include "app/explain_flags.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"
#include "viz/plot.hpp"
#include "viz/png.hpp"

namespace gb {
namespace {

const char* kTrainUsage =
    "  train    --model NAME --data mnist|20news|wine|breast-cancer --out FILE.npz\n"
    "           [--epochs N] [--batch B] [--lr X] [--optimizer sgd|adam] [--momentum M]\n"
    "           [--weight-decay W] [--schedule cosine|constant] [--seed S] [--limit N] [--curves PLOT.png]\n"
    "           text: [--min-count N] [--max-words N] [--length N] [--strip yes|no]\n"
    "           [--embeddings lsa|random]  (word embeddings: LSA of the training posts, default for\n"
    "           textcnn, or N(0, 1), default for textlstm)\n"
    "           models: mlp, lenet, lenet-sum, lstm (mnist); textcnn, textlstm, bow-mlp (20news);\n"
    "           tab-mlp (wine, breast-cancer: tables, features standardised by the training split);\n"
    "           rbm and vae (mnist): the density expert and the generator of `glassbox visualize`:\n"
    "           rbm [--hidden 500] [--sigma 0.4] [--k 1], 10 epochs of CD-k, SGD lr 0.001;\n"
    "           vae [--hidden 400] [--code 16], 10 epochs, batch 128, Adam lr 0.001\n"
    "           defaults: 10 epochs, batch 64, cosine schedule; SGD lr 0.05 momentum 0.9\n"
    "           (mlp, lenet; lr 0.01 for lenet-sum) or Adam lr 0.001 (lstm and the text models);\n"
    "           tab-mlp: 50 epochs, batch 16, SGD lr 0.01 momentum 0.9\n"
    "           [--hidden 100,50] (mlp, tab-mlp: the hidden layers' sizes; default 300,100 and 32,32)\n"
    "           [--one-vs-rest C] (two classes: C against the rest, recorded in the model file)\n"
    "           --model tree|forest: CART (Gini) or a random forest on the pixels or features, see\n"
    "           [--max-depth D] [--min-cases N] [--trees T] [--importance MAP.png] (mnist); --out FILE.txt\n"
    "           receives the tree as text (or the forest's size), not a model file\n";

const char* kFooter = R"(
The data folder is $GLASSBOX_DATA, or ./data (run `make data` to fill it).
Every command prints one JSON object with its results as its last line.
`glassbox COMMAND --help` prints the usage of one command.
)";

void progress_bar(std::ostream& err, int epoch, int epochs, int done, int total, double loss) {
    const int width = 30;
    int filled = width * done / total;
    err << "\repoch " << epoch << "/" << epochs << " [" << std::string(size_t(filled), '#')
        << std::string(size_t(width - filled), '.') << "] " << done << "/" << total << " loss " << std::fixed
        << std::setprecision(4) << loss << std::defaultfloat << std::flush;
}

// "100,50" -> {100, 50}.
std::vector<int> hidden_sizes(const std::string& text) {
    std::vector<int> sizes;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        long v = std::strtol(part.c_str(), &end, 10);
        if (part.empty() || *end != '\0' || v < 1 || v > 65536)
            throw Error("--hidden takes sizes of 1 to 65536 separated by commas, e.g. 100,50; got '" + text + "'");
        sizes.push_back(int(v));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return sizes;
}

int train(const Flags& flags, std::ostream& out, std::ostream& err) {
    std::string model_name = flags.text("model", "mlp");
    if (model_name == "tree" || model_name == "forest") return train_trees(flags, out, err);
    if (model_name == "rbm" || model_name == "vae") return train_generative(flags, out, err);
    for (const char* flag : {"max-depth", "min-cases", "trees", "importance"})
        if (flags.has(flag)) throw Error(std::string("--") + flag + " is for --model tree or forest");
    for (const char* flag : {"code", "sigma", "k"})
        if (flags.has(flag))
            throw Error(std::string("--") + flag + " is a setting of --model rbm or vae, not of " + model_name);
    const auto& names = model_names();
    if (std::find(names.begin(), names.end(), model_name) == names.end()) make_model(model_name, 0);  // throws the list
    InputKind kind = input_kind(model_name);
    const bool table = kind == InputKind::Table;
    std::string data_name = flags.text("data", kind == InputKind::Image ? "mnist" : table ? "wine" : "20news");
    std::string path = flags.required("out"), curves = flags.text("curves", "");
    // A table has a few hundred rows: tab-mlp takes more epochs of smaller batches (50 x 16: under a
    // second on wine and breast-cancer).
    int epochs = flags.whole("epochs", table ? 50 : 10, 1, 100000);
    int batch = flags.whole("batch", table ? 16 : 64, 1, 1 << 20);
    int limit = flags.whole("limit", 0, 0, 1 << 30);
    uint64_t seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    // Defaults: SGD with momentum for the feed-forward image models and tab-mlp, Adam for the LSTM and the
    // text models.
    bool feed_forward_images = kind == InputKind::Image && model_name != "lstm";
    std::string optimizer_name = flags.text("optimizer", feed_forward_images || table ? "sgd" : "adam");
    // Sum pooling passes four times larger signals at each pooling layer: lenet-sum takes a smaller step;
    // so does tab-mlp, whose batches of 16 give noisier gradients.
    float sgd_lr = model_name == "lenet-sum" || table ? 0.01f : 0.05f;
    float lr = flags.real("lr", optimizer_name == "adam" ? 1e-3f : sgd_lr, 0.0f, 100.0f);
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
    std::string embeddings = flags.text("embeddings", model_name == "textcnn" ? "lsa" : "random");
    if (embeddings != "lsa" && embeddings != "random")
        throw Error("unknown embeddings '" + embeddings + "'; choose lsa or random");
    if (embeddings == "lsa" && kind != InputKind::Sequence)
        throw Error("--embeddings lsa is for the models with word embeddings (textcnn, textlstm)");

    check_writable(path);
    if (!curves.empty()) check_writable(curves);
    std::vector<int> hidden;
    if (flags.has("hidden")) {
        if (model_name != "mlp" && model_name != "tab-mlp") throw Error("--hidden is for the models mlp and tab-mlp");
        hidden = hidden_sizes(flags.text("hidden", ""));
    }
    DataSplits data = load_data(data_name, kind, limit, text);
    if (flags.has("one-vs-rest")) make_one_vs_rest(data, flags.whole("one-vs-rest", 0, 0, 1 << 20));
    LabeledSet& train_set = data.train;
    LabeledSet& test_set = data.test;
    Model model = make_model(model_name, seed,
                             {data.vocabulary.size(), text.length, train_set.classes, data.table.count(), hidden});
    model.data = data.record();
    if (embeddings == "lsa") embeddings_from_lsa(model, train_set, seed);
    std::unique_ptr<Optimizer> optimizer;
    if (optimizer_name == "sgd") optimizer = std::make_unique<SGD>(parameter_tensors(model.net), lr, momentum, decay);
    else optimizer = std::make_unique<Adam>(parameter_tensors(model.net), lr, 0.9f, 0.999f, 1e-8f, decay);

    bool tty = isatty(STDERR_FILENO) && &err == &std::cerr;
    std::vector<double> losses, train_acc, test_acc, seconds;
    FitOptions fit_options;
    fit_options.batch = batch;
    fit_options.seed = seed;
    fit_options.cosine = schedule == "cosine";
    fit_options.progress = [&](int e, int done, int total, double loss) {
        if (tty && (done % 20 == 0 || done == total)) progress_bar(err, e + 1, epochs, done, total, loss);
    };
    fit_options.after_epoch = [&](int e, const EpochResult& r) {
        EpochResult t = evaluate(model, test_set);
        losses.push_back(r.loss);
        train_acc.push_back(r.accuracy);
        test_acc.push_back(t.accuracy);
        seconds.push_back(r.seconds);
        err << (tty ? "\r" : "") << "epoch " << e + 1 << "/" << epochs << "  loss " << std::fixed
            << std::setprecision(4) << r.loss << "  train acc " << std::setprecision(2) << 100 * r.accuracy
            << "%  test acc " << 100 * t.accuracy << "%  " << std::setprecision(2) << r.seconds << " s"
            << std::defaultfloat << std::string(tty ? 20 : 0, ' ') << "\n";
    };
    fit(model, *optimizer, train_set, epochs, fit_options);
    save_model(model, path);

    JsonObject json;
    json.add("command", "train").add("model", model_name).add("data", data_name).add("out", path);
    if (data.one_vs_rest >= 0) json.add("one_vs_rest", data.one_vs_rest);
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
    if (kind == InputKind::Sequence) json.add("embeddings", embeddings);
    json.add("seed", int(seed)).add("train_examples", train_set.count()).add("test_examples", test_set.count());
    json.add("train_loss", losses).add("train_accuracy_per_epoch", train_acc).add("test_accuracy_per_epoch", test_acc);
    json.add("seconds_per_epoch", total_seconds / epochs).add("epoch_seconds", seconds);
    json.add("test_accuracy", test_acc.back());
    out << json.str() << std::endl;
    return 0;
}

int eval(const Flags& flags, std::ostream& out) {
    std::string path = flags.required("model");
    Model model = load_model(path);
    DataSplits data = data_for_model(model, flags.text("data", ""), flags.whole("limit", 0, 0, 1 << 30));
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
        throw Error("predict draws digits, and " + model.name + " does not read images; use `glassbox eval` for it");
    check_writable(png);
    DataSplits data = data_for_model(model, flags.text("data", ""), 0);
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

const std::vector<Command>& commands() {
    static const std::vector<Command> all{
        {"train", "trains a model and saves it", kTrainUsage,
         {"model", "data", "out", "epochs", "batch", "lr", "optimizer", "momentum", "weight-decay", "schedule", "seed",
          "limit", "curves", "min-count", "max-words", "length", "strip", "embeddings", "hidden", "one-vs-rest",
          "max-depth", "min-cases", "trees", "importance", "code", "sigma", "k"},
         train},
        {"eval", "a saved model's test loss and accuracy", "  eval     --model FILE.npz [--data mnist|20news] [--limit N]\n",
         {"model", "data", "limit"}, [](const Flags& f, std::ostream& out, std::ostream&) { return eval(f, out); }},
        {"predict", "a picture of a model's predictions on test digits",
         "  predict  --model FILE.npz --data mnist --png OUT.png [--count N] [--first I]\n",
         {"model", "data", "png", "count", "first"},
         [](const Flags& f, std::ostream& out, std::ostream&) { return predict_command(f, out); }},
        explain_command(),
        evaluate_command(),
        methods_command(),
        pick_command(),
        rules_command(),
        visualize_command(),
    };
    return all;
}

std::string usage() {
    std::string s = "usage: glassbox <command> [flags]\n\ncommands:\n";
    for (const Command& c : commands()) s += c.usage;
    return s + kFooter;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? err : out) << usage();
        return args.empty() ? 2 : 0;
    }
    const std::string& name = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        for (const Command& command : commands()) {
            if (command.name != name) continue;
            if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
                std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
                out << "usage: glassbox " << name << " [flags]\n" << command.summary << "\n\n" << command.usage << kFooter;
                return 0;
            }
            return command.run(Flags("glassbox " + name, rest, command.flags), out, err);
        }
        err << "glassbox: error: unknown command '" << name << "'; run `glassbox help` for the list\n";
        return 2;
    } catch (const Error& e) {
        err << "glassbox: error: " << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        err << "glassbox: error: out of memory; use a smaller --batch or --limit\n";
        return 1;
    } catch (const std::exception& e) {  // not a gb::Error: a check is missing somewhere, still one line
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        err << "glassbox: error: unexpected failure (" << what << "); the input may be damaged: check it, and "
            << "report this as a bug of glassbox with the command that caused it\n";
        return 1;
    } catch (...) {
        err << "glassbox: error: unexpected failure of an unknown kind; report this as a bug of glassbox with the "
            << "command that caused it\n";
        return 1;
    }
}

}  // namespace gb
