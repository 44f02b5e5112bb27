// `glassbox visualize`: prototypes by activation maximization (plain, with a
// density expert, in a generator's code space, local) and inversions of a
// representation, as a picture, a .npy file and one JSON line per prototype.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ostream>

#include "app/cli.hpp"
#include "app/explain_flags.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "explain/synthesis/prototypes.hpp"
#include "nn/npz.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "util/error.hpp"
#include "viz/png.hpp"

namespace gb {
namespace {

const char* kUsage =
    "  visualize --model FILE.npz --method am|am-expert|am-generator|invert --png OUT.png\n"
    "           (--class C|all | --layer L --unit U|all) [--expert RBM.npz] [--generator VAE.npz]\n"
    "           [--lambda X] [--steps N] [--lr X] [--starts N] [--seed S] [--start zero|mean|noise]\n"
    "           [--noise X] [--expert-weight X] [--index I [--eta X]] [--tv X] [--npy OUT.npy] [--trace yes]\n"
    "           prototypes of a class (log p(class | x)) or of a unit or feature map of layer L by\n"
    "           gradient ascent; am-expert adds an RBM's log p(x), am-generator ascends in a VAE's code\n"
    "           space; --index I --eta X pulls toward test digit I (the local variant); invert finds an\n"
    "           x whose layer-L code matches test digit I's, with a total-variation term (--tv)\n";

// "all", or a whole number in [0, count).
std::vector<int> parse_units(const std::string& flag, const std::string& text, int count) {
    std::vector<int> units;
    if (text == "all") {
        for (int u = 0; u < count; ++u) units.push_back(u);
        return units;
    }
    for (const std::string& part : split_commas(text)) {
        char* end = nullptr;
        long u = std::strtol(part.c_str(), &end, 10);
        if (part.empty() || *end != '\0') throw Error("--" + flag + " takes whole numbers or 'all', got '" + text + "'");
        units.push_back(int(u));  // out of range: synthesize() says what exists
    }
    return units;
}

// The number of classes, units or feature maps the output of layer `layer` has.
int units_of(Model& model, int layer) {
    std::vector<float> zero(numel(model.input_shape), 0.0f);
    if (layer < 0) layer = int(model.net.size()) - 1;
    Shape shape{1};
    shape.insert(shape.end(), model.input_shape.begin(), model.input_shape.end());
    model.net.set_training(false);
    Tensor h(shape, zero);
    for (int i = 0; i <= layer && i < int(model.net.size()); ++i) h = model.net[size_t(i)].forward(h);
    return h.ndim() >= 2 ? h.dim(1) : 1;
}

int visualize(const Flags& flags, std::ostream& out, std::ostream& err) {
    auto started = std::chrono::steady_clock::now();
    std::string path = flags.required("model"), png = flags.required("png"), npy = flags.text("npy", "");
    std::string method = flags.text("method", "am");
    Model model = load_model(path);
    InputKind kind = input_kind(model.name);
    if (kind == InputKind::Sequence)
        throw Error("prototypes of word ids are not defined: " + model.name + " reads word ids, which are not a "
                    "continuous input that gradient ascent can move; visualize an image model (mlp, lenet, lstm)");
    if (kind != InputKind::Image)
        throw Error("visualize synthesizes digits, and " + model.name + " reads " +
                    (kind == InputKind::Table ? "rows of a table" : "bags of words") +
                    "; visualize an image model (mlp, lenet, lenet-sum, lstm)");
    const bool invert = method == "invert";
    SynthesisOptions o;
    if (invert) {
        o.score = SynthesisScore::Representation;
        // the objective is relative (divided by ||phi0||^2): at lr 3 and above the ascent oscillates on the
        // mlp's first layer; a TV weight of 0.01 leaves 21% of its code unmatched, 0.001 11%
        o.lambda = 0.0f;
        o.lr = 2.0f;
        o.steps = 1000;
        o.tv_weight = 0.001f;
        o.start = SynthesisStart::Zero;
    } else {
        o = variant_options(variant_named(method));
    }
    check_writable(png);
    if (!npy.empty()) check_writable(npy);
    o.lambda = flags.real("lambda", o.lambda, 0.0f, 1e6f);
    o.lr = flags.real("lr", o.lr, 1e-9f, 1e6f);
    o.steps = flags.whole("steps", o.steps, 0, 1000000);
    o.seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    o.noise = flags.real("noise", o.noise, 0.0f, 100.0f);
    o.expert_weight = flags.real("expert-weight", o.expert_weight, 0.0f, 1e6f);
    o.tv_weight = flags.real("tv", o.tv_weight, 0.0f, 1e6f);
    o.trace = flags.text("trace", "no") == "yes";
    int starts = flags.whole("starts", 1, 1, 1000);
    std::string start = flags.text("start", o.start == SynthesisStart::Mean ? "mean" : "zero");
    if (start != "zero" && start != "mean" && start != "noise")
        throw Error("--start takes zero, mean or noise, got '" + start + "'");
    o.start = start == "zero" ? SynthesisStart::Zero : start == "mean" ? SynthesisStart::Mean : SynthesisStart::Noise;

    // the expert and the generator, checked against the model's input
    const size_t inputs = numel(model.input_shape);
    Rbm rbm;
    const bool has_expert = flags.has("expert");
    if (has_expert) {
        rbm = load_rbm(flags.text("expert", ""));
        if (size_t(rbm.visible()) != inputs)
            throw Error("the expert has " + std::to_string(rbm.visible()) + " visible units and the model takes " +
                        std::to_string(inputs) + " values (" + shape_str(model.input_shape) +
                        "); train an expert on the model's data");
    }
    if (method == "am-expert") {
        if (!has_expert)
            throw Error("--method am-expert needs --expert RBM.npz (`glassbox train --model rbm --data mnist`)");
        o.expert = rbm_log_density(rbm);
    }
    Model generator;
    if (flags.has("generator")) {
        generator = load_model(flags.text("generator", ""));
        if (generator.input_shape.size() != 1)
            throw Error(flags.text("generator", "") + " is not a generator: it takes inputs of shape " +
                        shape_str(generator.input_shape) + ", a code vector (K,) was expected");
    }
    if (method == "am-generator") {
        if (generator.net.size() == 0)
            throw Error("--method am-generator needs --generator VAE.npz (`glassbox train --model vae --data mnist`)");
        o.generator = &generator.net;
        o.code_size = generator.input_shape[0];
    } else if (flags.has("generator")) {
        throw Error("--generator is for --method am-generator");
    }

    DataSplits data = data_for_model(model, "", 0);
    if (data.train.example_size != inputs)
        throw Error("the model takes " + std::to_string(inputs) + " values, its data " +
                    std::to_string(data.train.example_size));
    std::vector<float> mean(inputs, 0.0f);
    for (int e = 0; e < data.train.count(); ++e)
        for (size_t i = 0; i < inputs; ++i) mean[i] += data.train.dense[size_t(e) * inputs + i] / data.train.count();
    if (!o.generator) o.mean = mean;

    // the digit of --index: the local variant's x0, or the digit whose code is inverted
    int index = flags.whole("index", -1, 0, data.test.count() - 1);
    std::vector<float> digit;
    if (index >= 0)
        digit.assign(data.test.dense.begin() + long(size_t(index) * inputs),
                     data.test.dense.begin() + long(size_t(index + 1) * inputs));
    if (invert && index < 0) throw Error("--method invert needs --index I, the test digit whose code is inverted");
    if (flags.has("eta") && (invert || index < 0)) throw Error("--eta (the local variant) needs --index and an am method");
    if (!invert && index >= 0) {
        o.eta = flags.real("eta", 0.01f, 0.0f, 1e6f);
        o.anchor = digit;
        if (!o.generator) o.mean = digit, o.start = flags.has("start") ? o.start : SynthesisStart::Mean;
    }
    int side = int(std::lround(std::sqrt(double(inputs))));
    if (o.tv_weight > 0) {
        if (side * side != int(inputs)) throw Error("--tv needs square images");
        o.tv_height = o.tv_width = side;
    }

    // what is maximized (or inverted): classes, or units of a layer
    std::vector<int> units;
    std::string what = "class";
    if (invert) {
        if (!flags.has("layer")) throw Error("--method invert needs --layer L, the layer whose code is matched");
        o.layer = flags.whole("layer", 0, 0, 1 << 20);
        o.target = layer_output(model.net, model.input_shape, digit, o.layer);
        units = {0};
        what = "layer";
    } else if (flags.has("layer") || flags.has("unit")) {
        if (flags.has("class")) throw Error("give either --class or --layer and --unit, not both");
        o.score = SynthesisScore::Unit;
        o.layer = flags.whole("layer", int(model.net.size()) - 1, 0, 1 << 20);
        if (o.layer >= int(model.net.size()))
            throw Error("layer " + std::to_string(o.layer) + " does not exist: the model has layers 0 to " +
                        std::to_string(int(model.net.size()) - 1));
        units = parse_units("unit", flags.required("unit"), units_of(model, o.layer));
        what = "unit";
    } else {
        units = parse_units("class", flags.required("class"), units_of(model, -1));
    }

    std::vector<std::vector<float>> pictures;
    std::vector<float> all;
    for (int u : units) {
        o.unit = u;
        if (invert) pictures.push_back(digit);
        std::vector<Prototype> ps = synthesize_several(model.net, model.input_shape, o, starts);
        for (size_t s = 0; s < ps.size(); ++s) {
            const Prototype& p = ps[s];
            for (const SynthesisStep& t : p.trace)
                err << "step " << t.iteration << "  objective " << t.objective << "  probability " << t.probability
                    << "  norm " << t.norm << "\n";
            double norm = 0;
            for (float v : p.input) norm += double(v) * v;
            auto [nearest, distance] = nearest_example(data.train.dense, inputs, p.input);
            JsonObject json;
            json.add("method", method).add(what, invert ? o.layer : u).add("start", int(s));
            if (o.score != SynthesisScore::Unit && !invert) json.add("probability", p.probability).add("logit", p.logit);
            else json.add("activation", p.score);
            if (invert) {
                json.add("index", index).add("relative_error", std::sqrt(-p.score));
                double d = 0;
                for (size_t i = 0; i < inputs; ++i) d += double(p.input[i] - digit[i]) * (p.input[i] - digit[i]);
                json.add("distance_to_digit", std::sqrt(d));
            }
            json.add("objective", p.objective).add("norm", std::sqrt(norm));
            if (has_expert) json.add("expert_log_density", -rbm.free_energy(p.input.data()));
            json.add("nearest_training_digit", nearest).add("nearest_label", data.train.labels[size_t(nearest)]);
            json.add("nearest_distance", distance);
            out << json.str() << "\n";
            pictures.push_back(p.input);
            all.insert(all.end(), p.input.begin(), p.input.end());
        }
    }

    // the picture: one row per class or unit, one column per start (after the digit, for an inversion)
    const int zoom = 3, cell = side * zoom + 4, columns = starts + (invert ? 1 : 0);
    Canvas canvas(columns * cell + 4, int(units.size()) * cell + 4, {255, 255, 255});
    for (size_t k = 0; k < pictures.size(); ++k) {
        int row = int(k) / columns, column = int(k) % columns;
        canvas.draw_grey(4 + column * cell, 4 + row * cell, pictures[k].data(), side, side, zoom);
    }
    canvas.save_png(png);
    if (!npy.empty()) {
        Shape shape{int(pictures.size() - (invert ? units.size() : 0))};
        shape.insert(shape.end(), model.input_shape.begin(), model.input_shape.end());
        write_npy(npy, {"prototypes", shape, all});
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    JsonObject summary;
    summary.add("command", "visualize").add("model", path).add("method", method).add("png", png);
    if (!npy.empty()) summary.add("npy", npy);
    summary.add("prototypes", int(all.size() / inputs)).add("lambda", double(o.lambda)).add("lr", double(o.lr));
    summary.add("steps", o.steps).add("seed", int(o.seed)).add("seconds", seconds);
    out << summary.str() << std::endl;
    return 0;
}

}  // namespace

Command visualize_command() {
    return {"visualize", "prototypes by activation maximization and inversions of a representation", kUsage,
            {"model", "method", "png", "npy", "class", "layer", "unit", "expert", "generator", "lambda", "steps", "lr",
             "starts", "seed", "start", "noise", "expert-weight", "index", "eta", "tv", "trace"},
            visualize};
}

}  // namespace gb
