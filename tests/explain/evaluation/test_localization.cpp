// The pointing game, the energy share and RISE's deletion and insertion
// curves on hand-made maps and a linear model; MNIST scenes are reproducible
// from their seed, keep their promises, and refuse what cannot be made.
#include <cmath>

#include "explain/evaluation/deletion_insertion.hpp"
#include "explain/evaluation/localization.hpp"
#include "helpers.hpp"
#include "training/scenes.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

PixelBox box(int top, int left, int bottom, int right) {
    PixelBox b;
    b.top = top, b.left = left, b.bottom = bottom, b.right = right;
    return b;
}

}  // namespace

TEST_CASE("the pointing game and the energy share on hand-made maps", "[localization]") {
    // 4 x 5 map; box rows 1..2, columns 1..2
    std::vector<float> map(20, 0.0f);
    map[1 * 5 + 2] = 3, map[3 * 5 + 4] = 1, map[0] = -5;
    const std::vector<PixelBox> boxes{box(1, 1, 2, 2)};
    CHECK(pointing_hit(map, 4, 5, boxes));
    CHECK(energy_share(map, 4, 5, boxes) == Approx(3.0 / 4.0));  // negative mass is left out
    map[3 * 5 + 4] = 4;  // the maximum moves outside: a miss, unless the tolerance reaches it
    CHECK_FALSE(pointing_hit(map, 4, 5, boxes));
    CHECK_FALSE(pointing_hit(map, 4, 5, boxes, 1));
    CHECK(pointing_hit(map, 4, 5, boxes, 2));
    CHECK(energy_share(map, 4, 5, boxes) == Approx(3.0 / 7.0));
    CHECK(pointing_hit(map, 4, 5, {box(1, 1, 2, 2), box(3, 3, 3, 4)}));  // any box of the class
    const std::vector<float> zero(20, 0.0f), negative(20, -1.0f);
    CHECK_FALSE(pointing_hit(zero, 4, 5, boxes));  // points nowhere
    CHECK(energy_share(negative, 4, 5, boxes) == 0.0);
    std::vector<float> tie(20, 1.0f);  // ties: the first maximum, row 0, column 0
    CHECK_FALSE(pointing_hit(tie, 4, 5, boxes));
    CHECK(pointing_hit(tie, 4, 5, {box(0, 0, 0, 0)}));
    CHECK_THROWS_WITH(pointing_hit(map, 5, 5, boxes), Catch::Contains("not 5 x 5"));
    CHECK_THROWS_WITH(energy_share(map, 4, 5, {}), Catch::Contains("at least one box"));
}

TEST_CASE("deletion and insertion curves and their areas on a linear model", "[localization]") {
    // 2 x 2 image of ones, logits (0, sum_u w_u x_u), w = (2, 0, 1, 0); the map ranks pixels 0, 2, 1, 3
    const std::vector<float> w{2, 0, 1, 0}, image{1, 1, 1, 1}, map{0.9f, 0.1f, 0.5f, 0.0f};
    Scorer linear = [&](const Tensor& batch) {
        Tensor y(Shape{batch.dim(0), 2});
        for (int b = 0; b < batch.dim(0); ++b)
            for (int u = 0; u < 4; ++u) y.values()[size_t(b) * 2 + 1] += w[size_t(u)] * batch.values()[size_t(b * 4 + u)];
        return y;
    };
    auto p = [](double z) { return 1 / (1 + std::exp(-z)); };  // softmax of (0, z) at class 1
    const CausalCurve d = deletion_curve(linear, image, Shape{1, 1, 2, 2}, 2, 2, map, 1, 1);
    // logits after deleting 0, 1, 2, 3, 4 pixels: 3, 1, 0, 0, 0
    const std::vector<double> want{p(3), p(1), p(0), p(0), p(0)};
    REQUIRE(d.probability.size() == 5);
    for (size_t i = 0; i < 5; ++i) CHECK(d.probability[i] == Approx(want[i]));
    CHECK(d.fraction == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
    double auc = 0;
    for (size_t i = 1; i < 5; ++i) auc += 0.25 * (want[i] + want[i - 1]) / 2;
    CHECK(d.auc == Approx(auc));
    // two pixels a step: 3, 0, 0
    const CausalCurve d2 = deletion_curve(linear, image, Shape{1, 1, 2, 2}, 2, 2, map, 1, 2);
    CHECK(d2.fraction == std::vector<double>{0, 0.5, 1});
    CHECK(d2.auc == Approx(0.5 * (p(3) + p(0)) / 2 + 0.5 * p(0)));
    // insertion from a blur of sigma 0 (the image itself): flat at p(3)
    const CausalCurve in = insertion_curve(linear, image, Shape{1, 1, 2, 2}, 2, 2, map, 1, 1, 0.0f);
    CHECK(in.auc == Approx(p(3)));
    // the reversed map deletes the weightless pixels first: a larger area
    CHECK(deletion_curve(linear, image, Shape{1, 1, 2, 2}, 2, 2, {0, 1, 0.5f, 2}, 1, 1).auc > d.auc);
    CHECK(trapezoid({0, 1}, {1, 3}) == 2.0);
}

TEST_CASE("MNIST scenes: reproducible from their seed, digits where their boxes say, classes as their kind says",
          "[localization]") {
    // ten made-up digits (a filled square of side 6 + 2 c at the cell's corner), one per class
    LabeledSet digits;
    digits.example_size = 784, digits.classes = 10;
    for (int c = 0; c < 10; ++c) {
        for (int k = 0; k < 3; ++k) {
            std::vector<float> img(784, 0.0f);
            for (int r = 2; r < 8 + 2 * c && r < 28; ++r)
                for (int col = 3; col < 9 + c; ++col) img[size_t(r * 28 + col)] = 0.5f + 0.1f * float(k);
            digits.dense.insert(digits.dense.end(), img.begin(), img.end());
            digits.labels.push_back(c);
        }
    }
    for (const std::string kind : {"single", "same", "different"}) {
        SceneSettings s;
        s.kind = scene_kind(kind);
        s.count = 40;
        s.seed = 7;
        const std::vector<Scene> a = make_scenes(digits, s), b = make_scenes(digits, s);
        REQUIRE(a.size() == 40);
        for (size_t n = 0; n < a.size(); ++n) {
            CHECK(a[n].image == b[n].image);
            const Scene& scene = a[n];
            const size_t count = scene.boxes.size();
            if (kind == "single") CHECK(count == 1);
            if (kind == "same") CHECK((count == 2 && scene.boxes[0].label == scene.boxes[1].label));
            if (kind == "different") {
                CHECK((count == 2 || count == 3));
                for (size_t i = 0; i < count; ++i)
                    for (size_t j = i + 1; j < count; ++j) CHECK(scene.boxes[i].label != scene.boxes[j].label);
            }
            CHECK(scene.target == scene.boxes[0].label);
            // all ink lies in the boxes; each box's border rows and columns hold ink
            double outside = 0;
            for (int r = 0; r < 56; ++r)
                for (int col = 0; col < 56; ++col) {
                    bool in = false;
                    for (const Box& bx : scene.boxes) in = in || (r >= bx.top && r <= bx.bottom && col >= bx.left && col <= bx.right);
                    if (!in) outside += scene.image[size_t(r * 56 + col)];
                }
            CHECK(outside == 0.0);
            for (const Box& bx : scene.boxes) {
                CHECK(scene.image[size_t(bx.top * 56 + bx.left)] > 0);  // the squares fill their boxes
                CHECK(bx.bottom - bx.top + 1 == 6 + 2 * bx.label);
            }
        }
        s.seed = 8;
        CHECK(make_scenes(digits, s)[0].image != a[0].image);
    }
    CHECK_THROWS_WITH(scene_kind("crowd"), Catch::Contains("unknown scene kind 'crowd'"));
    SceneSettings small;
    small.size = 20;
    CHECK_THROWS_WITH(make_scenes(digits, small), Catch::Contains("at least 28"));
    small.size = 28;
    small.kind = SceneKind::Different;
    CHECK_THROWS_WITH(make_scenes(digits, small), Catch::Contains("do not fit"));
}
