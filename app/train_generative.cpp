// `glassbox train --model rbm|vae --data mnist`: the density expert and the
// generator of activation maximization (`glassbox visualize`).
#include <iomanip>
#include <iostream>

#include "app/cli.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "app/program.hpp"
#include "nn/serialize.hpp"
#include "training/generative.hpp"
#include "util/error.hpp"

namespace gb {

int train_generative(const Flags& flags, std::ostream& out, std::ostream& err) {
    std::string model = flags.required("model"), data_name = flags.text("data", "mnist");
    if (data_name != "mnist")
        throw Error("--model " + model + " learns the density of digits: train it with --data mnist, not " + data_name);
    std::string path = flags.required("out");
    int limit = flags.whole("limit", 0, 0, 1 << 30);
    check_writable(path);
    DataSplits data = load_mnist_data(limit);
    std::vector<double> losses, seconds;
    GenerativeProgress progress = [&](const GenerativeEpoch& e) {
        losses.push_back(e.loss);
        seconds.push_back(e.seconds);
        err << "epoch " << e.epoch << "  " << (model == "rbm" ? "reconstruction error " : "loss ") << std::fixed
            << std::setprecision(4) << e.loss;
        if (model == "vae") err << " (reconstruction " << e.reconstruction << ", KL " << e.kl << ")";
        err << "  " << std::setprecision(2) << e.seconds << " s" << std::defaultfloat << "\n";
    };
    JsonObject json;
    json.add("command", "train").add("model", model).add("data", data_name).add("out", path);
    uint64_t seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    if (model == "rbm") {
        RbmSettings s;
        s.seed = seed;
        s.hidden = flags.whole("hidden", s.hidden, 1, 1 << 16);
        s.sigma = flags.real("sigma", s.sigma, 1e-3f, 100.0f);
        s.k = flags.whole("k", s.k, 1, 1000);
        s.epochs = flags.whole("epochs", s.epochs, 1, 100000);
        s.batch = flags.whole("batch", s.batch, 1, 1 << 20);
        s.lr = flags.real("lr", s.lr, 0.0f, 100.0f);
        Rbm rbm = train_rbm(data.train, s, progress);
        rbm.data = "mnist";
        save_rbm(rbm, path);
        json.add("hidden", s.hidden).add("sigma", double(s.sigma)).add("k", s.k).add("epochs", s.epochs);
        json.add("batch", s.batch).add("lr", double(s.lr)).add("reconstruction_error_per_epoch", losses);
        json.add("test_reconstruction_error",
                 rbm.reconstruction_error(data.test.dense.data(), data.test.count()));
    } else {
        VaeSettings s;
        s.seed = seed;
        s.hidden = flags.whole("hidden", s.hidden, 1, 1 << 16);
        s.code = flags.whole("code", s.code, 1, 4096);
        s.epochs = flags.whole("epochs", s.epochs, 1, 100000);
        s.batch = flags.whole("batch", s.batch, 1, 1 << 20);
        s.lr = flags.real("lr", s.lr, 0.0f, 100.0f);
        Vae vae = train_vae(data.train, s, progress);
        vae.decoder.data = "mnist";
        save_model(vae.decoder, path);
        json.add("hidden", s.hidden).add("code", s.code).add("epochs", s.epochs).add("batch", s.batch);
        json.add("lr", double(s.lr)).add("loss_per_epoch", losses);
        Rng rng(seed);
        json.add("test_loss", double(vae.loss(Tensor(Shape{data.test.count(), 784}, data.test.dense), rng).item()));
    }
    double total = 0;
    for (double s : seconds) total += s;
    json.add("seed", int(seed)).add("train_examples", data.train.count()).add("seconds", total);
    out << json.str() << std::endl;
    return 0;
}

}  // namespace gb
