// Tutorial 13: activation maximization, the "interpreting a model" half of
// Montavon, Samek and Mueller (2018): the prototype of each digit class found
// three ways (an L2 penalty, an RBM expert, a VAE's code space), how real each
// looks, several prototypes of one class, the local variant, inversions of a
// digit's code layer by layer, and what LeNet's feature maps respond to.
// Read along with tutorials/13_activation_maximization.md.
//
// usage: 13_activation_maximization [--epochs N] [--expert-epochs N] [--generator-epochs N]
//                                   [--lenet-epochs N] [--limit N] [--steps N] [--out DIR]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <tuple>

#include "app/program.hpp"
#include "explain/synthesis/prototypes.hpp"
#include "training/generative.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "viz/png.hpp"

using namespace gb;

namespace {

// Rows of 28x28 images in [0, 1], drawn side by side.
void save_rows(const std::string& path, const std::vector<std::vector<std::vector<float>>>& rows) {
    size_t columns = 0;
    for (const auto& r : rows) columns = std::max(columns, r.size());
    const int zoom = 3, cell = 28 * zoom + 4;
    Canvas canvas(int(columns) * cell + 4, int(rows.size()) * cell + 4, {255, 255, 255});
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size(); ++c)
            canvas.draw_grey(4 + int(c) * cell, 4 + int(r) * cell, rows[r][c].data(), 28, 28, zoom);
    canvas.save_png(path);
}

// Scaled to [0, 1] by its own minimum and maximum, to show a pattern whatever its range.
std::vector<float> stretched(std::vector<float> x) {
    auto [lo, hi] = std::minmax_element(x.begin(), x.end());
    float a = *lo, b = *hi;
    for (float& v : x) v = b > a ? (v - a) / (b - a) : 0.0f;
    return x;
}

double distance(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d += double(a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(d);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 10, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    int steps = flags.whole("steps", 0, 0, 100000);  // 0: each variant's own number of steps
    std::string out = flags.text("out", "runs/13_activation_maximization");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    const LabeledSet& train = mnist.train;
    std::vector<float> mean(784, 0.0f);  // the mean training digit: the expert's start, and LeNet's section's
    for (int e = 0; e < train.count(); ++e)
        for (size_t i = 0; i < 784; ++i) mean[i] += train.dense[size_t(e) * 784 + i] / float(train.count());

    // ---- the three models: the classifier, the expert, the generator (and LeNet, for the last section) ----
    // trained side by side, the slowest first
    Model mlp = make_model("mlp", 1), lenet = make_model("lenet", 1);
    int lenet_epochs = flags.whole("lenet-epochs", 2, 1, 1000);
    RbmSettings rbm_settings;
    rbm_settings.epochs = flags.whole("expert-epochs", rbm_settings.epochs, 1, 1000);
    VaeSettings vae_settings;
    vae_settings.epochs = flags.whole("generator-epochs", vae_settings.epochs, 1, 1000);
    Rbm rbm;
    std::optional<Vae> generator;  // a Vae has no empty state
    GenerativeEpoch last;
    double rbm_seconds = 0, vae_seconds = 0;
    side_by_side(4, [&](int task) {
        auto start = std::chrono::steady_clock::now();
        if (task == 0) {
            generator.emplace(train_vae(train, vae_settings, [&](const GenerativeEpoch& e) { last = e; }));
            vae_seconds = seconds_since(start);
        } else if (task == 1) {
            rbm = train_rbm(train, rbm_settings);
            rbm_seconds = seconds_since(start);
        } else if (task == 2) {
            SGD sgd(parameter_tensors(mlp.net), 0.05f, 0.9f);
            fit(mlp, sgd, train, epochs);
        } else {
            SGD sgd(parameter_tensors(lenet.net), 0.05f, 0.9f);
            fit(lenet, sgd, train, lenet_epochs);
        }
    });
    Vae& vae = *generator;
    std::printf("mlp, %d epochs: test accuracy %.2f%%\n", epochs, 100 * evaluate(mlp, mnist.test).accuracy);
    std::printf("RBM expert (%d hidden, sigma %.1f), %d epochs of CD-1: %.1f s, test reconstruction error %.4f\n",
                rbm.hidden(), rbm.sigma(), rbm_settings.epochs, rbm_seconds,
                rbm.reconstruction_error(mnist.test.dense.data(), mnist.test.count()));
    std::printf("VAE generator (code %d), %d epochs: %.1f s, loss %.1f per digit (reconstruction %.1f, KL %.1f)\n\n",
                vae.code, vae_settings.epochs, vae_seconds, last.loss, last.reconstruction, last.kl);

    const std::vector<Variant> variants{Variant::L2, Variant::Expert, Variant::Generator};
    auto options_for = [&](Variant v) {
        SynthesisOptions o = variant_options(v);
        if (steps > 0) o.steps = steps;
        if (v == Variant::Expert) o.expert = rbm_log_density(rbm), o.mean = mean;
        if (v == Variant::Generator) o.generator = &vae.decoder.net, o.code_size = vae.code;
        return o;
    };
    auto realism = [&](const std::vector<float>& x, double* log_density, double* nearest, int* label) {
        *log_density = -rbm.free_energy(x.data());
        auto [index, d] = nearest_example(train.dense, train.example_size, x);
        *nearest = d;
        *label = train.labels[size_t(index)];
    };

    // ---- one ascent, step by step ----------------------------------------------------------
    {
        SynthesisOptions o = options_for(Variant::L2);
        o.unit = 7;
        o.trace = true;
        Prototype p = synthesize(mlp.net, mlp.input_shape, o);
        std::printf("the plain ascent for class 7 (lambda %g, lr %g), step by step:\n", o.lambda, o.lr);
        for (const SynthesisStep& t : p.trace)
            if (t.iteration % 25 == 0 || t.iteration < 4)
                std::printf("  step %3d  objective %9.4f  p(7 | x) %.4f  ||x|| %6.2f\n", t.iteration, t.objective,
                            t.probability, t.norm);
        std::printf("\n");
    }

    // ---- the figure: ten classes x three variants ---------------------------------------
    std::printf("prototypes of the ten classes (p: the mlp's probability of the class; log p(x): the RBM's, up to\n"
                "its constant; nearest: the distance to the nearest training digit, and that digit's label)\n\n");
    std::printf("variant       class      p      norm   log p(x)  nearest (label)\n");
    std::vector<std::vector<std::vector<float>>> grid(10);
    for (Variant v : variants) {
        SynthesisOptions o = options_for(v);
        double min_p = 1, sum_density = 0, sum_nearest = 0, sum_norm = 0;
        auto start = std::chrono::steady_clock::now();
        for (int c = 0; c < 10; ++c) {
            o.unit = c;
            Prototype p = synthesize(mlp.net, mlp.input_shape, o);
            double density, nearest, norm = distance(p.input, std::vector<float>(p.input.size(), 0.0f));
            int label;
            realism(p.input, &density, &nearest, &label);
            std::printf("%-13s %5d  %.4f  %6.2f  %8.1f  %6.2f (%d)\n", variant_name(v).c_str(), c, p.probability, norm,
                        density, nearest, label);
            min_p = std::min(min_p, p.probability);
            sum_density += density, sum_nearest += nearest, sum_norm += norm;
            grid[size_t(c)].push_back(p.input);
        }
        std::printf("%-13s  all: lowest p %.4f, mean norm %.2f, mean log p(x) %.1f, mean nearest %.2f; %.1f s for the ten\n\n",
                    variant_name(v).c_str(), min_p, sum_norm / 10, sum_density / 10, sum_nearest / 10, seconds_since(start));
    }
    save_rows(out + "/prototypes.png", grid);

    // ---- several starts: the facets of a class --------------------------------------------
    std::printf("seven prototypes of class 7 and of class 4 in code space, from samples of the prior:\n");
    std::vector<std::vector<std::vector<float>>> facets;
    for (int c : {7, 4}) {
        SynthesisOptions o = options_for(Variant::Generator);
        o.unit = c;
        o.seed = 11;
        std::vector<Prototype> several = synthesize_several(mlp.net, mlp.input_shape, o, 7);
        facets.emplace_back();
        double closest = 1e30, farthest = 0, lowest = 1;
        for (size_t a = 0; a < several.size(); ++a) {
            facets.back().push_back(several[a].input);
            lowest = std::min(lowest, several[a].probability);
            for (size_t b = a + 1; b < several.size(); ++b) {
                double d = distance(several[a].input, several[b].input);
                closest = std::min(closest, d), farthest = std::max(farthest, d);
            }
        }
        std::printf("  class %d: lowest p %.4f; distances between prototypes from %.2f to %.2f\n", c, lowest, closest,
                    farthest);
    }
    save_rows(out + "/facets.png", facets);

    // ---- the local variant: from global to local analysis ---------------------------------
    std::printf("\nthe local variant: prototypes pulled toward test digit 0 (a %d) by eta ||x - x0||^2\n",
                mnist.test.labels[0]);
    std::vector<float> x0(mnist.test.dense.begin(), mnist.test.dense.begin() + 784);
    std::vector<std::vector<std::vector<float>>> local;
    for (int c : {mnist.test.labels[0], 9}) {
        local.push_back({x0});
        for (float eta : {0.001f, 0.01f, 0.1f}) {
            SynthesisOptions o = options_for(Variant::L2);
            o.unit = c;
            o.eta = eta;
            o.anchor = x0;
            o.start = SynthesisStart::Mean;
            o.mean = x0;
            Prototype p = synthesize(mlp.net, mlp.input_shape, o);
            std::printf("  class %d, eta %-6g p %.4f, distance to the digit %.2f\n", c, eta, p.probability,
                        distance(p.input, x0));
            local.back().push_back(p.input);
        }
    }
    save_rows(out + "/local.png", local);

    // ---- inverting the code of a digit, layer by layer (Mahendran and Vedaldi 2015) -----------
    std::printf("\ninverting the code of test digit 0 at each layer of the mlp (TV weight 0.001):\n");
    std::vector<std::vector<std::vector<float>>> inverted{{x0}};
    for (int layer : {1, 3, 4}) {
        SynthesisOptions o;
        o.score = SynthesisScore::Representation;
        o.layer = layer;
        o.target = layer_output(mlp.net, mlp.input_shape, x0, layer);
        o.lambda = 0;
        o.lr = 2;
        o.steps = steps > 0 ? steps : 1000;
        o.tv_weight = 0.001f, o.tv_height = o.tv_width = 28;
        Prototype p = synthesize(mlp.net, mlp.input_shape, o);
        std::printf("  layer %d (%zu values): relative error of the code %.1f%%, distance to the digit %.2f\n",
                    layer, o.target.size(), 100 * std::sqrt(-p.score), distance(p.input, x0));
        inverted[0].push_back(p.input);
    }
    save_rows(out + "/inversions.png", inverted);

    // ---- what LeNet's feature maps respond to --------------------------------------------------
    std::printf("\nlenet, %d epochs: test accuracy %.2f%%; each row: the inputs that maximize the mean of a feature\n"
                "map (or a unit) of one layer, from noise around the mean digit\n", lenet_epochs,
                100 * evaluate(lenet, mnist.test).accuracy);
    std::vector<std::vector<std::vector<float>>> layers;
    // from noise around the mean digit: a map that its ReLU zeroes everywhere at the start passes no gradient,
    // and the mean digit zeroes some; before the ReLU, the mean of a map is linear in x and its maximum a flat image
    for (auto [layer, name, count] : {std::tuple<int, const char*, int>{1, "conv1 + ReLU", 6}, {4, "conv2 + ReLU", 16},
                                      {8, "fc 120 + ReLU", 16}, {11, "logits", 10}}) {
        SynthesisOptions o = options_for(Variant::L2);
        o.score = SynthesisScore::Unit;
        o.layer = layer;
        o.start = SynthesisStart::Noise;
        o.noise = 0.3f;
        o.mean = mean;
        layers.emplace_back();
        double lowest = 1e30, highest = -1e30;
        int silent = 0;
        for (int u = 0; u < count; ++u) {
            o.unit = u;
            Prototype p = synthesize(lenet.net, lenet.input_shape, o);
            layers.back().push_back(stretched(p.input));
            lowest = std::min(lowest, p.score), highest = std::max(highest, p.score);
            silent += p.score == 0.0;
        }
        std::printf("  layer %2d (%s): %d maps or units, activations reached %.2f to %.2f (%d stayed at 0)\n", layer,
                    name, count, lowest, highest, silent);
    }
    save_rows(out + "/lenet_layers.png", layers);
    std::printf("\nwrote %s/prototypes.png, facets.png, local.png, inversions.png, lenet_layers.png\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) {
    return run_program("13_activation_maximization", argc, argv,
                       {"epochs", "expert-epochs", "generator-epochs", "lenet-epochs", "limit", "steps", "out"}, run);
}
