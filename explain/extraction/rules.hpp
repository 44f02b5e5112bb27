// rules.hpp: rules in disjunctive normal form over one layer's units (or the
// inputs), as DeepRED (Zilke et al. 2016) writes them.
//
//   condition   h_u > t   or   h_u <= t
//   term        a conjunction of conditions                  (the IF part of one rule)
//   DNF         a disjunction of terms                       (IF term_1 OR term_2 OR ...)
//
// A term is kept simplified: per unit at most one lower bound (h_u > a, the
// largest) and one upper bound (h_u <= b, the smallest); a term with a >= b
// can never hold (unsatisfiable) and is dropped. A term that implies another
// term of the same DNF (the other is more general) is redundant and is
// dropped too.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace gb {

struct Condition {
    int unit = 0;
    float threshold = 0;
    bool greater = true;  // h_u > threshold; false: h_u <= threshold
    bool holds(const float* h) const { return greater ? h[unit] > threshold : h[unit] <= threshold; }
    bool operator==(const Condition& o) const {
        return unit == o.unit && threshold == o.threshold && greater == o.greater;
    }
    bool operator<(const Condition& o) const;
};

using Term = std::vector<Condition>;  // sorted by (unit, greater), simplified
using Dnf = std::vector<Term>;

bool holds(const Term& term, const float* h);
bool holds(const Dnf& dnf, const float* h);

// The term with redundant bounds merged; false if it can never hold.
bool simplify(Term& term);
// `general` holds wherever `specific` holds (every bound of general is implied by one of specific).
bool subsumes(const Term& general, const Term& specific);
// Drops duplicate and subsumed terms (keeping the more general one).
void remove_redundant(Dnf& dnf);

// The conjunction of DNFs (distributing AND over OR), simplified, with
// unsatisfiable and redundant terms removed. Throws gb::Error naming `what`
// and the cap if more than max_terms terms arise on the way.
Dnf conjoin(const std::vector<const Dnf*>& parts, size_t max_terms, const std::string& what);

// Text, e.g. "h[3] > 0.5 AND h[7] <= 0.1"; name(u) names a unit.
using UnitName = std::function<std::string(int)>;
std::string term_text(const Term& term, const UnitName& name);
std::string condition_text(const Condition& c, const std::string& unit_name);

size_t total_conditions(const Dnf& dnf);

}  // namespace gb

namespace gb {
class Tree;
// The paths of a C4.5 or CART tree (continuous tests) that end in a leaf of
// class `label`, each as a term: the tree as a DNF for that class.
Dnf dnf_of_tree(const Tree& tree, int label);
}  // namespace gb
