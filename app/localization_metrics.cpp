#include "app/localization_metrics.hpp"

#include <algorithm>
#include <cstdio>

#include "app/explain_flags.hpp"
#include "app/json.hpp"
#include "explain/evaluation/deletion_insertion.hpp"
#include "explain/evaluation/localization.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "training/scenes.hpp"
#include "util/error.hpp"

namespace gb {

bool is_localization_metric(const std::string& metric) {
    return metric == "pointing" || metric == "deletion" || metric == "insertion";
}

int run_localization(const Flags& flags, std::ostream& out, const std::set<std::string>& command_flags) {
    const std::string path = flags.required("model"), metric = flags.required("metric");
    const std::string data_name = flags.text("data", "mnist-scenes");
    if (data_name != "mnist-scenes")
        throw Error("--metric " + metric + " measures where maps point on scenes with known boxes: use --data "
                    "mnist-scenes, got '" + data_name + "'");
    const SceneKind kind = scene_kind(flags.text("scene", "single"));
    const std::vector<std::string> methods = split_commas(flags.required("methods"));
    Model model = load_model(path);
    if (model.data != "mnist")
        throw Error("MNIST scenes are scored by a model trained on MNIST digits; " + path + " was trained on '" +
                    model.data + "'");
    SceneSettings settings;
    settings.kind = kind;
    settings.count = flags.whole("samples", metric == "pointing" ? 300 : 20, 1, 100000);
    settings.size = flags.whole("size", 56, 28, 1024);
    settings.seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    DataSplits mnist = load_mnist_data();
    const std::vector<Scene> scenes = make_scenes(mnist.test, settings);
    const int side = settings.size;
    {  // the model must take the scene as it is: fully convolutional (allconv-gap), or built for this size
        Tensor probe(Shape{1, 1, side, side});
        try {
            model.net.forward(probe);
        } catch (const Error& e) {
            throw Error(model.name + " cannot score " + std::to_string(side) + " x " + std::to_string(side) +
                        " scenes (" + e.what() + "); train a fully convolutional model with --model allconv-gap");
        }
    }
    DataSplits for_flags;
    for_flags.name = "mnist";
    ExplainOptions options = explain_options(flags, for_flags, methods, command_flags);
    options.input.height = options.input.width = side;
    const int tolerance = flags.whole("tolerance", 2, 0, 1024), step = flags.whole("step", side, 1, side * side);
    const float blur = flags.real("blur", 5.0f * float(side) / 224.0f, 0.0f, 1000.0f);
    const int batch = flags.whole("batch", 32, 1, 10000);  // scenes explained per call (extremal perturbation
                                                           // shares the model's passes between them)

    std::string table = metric == "pointing" ? "| method | pointing game | energy share |\n|---|---|---|\n"
                                             : "| method | " + metric + " AUC |\n|---|---|\n";
    std::string json_methods = "[";
    const Scorer score = network_scorer(model.net);
    for (const std::string& method : methods) {
        double a = 0, b = 0;
        for (size_t first = 0; first < scenes.size(); first += size_t(batch)) {  // a batch of scenes per call
            const size_t n = std::min(size_t(batch), scenes.size() - first), plane = size_t(side) * side;
            Tensor x(Shape{int(n), 1, side, side});
            options.targets.clear();
            for (size_t i = 0; i < n; ++i) {
                std::copy(scenes[first + i].image.begin(), scenes[first + i].image.end(), x.values().begin() + long(i * plane));
                options.targets.push_back(scenes[first + i].target);
            }
            const Explanation e = explain(model.net, x, method, options);
            for (size_t i = 0; i < n; ++i) {
                const Scene& s = scenes[first + i];
                const std::vector<float> map(e.relevance.values().begin() + long(i * plane),
                                             e.relevance.values().begin() + long((i + 1) * plane));
                const Shape one{1, 1, side, side};
                if (metric == "pointing") {
                    a += pointing_hit(map, side, side, s.target_boxes(), tolerance);
                    b += energy_share(map, side, side, s.target_boxes());
                } else if (metric == "deletion") {
                    a += deletion_curve(score, s.image, one, side, side, map, s.target, step).auc;
                } else {
                    a += insertion_curve(score, s.image, one, side, side, map, s.target, step, blur).auc;
                }
            }
        }
        a /= double(scenes.size()), b /= double(scenes.size());
        char row[200];
        if (metric == "pointing") std::snprintf(row, sizeof row, "| %s | %.1f%% | %.3f |\n", method.c_str(), 100 * a, b);
        else std::snprintf(row, sizeof row, "| %s | %.4f |\n", method.c_str(), a);
        table += row;
        JsonObject m;
        m.add("method", method);
        if (metric == "pointing") m.add("pointing_game", a).add("energy_share", b);
        else m.add(metric + "_auc", a);
        json_methods += (json_methods.size() > 1 ? ", " : "") + m.str();
    }
    out << table;
    JsonObject json;
    json.add("command", "evaluate").add("model", path).add("metric", metric).add("data", "mnist-scenes");
    json.add("scene", scene_kind_name(kind)).add("samples", settings.count).add("size", side);
    json.add("seed", int(settings.seed));
    if (metric == "pointing") json.add("tolerance", tolerance);
    else json.add("step", step);
    json.add_raw("methods", json_methods + "]");
    out << json.str() << std::endl;
    return 0;
}

}  // namespace gb
