// The VAE's fused ops against finite differences and their values at known
// points; a few steps of training lower its loss on a toy set.
#include <cmath>

#include "helpers.hpp"
#include "nn/optim.hpp"
#include "nn/vae.hpp"

using namespace gb;

TEST_CASE("the VAE's ops: values at known points and gradients", "[vae]") {
    Rng rng(1);
    Tensor zero(Shape{2, 6});
    CHECK(gaussian_kl(zero).item() == 0.0f);  // N(0, I) against itself
    // one code unit, mu = 1, logvar = log 2: (1 + 2 - log 2 - 1) / 2
    CHECK(gaussian_kl(Tensor(Shape{1, 2}, {1.0f, std::log(2.0f)})).item() == Approx((2 - std::log(2.0)) / 2));
    // logits 0: log 2 per value, whatever the target; batch of 2 rows of 3
    CHECK(binary_cross_entropy_with_logits(Tensor(Shape{2, 3}), Tensor(Shape{2, 3}, 0.3f)).item() ==
          Approx(3 * std::log(2.0)));
    Tensor eps = test::random_tensor({2, 3}, rng, false);
    Tensor z = reparameterize(Tensor(Shape{2, 6}), eps);  // mu 0, sigma 1: z = eps
    CHECK(z.values() == eps.values());

    test::check_gradients([&](const std::vector<Tensor>& in) { return reparameterize(in[0], eps); },
                          {test::random_tensor({2, 6}, rng)});
    test::check_gradients([](const std::vector<Tensor>& in) { return gaussian_kl(in[0]); },
                          {test::random_tensor({3, 4}, rng)});
    Tensor target = test::random_tensor({2, 5}, rng, false);
    for (float& v : target.values()) v = (v + 1) / 2;
    test::check_gradients([&](const std::vector<Tensor>& in) { return binary_cross_entropy_with_logits(in[0], target); },
                          {test::random_tensor({2, 5}, rng)});
}

TEST_CASE("training a VAE lowers its loss on a toy set", "[vae]") {
    // four binary patterns of 16 pixels
    Tensor x(Shape{32, 16});
    for (int r = 0; r < 32; ++r)
        for (int i = 0; i < 16; ++i) x.data()[r * 16 + i] = float((i / 4) == (r % 4));
    Vae vae(16, 12, 2, 3);
    Rng rng(4);
    std::vector<Tensor> params = parameter_tensors(vae.encoder);
    for (Tensor& p : parameter_tensors(vae.decoder.net)) params.push_back(p);
    Adam adam(params, 0.01f);
    double first = 0, last = 0;
    for (int step = 0; step < 300; ++step) {
        Tensor loss = vae.loss(x, rng);
        if (step == 0) first = loss.item();
        last = loss.item();
        adam.zero_grad();
        loss.backward();
        adam.step();
    }
    INFO(first << " -> " << last);
    CHECK(last < 0.5 * first);
    CHECK(vae.decoder.net.forward(Tensor(Shape{1, 2})).numel() == 16);
}
