// Gradient, guided backprop and deconvnet against PyTorch on the same weights
// (golden values from tests/golden/make_golden_explain.py).
#include "explain/explain.hpp"
#include "helpers.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/npz.hpp"

using namespace gb;

TEST_CASE("gradient, guided backprop and deconvnet match PyTorch", "[explain][golden]") {
    NpzArchive golden = read_npz("tests/golden/torch_explain.npz");
    auto array = [&](const std::string& name) {
        const NpyArray* a = golden.find(name);
        REQUIRE(a != nullptr);
        return *a;
    };
    Rng rng(0);
    Sequential net;
    net.emplace<Conv2d>(1, 2, 3, rng, 1, 1).emplace<ReLU>().emplace<MaxPool2d>(2, 2).emplace<Flatten>();
    net.emplace<Linear>(18, 5, rng).emplace<ReLU>().emplace<Linear>(5, 3, rng);
    for (auto& [name, p] : net.parameters()) p.values() = array(name).values;
    NpyArray x = array("x");
    Tensor input(x.shape, x.values);
    for (auto [method, key] : {std::pair{"gradient", "gradient"}, std::pair{"guided-backprop", "guided"},
                               std::pair{"deconvnet", "deconvnet"}}) {
        INFO(method);
        Explanation e = explain(net, input, method, for_class(1));
        std::vector<float> want = array(key).values;
        REQUIRE(e.relevance.numel() == want.size());
        for (size_t k = 0; k < want.size(); ++k) CHECK(e.relevance.values()[k] == Approx(want[k]).margin(1e-5));
    }
}
