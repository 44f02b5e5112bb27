// lime_method.cpp: LIME as a method of the catalogue. It picks the explainer
// for the input (images, word ids, table rows), and reads the local model
// back as a map: every pixel, word or column gets the coefficient of its
// interpretable feature (0 where the feature was not selected).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "explain/method.hpp"
#include "explain/surrogate/lime.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// Superpixels of a digit. Quickshift with lime's settings for MNIST (its
// tutorial "MNIST and RF": kernel_size 1, max_dist 200, ratio 0.2 on the Lab
// colours of the grey digit, whose lightness runs from 0 to 100; here ratio
// 20 on values in [0, 1] stands for it); SLIC with 40 segments and a compactness that suits
// values in [0, 1]; or squares of 4 x 4 pixels.
Segmentation segments_of(const MethodCall& call, const Tensor& image, int height, int width) {
    const std::string kind = call.choice("segments");
    const int channels = int(image.numel() / (size_t(height) * size_t(width)));
    if (kind == "quickshift")
        return quickshift(image.data(), channels, height, width, 20.0f, 1.0f, 200.0f, uint64_t(call.whole("seed")));
    if (kind == "slic") return slic(image.data(), channels, height, width, 40, 0.1f);
    return grid_segmentation(height, width, 4);
}

LimeResult explain_one(const MethodCall& call, const Tensor& x, int target, const LimeSettings& settings) {
    const Scorer score = network_scorer(call.net);
    const InputInfo& info = call.options.input;
    switch (input_form(call.net, x, info)) {
        case InputForm::Words: return lime_text(score, x, target, info.words, settings);
        case InputForm::Features:
            return lime_tabular(score, x, target, {info.table_rows, info.table_names, info.table_mean, info.table_scale},
                                settings);
        case InputForm::Image: break;
    }
    int H = info.height, W = info.width;
    if (H == 0) H = x.dim(-2), W = x.dim(-1);
    const std::string hide = call.text("hide");
    return lime_image(score, x, target, segments_of(call, x, H, W), hide == "mean",
                      hide == "mean" ? 0.0f : std::strtof(hide.c_str(), nullptr), settings);
}

// The arrays of --save-samples: the neighbourhood and the local model, for a reader to redo the fit.
std::vector<NpyArray> saved_arrays(const LimeResult& r, int target) {
    const Neighbourhood& n = r.neighbourhood;
    auto floats = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
    std::vector<float> features, coefficients, segments(r.feature_of.begin(), r.feature_of.end());
    for (const auto& [f, w] : r.model.ranked) features.push_back(float(f)), coefficients.push_back(float(w));
    return {{"rows", {n.rows, n.features}, floats(n.data)},
            {"scores", r.scores.shape(), r.scores.values()},
            {"distances", {n.rows}, floats(n.distances)},
            {"weights", {n.rows}, floats(r.weights)},
            {"segments", {int(segments.size())}, segments},
            {"label", {1}, {float(target)}},
            {"features", {int(features.size())}, features},
            {"coefficients", {int(coefficients.size())}, coefficients},
            {"intercept", {1}, {float(r.model.intercept)}},
            {"score", {1}, {float(r.model.score)}},
            {"local_prediction", {1}, {float(r.model.local_prediction)}}};
}

std::vector<std::string> steps_of(const LimeResult& r, const std::string& selection) {
    const Neighbourhood& n = r.neighbourhood;
    char line[200];
    std::vector<std::string> steps;
    std::snprintf(line, sizeof line, "1. interpretable features: %d (%s, ...)", n.features, r.feature_names[0].c_str());
    steps.push_back(line);
    std::snprintf(line, sizeof line, "2. neighbourhood: %d rows of %d features, row 0 the instance; scores (%d, %d)",
                  n.rows, n.features, r.scores.dim(0), r.scores.dim(1));
    steps.push_back(line);
    double weight_sum = 0;
    for (double w : r.weights) weight_sum += w;
    std::snprintf(line, sizeof line, "3. weights: kernel width %.4g, mean weight %.4f", r.kernel_width,
                  weight_sum / double(r.weights.size()));
    steps.push_back(line);
    std::snprintf(line, sizeof line, "4. feature selection %s: %zu features", selection.c_str(), r.model.features.size());
    steps.push_back(line);
    std::snprintf(line, sizeof line, "5. weighted ridge (alpha 1): intercept %.4f, R^2 %.4f, local prediction %.4f (black box %.4f)",
                  r.model.intercept, r.model.score, r.model.local_prediction, n.scores[0]);
    steps.push_back(line);
    for (const auto& [f, w] : r.model.ranked) {
        std::snprintf(line, sizeof line, "   %+.4f  %s", w, r.feature_names[size_t(f)].c_str());
        steps.push_back(line);
    }
    return steps;
}

Parameter hide_parameter() {
    Parameter hide = real_parameter("hide", "mean", -1e6, 1e6, "images: what a hidden superpixel shows, its mean or a value");
    hide.choices = {"mean"};
    return hide;
}

}  // namespace

Method lime_method() {
    Method m("lime", Family::Surrogate, "Ribeiro, Singh, Guestrin 2016, \"Why should I trust you?\"",
             "a linear model of f fitted on perturbed copies (superpixels, words, feature bins), weighted by proximity");
    m.parameters = {
        whole_parameter("samples", 1000, 2, 1000000, "rows of the neighbourhood (lime: 1000 for images, 5000 for text and tables)"),
        real_parameter("kernel-width", "", 1e-6, 1e6,
                       "width of the proximity kernel (default as lime: 0.25 images, 25 text, 0.75 sqrt(features) tables)"),
        whole_parameter("features", 10, 1, 100000, "K, the features of the local model"),
        choice_parameter("selection", "auto", {"none", "forward-selection", "highest-weights", "lasso-path", "auto"},
                         "how the K features are chosen (auto: forward selection for K <= 6, else highest weights)"),
        choice_parameter("segments", "quickshift", {"quickshift", "slic", "grid"}, "images: the superpixels"),
        hide_parameter(),
        whole_parameter("seed", 1, 0, 2147483647, "seed of the neighbourhood"),
        choice_parameter("output", "probability", {"probability", "logit"}, "the score explained (lime: the probability)")};
    m.inputs = kEveryInput;
    m.refusal = [](Sequential&, size_t, InputForm form, const InputInfo& input) -> std::string {
        if (form == InputForm::Features && input.table_rows.empty())
            return "explains feature vectors as a table: it needs the training rows (their quartiles and frequencies), "
                   "which this input has not (a table model such as tab-mlp has them)";
        return "";
    };
    m.has_steps = true;
    m.run = [](const MethodCall& call) {
        LimeSettings settings;
        settings.samples = call.whole("samples");
        settings.kernel_width = call.given("kernel-width") ? call.real("kernel-width") : 0.0;
        settings.features = call.whole("features");
        settings.at_most = !call.given("features");
        settings.selection = feature_selection_named(call.choice("selection"));
        settings.seed = uint64_t(call.whole("seed"));
        settings.probabilities = call.choice("output") == "probability";
        Explanation e = forward_explanation(call);
        const Tensor& x = call.x;
        const int B = x.dim(0);
        const size_t per_example = x.numel() / size_t(B);
        e.relevance = Tensor(x.shape());
        Diagnostic score{"score", {}}, intercept{"intercept", {}}, local{"local_prediction", {}}, width{"kernel_width", {}};
        for (int b = 0; b < B; ++b) {
            Shape one = x.shape();
            one[0] = 1;
            Tensor xb(one, std::vector<float>(x.values().begin() + std::ptrdiff_t(size_t(b) * per_example),
                                              x.values().begin() + std::ptrdiff_t(size_t(b + 1) * per_example)));
            const LimeResult r = explain_one(call, xb, call.targets[size_t(b)], settings);
            std::vector<double> coefficient(r.feature_names.size(), 0.0);
            for (const auto& [f, w] : r.model.ranked) coefficient[size_t(f)] = w;
            for (size_t k = 0; k < per_example; ++k)
                if (r.feature_of[k] >= 0) e.relevance.values()[size_t(b) * per_example + k] = float(coefficient[size_t(r.feature_of[k])]);
            score.values.push_back(r.model.score);
            intercept.values.push_back(r.model.intercept);
            local.values.push_back(r.model.local_prediction);
            width.values.push_back(r.kernel_width);
            if (b > 0) continue;  // the first example's features, steps and samples
            for (const auto& [f, w] : r.model.ranked) e.terms.push_back({r.feature_names[size_t(f)], w});
            e.notes = {{"selection", call.choice("selection")}, {"explained", call.choice("output")}};
            e.steps = steps_of(r, call.choice("selection"));
            e.saved = saved_arrays(r, call.targets[0]);
        }
        e.diagnostics = {score, intercept, local, width};
        return e;
    };
    return m;
}

}  // namespace gb
