// Batches of matrices transposed in 8 x 8 register blocks (nn/transpose.hpp)
// against the transposition written out, value by value, bit for bit: whole
// blocks, edges on either side, a single value, signed zeros and NaNs.
#include <cmath>
#include <limits>

#include "helpers.hpp"
#include "nn/transpose.hpp"
#include "util/random.hpp"

using namespace gb;
using test::same_bits;

TEST_CASE("transposed batches of matrices equal the transposition value by value", "[transpose]") {
    Rng rng(5);
    const size_t shapes[][3] = {{1, 1, 1}, {2, 7, 9}, {1, 8, 8}, {3, 16, 24}, {2, 400, 64}, {1, 13, 130}, {2, 9, 8}};
    for (const auto& shape : shapes) {
        const size_t batch = shape[0], R = shape[1], C = shape[2], n = batch * R * C;
        INFO("batch " << batch << " R " << R << " C " << C);
        std::vector<float> from(n), into(n);
        for (float& v : from) v = rng.uniform(-1, 1);
        for (float& v : into) v = rng.uniform(-1, 1);
        from[0] = -0.0f, into[n - 1] = -0.0f;
        if (n > 2) from[n / 2] = std::numeric_limits<float>::quiet_NaN();
        std::vector<float> copied(n, 7.0f), added = into, expect_copied(n), expect_added = into;
        for (size_t b = 0; b < batch; ++b)
            for (size_t r = 0; r < R; ++r)
                for (size_t c = 0; c < C; ++c) {
                    const float x = from[(b * R + r) * C + c];
                    expect_copied[(b * C + c) * R + r] = x;
                    expect_added[(b * C + c) * R + r] += x;
                }
        transpose_matrices<Into::Overwrite>(from.data(), batch, R, C, copied.data());
        transpose_matrices<Into::Add>(from.data(), batch, R, C, added.data());
        CHECK(same_bits(copied, expect_copied));
        CHECK(same_bits(added, expect_added));
    }
}
