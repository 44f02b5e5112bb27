// explain_speed MODEL.npz METHOD [REPEATS]: explanations per second of METHOD
// on batches of 64 MNIST test images; prints one JSON line.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "nn/serialize.hpp"
#include "training/data.hpp"
#include "training/loop.hpp"

using namespace gb;

int main(int argc, char** argv) {
    configure_runtime();
    if (argc < 3) {
        std::fprintf(stderr, "usage: explain_speed MODEL.npz METHOD [REPEATS]\n");
        return 2;
    }
    try {
        Model model = load_model(argv[1]);
        int repeats = argc > 3 ? std::atoi(argv[3]) : 20;
        DataSplits mnist = load_mnist_data(64 * repeats);
        std::vector<Tensor> batches;
        for (int r = 0; r < repeats; ++r) {
            std::vector<int> indices;
            for (int i = 0; i < 64; ++i) indices.push_back(r * 64 + i);
            batches.push_back(gather_batch(mnist.test, indices, model.input_shape));
        }
        explain(model.net, batches[0], argv[2]);  // warm-up
        auto start = std::chrono::steady_clock::now();
        for (const Tensor& x : batches) explain(model.net, x, argv[2]);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("{\"method\": \"%s\", \"explanations_per_second\": %.1f}\n", argv[2], 64.0 * repeats / seconds);
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "explain_speed: error: %s\n", e.what());
        return 1;
    }
}
