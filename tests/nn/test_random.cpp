#include "helpers.hpp"

using namespace gb;

TEST_CASE("the generator is the standard mt19937_64 and is reproducible", "[random]") {
    Rng rng(5489);  // the standard fixes the 10000th output for the default seed
    for (int i = 0; i < 9999; ++i) rng.next_u64();
    CHECK(rng.next_u64() == 9981545732273789042ull);
    Rng a(42), b(42);
    for (int i = 0; i < 100; ++i) CHECK(a.normal() == b.normal());
}

TEST_CASE("uniform, normal, below and shuffle have the right distributions", "[random]") {
    Rng rng(1);
    double sum = 0, sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        float u = rng.uniform();
        REQUIRE((u >= 0.0f && u < 1.0f));
        double z = rng.normal();
        sum += z;
        sq += z * z;
    }
    CHECK(sum / n == Approx(0.0).margin(0.01));
    CHECK(sq / n == Approx(1.0).epsilon(0.01));
    std::vector<int> counts(7, 0);
    for (int i = 0; i < 70000; ++i) ++counts[rng.below(7)];
    for (int c : counts) CHECK(c == Approx(10000).epsilon(0.05));
    std::vector<int> v{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted = v;
    rng.shuffle(v);
    CHECK(v != sorted);
    std::sort(v.begin(), v.end());
    CHECK(v == sorted);
}
