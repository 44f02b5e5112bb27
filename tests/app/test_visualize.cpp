// `glassbox train --model rbm|vae` and `glassbox visualize`: JSON lines,
// pictures and .npy files on a small MNIST, and one-line refusals.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/cli.hpp"
#include "cli_run.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"
#include "nn/rbm.hpp"
#include "nn/serialize.hpp"
#include "nn/vae.hpp"

using namespace gb;
using namespace gb::test;

namespace {

int lines_with(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(key) != std::string::npos;
    return n;
}

}  // namespace

TEST_CASE("visualize draws prototypes of each variant and inversions, with a JSON line each", "[cli][synthesis]") {
    TempDir dir;
    write_mnist(dir, 100, 28, 28, true);
    DataDir data(dir.path);
    REQUIRE(glassbox({"train", "--model", "mlp", "--epochs", "1", "--out", dir / "mlp.npz"}).code == 0);
    Run rbm = glassbox({"train", "--model", "rbm", "--hidden", "8", "--epochs", "2", "--out", dir / "rbm.npz"});
    INFO(rbm.err);
    REQUIRE(rbm.code == 0);
    CHECK(rbm.out.find("\"test_reconstruction_error\": ") != std::string::npos);
    CHECK(load_rbm(dir / "rbm.npz").hidden() == 8);
    Run vae = glassbox({"train", "--model", "vae", "--hidden", "16", "--code", "3", "--epochs", "1", "--out", dir / "vae.npz"});
    INFO(vae.err);
    REQUIRE(vae.code == 0);
    CHECK(load_model(dir / "vae.npz").input_shape == Shape{3});

    Run am = glassbox({"visualize", "--model", dir / "mlp.npz", "--method", "am", "--class", "all", "--steps", "5",
                       "--starts", "2", "--expert", dir / "rbm.npz", "--png", dir / "am.png", "--npy", dir / "am.npy"});
    INFO(am.err);
    REQUIRE(am.code == 0);
    CHECK(lines_with(am.out, "\"probability\": ") == 20);  // 10 classes x 2 starts
    CHECK(lines_with(am.out, "\"expert_log_density\": ") == 20);
    CHECK(lines_with(am.out, "\"nearest_distance\": ") == 20);
    CHECK(lines_with(am.out, "\"command\": \"visualize\"") == 1);
    CHECK(std::ifstream(dir / "am.png").good());
    CHECK(std::ifstream(dir / "am.npy").good());

    for (std::vector<std::string> extra :
         {std::vector<std::string>{"--method", "am-expert", "--expert", dir / "rbm.npz", "--class", "3"},
          {"--method", "am-generator", "--generator", dir / "vae.npz", "--class", "3"},
          {"--method", "am", "--class", "3", "--index", "4", "--eta", "0.1"},
          {"--method", "am", "--layer", "1", "--unit", "0,5"},
          {"--method", "invert", "--index", "2", "--layer", "1"}}) {
        std::vector<std::string> args{"visualize", "--model", dir / "mlp.npz", "--steps", "5", "--png", dir / "v.png"};
        args.insert(args.end(), extra.begin(), extra.end());
        Run r = glassbox(args);
        INFO(extra[1] << ": " << r.err);
        CHECK(r.code == 0);
        CHECK(lines_with(r.out, "\"nearest_distance\": ") == (extra[3] == "1" && extra[1] == "am" ? 2 : 1));
    }
    // the same seed, the same prototypes
    std::vector<std::string> noisy{"visualize", "--model", dir / "mlp.npz", "--class", "2", "--start", "noise",
                                   "--steps", "5", "--seed", "4", "--png", dir / "n.png"};
    Run a = glassbox(noisy), b = glassbox(noisy);
    CHECK(a.out.substr(0, a.out.find('\n')) == b.out.substr(0, b.out.find('\n')));
}

TEST_CASE("visualize refuses classes, layers, units, experts, generators and models that do not fit", "[cli][synthesis]") {
    TempDir dir;
    write_mnist(dir, 40, 28, 28, true);
    DataDir data(dir.path);
    REQUIRE(glassbox({"train", "--model", "mlp", "--epochs", "1", "--out", dir / "mlp.npz"}).code == 0);
    std::string png = dir / "x.png";
    auto visualize = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"visualize", "--model", dir / "mlp.npz", "--steps", "2", "--png", png};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    fails_with(visualize({"--class", "10"}), "class 10 does not exist: the model has 10 classes (0 to 9)");
    fails_with(visualize({"--layer", "9", "--unit", "0"}), "layer 9 does not exist: the model has layers 0 to 4");
    fails_with(visualize({"--layer", "3", "--unit", "100"}), "unit 100 does not exist: layer 3 has 100 units");
    fails_with(visualize({"--class", "seven"}), "--class takes whole numbers or 'all'");
    fails_with(visualize({"--method", "dream", "--class", "1"}), "unknown activation maximization variant 'dream'");
    fails_with(visualize({"--method", "am-expert", "--class", "1"}), "needs --expert");
    fails_with(visualize({"--method", "am-generator", "--class", "1"}), "needs --generator");
    fails_with(visualize({"--method", "invert", "--layer", "1"}), "needs --index");
    Rbm small(10, 4, 0.5f, 1);
    save_rbm(small, dir / "small_rbm.npz");
    fails_with(visualize({"--method", "am-expert", "--expert", dir / "small_rbm.npz", "--class", "1"}),
               "the expert has 10 visible units and the model takes 784 values");
    Vae vae(10, 6, 2, 1);
    save_model(vae.decoder, dir / "small_vae.npz");
    fails_with(visualize({"--method", "am-generator", "--generator", dir / "small_vae.npz", "--class", "1"}),
               "the generator makes inputs of 10 values, the model takes 784");
    fails_with(visualize({"--method", "am-generator", "--generator", dir / "mlp.npz", "--class", "1"}),
               "the generator makes inputs of 10 values");
    Model text = make_model("textcnn", 1, {50, 12, 20});
    save_model(text, dir / "textcnn.npz");
    fails_with({"visualize", "--model", dir / "textcnn.npz", "--class", "0", "--png", png},
               "prototypes of word ids are not defined");
    fails_with({"train", "--model", "rbm", "--data", "20news", "--out", dir / "r.npz"}, "train it with --data mnist");
    fails_with({"train", "--model", "mlp", "--code", "5", "--out", dir / "r.npz"}, "--code is a setting of --model rbm or vae");
    fails_with({"train", "--model", "lenet", "--hidden", "5", "--out", dir / "r.npz"}, "--hidden is for the models mlp and tab-mlp");
}
