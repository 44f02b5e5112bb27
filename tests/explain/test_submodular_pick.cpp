// SP-LIME's greedy pick against coverage worked out by hand.
#include "explain/surrogate/submodular_pick.hpp"
#include "helpers.hpp"
#include "util/error.hpp"

using namespace gb;

TEST_CASE("submodular pick covers the most important features first", "[lime]") {
    // features: a (|W| 4 + 0 + 0 = 4, I = 2), b (1 + 1 + 0 = 2, I = sqrt 2), c (0 + 0 + 9, I = 3)
    std::vector<Terms> explanations{{{"a", 4.0}, {"b", -1.0}}, {{"b", 1.0}}, {{"c", -9.0}}};
    Pick p = submodular_pick(explanations, 2);
    REQUIRE(p.features == std::vector<std::string>{"a", "b", "c"});
    CHECK(p.importance[0] == Approx(2.0));
    CHECK(p.importance[1] == Approx(std::sqrt(2.0)));
    CHECK(p.importance[2] == Approx(3.0));
    // first: instance 0 covers a and b (2 + 1.414 = 3.414) > instance 2 (3) > instance 1 (1.414)
    // second: adding 2 covers c too (6.414); adding 1 adds nothing
    CHECK(p.instances == std::vector<int>{0, 2});
    CHECK(p.coverage[0] == Approx(2.0 + std::sqrt(2.0)));
    CHECK(p.coverage[1] == Approx(5.0 + std::sqrt(2.0)));
    // ties go to the later instance, as in lime's loop
    CHECK(submodular_pick({{{"x", 1.0}}, {{"y", 1.0}}}, 1).instances == std::vector<int>{1});
    CHECK_THROWS_WITH(submodular_pick(explanations, 4), Catch::Contains("choose 1 to 3"));
}
