// glassbox against PyTorch: the same MLP, batch and optimizers give the same
// loss, gradients and updated weights (golden values from
// tests/golden/make_golden.py, read with glassbox's own .npz reader).
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "nn/npz.hpp"
#include "nn/optim.hpp"

using namespace gb;

namespace {

const NpzArchive& golden_mlp() {
    static const NpzArchive archive = read_npz("tests/golden/torch_mlp.npz");
    return archive;
}

Tensor array(const std::string& name) {
    const NpyArray* a = golden_mlp().find(name);
    REQUIRE(a != nullptr);
    return Tensor(a->shape, a->values);
}

void require_close(const std::vector<float>& got, const std::string& name, float tolerance = 1e-5f) {
    const NpyArray* want = golden_mlp().find(name);
    REQUIRE(want != nullptr);
    REQUIRE(got.size() == want->values.size());
    for (size_t k = 0; k < got.size(); ++k) {
        INFO(name << "[" << k << "]");
        CHECK(got[k] == Approx(want->values[k]).margin(tolerance));
    }
}

// The network of the script, 6-5-4-3, with the initial weights of PyTorch.
Sequential golden_net() {
    Rng rng(0);
    Sequential net;
    net.emplace<Linear>(6, 5, rng).emplace<ReLU>().emplace<Linear>(5, 4, rng).emplace<Tanh>().emplace<Linear>(4, 3, rng);
    for (auto& [name, p] : net.parameters()) p.values() = array("init." + name).values();
    return net;
}

std::vector<int> labels() {
    Tensor labels_as_floats = array("y");
    std::vector<int> y;
    for (float v : labels_as_floats.values()) y.push_back(int(v));
    return y;
}

}  // namespace

TEST_CASE("forward, loss and gradients match PyTorch", "[golden]") {
    Sequential net = golden_net();
    Tensor logits = net.forward(array("x"));
    require_close(logits.values(), "logits");
    Tensor loss = cross_entropy(logits, labels());
    CHECK(loss.item() == Approx(array("loss").item()).epsilon(1e-5));
    loss.backward();
    for (auto& [name, p] : net.parameters()) require_close(p.grad(), "grad." + name);
}

TEST_CASE("SGD with momentum and weight decay, and Adam, match torch.optim over three steps", "[golden]") {
    for (std::string kind : {"sgd", "adam"}) {
        INFO(kind);
        Sequential net = golden_net();
        std::unique_ptr<Optimizer> opt;
        if (kind == "sgd") opt = std::make_unique<SGD>(parameter_tensors(net), 0.1f, 0.9f, 0.01f);
        else opt = std::make_unique<Adam>(parameter_tensors(net), 0.01f, 0.9f, 0.999f, 1e-8f, 0.01f);
        for (int step = 0; step < 3; ++step) {
            opt->zero_grad();
            cross_entropy(net.forward(array("x")), labels()).backward();
            opt->step();
        }
        for (auto& [name, p] : net.parameters()) require_close(p.values(), kind + "." + name);
    }
}
