// Recycled buffers: large ones come back, zero_buffer zeroes stale values,
// small ones and those past the limit are not kept.
#include "helpers.hpp"
#include "nn/buffers.hpp"
#include "nn/ops.hpp"

using namespace gb;

TEST_CASE("large buffers are recycled, and zero_buffer clears what they held", "[buffers]") {
    const size_t n = 100003;
    std::vector<float> first = uninitialized_buffer(n);
    std::fill(first.begin(), first.end(), 7.0f);
    const float* at = first.data();
    recycle(std::move(first));
    std::vector<float> again = zero_buffer(n);
    CHECK(again.data() == at);
    CHECK(again.size() == n);
    CHECK(std::all_of(again.begin(), again.end(), [](float v) { return v == 0.0f; }));
    recycle(std::move(again));
    CHECK(uninitialized_buffer(n + 1).data() != at);  // another size: a new buffer
    CHECK(uninitialized_buffer(n).data() == at);

    std::vector<float> small(100, 1.0f);
    const float* small_at = small.data();
    recycle(std::move(small));
    CHECK(small_at != nullptr);
    std::vector<float> huge(size_t(1) << 26);  // beyond what is kept
    recycle(std::move(huge));
    CHECK(uninitialized_buffer(size_t(1) << 26).size() == size_t(1) << 26);
}

TEST_CASE("ops on recycled buffers give the same values and gradients as on fresh ones", "[buffers]") {
    Rng rng(7);
    Tensor x = test::random_tensor({300, 200}, rng);
    std::vector<float> values, grad;
    for (int round = 0; round < 3; ++round) {  // the later rounds reuse the buffers of the first
        x.zero_grad();
        Tensor y = relu(x);
        sum(y).backward();
        if (round == 0) values = y.values(), grad = x.grad();
        CHECK(y.values() == values);
        CHECK(x.grad() == grad);
    }
    for (size_t k = 0; k < grad.size(); ++k) CHECK(grad[k] == (x.values()[k] > 0.0f ? 1.0f : 0.0f));
}
