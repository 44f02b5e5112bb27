#include "nn/serialize.hpp"

#include <set>
#include <sstream>

#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "nn/text_layers.hpp"
#include "nn/npz.hpp"
#include "util/error.hpp"

namespace gb {

namespace {
const char* kMagic = "glassbox-model 1";
}

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

std::unique_ptr<Module> layer_from_record(const std::string& record) {
    std::istringstream in(record);
    std::string kind;
    in >> kind;
    // Reads n whole-number fields; false if any is missing.
    auto ints = [&in](std::initializer_list<int*> fields) {
        for (int* f : fields)
            if (!(in >> *f)) return false;
        return true;
    };
    Rng unused(0);  // weights are overwritten by the loaded values
    int a = 0, b = 0, c = 0, d = 0, e = 0;
    float p = 0.0f;
    if (kind == "Linear" && ints({&a, &b})) return std::make_unique<Linear>(a, b, unused);
    if (kind == "ReLU") return std::make_unique<ReLU>();
    if (kind == "Tanh") return std::make_unique<Tanh>();
    if (kind == "Sigmoid") return std::make_unique<Sigmoid>();
    if (kind == "Flatten") return std::make_unique<Flatten>();
    if (kind == "Dropout" && in >> p) return std::make_unique<Dropout>(p, 0);
    if (kind == "Conv2d" && ints({&a, &b, &c, &d, &e})) return std::make_unique<Conv2d>(a, b, c, unused, d, e);
    if (kind == "MaxPool2d" && ints({&a, &b})) return std::make_unique<MaxPool2d>(a, b);
    if (kind == "SumPool2d" && ints({&a, &b})) return std::make_unique<SumPool2d>(a, b);
    if (kind == "AvgPool2d" && ints({&a, &b})) return std::make_unique<AvgPool2d>(a, b);
    if (kind == "LpPool2d" && in >> p && ints({&a, &b})) return std::make_unique<LpPool2d>(p, a, b);
    if (kind == "Embedding" && ints({&a, &b, &c})) return std::make_unique<Embedding>(a, b, c, unused);
    if (kind == "Conv1d" && ints({&a, &b, &c})) return std::make_unique<Conv1d>(a, b, c, unused);
    if (kind == "Transpose" && ints({&a, &b})) return std::make_unique<Transpose>(a, b);
    if (kind == "MaxOverTime") return std::make_unique<MaxOverTime>();
    if (kind == "LSTM" && ints({&a, &b})) {  // LSTM <input> <hidden> [bidirectional] [sequence] [padded]
        bool bidirectional = false, sequence = false, padded = false;
        for (std::string option; in >> option;) {
            if (option == "bidirectional") bidirectional = true;
            else if (option == "sequence") sequence = true;
            else if (option == "padded") padded = true;
            else throw Error("unknown LSTM option '" + option + "' in layer record '" + record + "'");
        }
        auto lstm = std::make_unique<LSTM>(a, b, unused, bidirectional, !sequence);
        lstm->set_lengths_from_padding(padded);
        return lstm;
    }
    throw Error("unknown or malformed layer record '" + record + "'");
}

Model load_model(const std::string& path) {
    NpzArchive archive = read_npz(path);
    std::istringstream record(archive.comment);
    std::string line;
    if (!std::getline(record, line) || line != kMagic)
        throw Error(path + " is a .npz file but not a glassbox model (no architecture record); "
                           "pass a file written by `glassbox train`");
    Model model;
    try {
        while (std::getline(record, line)) {
            std::istringstream fields(line);
            std::string key;
            fields >> key;
            if (key == "name") fields >> model.name;
            else if (key == "data") std::getline(fields >> std::ws, model.data);
            else if (key == "input") for (int d; fields >> d;) model.input_shape.push_back(d);
            else if (key == "layer") model.net.add(layer_from_record(line.substr(6)));
        }
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
    if (model.net.size() == 0 || model.input_shape.empty())
        throw Error(path + ": the architecture record lists no layers or no input shape");

    std::set<std::string> used;
    for (auto& [name, p] : model.net.parameters()) {
        const NpyArray* a = archive.find(name);
        if (!a) throw Error(path + ": parameter '" + name + "' is missing");
        if (a->shape != p.shape())
            throw Error(path + ": parameter '" + name + "' has shape " + shape_str(a->shape) + ", the layer needs " +
                        shape_str(p.shape()));
        p.values() = a->values;
        used.insert(name);
    }
    for (const auto& a : archive.arrays)
        if (!used.count(a.name)) throw Error(path + ": array '" + a.name + "' belongs to no layer of the model");
    return model;
}

}  // namespace gb
