// Rules in DNF: simplification, redundancy, substitution of layer rules.
#include <catch2/catch.hpp>

#include "explain/extraction/rule_pruning.hpp"
#include "explain/extraction/rules.hpp"
#include "trees/c45.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {
Condition gt(int u, float t) { return {u, t, true}; }
Condition le(int u, float t) { return {u, t, false}; }
}  // namespace

TEST_CASE("A term keeps its tightest bounds and is dropped when it cannot hold", "[extraction][rules]") {
    Term t{gt(0, 1), le(2, 5), gt(0, 3), le(2, 4)};
    REQUIRE(simplify(t));
    CHECK(t == Term{le(0, 3) == gt(0, 3) ? Term{} : Term{gt(0, 3), le(2, 4)}});
    Term impossible{gt(1, 2), le(1, 2)};
    CHECK_FALSE(simplify(impossible));
    Term interval{gt(1, 1), le(1, 2)};
    CHECK(simplify(interval));
    CHECK(interval.size() == 2);
}

TEST_CASE("Redundant terms are removed, the general one kept", "[extraction][rules]") {
    Dnf dnf{{gt(0, 2), le(1, 1)}, {gt(0, 1)}, {gt(0, 1)}, {le(3, 0)}};
    remove_redundant(dnf);
    REQUIRE(dnf.size() == 2);
    CHECK(subsumes(Term{gt(0, 1)}, Term{gt(0, 2), le(1, 1)}));
    CHECK_FALSE(subsumes(Term{gt(0, 2)}, Term{gt(0, 1)}));
    float h[4] = {1.5f, 0, 0, 0};
    CHECK(holds(dnf, h));
    h[0] = 0.5f, h[3] = 1;
    CHECK_FALSE(holds(dnf, h));
}

TEST_CASE("Substituting hand-written layer rules gives the expected DNF", "[extraction][rules]") {
    // Over layer 1: IF h0 > 0.5 AND h1 <= 0.2 THEN c.
    // Over the inputs: h0 > 0.5  <=>  x0 > 1 OR x1 > 2;   h1 <= 0.2  <=>  (x0 <= 3 AND x2 > 0) OR x0 > 4.
    Dnf h0_high{{gt(0, 1)}, {gt(1, 2)}};
    Dnf h1_low{{le(0, 3), gt(2, 0)}, {gt(0, 4)}};
    Dnf out = conjoin({&h0_high, &h1_low}, 100, "a test");
    // (x0 > 1)(x0 <= 3)(x2 > 0) + (x0 > 1)(x0 > 4) + (x1 > 2)(x0 <= 3)(x2 > 0) + (x1 > 2)(x0 > 4)
    // = {1 < x0 <= 3, x2 > 0}, {x0 > 4}, {x0 <= 3, x1 > 2, x2 > 0}, {x0 > 4, x1 > 2}; the last implies {x0 > 4}.
    Dnf expected{{gt(0, 4)}, {le(0, 3), gt(0, 1), gt(2, 0)}, {le(0, 3), gt(1, 2), gt(2, 0)}};
    for (Term& t : expected) simplify(t);
    remove_redundant(expected);
    CHECK(out == expected);
    // An unsatisfiable pair vanishes: (x0 > 4) AND (x0 <= 3) is never true.
    Dnf a{{gt(0, 4)}}, b{{le(0, 3)}};
    CHECK(conjoin({&a, &b}, 100, "a test").empty());
}

TEST_CASE("The cap on terms stops substitution with a clear message", "[extraction][rules]") {
    Dnf wide;
    for (int u = 0; u < 10; ++u) wide.push_back({gt(u, 0)});
    Dnf wide2;
    for (int u = 10; u < 20; ++u) wide2.push_back({gt(u, 0)});
    CHECK(conjoin({&wide, &wide2}, 100, "a test").size() == 100);
    CHECK_THROWS_WITH(conjoin({&wide, &wide2}, 99, "a test"), Catch::Contains("more than 99 terms"));
}

TEST_CASE("A tree reads as a DNF per class", "[extraction][rules]") {
    TreeData d;
    d.rows = 8, d.features = 2, d.classes = 2;
    d.x = {0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1};
    d.y = {0, 0, 0, 0, 1, 1, 0, 0};  // x0 AND NOT x1
    Tree t = grow_c45(d, {2, 0.25, 0, false});
    Dnf ones = dnf_of_tree(t, 1), zeros = dnf_of_tree(t, 0);
    CHECK(ones == Dnf{{gt(0, 0), le(1, 0)}});
    CHECK(zeros.size() == 2);
    for (int i = 0; i < d.rows; ++i) {
        CHECK(holds(ones, d.row(i)) == (d.y[size_t(i)] == 1));
        CHECK(holds(zeros, d.row(i)) == (d.y[size_t(i)] == 0));
    }
}

TEST_CASE("Rule pruning drops conditions and rules that add no agreement", "[extraction][rules]") {
    std::vector<float> x;
    std::vector<int> decided;
    for (int v = 0; v < 10; ++v) x.push_back(float(v)), decided.push_back(v >= 5);
    // {4 < x <= 8}: dropping x <= 8 adds x = 9, which {x > 8} covers already: kept agreement, dropped.
    // {x > 8} then repeats {x > 4}: dropped. {x <= 0} fires where the network says 0: dropped.
    Dnf dnf{{gt(0, 4), le(0, 8)}, {gt(0, 8)}, {le(0, 0)}};
    for (Term& t : dnf) simplify(t);
    Dnf pruned = prune_rules(dnf, x.data(), 10, 1, decided);
    CHECK(pruned == Dnf{{gt(0, 4)}});
}

TEST_CASE("Rule pruning with a minimum gain drops rules that explain too few examples", "[extraction][rules]") {
    std::vector<float> x;
    std::vector<int> decided;
    for (int v = 0; v < 10; ++v) x.push_back(float(v)), decided.push_back(v >= 5 || v == 1);
    // {x > 4} gains 5 agreements, {0 < x <= 1} gains 1 (the lone "1" at x = 1).
    Dnf dnf{{gt(0, 4)}, {gt(0, 0), le(0, 1)}};
    for (Term& t : dnf) simplify(t);
    CHECK(prune_rules(dnf, x.data(), 10, 1, decided, 1).size() == 2);
    CHECK(prune_rules(dnf, x.data(), 10, 1, decided, 2) == Dnf{{gt(0, 4)}});
    CHECK(prune_rules(dnf, x.data(), 10, 1, decided, 6).empty());
}

TEST_CASE("Rule pruning judges the conditions again once rules are gone", "[extraction][rules]") {
    // Rows (x0, x1, x2) and the network's decision: 5 x (1,1,0) -> 1, 2 x (1,0,1) -> 1, (1,0,0) -> 0, 3 x (0,1,0) -> 0.
    std::vector<float> x;
    std::vector<int> decided;
    auto add = [&](int times, float a, float b, float c, int d) {
        for (int k = 0; k < times; ++k) x.insert(x.end(), {a, b, c}), decided.push_back(d);
    };
    add(5, 1, 1, 0, 1), add(2, 1, 0, 1, 1), add(1, 1, 0, 0, 0), add(3, 0, 1, 0, 0);
    // Round 1: {x0 > .5, x1 > .5} keeps both conditions (x1 alone adds the three (0,1,0) rows, x0 alone the (1,0,0)
    // row: the (1,0,1) rows are the other rule's); the other rule shrinks to {x2 > .5} and, adding 2 < 3
    // agreements, goes. Round 2: without it, dropping x1 > .5 adds two agreements and loses one: dropped.
    Dnf dnf{{gt(0, 0.5f), gt(1, 0.5f)}, {gt(0, 0.5f), le(1, 0.5f), gt(2, 0.5f)}};
    for (Term& t : dnf) simplify(t);
    CHECK(prune_rules(dnf, x.data(), 11, 3, decided, 3) == Dnf{{gt(0, 0.5f)}});
}
