// Tutorial 01: automatic differentiation from scratch.
//
// From the derivative of one scalar function to the gradient of a small
// network layer, each step checked against finite differences. Read along
// with tutorials/01_autodiff.md.
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#include "nn/runtime.hpp"
#include "nn/ops.hpp"
#include "util/random.hpp"

using namespace gb;

// The central difference (f(x + h) - f(x - h)) / 2h: error O(h^2).
double numeric_derivative(const std::function<double(double)>& f, double x, double h = 1e-5) {
    return (f(x + h) - f(x - h)) / (2 * h);
}

// Prints the graph below `t`, one node per line, parents indented.
void print_graph(const Node* n, const std::string& indent = "  ") {
    std::printf("%s%-8s shape %-8s value[0] % .4f  grad[0] % .4f\n", indent.c_str(), n->op, shape_str(n->shape).c_str(),
                n->data[0], n->grad.empty() ? 0.0f : n->grad[0]);
    for (const auto& p : n->parents) print_graph(p.get(), indent + "    ");
}

int main() {
    configure_runtime();

    std::printf("== 1. A derivative by hand, and by finite differences\n");
    // f(x) = x^2 + 3x has f'(x) = 2x + 3; at x = 2 that is 7.
    auto f = [](double x) { return x * x + 3 * x; };
    std::printf("f'(2) by hand: %.6f   by central difference: %.6f\n\n", 2 * 2.0 + 3, numeric_derivative(f, 2.0));

    std::printf("== 2. The chain rule, run backwards\n");
    // g(a, b) = tanh(a * b + b). Forward: u = a*b, v = u + b, g = tanh(v).
    // Backward, from dg/dg = 1:  dg/dv = 1 - g^2,  dg/du = dg/dv,  dg/db = dg/dv * (a + 1),  dg/da = dg/dv * b.
    double a = 0.7, b = -1.2, g = std::tanh(a * b + b), dv = 1 - g * g;
    std::printf("by hand:      dg/da = %.6f   dg/db = %.6f\n", dv * b, dv * (a + 1));
    Tensor ta = Tensor::scalar(float(a)).set_requires_grad(), tb = Tensor::scalar(float(b)).set_requires_grad();
    Tensor tg = tanh(ta * tb + tb);
    tg.backward();
    std::printf("by glassbox:  dg/da = %.6f   dg/db = %.6f\n", ta.grad()[0], tb.grad()[0]);
    std::printf("by differences: dg/da = %.6f   dg/db = %.6f\n",
                numeric_derivative([&](double x) { return std::tanh(x * b + b); }, a),
                numeric_derivative([&](double x) { return std::tanh(a * x + x); }, b));
    std::printf("the graph glassbox recorded (output first, inputs below):\n");
    print_graph(tg.node());
    std::printf("\n");

    std::printf("== 3. The same at tensor level: a layer y = tanh(x W^T + b), loss = mean(y^2)\n");
    Rng rng(1);
    auto random = [&](Shape s, bool grad) {
        Tensor t(std::move(s));
        for (float& v : t.values()) v = rng.uniform(-1, 1);
        return t.set_requires_grad(grad);
    };
    Tensor x = random({4, 3}, false), W = random({2, 3}, true), bias = random({2}, true);
    auto loss_of = [&]() { Tensor y = tanh(linear(x, W, bias)); return mean(y * y); };
    Tensor loss = loss_of();
    loss.backward();
    std::printf("loss = %.6f\n", loss.item());
    double worst = 0;
    for (Tensor* p : {&W, &bias}) {
        for (size_t k = 0; k < p->numel(); ++k) {
            float saved = p->values()[k], h = 1e-3f;
            p->values()[k] = saved + h;
            double up = loss_of().item();
            p->values()[k] = saved - h;
            double down = loss_of().item();
            p->values()[k] = saved;
            double numeric = (up - down) / (2 * h), analytic = p->grad()[k];
            std::printf("  %s[%zu]  backward % .6f   finite difference % .6f\n", p == &W ? "W" : "b", k, analytic,
                        numeric);
            worst = std::max(worst, std::fabs(analytic - numeric));
        }
    }
    std::printf("largest difference: %.2e (float32 finite differences are good to about 1e-4)\n", worst);
    return worst < 1e-3 ? 0 : 1;
}
