// perturbation_speed [REPEATS]: seconds of RISE with 4000 masks (7 x 7 grid)
// and of one extremal perturbation area with the reference's 800 iterations,
// each on MNIST test digit 0 with lenet (its weights as initialised: the cost
// does not depend on them), the median of REPEATS runs (default 3) after one
// to warm up; prints one JSON line. The targets are 1 s and 5 s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "training/loop.hpp"

using namespace gb;

double median_seconds(int repeats, const std::function<void()>& run) {
    run();  // warm-up
    std::vector<double> seconds;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        run();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds[seconds.size() / 2];
}

int main(int argc, char** argv) {
    configure_runtime();
    try {
        const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
        DataSplits mnist = load_mnist_data(10);
        Model lenet = make_model("lenet", 1);
        const Tensor x = gather_batch(mnist.test, {0}, lenet.input_shape);
        ExplainOptions rise = for_class(mnist.test.labels[0]);
        rise.set("masks", 4000);
        ExplainOptions extremal = for_class(mnist.test.labels[0]);
        extremal.set("iterations", 800).set("area", 0.1);
        const double r = median_seconds(repeats, [&] { explain(lenet.net, x, "rise", rise); });
        const double e = median_seconds(repeats, [&] { explain(lenet.net, x, "extremal-perturbation", extremal); });
        std::printf("{\"model\": \"lenet\", \"repeats\": %d, \"rise_4000_masks_seconds\": %.4f, "
                    "\"extremal_800_iterations_seconds\": %.4f}\n", repeats, r, e);
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "perturbation_speed: error: %s\n", e.what());
        return 1;
    }
}
