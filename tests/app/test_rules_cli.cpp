// `glassbox rules`, `train --hidden --one-vs-rest` and `train --model tree|forest`.
#include <fstream>
#include <sstream>

#include "app/cli.hpp"
#include "cli_run.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "nn/serialize.hpp"

using namespace gb;
using namespace gb::test;

namespace {

// 784 -> 2 -> 2 with ReLU: class 1 exactly when pixel (0, 0) is above 0.5.
void save_threshold_network(const std::string& path) {
    Rng rng(1);
    Model m;
    m.name = "mlp", m.data = "mnist", m.input_shape = {784};
    auto first = std::make_unique<Linear>(784, 2, rng);
    std::fill(first->weight().values().begin(), first->weight().values().end(), 0.0f);
    first->weight().values()[0] = 1;  // h0 = relu(x0)
    first->bias().values() = {0, 0.5f};  // h1 = 0.5
    auto second = std::make_unique<Linear>(2, 2, rng);
    second->weight().values() = {0, 1, 1, 0};  // logit 0 = h1, logit 1 = h0
    second->bias().values() = {0, 0};
    m.net.add(std::move(first)).emplace<ReLU>().add(std::move(second));
    save_model(m, path);
}

}  // namespace

TEST_CASE("rules finds the one pixel a network decides by, as text, picture and JSON", "[cli][extraction]") {
    TempDir dir;
    write_mnist(dir, 100, 28, 28, true);
    DataDir data(dir.path);
    save_threshold_network(dir / "t.npz");
    for (std::string method : {"deepred", "cred", "pedagogical"}) {
        Run r = glassbox({"rules", "--model", dir / "t.npz", "--method", method, "--out", dir / "r.txt", "--png",
                        dir / "r.png", "--prune-inputs", "yes"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.out.find("\"fidelity\": 1,") != std::string::npos);
        CHECK(r.out.find("\"rules\": 1,") != std::string::npos);
        CHECK(r.out.find("\"inputs_kept\": 1,") != std::string::npos);
        std::ifstream text(dir / "r.txt");
        std::string first;
        std::getline(text, first);
        CHECK(first.rfind("IF x[0,0] > ", 0) == 0);
        CHECK(std::ifstream(dir / "r.png").good());
    }
    fails_with({"rules", "--model", dir / "t.npz", "--method", "magic"}, "unknown rule extraction method 'magic'");
    fails_with({"rules", "--model", dir / "t.npz", "--class", "4"}, "--class 4 is not an output");
    fails_with({"rules", "--model", dir / "t.npz", "--prune-inputs", "maybe"}, "--prune-inputs takes yes or no");
    Run lenet = glassbox({"train", "--model", "lenet", "--epochs", "1", "--out", dir / "l.npz"});
    REQUIRE(lenet.code == 0);
    fails_with({"rules", "--model", dir / "l.npz"}, "Conv2d");
}

TEST_CASE("train records --hidden and --one-vs-rest in the model file", "[cli][extraction]") {
    TempDir dir;
    write_mnist(dir, 100, 28, 28, true);
    DataDir data(dir.path);
    Run r = glassbox({"train", "--model", "mlp", "--hidden", "8,4", "--one-vs-rest", "3", "--epochs", "1", "--out",
                    dir / "m.npz"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"one_vs_rest\": 3") != std::string::npos);
    Model m = load_model(dir / "m.npz");
    CHECK(m.data == "mnist one_vs_rest 3");
    CHECK(m.net.describe() == "Linear 784 8\nReLU\nLinear 8 4\nReLU\nLinear 4 2");
    Run eval = glassbox({"eval", "--model", dir / "m.npz"});
    CHECK(eval.code == 0);
    fails_with({"train", "--model", "mlp", "--hidden", "8,x", "--out", dir / "b.npz"}, "--hidden takes sizes");
    fails_with({"train", "--model", "lenet", "--hidden", "8", "--out", dir / "b.npz"}, "--hidden is for");
    fails_with({"train", "--model", "mlp", "--one-vs-rest", "12", "--out", dir / "b.npz"}, "has classes 0..9");
}

TEST_CASE("train grows a tree or a forest and draws its Gini importance", "[cli][trees]") {
    TempDir dir;
    write_mnist(dir, 100, 28, 28, true);
    DataDir data(dir.path);
    Run tree = glassbox({"train", "--model", "tree", "--max-depth", "4", "--out", dir / "t.txt", "--importance",
                       dir / "g.png"});
    INFO(tree.err);
    REQUIRE(tree.code == 0);
    CHECK(tree.out.find("\"depth\": 4") != std::string::npos);
    CHECK(std::ifstream(dir / "g.png").good());
    Run forest = glassbox({"train", "--model", "forest", "--trees", "3", "--out", dir / "f.txt"});
    CHECK(forest.code == 0);
    fails_with({"train", "--model", "tree", "--trees", "3", "--out", dir / "t.txt"}, "--trees is for --model forest");
    fails_with({"train", "--model", "tree", "--epochs", "3", "--out", dir / "t.txt"}, "is for networks");
}
