// Optimizer steps on a parameter large enough to be cut into pieces for the
// threads (nn/optim.cpp) give the bits of the same steps on the parameter
// held in small pieces, each updated by one thread. (What each update
// computes is checked against torch.optim in test_golden.cpp.)
#include <memory>

#include "helpers.hpp"
#include "nn/optim.hpp"
#include "util/random.hpp"

using namespace gb;
using test::same_bits;

namespace {
// A parameter of n values with a gradient, both drawn from rng.
Tensor parameter_with_gradient(size_t n, Rng& rng) {
    Tensor p(Shape{int(n)});
    for (float& v : p.values()) v = rng.uniform(-1, 1);
    p.set_requires_grad();
    float* g = p.grad_buffer();
    for (size_t k = 0; k < n; ++k) g[k] = rng.uniform(-1, 1);
    return p;
}

// The same values and gradient in pieces of at most `piece` values.
std::vector<Tensor> in_pieces(const Tensor& whole, size_t piece) {
    std::vector<Tensor> pieces;
    const size_t n = whole.numel();
    for (size_t first = 0; first < n; first += piece) {
        const size_t count = std::min(piece, n - first);
        Tensor p(Shape{int(count)}, std::vector<float>(whole.values().begin() + long(first),
                                                       whole.values().begin() + long(first + count)));
        p.set_requires_grad();
        std::copy(whole.grad().begin() + long(first), whole.grad().begin() + long(first + count), p.grad_buffer());
        pieces.push_back(p);
    }
    return pieces;
}

std::vector<float> joined(const std::vector<Tensor>& pieces) {
    std::vector<float> all;
    for (const Tensor& p : pieces) all.insert(all.end(), p.values().begin(), p.values().end());
    return all;
}
}  // namespace

TEST_CASE("SGD and Adam update a parameter cut over the threads as one in small pieces", "[optim]") {
    const size_t n = 200003;  // several pieces for the threads, and a remainder
    using Make = std::unique_ptr<Optimizer> (*)(std::vector<Tensor>);
    const Make makers[] = {
        [](std::vector<Tensor> ps) -> std::unique_ptr<Optimizer> { return std::make_unique<SGD>(ps, 0.05f, 0.9f, 0.01f); },
        [](std::vector<Tensor> ps) -> std::unique_ptr<Optimizer> { return std::make_unique<SGD>(ps, 0.05f, 0.0f, 0.01f); },
        [](std::vector<Tensor> ps) -> std::unique_ptr<Optimizer> {
            return std::make_unique<Adam>(ps, 0.001f, 0.9f, 0.999f, 1e-8f, 0.01f);
        }};
    for (size_t m = 0; m < 3; ++m) {
        INFO("optimizer " << m << " (SGD with momentum, SGD, Adam)");
        Rng rng(3 + m);
        Tensor whole = parameter_with_gradient(n, rng);
        std::vector<Tensor> pieces = in_pieces(whole, 1000);
        std::unique_ptr<Optimizer> threaded = makers[m]({whole}), alone = makers[m](pieces);
        for (int step = 0; step < 3; ++step) {
            threaded->step();
            alone->step();
            CHECK(same_bits(whole.values(), joined(pieces)));
        }
    }
}

TEST_CASE("one step updates all parameters as separate optimizers would, a late gradient too", "[optim]") {
    // One range over all parameters (nn/optim.cpp): each keeps its own state,
    // and one without a gradient is left alone until it has one.
    Rng rng(9);
    std::vector<Tensor> together, apart;
    for (size_t n : {size_t(70001), size_t(5), size_t(100000)}) {
        together.push_back(parameter_with_gradient(n, rng));
        apart.push_back(in_pieces(together.back(), n)[0]);
    }
    for (int adam = 0; adam < 2; ++adam) {
        auto make = [adam](std::vector<Tensor> ps) -> std::unique_ptr<Optimizer> {
            if (adam) return std::make_unique<Adam>(ps, 0.001f);
            return std::make_unique<SGD>(ps, 0.05f, 0.9f);
        };
        std::unique_ptr<Optimizer> one = make(together);
        std::vector<std::unique_ptr<Optimizer>> each;
        for (const Tensor& p : apart) each.push_back(make({p}));
        std::vector<float> late_gradient = together[1].grad();
        for (int step = 0; step < 3; ++step) {
            if (step == 0) {  // no gradient reaches the second parameter yet
                together[1].zero_grad();
                apart[1].zero_grad();
            } else if (together[1].grad().empty()) {
                std::copy(late_gradient.begin(), late_gradient.end(), together[1].grad_buffer());
                std::copy(late_gradient.begin(), late_gradient.end(), apart[1].grad_buffer());
            }
            one->step();
            for (size_t i = 0; i < each.size(); ++i)
                if (!apart[i].grad().empty()) each[i]->step();
            INFO((adam ? "Adam" : "SGD") << ", step " << step);
            for (size_t i = 0; i < together.size(); ++i) CHECK(same_bits(together[i].values(), apart[i].values()));
        }
    }
}
