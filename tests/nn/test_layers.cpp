#include "helpers.hpp"
#include "nn/layers.hpp"
#include "nn/models.hpp"
#include "util/error.hpp"

using namespace gb;
using test::check_gradients;
using test::random_tensor;

TEST_CASE("Linear computes x W^T + b and names its parameters as PyTorch", "[layers]") {
    Rng rng(1);
    Linear layer(2, 3, rng);
    layer.weight().values() = {1, 2, 3, 4, 5, 6};  // (3, 2)
    layer.bias().values() = {0.5f, 0, -0.5f};
    Tensor y = layer.forward(Tensor(Shape{1, 2}, {1, -1}));
    CHECK(y.values() == std::vector<float>{-0.5f, -1.0f, -1.5f});
    auto params = layer.parameters();
    CHECK(params[0].first == "weight");
    CHECK(params[0].second.shape() == Shape{3, 2});
    CHECK(params[1].first == "bias");
    CHECK(layer.describe() == "Linear 2 3");
}

TEST_CASE("layers and a whole MLP pass the gradient check, inputs and parameters", "[layers][gradcheck]") {
    Rng rng(2);
    Sequential net;
    net.emplace<Linear>(5, 4, rng).emplace<ReLU>().emplace<Linear>(4, 4, rng).emplace<Tanh>();
    net.emplace<Linear>(4, 3, rng).emplace<Sigmoid>();
    std::vector<Tensor> inputs{random_tensor({3, 5}, rng)};
    for (auto& p : parameter_tensors(net)) inputs.push_back(p);
    // Parameters are the tensors inside `net`, so the check perturbs them in place.
    check_gradients([&net](const std::vector<Tensor>& in) { return net.forward(in[0]); }, inputs);
    CHECK(net.parameters()[2].first == "2.weight");
    Flatten flatten;
    check_gradients([&flatten](const std::vector<Tensor>& in) { return flatten.forward(in[0]); },
                    {random_tensor({2, 3, 4}, rng)});
    CHECK(flatten.forward(random_tensor({2, 3, 4}, rng)).shape() == Shape{2, 12});
}

TEST_CASE("He and Xavier initializations have the variances they promise", "[layers]") {
    Rng rng(3);
    auto variance = [](const Tensor& t) {
        double s = 0;
        for (float v : t.values()) s += double(v) * v;
        return s / double(t.numel());
    };
    Tensor w(Shape{400, 500});
    for (Init kind : {Init::HeUniform, Init::HeNormal}) {
        initialize(w, kind, 500, 400, rng);
        CHECK(variance(w) == Approx(2.0 / 500).epsilon(0.02));
    }
    for (Init kind : {Init::XavierUniform, Init::XavierNormal}) {
        initialize(w, kind, 500, 400, rng);
        CHECK(variance(w) == Approx(2.0 / 900).epsilon(0.02));
    }
}

TEST_CASE("Dropout drops a fraction p, rescales the rest, and is the identity in eval mode", "[layers]") {
    Dropout drop(0.25f, 4);
    Tensor x = Tensor(Shape{100, 100}, 1.0f).set_requires_grad();
    Tensor y = drop.forward(x);
    int zeros = 0;
    for (float v : y.values()) {
        if (v == 0.0f) ++zeros;
        else CHECK(v == Approx(1.0f / 0.75f));
    }
    CHECK(zeros / 10000.0 == Approx(0.25).margin(0.02));
    y.backward(std::vector<float>(10000, 1.0f));  // the gradient follows the same mask
    CHECK(x.grad() == y.values());

    Dropout same_seed(0.25f, 4);
    CHECK(same_seed.forward(x).values() == y.values());
    drop.set_training(false);
    CHECK(drop.forward(x).values() == x.values());
    CHECK_THROWS_AS(Dropout(1.0f, 0), Error);
}

TEST_CASE("the mlp of the LRP tutorials is 784-300-100-10 with ReLU", "[layers]") {
    Model m = make_model("mlp", 1);
    CHECK(m.net.describe() == "Linear 784 300\nReLU\nLinear 300 100\nReLU\nLinear 100 10");
    CHECK(m.input_shape == Shape{784});
    CHECK(make_model("mlp", 1).net.parameters()[0].second.values() == m.net.parameters()[0].second.values());
    CHECK(make_model("mlp", 2).net.parameters()[0].second.values() != m.net.parameters()[0].second.values());
    CHECK_THROWS_WITH(make_model("resnet", 1), Catch::Contains("unknown model 'resnet'; choose one of: mlp, lenet"));
}
