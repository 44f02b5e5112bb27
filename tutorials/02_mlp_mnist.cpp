// Tutorial 02: train the MLP of the LRP tutorials (784-300-100-10, ReLU) on
// MNIST, plot its training curves and look at its predictions.
// Read along with tutorials/02_mlp_mnist.md.
//
// usage: 02_mlp_mnist [--epochs N] [--limit N] [--out DIR]
//   --limit N   use only the first N training and test images (a quick run)
//   --out DIR   where the pictures and the model go (default runs/02_mlp_mnist)
#include <cstdio>

#include "app/program.hpp"
#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"
#include "viz/plot.hpp"
#include "viz/png.hpp"

using namespace gb;

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 10, 1, 1000), limit = flags.whole("limit", 0, 0, 60000);
    std::string out = flags.text("out", "runs/02_mlp_mnist");
    make_folder(out);

    // ---- the data: 28x28 grey images in [0, 1], flattened to 784 values -----
    DataSplits mnist = load_mnist_data(limit);
    const LabeledSet &train = mnist.train, &test = mnist.test;
    std::printf("%d training and %d test images\n", train.count(), test.count());

    // ---- the network --------------------------------------------------------
    Model model = make_model("mlp", /*seed=*/1);
    std::printf("model:\n%s\n", model.net.describe().c_str());

    // ---- the training loop: forward, loss, backward, step -------------------
    const float base_lr = 0.05f;
    SGD sgd(parameter_tensors(model.net), base_lr, /*momentum=*/0.9f);
    Minibatches batches(train.count(), /*batch_size=*/64, /*seed=*/1);
    std::vector<double> xs, losses, train_acc, test_acc;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        sgd.set_lr(cosine_annealing(base_lr, epoch, epochs));
        model.net.set_training(true);
        double loss_sum = 0;
        std::vector<int> labels;
        for (const std::vector<int>& indices : batches.epoch(epoch)) {
            Tensor x = gather_batch(train, indices, model.input_shape, &labels);  // (64, 784)
            Tensor logits = model.net.forward(x);                                 // (64, 10)
            Tensor loss = cross_entropy(logits, labels);                          // ()
            sgd.zero_grad();
            loss.backward();
            sgd.step();
            loss_sum += loss.item() * double(indices.size());
        }
        EpochResult on_train = evaluate(model, train), on_test = evaluate(model, test);
        xs.push_back(epoch + 1);
        losses.push_back(loss_sum / train.count());
        train_acc.push_back(100 * on_train.accuracy);
        test_acc.push_back(100 * on_test.accuracy);
        std::printf("epoch %2d  loss %.4f  train accuracy %.2f%%  test accuracy %.2f%%\n", epoch + 1, losses.back(),
                    train_acc.back(), test_acc.back());
    }
    save_model(model, out + "/mlp.npz");

    // ---- pictures -------------------------------------------------------------
    plot_png(out + "/curves.png",
             {{"training loss", "epoch", "cross-entropy", {{"train", xs, losses}}},
              {"accuracy", "epoch", "%", {{"train", xs, train_acc}, {"test", xs, test_acc, true}}}});
    // The first 24 test digits, and then 8 of the digits the network gets wrong.
    std::vector<int> shown;
    for (int i = 0; i < 24 && i < test.count(); ++i) shown.push_back(i);
    std::vector<int> all(size_t(test.count()));
    for (int i = 0; i < test.count(); ++i) all[size_t(i)] = i;
    std::vector<int> predicted_all = predict(model, test, all);
    for (int i = 24, wrong = 0; i < test.count() && wrong < 8; ++i)
        if (predicted_all[size_t(i)] != test.labels[size_t(i)]) shown.push_back(i), ++wrong;
    std::vector<const float*> images;
    std::vector<int> predicted, truth;
    for (int i : shown) {
        images.push_back(test.dense.data() + size_t(i) * test.example_size);
        predicted.push_back(predicted_all[size_t(i)]);
        truth.push_back(test.labels[size_t(i)]);
    }
    save_prediction_grid(out + "/predictions.png", images, 28, 28, predicted, truth);
    std::printf("wrote %s/mlp.npz, %s/curves.png and %s/predictions.png\n", out.c_str(), out.c_str(), out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("02_mlp_mnist", argc, argv, {"epochs", "limit", "out"}, run); }
