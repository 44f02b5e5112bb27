// Tutorial 06: the gradient family of explanations — sensitivity, simple
// Taylor (gradient x input), deconvnet, guided backprop and two smoothed
// variants — on the MLP and LeNet, on digits and on a post; and the trace of
// one explanation. Read along with tutorials/06_gradient_family.md.
//
// usage: 06_gradient_family [--epochs N] [--limit N] [--out DIR]
#include <cmath>
#include <cstdio>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "viz/html.hpp"
#include "viz/png.hpp"

using namespace gb;

const std::vector<std::string> kMethods{"sensitivity", "gradient-x-input", "deconvnet", "guided-backprop",
                                        "smoothgrad", "integrated-gradients"};

Model train(const std::string& name, const LabeledSet& data, int epochs, const ModelSize& size = {}) {
    Model model = make_model(name, 1, size);
    bool images = name == "mlp" || name == "lenet";
    float lr = images ? 0.05f : 0.003f;
    std::unique_ptr<Optimizer> opt;
    if (images) opt = std::make_unique<SGD>(parameter_tensors(model.net), lr, 0.9f);
    else opt = std::make_unique<Adam>(parameter_tensors(model.net), lr);
    fit(model, *opt, data, epochs);
    return model;
}

// Rows: digits; columns: the digit, then one heatmap per method.
void save_grid(const std::string& path, Model& model, const LabeledSet& test, const std::vector<int>& digits) {
    std::vector<Tensor> maps;  // kept alive for the grid's pointers
    std::vector<HeatmapRow> grid;
    for (int digit : digits) {
        Tensor x = gather_batch(test, {digit}, model.input_shape);
        HeatmapRow row{test.dense.data() + size_t(digit) * test.example_size, {},
                       "digit " + std::to_string(test.labels[size_t(digit)])};
        for (const std::string& method : kMethods) maps.push_back(explain(model.net, x, method).relevance);
        grid.push_back(row);
    }
    for (size_t i = 0, m = 0; i < grid.size(); ++i)
        for (size_t k = 0; k < kMethods.size(); ++k, ++m) grid[i].maps.push_back(maps[m].data());
    std::vector<std::string> columns{"digit"};
    columns.insert(columns.end(), kMethods.begin(), kMethods.end());
    save_heatmap_grid(path, grid, 28, 28, false, 3, columns);
}

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 5, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    std::string out = flags.text("out", "runs/06_gradient_family");
    make_folder(out);
    DataSplits mnist = load_mnist_data(limit);
    DataSplits news = load_data("20news", InputKind::Sequence, limit > 0 ? limit : 0, [&] {
        TextSettings t;
        t.train_limit = limit;
        return t;
    }());
    std::vector<int> digits{0, 1, 2, 3};

    // The three models train side by side, the slowest first.
    Model textcnn, lenet, mlp;
    side_by_side(3, [&](int k) {
        if (k == 0)
            textcnn = train("textcnn", news.train, std::max(2, epochs / 2),
                            {news.vocabulary.size(), news.text.length, news.train.classes});
        else if (k == 1)
            lenet = train("lenet", mnist.train, epochs);
        else
            mlp = train("mlp", mnist.train, epochs);
    });

    for (std::string name : {"mlp", "lenet"}) {
        Model& model = name == "mlp" ? mlp : lenet;
        std::printf("%s: test accuracy %.2f%%\n", name.c_str(), 100 * evaluate(model, mnist.test).accuracy);
        save_grid(out + "/" + name + "_methods.png", model, mnist.test, digits);

        // Sensitivity explains the slope, not the value: how much of its mass lies on
        // pixels that are black (x = 0), which contribute nothing to the logit itself?
        Tensor x = gather_batch(mnist.test, digits, model.input_shape);
        Tensor s = explain(model.net, x, "sensitivity").relevance, g = explain(model.net, x, "gradient-x-input").relevance;
        double on_background = 0, total = 0, gi_sum = 0;
        for (size_t k = 0; k < s.numel(); ++k) {
            total += s.values()[k];
            if (x.values()[k] == 0.0f) on_background += s.values()[k];
            gi_sum += g.values()[k];
        }
        Explanation e = explain(model.net, x, "gradient-x-input");
        double logits = 0;
        for (float f : e.logit) logits += f;
        std::printf("%s: %.0f%% of the sensitivity lies on black pixels; gradient x input puts none there, "
                    "and its sum over the 4 digits is %.2f against their logits' %.2f\n",
                    name.c_str(), 100 * on_background / total, gi_sum, logits);

        if (name == "lenet") {  // the trace of one explanation
            ExplainOptions o;
            o.trace = true;
            Explanation t = explain(model.net, gather_batch(mnist.test, {0}, model.input_shape), "guided-backprop", o);
            std::printf("\nguided backprop of %s for digit %d, layer by layer:\n", name.c_str(), mnist.test.labels[0]);
            std::printf("  %-30s %-18s %11s %11s %11s\n", "signal at", "shape", "sum", "positive", "negative");
            for (const TraceStep& step : t.trace)
                std::printf("  %-30s %-18s %11.4f %11.4f %11.4f\n", step.layer.c_str(), shape_str(step.shape).c_str(),
                            step.sum, step.positive, step.negative);
            std::printf("\n");
        }
    }

    // ---- a post: the text CNN, its words coloured by two methods -------------
    std::printf("textcnn: test accuracy %.2f%%\n", 100 * evaluate(textcnn, news.test).accuracy);
    const int post = std::min(5, news.test.count() - 1);
    Tensor ids = gather_batch(news.test, {post}, textcnn.input_shape);
    for (std::string method : {"gradient-x-input", "guided-backprop"}) {
        Explanation e = explain(textcnn.net, ids, method);
        const std::string& text = news.test_texts[size_t(post)];
        save_text_heatmap(out + "/post_" + method + ".html", text, word_spans(text, e.relevance.values()),
                          "textcnn " + method + ": explained " + news.class_names[size_t(e.targets[0])] + ", true " +
                              news.class_names[size_t(news.test.labels[size_t(post)])]);
    }
    std::printf("wrote %s/mlp_methods.png, lenet_methods.png, post_gradient-x-input.html, "
                "post_guided-backprop.html\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("06_gradient_family", argc, argv, {"epochs", "limit", "out"}, run); }
