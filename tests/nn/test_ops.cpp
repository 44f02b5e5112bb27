// Every op: hand-computed forward values and a finite-difference gradient check.
#include "helpers.hpp"
#include "nn/ops.hpp"
#include "util/error.hpp"

using namespace gb;
using test::check_gradients;
using test::random_tensor;
using Inputs = std::vector<Tensor>;

TEST_CASE("broadcasting add, sub, mul, div: values", "[ops]") {
    Tensor a(Shape{2, 3}, {1, 2, 3, 4, 5, 6}), row(Shape{3}, {10, 20, 30}), col(Shape{2, 1}, {100, 200});
    CHECK((a + row).values() == std::vector<float>{11, 22, 33, 14, 25, 36});
    CHECK((a + col).values() == std::vector<float>{101, 102, 103, 204, 205, 206});
    CHECK((row - a).values() == std::vector<float>{9, 18, 27, 6, 15, 24});
    CHECK((a * Tensor::scalar(2)).values() == std::vector<float>{2, 4, 6, 8, 10, 12});
    CHECK((a / col).values()[5] == Approx(0.03f));
    CHECK((row + col).shape() == Shape{2, 3});  // both sides broadcast
    CHECK_THROWS_WITH(add(a, Tensor(Shape{2})), Catch::Contains("shapes (2, 3) and (2,) cannot be broadcast"));
}

TEST_CASE("broadcasting ops: gradients", "[ops][gradcheck]") {
    Rng rng(1);
    auto shapes = std::vector<std::pair<Shape, Shape>>{
        {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{}, {2, 2}}};
    for (auto& [sa, sb] : shapes) {
        INFO("shapes " << shape_str(sa) << " and " << shape_str(sb));
        check_gradients([](const Inputs& in) { return in[0] + in[1]; }, {random_tensor(sa, rng), random_tensor(sb, rng)});
        check_gradients([](const Inputs& in) { return in[0] - in[1]; }, {random_tensor(sa, rng), random_tensor(sb, rng)});
        check_gradients([](const Inputs& in) { return in[0] * in[1]; }, {random_tensor(sa, rng), random_tensor(sb, rng)});
        Tensor denominator = random_tensor(sb, rng, true, 0.5f);  // away from 0
        check_gradients([](const Inputs& in) { return in[0] / in[1]; }, {random_tensor(sa, rng), denominator});
    }
    check_gradients([](const Inputs& in) { return scale(in[0], -2.5f); }, {random_tensor({5}, rng)});
}

TEST_CASE("activations: values and gradients", "[ops][gradcheck]") {
    Tensor x(Shape{3}, {-1.0f, 0.0f, 2.0f});
    CHECK(relu(x).values() == std::vector<float>{0, 0, 2});
    CHECK(std::isnan(relu(Tensor(Shape{1}, std::vector<float>{NAN})).item()));  // a failure must not be hidden
    CHECK(tanh(x).values()[2] == Approx(std::tanh(2.0f)));
    CHECK(sigmoid(x).values()[1] == Approx(0.5f));
    Rng rng(2);
    check_gradients([](const Inputs& in) { return relu(in[0]); }, {random_tensor({4, 5}, rng, true, 0.05f)});
    check_gradients([](const Inputs& in) { return tanh(in[0]); }, {random_tensor({4, 5}, rng)});
    check_gradients([](const Inputs& in) { return sigmoid(in[0]); }, {random_tensor({4, 5}, rng)});
}

TEST_CASE("reductions and reshape: values and gradients", "[ops][gradcheck]") {
    Tensor a(Shape{2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(sum(a).item() == 21);
    CHECK(mean(a).item() == Approx(3.5f));
    CHECK(sum(a, 0).values() == std::vector<float>{5, 7, 9});
    CHECK(sum(a, 1).values() == std::vector<float>{6, 15});
    CHECK(sum(a, -1, true).shape() == Shape{2, 1});
    CHECK(mean(a, 0).values() == std::vector<float>{2.5f, 3.5f, 4.5f});
    CHECK(reshape(a, {3, -1}).shape() == Shape{3, 2});
    CHECK_THROWS_WITH(reshape(a, {4, -1}), Catch::Contains("cannot view 6 values"));
    CHECK_THROWS_AS(sum(a, 2), Error);

    Rng rng(3);
    check_gradients([](const Inputs& in) { return sum(in[0]); }, {random_tensor({3, 4}, rng)});
    check_gradients([](const Inputs& in) { return mean(in[0]); }, {random_tensor({3, 4}, rng)});
    for (int axis : {0, 1, 2})
        check_gradients([axis](const Inputs& in) { return sum(in[0], axis); }, {random_tensor({2, 3, 4}, rng)});
    check_gradients([](const Inputs& in) { return mean(in[0], 1, true); }, {random_tensor({2, 3, 4}, rng)});
    check_gradients([](const Inputs& in) { return reshape(in[0], {4, 6}); }, {random_tensor({2, 3, 4}, rng)});
}

TEST_CASE("matmul and linear: values and gradients", "[ops][gradcheck]") {
    Tensor a(Shape{2, 2}, {1, 2, 3, 4}), b(Shape{2, 2}, {5, 6, 7, 8});
    CHECK(matmul(a, b).values() == std::vector<float>{19, 22, 43, 50});
    // linear: y = x W^T + b with W = a, bias (1, -1)
    CHECK(linear(a, a, Tensor(Shape{2}, {1, -1})).values() == std::vector<float>{6, 10, 12, 24});
    CHECK_THROWS_WITH(matmul(a, Tensor(Shape{3, 2})), Catch::Contains("do not multiply"));
    CHECK_THROWS_WITH(linear(Tensor(Shape{2, 3}), a, Tensor(Shape{2})), Catch::Contains("need (batch, 2)"));

    Rng rng(4);
    check_gradients([](const Inputs& in) { return matmul(in[0], in[1]); },
                    {random_tensor({3, 5}, rng), random_tensor({5, 4}, rng)});
    check_gradients([](const Inputs& in) { return linear(in[0], in[1], in[2]); },
                    {random_tensor({3, 5}, rng), random_tensor({4, 5}, rng), random_tensor({4}, rng)});
    // Only some inputs requiring a gradient (the data x of a first layer).
    check_gradients([](const Inputs& in) { return linear(in[0], in[1], in[2]); },
                    {random_tensor({3, 5}, rng, false), random_tensor({4, 5}, rng), random_tensor({4}, rng)});
}

TEST_CASE("softmax, log_softmax and the losses: values and gradients", "[ops][gradcheck]") {
    Tensor x(Shape{2, 3}, {1, 2, 3, 1000, 1000, 1000});  // the second row would overflow a naive exp
    Tensor p = softmax(x);
    CHECK(p.values()[0] == Approx(std::exp(1.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0))));
    CHECK(p.values()[4] == Approx(1.0f / 3.0f));
    CHECK(log_softmax(x).values()[2] == Approx(std::log(p.values()[2])));
    // Cross-entropy of the rows against labels 2 and 0: -(log p[0][2] + log p[1][0]) / 2
    float expected = -(std::log(p.values()[2]) + std::log(1.0f / 3.0f)) / 2;
    CHECK(cross_entropy(x, {2, 0}).item() == Approx(expected).epsilon(1e-4));  // expected is from rounded p
    CHECK_THROWS_WITH(cross_entropy(x, {2, 3}), Catch::Contains("label 3 is not a class of 3"));
    CHECK_THROWS_WITH(cross_entropy(x, {2}), Catch::Contains("1 labels for a batch of 2"));

    Rng rng(5);
    check_gradients([](const Inputs& in) { return softmax(in[0]); }, {random_tensor({3, 4}, rng)});
    check_gradients([](const Inputs& in) { return log_softmax(in[0]); }, {random_tensor({3, 4}, rng)});
    check_gradients([](const Inputs& in) { return nll_loss(in[0], {1, 0, 3}); }, {random_tensor({3, 4}, rng)});
    check_gradients([](const Inputs& in) { return cross_entropy(in[0], {1, 0, 3}); }, {random_tensor({3, 4}, rng)});
}
