// Tutorial 05: an LSTM reads a digit row by row; unrolled, we watch its
// hidden state and its belief change with every row.
// Read along with tutorials/05_lstm_unrolled.md.
//
// usage: 05_lstm_unrolled [--epochs N] [--limit N] [--out DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/program.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "nn/ops.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "viz/plot.hpp"
#include "viz/png.hpp"

using namespace gb;

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 5, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    std::string out = flags.text("out", "runs/05_lstm_unrolled");
    make_folder(out);

    DataSplits mnist = load_mnist_data(limit);
    Model model = make_model("lstm", 1);  // (28 rows, 28 pixels) -> LSTM 128 -> Linear 10
    std::printf("model (input: 28 rows of 28 pixels):\n%s\n", model.net.describe().c_str());
    Adam adam(parameter_tensors(model.net), 1e-3f);
    FitOptions report;
    report.after_epoch = [&](int e, const EpochResult& r) {
        std::printf("epoch %2d  loss %.4f  test accuracy %.2f%%  (%.1f s)\n", e + 1, r.loss,
                    100 * evaluate(model, mnist.test).accuracy, r.seconds);
    };
    fit(model, adam, mnist.train, epochs, report);
    save_model(model, out + "/lstm.npz");

    // ---- unrolled: every hidden state h_1 .. h_28, and the classifier on each --
    auto& cell = dynamic_cast<LSTM&>(model.net[0]);
    auto& classifier = dynamic_cast<Linear&>(model.net[1]);
    auto p = cell.parameters();  // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
    std::vector<Series> confidence;
    std::vector<float> states;  // of the first digit: (28 steps, 128)
    for (int i = 0; i < 4; ++i) {
        Tensor x = gather_batch(mnist.test, {i}, model.input_shape);                          // (1, 28, 28)
        Tensor h = lstm(x, p[0].second, p[1].second, p[2].second, p[3].second, {}, false);  // (1, 28, 128)
        Tensor probabilities = softmax(classifier.forward(reshape(h, {28, 128})));          // (28, 10)
        int label = mnist.test.labels[size_t(i)];
        Series s{"digit " + std::to_string(label), {}, {}};
        for (int t = 0; t < 28; ++t) {
            s.x.push_back(t + 1);
            s.y.push_back(probabilities.values()[size_t(t) * 10 + size_t(label)]);
        }
        confidence.push_back(s);
        if (i == 0) states = h.values();
        int peak = 0;  // the most confident row before the last fifth of the digit
        for (int t = 1; t < 21; ++t)
            if (s.y[size_t(t)] > s.y[size_t(peak)]) peak = t;
        std::printf("digit %d: P(%d) after 7, 14, 21, 28 rows: %.3f %.3f %.3f %.3f   highest in rows 1-21: %.3f after %d\n",
                    label, label, s.y[6], s.y[13], s.y[20], s.y[27], s.y[size_t(peak)], peak + 1);
    }
    plot_png(out + "/confidence.png",
             {{"belief in the true class while reading", "rows read", "P(true class)", confidence}}, 700, 420);

    // The first digit beside its 28 hidden states (one column per step, one row per unit).
    const int zoom = 6;
    Canvas canvas(28 * zoom + 12 + 28 * zoom, 128 * 3, {255, 255, 255});
    canvas.draw_grey(0, 0, mnist.test.dense.data(), 28, 28, zoom);
    std::vector<float> by_unit(128 * 28);  // transposed: (128 units, 28 steps)
    for (int t = 0; t < 28; ++t)
        for (int u = 0; u < 128; ++u) by_unit[size_t(u) * 28 + size_t(t)] = states[size_t(t) * 128 + size_t(u)];
    for (int u = 0; u < 128; ++u)  // each unit 3 pixels tall, each step `zoom` wide
        for (int t = 0; t < 28; ++t)
            canvas.fill(28 * zoom + 12 + t * zoom, u * 3, zoom, 3, diverging(by_unit[size_t(u) * 28 + size_t(t)]));
    canvas.save_png(out + "/hidden_states.png");
    std::printf("wrote %s/lstm.npz, confidence.png and hidden_states.png\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("05_lstm_unrolled", argc, argv, {"epochs", "limit", "out"}, run); }
