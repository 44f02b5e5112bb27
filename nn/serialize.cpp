#include "nn/serialize.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>
#include <vector>

#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "nn/text_layers.hpp"
#include "nn/npz.hpp"
#include "util/error.hpp"

namespace gb {

namespace {
const char* kMagic = "glassbox-model 1";
const char* kRetrain = "; the file is damaged or was edited: train the model again";
constexpr int kMaxSize = INT32_MAX;     // any one size of a layer
constexpr uint64_t kMaxInput = 1 << 26;  // values in one input example

// a * b, or UINT64_MAX if that overflows: parameter counts of absurd records stay comparable.
uint64_t times(uint64_t a, uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; }
uint64_t plus(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
std::string text(float v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// The fields of one layer record ("Conv2d 1 6 5 1 2"), read one by one with
// checks: every failure is a gb::Error naming the record and the field.
class Fields {
public:
    explicit Fields(const std::string& record) : record_(record) {
        std::istringstream in(record);
        for (std::string t; in >> t;) tokens_.push_back(t);
    }
    std::string kind() { return tokens_.empty() ? "" : tokens_[next_++]; }
    bool more() const { return next_ < tokens_.size(); }
    std::string word() { return more() ? tokens_[next_++] : ""; }

    // The next field: a whole number in [lo, hi].
    int whole(const char* what, int lo, int hi) {
        std::string t = field(what);
        long long v = 0;
        auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (error != std::errc() || end != t.data() + t.size() || v < lo || v > hi)
            fail(std::string(what) + " is '" + shown(t, 20) + "', it must be a whole number from " +
                 std::to_string(lo) + " to " + std::to_string(hi));
        return int(v);
    }
    // The next field: a finite number in [lo, hi] (hi excluded if `open`).
    float real(const char* what, float lo, float hi, bool open) {
        std::string t = field(what);
        float v = 0;
        auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (error != std::errc() || end != t.data() + t.size() || !std::isfinite(v) || v < lo || v > hi ||
            (open && v == hi))
            fail(std::string(what) + " is '" + shown(t, 20) + "', it must be a number in [" + text(lo) + ", " +
                 text(hi) + (open ? ")" : "]"));
        return v;
    }
    // After the last field: nothing may follow.
    void end() {
        if (more()) fail("unexpected field '" + shown(tokens_[next_], 20) + "' after the last one");
    }
    // Refuses a layer of more parameters than the file can hold: absurd sizes stop here, before allocating.
    void fits(uint64_t parameters, uint64_t budget) {
        if (parameters > budget)
            fail("the layer needs " + (parameters == UINT64_MAX ? std::string("more than 2^64") :
                                           std::to_string(parameters)) +
                 " parameters, the whole file holds " + std::to_string(budget) + " values");
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw Error("layer record '" + shown(record_) + "': " + why + kRetrain);
    }

private:
    std::string field(const char* what) {
        if (!more()) fail(std::string("the field ") + what + " is missing");
        return tokens_[next_++];
    }
    const std::string& record_;
    std::vector<std::string> tokens_;
    size_t next_ = 0;
};

// Gives each parameter of the model its array from the archive: present,
// of the layer's shape, and finite.
void take_parameters(Model& model, const NpzArchive& archive, const std::string& path) {
    for (auto& [name, p] : model.net.parameters()) {
        const NpyArray* a = archive.find(name);
        if (!a) throw Error(path + ": parameter '" + name + "' is missing");
        if (a->shape != p.shape())
            throw Error(path + ": parameter '" + name + "' has shape " + shape_str(a->shape) + ", the layer needs " +
                        shape_str(p.shape()));
        for (size_t i = 0; i < a->values.size(); ++i)
            if (!std::isfinite(a->values[i]))
                throw Error(path + ": parameter '" + name + "' holds " +
                            (std::isnan(a->values[i]) ? "a NaN" : "an infinite") + " value (at index " +
                            std::to_string(i) +
                            "); its training diverged or the file is damaged: train the model again");
        p.values() = a->values;
    }
}

// The architecture record and the arrays of a model file, checked.
Model model_from_npz(const NpzArchive& archive, const std::string& path) {
    std::istringstream record(archive.comment);
    std::string line;
    if (!std::getline(record, line) || line != kMagic)
        throw Error(path + " is a .npz file but not a glassbox model (no architecture record); "
                           "pass a file written by `glassbox train`");
    // Absurd sizes are refused before allocating: no layer may have more parameters than the file
    // holds values, and once the layers together have more, some parameter must be missing or
    // misshapen (the arrays have distinct names), which take_parameters() then names.
    uint64_t values = 0, used = 0;
    for (const auto& a : archive.arrays) values += a.values.size();
    Model model;
    bool has_input = false;
    try {
        while (std::getline(record, line)) {
            std::istringstream fields(line);
            std::string key;
            fields >> key;
            if (key == "name") {
                fields >> model.name;
            } else if (key == "data") {
                std::getline(fields >> std::ws, model.data);
            } else if (key == "input") {
                if (has_input) throw Error("the architecture record has two input lines" + std::string(kRetrain));
                has_input = true;
                uint64_t count = 1;
                for (std::string t; fields >> t;) {
                    int d = 0;
                    auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), d);
                    count = times(count, uint64_t(d > 0 ? d : 0));
                    if (error != std::errc() || end != t.data() + t.size() || d < 1 || count > kMaxInput ||
                        model.input_shape.size() >= 8)
                        throw Error("the input shape '" + shown(line.size() > 6 ? line.substr(6) : "") +
                                    "' is not 1 to 8 sizes of at most " +
                                    std::to_string(kMaxInput) + " values in all" + kRetrain);
                    model.input_shape.push_back(d);
                }
            } else if (key == "layer") {
                std::string rest;
                std::getline(fields >> std::ws, rest);
                std::unique_ptr<Module> layer = layer_from_record(rest, values);
                for (auto& [name, p] : layer->parameters()) used += p.numel();
                model.net.add(std::move(layer));
                if (used > values) break;
            }
        }
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
    if (used > values) {
        take_parameters(model, archive, path);  // throws: some parameter is missing or misshapen
        throw Error(path + ": the layers need " + std::to_string(used) + " parameters, the file holds " +
                    std::to_string(values) + " values" + kRetrain);
    }
    if (model.net.size() == 0 || model.input_shape.empty())
        throw Error(path + ": the architecture record lists no layers or no input shape" + std::string(kRetrain));
    take_parameters(model, archive, path);
    std::set<std::string> used_names;
    for (auto& [name, p] : model.net.parameters()) used_names.insert(name);
    for (const auto& a : archive.arrays)
        if (!used_names.count(a.name))
            throw Error(path + ": array '" + shown(a.name) + "' belongs to no layer of the model");
    return model;
}

}  // namespace

void save_model(Model& model, const std::string& path) {
    NpzArchive archive;
    for (auto& [name, p] : model.net.parameters()) archive.arrays.push_back({name, p.shape(), p.values()});
    std::ostringstream record;
    record << kMagic << "\nname " << model.name << "\ndata " << model.data << "\ninput";
    for (int d : model.input_shape) record << ' ' << d;
    std::istringstream layers(model.net.describe());
    for (std::string line; std::getline(layers, line);) record << "\nlayer " << line;
    archive.comment = record.str() + "\n";
    write_npz(path, archive);
}

std::unique_ptr<Module> layer_from_record(const std::string& record, uint64_t max_parameters) {
    Fields in(record);
    std::string kind = in.kind();
    Rng unused(0);  // weights are overwritten by the loaded values
    std::unique_ptr<Module> layer;
    if (kind == "Linear") {
        int a = in.whole("in_features", 1, kMaxSize), b = in.whole("out_features", 1, kMaxSize);
        in.end();
        in.fits(plus(times(uint64_t(a), uint64_t(b)), uint64_t(b)), max_parameters);
        layer = std::make_unique<Linear>(a, b, unused);
    } else if (kind == "ReLU" || kind == "Tanh" || kind == "Sigmoid" || kind == "Flatten" || kind == "MaxOverTime" ||
               kind == "GlobalAvgPool2d") {
        in.end();
        if (kind == "ReLU") layer = std::make_unique<ReLU>();
        if (kind == "Tanh") layer = std::make_unique<Tanh>();
        if (kind == "Sigmoid") layer = std::make_unique<Sigmoid>();
        if (kind == "Flatten") layer = std::make_unique<Flatten>();
        if (kind == "MaxOverTime") layer = std::make_unique<MaxOverTime>();
        if (kind == "GlobalAvgPool2d") layer = std::make_unique<GlobalAvgPool2d>();
    } else if (kind == "Dropout") {
        float p = in.real("p", 0.0f, 1.0f, true);
        in.end();
        layer = std::make_unique<Dropout>(p, 0);
    } else if (kind == "Conv2d") {
        int a = in.whole("in_channels", 1, kMaxSize), b = in.whole("out_channels", 1, kMaxSize);
        int k = in.whole("kernel", 1, 1 << 16), stride = in.whole("stride", 1, 1 << 16);
        int padding = in.whole("padding", 0, k - 1);
        in.end();
        in.fits(plus(times(times(uint64_t(a), uint64_t(b)), uint64_t(k) * uint64_t(k)), uint64_t(b)), max_parameters);
        layer = std::make_unique<Conv2d>(a, b, k, unused, stride, padding);
    } else if (kind == "MaxPool2d" || kind == "SumPool2d" || kind == "AvgPool2d" || kind == "LpPool2d") {
        float p = kind == "LpPool2d" ? in.real("p", 1.0f, 1000.0f, false) : 0.0f;
        int k = in.whole("kernel", 1, 1 << 16), stride = in.whole("stride", 1, 1 << 16);
        in.end();
        if (kind == "MaxPool2d") layer = std::make_unique<MaxPool2d>(k, stride);
        if (kind == "SumPool2d") layer = std::make_unique<SumPool2d>(k, stride);
        if (kind == "AvgPool2d") layer = std::make_unique<AvgPool2d>(k, stride);
        if (kind == "LpPool2d") layer = std::make_unique<LpPool2d>(p, k, stride);
    } else if (kind == "Embedding") {
        int v = in.whole("vocabulary", 1, kMaxSize), e = in.whole("dim", 1, kMaxSize);
        int padding = in.whole("padding_idx", -1, v - 1);
        in.end();
        in.fits(times(uint64_t(v), uint64_t(e)), max_parameters);
        layer = std::make_unique<Embedding>(v, e, padding, unused);
    } else if (kind == "Conv1d") {
        int a = in.whole("in_channels", 1, kMaxSize), b = in.whole("out_channels", 1, kMaxSize);
        int k = in.whole("kernel", 1, 1 << 16);
        in.end();
        in.fits(plus(times(times(uint64_t(a), uint64_t(b)), uint64_t(k)), uint64_t(b)), max_parameters);
        layer = std::make_unique<Conv1d>(a, b, k, unused);
    } else if (kind == "Transpose") {
        int a = in.whole("dim0", 0, 7), b = in.whole("dim1", 0, 7);
        in.end();
        layer = std::make_unique<Transpose>(a, b);
    } else if (kind == "LSTM") {  // LSTM <input> <hidden> [bidirectional] [sequence] [padded]
        int a = in.whole("input_size", 1, kMaxSize), h = in.whole("hidden_size", 1, kMaxSize / 4);
        bool bidirectional = false, sequence = false, padded = false;
        while (in.more()) {
            std::string option = in.word();
            if (option == "bidirectional") bidirectional = true;
            else if (option == "sequence") sequence = true;
            else if (option == "padded") padded = true;
            else in.fail("unknown LSTM option '" + shown(option, 20) + "' (bidirectional, sequence or padded)");
        }
        // per direction: weight_ih (4h, a), weight_hh (4h, h), two biases (4h)
        uint64_t gates = 4 * uint64_t(h);
        uint64_t one = plus(times(gates, plus(uint64_t(a), uint64_t(h))), 2 * gates);
        in.fits(times(one, bidirectional ? 2 : 1), max_parameters);
        auto lstm = std::make_unique<LSTM>(a, h, unused, bidirectional, !sequence);
        lstm->set_lengths_from_padding(padded);
        layer = std::move(lstm);
    } else {
        in.fail("unknown layer '" + shown(kind, 20) + "'; this glassbox reads Linear, ReLU, Tanh, Sigmoid, Flatten, "
                "Dropout, Conv2d, MaxPool2d, SumPool2d, AvgPool2d, GlobalAvgPool2d, LpPool2d, Embedding, Conv1d, Transpose, "
                "MaxOverTime and LSTM");
    }
    return layer;
}

Model load_model(const std::string& path) { return model_from_npz(read_npz(path), path); }

Model model_from_bytes(const std::string& bytes, const std::string& what) {
    return model_from_npz(npz_from_bytes(bytes, what), what);
}

}  // namespace gb
