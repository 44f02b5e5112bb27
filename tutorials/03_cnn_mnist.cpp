// Tutorial 03: a convolutional network (LeNet-5) on MNIST: what its filters
// and feature maps look like. Read along with tutorials/03_cnn_mnist.md.
//
// usage: 03_cnn_mnist [--epochs N] [--limit N] [--out DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/program.hpp"
#include "nn/conv_layers.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "viz/png.hpp"

using namespace gb;

float largest_magnitude(const float* v, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(v[i]));
    return m;
}

// Each (out, in) kernel of a Conv2d weight (O, C, k, k) as a small signed picture.
void save_filters(const std::string& path, Tensor& w) {
    int O = w.dim(0), C = w.dim(1), k = w.dim(2), zoom = 12, gap = 4;
    Canvas canvas(O * (k * zoom + gap) + gap, C * (k * zoom + gap) + gap, {255, 255, 255});
    for (int o = 0; o < O; ++o)
        for (int c = 0; c < C; ++c) {
            const float* kernel = w.data() + (size_t(o) * C + c) * k * k;
            canvas.draw_signed(gap + o * (k * zoom + gap), gap + c * (k * zoom + gap), kernel, k, k, zoom,
                               largest_magnitude(kernel, size_t(k * k)));
        }
    canvas.save_png(path);
}

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 10, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    std::string out = flags.text("out", "runs/03_cnn_mnist");
    make_folder(out);

    DataSplits mnist = load_mnist_data(limit);
    const LabeledSet &train = mnist.train, &test = mnist.test;
    Model model = make_model("lenet", 1);
    std::printf("model (input 1x28x28):\n%s\n", model.net.describe().c_str());

    // ---- training: the loop of tutorial 02, as `fit` in training/loop.cpp -----
    SGD sgd(parameter_tensors(model.net), 0.05f, 0.9f);
    FitOptions report;
    report.after_epoch = [&](int e, const EpochResult& r) {
        std::printf("epoch %2d  loss %.4f  test accuracy %.2f%%  (%.1f s)\n", e + 1, r.loss,
                    100 * evaluate(model, test).accuracy, r.seconds);
    };
    fit(model, sgd, train, epochs, report);
    save_model(model, out + "/lenet.npz");

    // ---- the filters ------------------------------------------------------------
    auto& conv1 = dynamic_cast<Conv2d&>(model.net[0]);
    auto& conv2 = dynamic_cast<Conv2d&>(model.net[3]);
    save_filters(out + "/filters1.png", conv1.weight());
    save_filters(out + "/filters2.png", conv2.weight());

    // ---- the feature maps of one digit, layer by layer ------------------------
    model.net.set_training(false);
    Tensor h = gather_batch(test, {0}, model.input_shape);  // (1, 1, 28, 28)
    std::vector<Tensor> maps{h};                           // the input, then each layer's output
    for (size_t i = 0; i < 6; ++i) maps.push_back(h = model.net[i].forward(h));
    const int gap = 6;
    auto zoom_of = [](const Tensor& m) { return std::max(3, 84 / m.dim(2)); };  // every map about 84 pixels tall
    int width = 0, height = gap;
    for (const Tensor& m : maps) {
        width = std::max(width, m.dim(1) * (m.dim(3) * zoom_of(m) + gap) + gap);
        height += m.dim(2) * zoom_of(m) + gap;
    }
    Canvas canvas(width, height, {255, 255, 255});
    int y = gap;
    for (const Tensor& m : maps) {  // one row per stage, one tile per channel
        int C = m.dim(1), H = m.dim(2), W = m.dim(3), zoom = zoom_of(m);
        float scale = largest_magnitude(m.data(), m.numel());
        for (int c = 0; c < C; ++c)
            canvas.draw_signed(gap + c * (W * zoom + gap), y, m.data() + size_t(c) * H * W, H, W, zoom, scale);
        y += H * zoom + gap;
    }
    canvas.save_png(out + "/feature_maps.png");
    std::printf("rows of feature_maps.png: input, %s\n", [&] {
        std::string names;
        for (size_t i = 0; i < 6; ++i) names += (i ? ", " : "") + model.net[i].describe();
        return names;
    }().c_str());
    std::printf("wrote %s/lenet.npz, filters1.png, filters2.png, feature_maps.png\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("03_cnn_mnist", argc, argv, {"epochs", "limit", "out"}, run); }
