// Tutorial 11: LIME (Ribeiro, Singh, Guestrin 2016) step by step on a digit,
// a post and a wine: the interpretable features, the neighbourhood, the
// proximity weights, the local linear model and its R^2; how the explanation
// moves with the kernel width and the number of samples; and LIME against LRP
// under region perturbation. Read along with tutorials/11_lime.md.
//
// usage: 11_lime [--epochs N] [--text-epochs N] [--limit N] [--digits N] [--seeds N] [--out DIR]
#include <algorithm>
#include <cstdio>
#include <functional>
#include <numeric>
#include <set>

#include "app/evaluation_report.hpp"
#include "app/program.hpp"
#include "explain/evaluation/chunks.hpp"
#include "explain/surrogate/lime.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "viz/html.hpp"
#include "viz/png.hpp"

using namespace gb;

using Explainer = std::function<LimeResult(const LimeSettings&)>;  // one explainer on one input

// The local model as a map: every pixel (word, column) gets its feature's coefficient, 0 if not selected.
std::vector<float> lime_map(const LimeResult& r) {
    std::vector<double> coefficient(r.feature_names.size(), 0.0);
    for (const auto& [f, w] : r.model.ranked) coefficient[size_t(f)] = w;
    std::vector<float> map;
    for (int f : r.feature_of) map.push_back(f < 0 ? 0.0f : float(coefficient[size_t(f)]));
    return map;
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

std::set<int> top5(const LimeResult& r) {
    std::set<int> top;
    for (size_t k = 0; k < std::min<size_t>(5, r.model.ranked.size()); ++k) top.insert(r.model.ranked[k].first);
    return top;
}

std::string names(const LimeResult& r, const std::set<int>& features) {
    std::string s;
    for (const auto& [f, w] : r.model.ranked)
        if (features.count(f)) s += (s.empty() ? "" : ", ") + r.feature_names[size_t(f)];
    return s;
}

size_t shared(const std::set<int>& a, const std::set<int>& b) {
    return size_t(std::count_if(a.begin(), a.end(), [&](int f) { return b.count(f) > 0; }));
}

// ---- 4. the same explanation again, with another seed or another kernel width ----
// The top-5 features of seeds 1..count (10 in the walkthrough) at each number of samples: how many
// distinct sets, and how many features two seeds share on average. Returns the results of the first
// five seeds at each size.
std::vector<std::vector<LimeResult>> seeds(const std::string& what, const Explainer& lime, int count,
                                           const std::vector<int>& sizes = {100, 1000, 5000}) {
    std::vector<std::vector<LimeResult>> kept;
    for (int samples : sizes) {
        std::vector<std::set<int>> tops;
        std::vector<double> r2;
        double pairs = 0, overlap = 0;
        kept.emplace_back();
        for (uint64_t seed = 1; seed <= uint64_t(count); ++seed) {
            LimeSettings s;
            s.samples = samples, s.seed = seed;
            LimeResult r = lime(s);
            tops.push_back(top5(r));
            r2.push_back(r.model.score);
            if (seed <= 5) kept.back().push_back(std::move(r));
        }
        std::set<int> always = tops[0];  // the features in every seed's top 5
        for (size_t i = 0; i < tops.size(); ++i) {
            for (size_t j = i + 1; j < tops.size(); ++j) overlap += double(shared(tops[i], tops[j])), pairs += 1;
            for (int f : tops[0]) if (!tops[i].count(f)) always.erase(f);
        }
        std::printf("%s, %4d samples: %zu distinct top-5 sets in %d seeds, two seeds share %.2f of 5 on average, "
                    "%zu in all %d, mean R^2 %.3f\n", what.c_str(), samples,
                    std::set<std::set<int>>(tops.begin(), tops.end()).size(), count, overlap / pairs, always.size(),
                    count, mean(r2));
    }
    return kept;
}

// The default width times each factor: the mean weight, R^2, and the top 5 (and how many of the default's).
std::vector<LimeResult> widths(const std::string& what, const Explainer& lime, int samples) {
    LimeSettings s;
    s.samples = samples;
    const LimeResult usual = lime(s);
    std::vector<LimeResult> results;
    for (double factor : {0.1, 0.4, 1.0, 4.0, 40.0}) {
        s.kernel_width = factor * usual.kernel_width;
        LimeResult r = lime(s);
        std::printf("%s, width %7.3f (x%-4g): mean weight %.3f  R^2 %.3f  top 5 (%zu as at x1): %s\n", what.c_str(),
                    r.kernel_width, factor, mean(r.weights), r.model.score, shared(top5(r), top5(usual)),
                    names(r, top5(r)).c_str());
        results.push_back(std::move(r));
    }
    return results;
}

// ---- pictures of superpixels and of neighbours -------------------------------------
Rgb palette(int label) {
    static const Rgb colours[] = {{230, 25, 75},  {60, 180, 75},  {255, 225, 25}, {0, 130, 200},
                                  {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230},
                                  {210, 245, 60}, {250, 190, 212}, {0, 128, 128}, {170, 110, 40}};
    return colours[label % 12];
}

// Each superpixel in its colour, darker where the digit has ink.
void draw_segments(Canvas& c, int x, int y, const float* image, const Segmentation& s, int zoom) {
    for (int i = 0; i < s.height * s.width; ++i) {
        const Rgb p = palette(s.label[size_t(i)]);
        const float shade = 1.0f - 0.6f * image[i];
        c.fill(x + (i % s.width) * zoom, y + (i / s.width) * zoom, zoom, zoom,
               {(unsigned char)(p.r * shade), (unsigned char)(p.g * shade), (unsigned char)(p.b * shade)});
    }
}

// z = h_x(z'): the digit with the superpixels of z'_f = 0 showing their mean value (lime's hide_color=None).
std::vector<float> neighbour(const float* x, const Segmentation& s, const double* z) {
    std::vector<double> sum(size_t(s.count)), count(size_t(s.count));
    for (size_t i = 0; i < s.label.size(); ++i) sum[size_t(s.label[i])] += x[i], count[size_t(s.label[i])] += 1;
    std::vector<float> out(s.label.size());
    for (size_t i = 0; i < out.size(); ++i) {
        const size_t f = size_t(s.label[i]);
        out[i] = z[f] == 1.0 ? x[i] : float(sum[f] / count[f]);
    }
    return out;
}

// ---- 1. a digit, step by step; then section 4 on it ------------------------------------
void digit_step_by_step(Model& model, const LabeledSet& test, int seed_count, const std::string& out) {
    Tensor x = gather_batch(test, {0}, model.input_shape);  // (1, 1, 28, 28)
    const Scorer score = network_scorer(model.net);
    const int target = predict(model, test, {0})[0];
    // step 1: the interpretable features, superpixels (quickshift with lime's settings for MNIST)
    const Segmentation s = quickshift(x.data(), 1, 28, 28, 20.0f, 1.0f, 200.0f, 1);
    std::printf("test digit 0, a %d; lenet predicts %d\n", test.labels[0], target);
    std::printf("1. quickshift: %d superpixels\n", s.count);
    // steps 2-5: neighbourhood, scores, weights, local model
    const Explainer lime = [&](const LimeSettings& o) { return lime_image(score, x, target, s, true, 0, o); };
    const LimeResult r = lime(LimeSettings());  // 1000 samples, width 0.25, K = 10, seed 1
    const Neighbourhood& n = r.neighbourhood;
    std::printf("2. neighbourhood: %d rows; row 0 keeps every superpixel, the others each with probability 1/2\n"
                "   row  z'%*s  P(%d)     distance  weight\n", n.rows, s.count - 2, "", target);
    for (int row = 0; row < 8; ++row) {
        std::string z;
        for (int f = 0; f < n.features; ++f) z += n.data[size_t(row * n.features + f)] == 1.0 ? '1' : '0';
        const size_t k = size_t(row);
        std::printf("   %3d  %s  %.4f   %.4f    %.4f\n", row, z.c_str(), n.scores[k], n.distances[k], r.weights[k]);
    }
    std::printf("3. weights: kernel width %.2f, mean weight %.3f\n", r.kernel_width, mean(r.weights));
    std::printf("4-5. local model (%zu superpixels): intercept %.4f, R^2 %.4f, at the digit %.4f (the network: %.4f)\n",
                r.model.features.size(), r.model.intercept, r.model.score, r.model.local_prediction, n.scores[0]);
    for (const auto& [f, w] : r.model.ranked) std::printf("   %+.4f  segment %d\n", w, f);

    // the neighbourhood as pictures: the digit, its superpixels, then rows 1..8 with P(class) in % below
    const int zoom = 3, tile = 28 * zoom + 6;
    Canvas c(10 * tile + 6, tile + 30, {255, 255, 255});
    c.draw_grey(6, 6, x.data(), 28, 28, zoom);
    draw_segments(c, 6 + tile, 6, x.data(), s, zoom);
    for (int row = 1; row <= 8; ++row) {
        const std::vector<float> z = neighbour(x.data(), s, &n.data[size_t(row * n.features)]);
        c.draw_grey(6 + (row + 1) * tile, 6, z.data(), 28, 28, zoom);
        c.draw_text(6 + (row + 1) * tile, 6 + 28 * zoom + 6, std::to_string(int(100 * n.scores[size_t(row)] + 0.5)),
                    {0, 0, 0}, 3);
    }
    c.save_png(out + "/neighbourhood.png");

    // the same explanation with other seeds and sizes, with quickshift's superpixels and with SLIC's
    std::printf("\n");
    const Segmentation fine = slic(x.data(), 1, 28, 28, 40, 0.1f);
    const Explainer lime_slic = [&](const LimeSettings& o) { return lime_image(score, x, target, fine, true, 0, o); };
    // runs: the first 5 seeds at 100, 1000, 5000 samples, with each segmentation
    std::vector<std::vector<LimeResult>> runs = seeds("digit, quickshift", lime, seed_count);
    std::printf("SLIC: %d superpixels\n", fine.count);
    for (auto& row : seeds("digit, SLIC", lime_slic, seed_count)) runs.push_back(std::move(row));
    std::printf("\n");
    runs.push_back(widths("digit", lime, 1000));
    std::vector<std::vector<std::vector<float>>> maps;  // a row of the pictures per row of runs
    for (const auto& row : runs) {
        maps.emplace_back();
        for (const LimeResult& one : row) maps.back().push_back(lime_map(one));
    }
    std::vector<HeatmapRow> grid;
    for (const auto& row : maps) {
        grid.push_back({x.data(), {}});
        for (const auto& map : row) grid.back().maps.push_back(map.data());
    }
    save_heatmap_grid(out + "/kernel_width.png", {grid.back()}, 28, 28, false, 3);
    grid.pop_back();
    save_heatmap_grid(out + "/seeds.png", grid, 28, 28, false, 3);
}

// ---- 5. LIME against LRP on the same digits ------------------------------------------
void lime_against_lrp(Model& model, const LabeledSet& test, int digits, const std::string& out) {
    std::vector<int> indices, labels;
    for (int k = 0; k < std::min(digits, test.count()); ++k) indices.push_back(k);
    Tensor x = gather_batch(test, indices, model.input_shape, &labels);
    ExplainOptions o;
    o.input.bounded = true;  // pixels in [0, 1]: the composite "lrp" uses zB at the input
    std::vector<MethodPerturbation> results;
    std::vector<Tensor> maps;
    // K = 10 features (lime's default), and on the grid also K = 49: a coefficient for every 4 x 4 region
    const std::vector<std::pair<std::string, int>> variants{
        {"quickshift", 10}, {"slic", 10}, {"grid", 10}, {"grid", 49}};
    for (const auto& [segments, features] : variants) {
        ExplainOptions v = o;
        v.set("segments", segments);
        if (features != 10) v.set("features", features);
        maps.push_back(explain(model.net, rows(x, 0, 4), "lime", v).relevance);  // for the picture
        results.push_back(region_perturbation(model.net, x, labels, {"lime"}, v, {})[0]);
        results.back().method = "lime (" + segments + ", K = " + std::to_string(features) + ")";
    }
    maps.push_back(explain(model.net, rows(x, 0, 4), "lrp", o).relevance);
    for (MethodPerturbation& m : region_perturbation(model.net, x, labels, {"lrp", "random"}, o, {}))
        results.push_back(std::move(m));
    Report report = perturbation_report(results);
    std::printf("\nregion perturbation (4 x 4 regions, uniform noise) on %d test digits:\n%s\n", x.dim(0),
                report.table.c_str());
    plot_png(out + "/perturbation.png", report.panels);
    // the first four digits: the digit, LIME with the three segmentations, LRP; and their superpixels
    std::vector<HeatmapRow> grid;
    const int zoom = 3, tile = 28 * zoom + 6;
    Canvas c(4 * tile + 6, 4 * tile + 6, {255, 255, 255});
    for (int d = 0; d < 4; ++d) {
        const float* digit = x.data() + size_t(d) * 784;
        grid.push_back({digit, {}});
        for (const Tensor& m : maps) grid.back().maps.push_back(m.data() + size_t(d) * 784);
        c.draw_grey(6, 6 + d * tile, digit, 28, 28, zoom);
        draw_segments(c, 6 + tile, 6 + d * tile, digit, quickshift(digit, 1, 28, 28, 20.0f, 1.0f, 200.0f, 1), zoom);
        draw_segments(c, 6 + 2 * tile, 6 + d * tile, digit, slic(digit, 1, 28, 28, 40, 0.1f), zoom);
        draw_segments(c, 6 + 3 * tile, 6 + d * tile, digit, grid_segmentation(28, 28, 4), zoom);
    }
    save_heatmap_grid(out + "/lime_vs_lrp.png", grid, 28, 28, false, 3);
    c.save_png(out + "/segments.png");
}

// ---- 2. a post ------------------------------------------------------------------------
Model trained_textcnn(const DataSplits& news, int epochs) {
    Model model = make_model("textcnn", 1, {news.vocabulary.size(), news.text.length, news.train.classes});
    embeddings_from_lsa(model, news.train, 1);  // as `glassbox train --model textcnn` trains it
    Adam adam(parameter_tensors(model.net), 0.001f);
    fit(model, adam, news.train, epochs);
    return model;
}

void post(Model& model, const DataSplits& news, int epochs, int seed_count, const std::string& out) {
    std::printf("\ntextcnn, %d epochs: test accuracy %.2f%%\n", epochs, 100 * evaluate(model, news.test).accuracy);
    const int index = std::min(5, news.test.count() - 1);
    Tensor ids = gather_batch(news.test, {index}, model.input_shape);
    ExplainOptions o;
    for (int id = 0; id < news.vocabulary.size(); ++id) o.input.words.push_back(news.vocabulary.word(id));
    Explanation e = explain(model.net, ids, "lime", o);
    const std::string &truth = news.class_names[size_t(news.test.labels[size_t(index)])],
                      &explained = news.class_names[size_t(e.targets[0])];
    std::printf("test post %d (%s), explained: %s\n", index, truth.c_str(), explained.c_str());
    for (const std::string& line : e.steps) std::printf("  %s\n", line.c_str());
    const std::string& words = news.test_texts[size_t(index)];
    save_text_heatmap(out + "/post.html", words, word_spans(words, e.relevance.values()),
                      "textcnn lime: explained " + explained + ", true " + truth);
    const Scorer score = network_scorer(model.net);
    // not at 5000 samples: 50,000 more calls of the text CNN would add about half a minute
    const Explainer lime = [&](const LimeSettings& s) { return lime_text(score, ids, e.targets[0], o.input.words, s); };
    seeds("post", lime, seed_count, {100, 1000});
}

// ---- 3. a wine ------------------------------------------------------------------------
void wine(int seed_count) {
    DataSplits wines = load_data("wine", InputKind::Table);
    Model model = make_model("tab-mlp", 1, {0, 0, wines.train.classes, wines.table.count()});
    SGD sgd(parameter_tensors(model.net), 0.01f, 0.9f);  // as `glassbox train --model tab-mlp` trains it
    FitOptions batches;
    batches.batch = 16;
    fit(model, sgd, wines.train, 50, batches);
    std::printf("\ntab-mlp, 50 epochs: test accuracy %.2f%%\n", 100 * evaluate(model, wines.test).accuracy);
    Tensor row = gather_batch(wines.test, {0}, model.input_shape);
    ExplainOptions o;
    o.input.table_rows = wines.train.dense;  // the standardised training rows
    o.input.table_names = wines.table.names;
    o.input.table_mean = wines.table.mean;   // raw = value * scale + mean, for the feature names
    o.input.table_scale = wines.table.scale;
    Explanation e = explain(model.net, row, "lime", o.set("samples", 5000));  // lime's default for tables
    std::printf("test wine 0 (%s), explained: %s\n", wines.class_names[size_t(wines.test.labels[0])].c_str(),
                wines.class_names[size_t(e.targets[0])].c_str());
    for (const std::string& line : e.steps) std::printf("  %s\n", line.c_str());
    const Scorer score = network_scorer(model.net);
    const TableStatistics training{o.input.table_rows, o.input.table_names, o.input.table_mean, o.input.table_scale};
    const Explainer lime = [&](const LimeSettings& s) { return lime_tabular(score, row, e.targets[0], training, s); };
    seeds("wine", lime, seed_count);
    widths("wine", lime, 5000);
}

int run(const Flags& flags) {
    const int epochs = flags.whole("epochs", 2, 1, 1000), text_epochs = flags.whole("text-epochs", 1, 1, 1000);
    const int limit = flags.whole("limit", 0, 0, 60000), digits = flags.whole("digits", 100, 4, 10000);
    const int seed_count = flags.whole("seeds", 10, 2, 100);
    std::string out = flags.text("out", "runs/11_lime");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    TextSettings text;
    text.train_limit = limit;
    DataSplits news = load_data("20news", InputKind::Sequence, limit, text);
    Model model = make_model("lenet", 1), textcnn;
    side_by_side(2, [&](int k) {  // the two models train side by side, one per core
        if (k == 0) {
            textcnn = trained_textcnn(news, text_epochs);
        } else {
            SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);  // as `glassbox train --model lenet` trains it
            fit(model, sgd, mnist.train, epochs);
        }
    });
    std::printf("lenet, %d epochs: test accuracy %.2f%%\n\n", epochs, 100 * evaluate(model, mnist.test).accuracy);
    digit_step_by_step(model, mnist.test, seed_count, out);
    post(textcnn, news, text_epochs, seed_count, out);
    wine(seed_count);
    lime_against_lrp(model, mnist.test, digits, out);
    std::printf("\nwrote the pictures and post.html to %s\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) {
    return run_program("11_lime", argc, argv, {"epochs", "text-epochs", "limit", "digits", "seeds", "out"}, run);
}
