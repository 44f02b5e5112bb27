// CAM and its model: global average pooling is grad-checked and saved; on a
// network ending in it, ReLU(CAM) is Grad-CAM times h w at any image size;
// CAM refuses networks without it.
#include "explain/explain.hpp"
#include "explain/gradient/cam.hpp"
#include "explain/gradient/gradcam.hpp"
#include "helpers.hpp"
#include "nn/conv_layers.hpp"
#include "nn/models.hpp"
#include "nn/serialize.hpp"
#include "util/error.hpp"

using namespace gb;

TEST_CASE("global average pooling: each map's mean, its gradient, any size", "[cam]") {
    GlobalAvgPool2d gap;
    Tensor x(Shape{1, 2, 2, 2}, {1, 2, 3, 6, -1, -1, 0, 10});
    Tensor y = gap.forward(x);
    REQUIRE(y.shape() == Shape{1, 2});
    CHECK(y.values()[0] == Approx(3.0));
    CHECK(y.values()[1] == Approx(2.0));
    Rng rng(4);
    test::check_gradients([&](const std::vector<Tensor>& in) { return gap.forward(in[0]); },
                          {test::random_tensor({2, 3, 5, 4}, rng)});
}

TEST_CASE("allconv-gap scores 28x28 digits and 56x56 scenes, and survives a save and load", "[cam]") {
    Model m = make_model("allconv-gap", 3);
    Rng rng(5);
    CHECK(m.net.forward(test::random_tensor({2, 1, 28, 28}, rng, false)).shape() == Shape{2, 10});
    const Tensor scene = test::random_tensor({1, 1, 56, 56}, rng, false);
    const Tensor y = m.net.forward(scene);
    CHECK(y.shape() == Shape{1, 10});
    test::TempDir dir;
    const std::string path = dir / "gap.npz";
    save_model(m, path);
    Model back = load_model(path);
    CHECK(back.net.forward(scene).values() == y.values());
}

TEST_CASE("on a network with global average pooling, ReLU(CAM) = h w Grad-CAM", "[cam]") {
    Model m = make_model("allconv-gap", 7);
    Rng rng(8);
    for (int side : {28, 56}) {
        const Tensor x = test::random_tensor({2, 1, side, side}, rng, false);
        const std::vector<int> targets{3, 8};
        const Tensor cam = cam_map(m.net, x, targets), grad_cam = gradcam_map(m.net, x, targets);
        REQUIRE(cam.shape() == grad_cam.shape());
        const double hw = double(cam.dim(1)) * cam.dim(2);
        CHECK(cam.dim(1) == side / 4);
        int positive = 0;
        for (size_t i = 0; i < cam.numel(); ++i) {
            positive += cam.values()[i] > 0;
            REQUIRE(std::max(0.0f, cam.values()[i]) == Approx(hw * grad_cam.values()[i]).margin(1e-4));
        }
        CHECK(positive > 0);  // the comparison is not between two zero maps
        CHECK(positive < int(cam.numel()));
    }
}

TEST_CASE("CAM refuses a network without global average pooling", "[cam]") {
    Model lenet = make_model("lenet", 1);
    Rng rng(1);
    const Tensor x = test::random_tensor({1, 1, 28, 28}, rng, false);
    CHECK_THROWS_WITH(explain(lenet.net, x, "cam", for_class(0)), Catch::Contains("allconv-gap"));
    CHECK_THROWS_WITH(cam_map(lenet.net, x, {0}), Catch::Contains("global average pooling"));
}
