// lime_speed MODEL.npz SAMPLES [COUNT]: seconds per LIME explanation of the
// model's first COUNT test examples (default 20; posts left empty by the
// removal of headers, footers and quotes are passed over) with SAMPLES rows in the
// neighbourhood (the model's own data: a digit, a post or a table row),
// after one explanation to warm up; prints one JSON line with the median,
// the fastest and the slowest explanation and the black-box calls per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "app/explain_flags.hpp"
#include "app/program.hpp"
#include "explain/explain.hpp"
#include "nn/serialize.hpp"
#include "training/loop.hpp"

using namespace gb;

int main(int argc, char** argv) {
    configure_runtime();
    if (argc < 3) {
        std::fprintf(stderr, "usage: lime_speed MODEL.npz SAMPLES [COUNT]\n");
        return 2;
    }
    try {
        Model model = load_model(argv[1]);
        const int samples = std::atoi(argv[2]), count = argc > 3 ? std::atoi(argv[3]) : 20;
        DataSplits data = data_for_model(model, "", 0);
        ExplainOptions options = explain_options(Flags("lime_speed", {}, {}), data, {"lime"}, {});
        options.set("samples", samples);
        std::vector<Tensor> inputs;
        for (int i = 0; i < data.test.count() && int(inputs.size()) < count + 1; ++i) {
            Tensor x = gather_batch(data.test, {i}, model.input_shape);
            if (std::any_of(x.values().begin(), x.values().end(), [](float v) { return v != 0; })) inputs.push_back(x);
        }
        explain(model.net, inputs[0], "lime", options);  // warm-up
        std::vector<double> seconds;
        for (int i = 1; i <= count; ++i) {
            const Tensor& x = inputs[size_t(i)];
            auto start = std::chrono::steady_clock::now();
            explain(model.net, x, "lime", options);
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2];
        std::printf("{\"model\": \"%s\", \"samples\": %d, \"explanations\": %d, \"median_seconds\": %.4f, "
                    "\"fastest\": %.4f, \"slowest\": %.4f, \"model_calls_per_second\": %.0f}\n",
                    model.name.c_str(), samples, count, median, seconds.front(), seconds.back(), samples / median);
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "lime_speed: error: %s\n", e.what());
        return 1;
    }
}
