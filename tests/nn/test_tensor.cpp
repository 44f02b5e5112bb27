#include "helpers.hpp"
#include "nn/ops.hpp"
#include "util/error.hpp"

using namespace gb;

TEST_CASE("a scalar graph gets the chain-rule derivatives of micrograd's example", "[tensor]") {
    // f(a, b) = (a * b + b) * a at a = 2, b = -3:  df/da = 2ab + b = -15, df/db = a^2 + a = 6
    Tensor a = Tensor::scalar(2.0f).set_requires_grad(), b = Tensor::scalar(-3.0f).set_requires_grad();
    Tensor f = (a * b + b) * a;
    CHECK(f.item() == Approx(-18.0f));
    f.backward();
    CHECK(a.grad()[0] == Approx(-15.0f));
    CHECK(b.grad()[0] == Approx(6.0f));
}

TEST_CASE("gradients accumulate across backward calls and through shared subexpressions", "[tensor]") {
    Tensor x = Tensor::scalar(3.0f).set_requires_grad();
    Tensor y = x * x;  // used twice below: a diamond in the graph
    Tensor z = y + y;  // z = 2 x^2, dz/dx = 4x = 12
    z.backward();
    CHECK(x.grad()[0] == Approx(12.0f));
    (x * x).backward();  // accumulates 2x = 6
    CHECK(x.grad()[0] == Approx(18.0f));
    x.zero_grad();
    CHECK(x.grad().empty());
}

TEST_CASE("a graph 200000 ops deep runs backward and is freed without deep recursion", "[tensor]") {
    Tensor x = Tensor::scalar(1.0f).set_requires_grad();
    {
        Tensor h = x;
        for (int i = 0; i < 200000; ++i) h = scale(h, 1.0f);
        h.backward();
    }
    CHECK(x.grad()[0] == Approx(1.0f));
}

TEST_CASE("ops on tensors that need no gradient build no graph", "[tensor]") {
    Tensor a(Shape{2, 2}, 1.0f), b(Shape{2, 2}, 2.0f);
    Tensor c = relu(a * b);
    CHECK_FALSE(c.requires_grad());
    CHECK(c.node()->parents.empty());
    CHECK_FALSE(bool(c.node()->backward));
}

TEST_CASE("backward of a non-scalar needs an upstream gradient", "[tensor]") {
    Tensor a = Tensor(Shape{3}, 1.0f).set_requires_grad();
    Tensor b = a * a;
    CHECK_THROWS_AS(b.backward(), Error);
    CHECK_THROWS_AS(b.backward({1.0f}), Error);
    b.backward({1.0f, 2.0f, 3.0f});
    CHECK(a.grad() == std::vector<float>{2.0f, 4.0f, 6.0f});
}

TEST_CASE("a tensor refuses values that do not fit its shape", "[tensor]") {
    CHECK_THROWS_WITH(Tensor(Shape{2, 3}, std::vector<float>(5)), Catch::Contains("needs 6 values, got 5"));
    CHECK(shape_str({2, 3}) == "(2, 3)");
    CHECK(shape_str({7}) == "(7,)");
}
