// Tutorial 14: the localization claims of Song & Zhang's review, measured on
// MNIST scenes where the answer is known. A fully convolutional model with
// global average pooling (allconv-gap) is trained on 28 x 28 digits and scores
// 56 x 56 scenes of one digit, two digits of one class, and two or three
// digits of different classes; eleven methods explain the class of the
// scene's first digit, and the pointing game, the energy share inside the
// digits' boxes and RISE's deletion and insertion areas say where each
// method points. Read along with tutorials/14_localization_review.md.
//
// usage: 14_localization_review [--epochs N] [--limit N] [--scenes N] [--costly N] [--ep-scenes N]
//                               [--curves N] [--rise-masks N] [--iterations N] [--lime-samples N] [--out DIR]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "app/program.hpp"
#include "explain/evaluation/deletion_insertion.hpp"
#include "explain/evaluation/localization.hpp"
#include "explain/explain.hpp"
#include "explain/perturbation/extremal_perturbation.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "training/scenes.hpp"
#include "viz/png.hpp"

using namespace gb;

constexpr int kSide = 56;         // the scenes' canvas
constexpr int kTolerance = 2;     // the pointing game's 15 pixels at 224 x 224, scaled to digits: 15 x 28 / 224
constexpr int kCurveStep = 56;    // deletion / insertion: one row's worth of pixels a step, as RISE (224 at 224)
constexpr float kInsertBlur = 1.25f;  // RISE's insertion blur (sigma 5 at 224), scaled by 56 / 224

// One method as the tutorial runs it: its label in the tables, its catalogue name and parameters, and whether
// it costs hundreds of forward passes per scene (then it runs on the first --costly scenes of each kind).
struct Entry {
    std::string label, method;
    std::vector<std::pair<std::string, std::string>> parameters;
    bool costly = false;
    bool slowest = false;  // extremal perturbation: on the first --ep-scenes only
};

struct Tally {  // one method on one kind of scene
    int scenes = 0, hits = 0, both = 0, pairs = 0, curves = 0;
    double energy = 0, deletion = 0, insertion = 0, seconds = 0;
};

// The maps of `entry` for the given scenes, one 56 x 56 map each; batches of 50 for the methods that take them.
std::vector<std::vector<float>> maps_of(Model& model, const Entry& entry, const std::vector<Scene>& scenes) {
    std::vector<std::vector<float>> maps;
    if (entry.method == "center") {  // the baseline of Zhang et al.: always the centre of the image
        std::vector<float> m(kSide * kSide);
        for (int r = 0; r < kSide; ++r)
            for (int c = 0; c < kSide; ++c)
                m[size_t(r * kSide + c)] = -std::hypot(float(r) - (kSide - 1) / 2.0f, float(c) - (kSide - 1) / 2.0f);
        return std::vector<std::vector<float>>(scenes.size(), m);
    }
    const size_t chunk = entry.costly ? 1 : 50;
    for (size_t first = 0; first < scenes.size(); first += chunk) {
        const size_t n = std::min(chunk, scenes.size() - first);
        Tensor x(Shape{int(n), 1, kSide, kSide});
        ExplainOptions options;
        for (size_t i = 0; i < n; ++i) {
            std::copy(scenes[first + i].image.begin(), scenes[first + i].image.end(),
                      x.values().begin() + long(i * kSide * kSide));
            options.targets.push_back(scenes[first + i].target);
        }
        options.input.height = options.input.width = kSide;
        options.input.bounded = true;
        for (const auto& [name, value] : entry.parameters) options.set(name, value);
        const Explanation e = explain(model.net, x, entry.method, options);
        for (size_t i = 0; i < n; ++i)
            maps.emplace_back(e.relevance.values().begin() + long(i * kSide * kSide),
                              e.relevance.values().begin() + long((i + 1) * kSide * kSide));
    }
    return maps;
}

// Same-class scenes: does the map cover both digits? Each box gets at least a quarter of the positive mass
// that falls inside the two boxes.
bool covers_both(const std::vector<float>& map, const Scene& scene) {
    double in[2] = {0, 0};
    for (int b = 0; b < 2; ++b)
        in[b] = energy_share(map, kSide, kSide, {scene.boxes[size_t(b)]});
    const double total = in[0] + in[1];
    return total > 0 && in[0] >= 0.25 * total && in[1] >= 0.25 * total;
}

int run(const Flags& flags) {
    const auto start = std::chrono::steady_clock::now();
    const int epochs = flags.whole("epochs", 2, 1, 100), limit = flags.whole("limit", 20000, 0, 60000);
    const int count = flags.whole("scenes", 300, 1, 10000), costly = flags.whole("costly", 10, 1, 10000);
    const int curves = flags.whole("curves", 10, 0, 10000), ep_scenes = flags.whole("ep-scenes", 3, 1, 10000);
    const std::string masks = std::to_string(flags.whole("rise-masks", 500, 1, 100000));
    const std::string iterations = std::to_string(flags.whole("iterations", 300, 1, 100000));
    const std::string samples = std::to_string(flags.whole("lime-samples", 300, 10, 100000));
    const std::string out = flags.text("out", "runs/14_localization_review");
    make_folder(out);

    // ---- 1. the model: fully convolutional, global average pooling, trained on 28 x 28 digits ----------------
    DataSplits mnist = load_mnist_data(limit);
    Model model = make_model("allconv-gap", 1);
    model.data = "mnist";  // so that glassbox evaluate --data mnist-scenes takes it (bench/localization_review.sh)
    SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);
    FitOptions report;
    report.after_epoch = [&](int e, const EpochResult& r) {
        std::printf("epoch %d  loss %.4f  test accuracy %.2f%%  (%.1f s)\n", e + 1, r.loss,
                    100 * evaluate(model, mnist.test).accuracy, r.seconds);
    };
    fit(model, sgd, mnist.train, epochs, report);
    save_model(model, out + "/allconv_gap.npz");

    // ---- 2. the methods of the review's figure, LRP, CAM and the centre baseline -----------------------------
    const std::vector<Entry> entries{
        {"centre (baseline)", "center", {}},
        {"gradient", "saliency", {}},
        {"deconvnet", "deconvnet", {}},
        {"guided backprop", "guided-backprop", {}},
        {"Grad-CAM", "gradcam", {}},
        {"CAM", "cam", {}},
        {"excitation", "excitation", {}},
        {"c-excitation", "contrastive-excitation", {}},
        {"LRP (eps-gamma-zB)", "lrp", {{"composite", "epsilon-gamma-zb"}}},
        {"RISE", "rise", {{"masks", masks}, {"grid", "7"}}, true},
        {"extremal (a = 0.1)", "extremal-perturbation", {{"area", "0.1"}, {"iterations", iterations}}, true, true},
        {"LIME", "lime", {{"samples", samples}}, true},
    };
    std::printf("\ncostly methods on the first scenes of each kind: RISE with %s masks and LIME with %s samples on %d, "
                "extremal perturbation with %s iterations on %d\n", masks.c_str(), samples.c_str(), costly,
                iterations.c_str(), ep_scenes);

    std::vector<HeatmapRow> picture;
    std::vector<std::vector<std::vector<float>>> picture_maps;  // kept alive for the picture
    std::vector<std::vector<float>> picture_images;
    for (const std::string kind : {"single", "same", "different"}) {
        SceneSettings settings;
        settings.kind = scene_kind(kind);
        settings.count = count;
        settings.seed = 14;
        const std::vector<Scene> scenes = make_scenes(mnist.test, settings);
        // how the model sees the scenes, as they are and under extremal perturbation's strongest blur
        // (sigma 20 x 56 / 224 = 5): is the explained class its top class?
        int top = 0, top_blurred = 0;
        for (const Scene& s : scenes) {
            auto is_top = [&](const std::vector<float>& image) {
                Tensor logits = model.net.forward(Tensor(Shape{1, 1, kSide, kSide}, image));
                return int(std::max_element(logits.values().begin(), logits.values().end()) -
                           logits.values().begin()) == s.target;
            };
            top += is_top(s.image);
            top_blurred += is_top(gaussian_blur(s.image, 1, kSide, kSide, 20.0f * kSide / 224.0f));
        }
        std::printf("\n## %s scenes: %d; the explained class is the model's top class in %.1f%% (blurred with "
                    "sigma 5: %.1f%%)\n\n", kind.c_str(), count, 100.0 * top / count, 100.0 * top_blurred / count);
        std::printf("| method | scenes | pointing game | energy share |%s deletion AUC | insertion AUC | s/scene |\n",
                    kind == "same" ? " both digits |" : "");
        std::printf("|---|---|---|---|%s---|---|---|\n", kind == "same" ? "---|" : "");
        picture_images.push_back(scenes[0].image);
        picture_maps.emplace_back();
        for (const Entry& entry : entries) {
            const int n = entry.slowest ? std::min(ep_scenes, count) : entry.costly ? std::min(costly, count) : count;
            const std::vector<Scene> used(scenes.begin(), scenes.begin() + n);
            const auto t0 = std::chrono::steady_clock::now();
            const std::vector<std::vector<float>> maps = maps_of(model, entry, used);
            Tally t;
            t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            for (size_t i = 0; i < used.size(); ++i) {
                const Scene& s = used[i];
                ++t.scenes;
                t.hits += pointing_hit(maps[i], kSide, kSide, s.target_boxes(), kTolerance);
                t.energy += energy_share(maps[i], kSide, kSide, s.target_boxes());
                if (kind == "same") ++t.pairs, t.both += covers_both(maps[i], s);
                if (int(i) < curves) {
                    const Scorer score = network_scorer(model.net);
                    const Shape shape{1, 1, kSide, kSide};
                    t.deletion += deletion_curve(score, s.image, shape, kSide, kSide, maps[i], s.target, kCurveStep).auc;
                    t.insertion +=
                        insertion_curve(score, s.image, shape, kSide, kSide, maps[i], s.target, kCurveStep, kInsertBlur).auc;
                    ++t.curves;
                }
            }
            picture_maps.back().push_back(maps[0]);
            char both[32] = "";
            if (kind == "same") std::snprintf(both, sizeof both, " %.1f%% |", 100.0 * t.both / t.pairs);
            std::printf("| %s | %d | %.1f%% | %.3f |%s %.3f | %.3f | %.3f |\n", entry.label.c_str(), t.scenes,
                        100.0 * t.hits / t.scenes, t.energy / t.scenes, both, t.curves ? t.deletion / t.curves : 0.0,
                        t.curves ? t.insertion / t.curves : 0.0, t.seconds / t.scenes);
            std::fflush(stdout);
        }
    }
    const std::vector<std::string> kinds{"single", "same", "different"};
    for (size_t k = 0; k < picture_images.size(); ++k) {
        HeatmapRow row{picture_images[k].data(), {}, k < kinds.size() ? kinds[k] : ""};
        for (size_t m = 1; m < picture_maps[k].size(); ++m) row.maps.push_back(picture_maps[k][m].data());
        picture.push_back(row);
    }
    std::vector<std::string> columns{"scene"};
    for (size_t m = 1; m < entries.size(); ++m) columns.push_back(entries[m].label);
    save_heatmap_grid(out + "/grid.png", picture, kSide, kSide, false, 2, columns);
    std::printf("\ncolumns of grid.png: the scene, then");
    for (size_t m = 1; m < entries.size(); ++m) std::printf("%s %s", m == 1 ? "" : ",", entries[m].label.c_str());
    std::printf("\nrows: the first single, same and different scene\n");

    // ---- 3. extremal perturbation's area, chosen by hand ---------------------------------------------------
    SceneSettings settings;
    settings.kind = SceneKind::Single;
    settings.count = std::min(ep_scenes, count);
    settings.seed = 14;
    const std::vector<Scene> singles = make_scenes(mnist.test, settings);
    std::printf("\n## extremal perturbation at several areas, %d single scenes\n\n| area | pointing game | energy share |\n"
                "|---|---|---|\n", settings.count);
    for (const std::string area : {"0.05", "0.1", "0.2"}) {
        const Entry e{"", "extremal-perturbation", {{"area", area}, {"iterations", iterations}}, true};
        const std::vector<std::vector<float>> maps = maps_of(model, e, singles);
        int hits = 0;
        double energy = 0;
        for (size_t i = 0; i < singles.size(); ++i) {
            hits += pointing_hit(maps[i], kSide, kSide, singles[i].target_boxes(), kTolerance);
            energy += energy_share(maps[i], kSide, kSide, singles[i].target_boxes());
        }
        std::printf("| %s | %.1f%% | %.3f |\n", area.c_str(), 100.0 * hits / settings.count, energy / settings.count);
    }
    std::printf("\npicture: %s/grid.png\ntotal time %.1f s\n", out.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return 0;
}

int main(int argc, char** argv) {
    return run_program("14_localization_review", argc, argv,
                       {"epochs", "limit", "scenes", "costly", "ep-scenes", "curves", "rise-masks", "iterations", "lime-samples", "out"},
                       run);
}
