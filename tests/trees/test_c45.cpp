// C4.5 against Quinlan's worked figures: the play-tennis table, continuous
// thresholds, and pessimistic pruning.
#include <catch2/catch.hpp>

#include "trees/c45.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

using namespace gb;
using Catch::Detail::Approx;

namespace {

// Play tennis (Mitchell 1997, Table 3.2; Quinlan 1986). Outlook: sunny 0, overcast 1, rain 2;
// temperature: hot 0, mild 1, cool 2; humidity: high 0, normal 1; wind: weak 0, strong 1; play: no 0, yes 1.
TreeData play_tennis() {
    const int table[14][5] = {{0, 0, 0, 0, 0}, {0, 0, 0, 1, 0}, {1, 0, 0, 0, 1}, {2, 1, 0, 0, 1}, {2, 2, 1, 0, 1},
                              {2, 2, 1, 1, 0}, {1, 2, 1, 1, 1}, {0, 1, 0, 0, 0}, {0, 2, 1, 0, 1}, {2, 1, 1, 0, 1},
                              {0, 1, 1, 1, 1}, {1, 1, 0, 1, 1}, {1, 0, 1, 0, 1}, {2, 1, 0, 1, 0}};
    TreeData d;
    d.rows = 14, d.features = 4, d.classes = 2;
    d.values = {3, 3, 2, 2};
    d.names = {"outlook", "temperature", "humidity", "wind"};
    for (auto& r : table) {
        for (int j = 0; j < 4; ++j) d.x.push_back(float(r[j]));
        d.y.push_back(r[4]);
    }
    return d;
}

std::vector<int> all_rows(const TreeData& d) {
    std::vector<int> rows;
    for (int i = 0; i < d.rows; ++i) rows.push_back(i);
    return rows;
}

}  // namespace

TEST_CASE("C4.5 scores play-tennis' attributes as Quinlan does", "[trees][c45]") {
    TreeData d = play_tennis();
    CHECK(entropy_bits({9, 5}) == Approx(0.940).margin(5e-4));
    // gains 0.246, 0.029, 0.151, 0.048 bits; split infos 1.577, 1.557, 1.000, 0.985
    const double gain[] = {0.2467, 0.0292, 0.1518, 0.0481};
    const double split[] = {1.5774, 1.5567, 1.0, 0.9852};
    for (int j = 0; j < 4; ++j) {
        SplitScore s = c45_split_score(d, all_rows(d), j, 2);
        CHECK(s.possible);
        CHECK(s.gain == Approx(gain[j]).margin(5e-4));
        CHECK(s.split_info == Approx(split[j]).margin(5e-4));
        CHECK(s.ratio == Approx(gain[j] / split[j]).margin(5e-4));
    }
}

TEST_CASE("C4.5 grows the play-tennis tree", "[trees][c45]") {
    TreeData d = play_tennis();
    Tree t = grow_c45(d);
    // Outlook and humidity pass the average gain (0.119); outlook's ratio 0.156 beats humidity's 0.152.
    REQUIRE(t.nodes[0].feature == 0);
    CHECK(t.leaves() == 5);
    CHECK(t.depth() == 2);
    CHECK(tree_accuracy(t, d) == 1.0);
    const TreeNode& sunny = t.nodes[size_t(t.nodes[0].children[0])];
    const TreeNode& overcast = t.nodes[size_t(t.nodes[0].children[1])];
    const TreeNode& rain = t.nodes[size_t(t.nodes[0].children[2])];
    CHECK(sunny.feature == 2);
    CHECK(overcast.leaf());
    CHECK(overcast.label == 1);
    CHECK(rain.feature == 3);
    CHECK(t.text(d) ==
          "outlook = 0:\n    humidity = 0: 0 (3)\n    humidity = 1: 1 (2)\noutlook = 1: 1 (4)\n"
          "outlook = 2:\n    wind = 0: 1 (3)\n    wind = 1: 0 (2)\n");
}

TEST_CASE("C4.5 splits a continuous attribute at a seen value with min_cases on each side", "[trees][c45]") {
    TreeData d;
    d.features = 1, d.classes = 2;
    // x: 1..10; class 1 for x >= 7, except x = 10.
    for (int v = 1; v <= 10; ++v) d.x.push_back(float(v)), d.y.push_back(v >= 7 && v != 10);
    d.rows = 10;
    std::vector<int> rows = all_rows(d);
    SplitScore s = c45_split_score(d, rows, 0, 2);
    REQUIRE(s.possible);
    CHECK(s.threshold == 6.0f);
    // gain at 6: info 0.881 (7 vs 3) - (6/10 * 0 + 4/10 * 0.811) = 0.6464, less log2(7 candidate thresholds) / 10
    CHECK(s.gain == Approx(0.88129 - 0.4 * 0.81128 - std::log2(7.0) / 10).margin(1e-4));
    CHECK(s.split_info == Approx(entropy_bits({6, 4})).margin(1e-9));
    // With min_cases 5 the split must leave 5 on each side: x <= 5.
    SplitScore s5 = c45_split_score(d, rows, 0, 5);
    REQUIRE(s5.possible);
    CHECK(s5.threshold == 5.0f);
    // 9 <-> 10 would isolate x = 10 with one case: never chosen at min_cases 2.
    Tree t = grow_c45(d, {2, 0.25, 0, false});
    CHECK(t.nodes[0].threshold == 6.0f);
    CHECK(t.predict(std::vector<float>{10.0f}.data()) == 1);
}

TEST_CASE("C4.5's pessimistic estimate matches Quinlan's worked example", "[trees][c45]") {
    // Quinlan (1993), 4.2: U_25%(0, 6) = 0.206, U(0, 9) = 0.143, U(0, 1) = 0.750, U(1, 16) = 0.157.
    CHECK((0 + c45_added_errors(6, 0, 0.25)) / 6 == Approx(0.206).margin(5e-4));
    CHECK((0 + c45_added_errors(9, 0, 0.25)) / 9 == Approx(0.143).margin(5e-4));
    CHECK((0 + c45_added_errors(1, 0, 0.25)) / 1 == Approx(0.750).margin(5e-4));
    CHECK((1 + c45_added_errors(16, 1, 0.25)) / 16 == Approx(0.157).margin(1e-3));
    // The subtree of leaves (6, 0), (9, 0), (1, 0) is charged 3.273 errors; a leaf (16, 1) 2.512: pruned.
    TreeData d;
    d.features = 1, d.classes = 2, d.values = {3};
    for (int i = 0; i < 6; ++i) d.x.push_back(0), d.y.push_back(0);
    for (int i = 0; i < 9; ++i) d.x.push_back(1), d.y.push_back(0);
    d.x.push_back(2), d.y.push_back(1);
    d.rows = 16;
    Tree grown = grow_c45(d, {1, 0.25, 0, false});
    CHECK(grown.leaves() == 3);
    Tree pruned = grow_c45(d, {1, 0.25, 0, true});
    CHECK(pruned.leaves() == 1);
    CHECK(pruned.nodes[0].label == 0);
    CHECK(pruned.nodes[0].errors() == 1);
}

TEST_CASE("C4.5 refuses empty data and bad options", "[trees][c45]") {
    TreeData empty;
    empty.features = 2, empty.classes = 2;
    CHECK_THROWS_AS(grow_c45(empty), Error);
    TreeData d = play_tennis();
    CHECK_THROWS_AS(grow_c45(d, {2, 1.5, 0, true}), Error);
    d.x[0] = 7;  // outlook has 3 values
    CHECK_THROWS_AS(grow_c45(d), Error);
}

TEST_CASE("C4.5 on one class is a single leaf", "[trees][c45]") {
    TreeData d;
    d.rows = 3, d.features = 1, d.classes = 2, d.x = {1, 2, 3}, d.y = {1, 1, 1};
    Tree t = grow_c45(d);
    CHECK(t.leaves() == 1);
    CHECK(t.nodes[0].label == 1);
}

TEST_CASE("C4.5 on presorted columns grows the same tree", "[trees][c45]") {
    TreeData d;
    d.features = 3, d.classes = 2;
    Rng rng(11);
    for (int i = 0; i < 400; ++i) {
        float a = float(int(rng.uniform() * 20)) / 20, b = rng.uniform(), c = rng.uniform();
        d.x.insert(d.x.end(), {a, b, c});
        d.y.push_back((a > 0.4f && b < 0.7f) != (rng.uniform() < 0.05f));
    }
    d.rows = 400;
    SortedColumns sorted = sort_columns(d);
    Tree plain = grow_c45(d), fast = grow_c45(d, {}, &sorted);
    CHECK(plain.leaves() > 2);
    CHECK(plain.text(d) == fast.text(d));
    // A feature left out of the sorted columns is never tested.
    SortedColumns without_a = sort_columns(d, {0, 1, 1});
    Tree t = grow_c45(d, {}, &without_a);
    for (const TreeNode& n : t.nodes) CHECK(n.feature != 0);
}

TEST_CASE("C4.5 grows the same tree on several threads", "[trees][c45]") {
    TreeData d;
    d.features = 5, d.classes = 2;
    Rng rng(12);
    for (int i = 0; i < 3000; ++i) {  // large enough for the threads to score the root's features
        std::vector<float> row(5);
        for (float& v : row) v = rng.uniform();
        d.x.insert(d.x.end(), row.begin(), row.end());
        d.y.push_back((row[1] > 0.3f && row[3] < 0.6f) != (rng.uniform() < 0.05f));
    }
    d.rows = 3000;
    SortedColumns sorted = sort_columns(d);
    C45Options one, three;
    three.threads = 3;
    Tree a = grow_c45(d, one, &sorted), b = grow_c45(d, three, &sorted), c = grow_c45(d, three);
    CHECK(a.leaves() > 2);
    CHECK(a.text(d) == b.text(d));
    CHECK(a.text(d) == c.text(d));
    three.threads = 0;
    CHECK_THROWS_WITH(grow_c45(d, three), Catch::Contains("thread"));
}
