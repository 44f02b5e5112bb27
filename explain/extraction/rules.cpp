#include "explain/extraction/rules.hpp"

#include <algorithm>
#include <sstream>

#include "util/error.hpp"

namespace gb {

bool Condition::operator<(const Condition& o) const {
    if (unit != o.unit) return unit < o.unit;
    if (greater != o.greater) return greater < o.greater;
    return threshold < o.threshold;
}

bool holds(const Term& term, const float* h) {
    for (const Condition& c : term)
        if (!c.holds(h)) return false;
    return true;
}

bool holds(const Dnf& dnf, const float* h) {
    for (const Term& t : dnf)
        if (holds(t, h)) return true;
    return false;
}

bool simplify(Term& term) {
    std::sort(term.begin(), term.end());
    Term out;
    for (const Condition& c : term) {
        if (!out.empty() && out.back().unit == c.unit && out.back().greater == c.greater) {
            // h > a AND h > b  ->  h > max(a, b);   h <= a AND h <= b  ->  h <= min(a, b)
            float& t = out.back().threshold;
            t = c.greater ? std::max(t, c.threshold) : std::min(t, c.threshold);
        } else {
            out.push_back(c);
        }
    }
    // h <= b AND h > a with a >= b can never hold. (Sorted: the <= bound comes before the > bound.)
    for (size_t k = 0; k + 1 < out.size(); ++k)
        if (out[k].unit == out[k + 1].unit && !out[k].greater && out[k + 1].greater &&
            out[k + 1].threshold >= out[k].threshold)
            return false;
    term = std::move(out);
    return true;
}

bool subsumes(const Term& general, const Term& specific) {
    if (general.size() > specific.size()) return false;
    for (const Condition& g : general) {
        bool implied = false;
        for (const Condition& s : specific) {
            if (s.unit != g.unit || s.greater != g.greater) continue;
            // h > s implies h > g when s >= g; h <= s implies h <= g when s <= g
            implied = g.greater ? s.threshold >= g.threshold : s.threshold <= g.threshold;
            break;
        }
        if (!implied) return false;
    }
    return true;
}

void remove_redundant(Dnf& dnf) {
    std::sort(dnf.begin(), dnf.end(), [](const Term& a, const Term& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    dnf.erase(std::unique(dnf.begin(), dnf.end()), dnf.end());
    Dnf kept;
    for (const Term& t : dnf) {  // shorter terms first: a term is only subsumed by one kept before it
        bool redundant = false;
        for (const Term& k : kept)
            if (subsumes(k, t)) {
                redundant = true;
                break;
            }
        if (!redundant) kept.push_back(t);
    }
    dnf = std::move(kept);
}

Dnf conjoin(const std::vector<const Dnf*>& parts, size_t max_terms, const std::string& what) {
    Dnf result{Term{}};  // the empty conjunction: true
    for (const Dnf* part : parts) {
        Dnf next;
        for (const Term& a : result)
            for (const Term& b : *part) {
                Term t = a;
                t.insert(t.end(), b.begin(), b.end());
                if (!simplify(t)) continue;  // unsatisfiable
                next.push_back(std::move(t));
                if (next.size() > max_terms)
                    throw Error("rule extraction stopped: substituting " + what + " gave more than " +
                                std::to_string(max_terms) + " terms; raise --max-terms, or make the trees " +
                                "smaller (a lower --max-depth or a higher --min-cases)");
            }
        remove_redundant(next);
        result = std::move(next);
        if (result.empty()) break;  // false
    }
    return result;
}

std::string condition_text(const Condition& c, const std::string& unit_name) {
    std::ostringstream s;
    s << unit_name << (c.greater ? " > " : " <= ") << c.threshold;
    return s.str();
}

std::string term_text(const Term& term, const UnitName& name) {
    if (term.empty()) return "TRUE";
    std::string s;
    for (const Condition& c : term) s += (s.empty() ? "" : " AND ") + condition_text(c, name(c.unit));
    return s;
}

size_t total_conditions(const Dnf& dnf) {
    size_t n = 0;
    for (const Term& t : dnf) n += t.size();
    return n;
}

}  // namespace gb

#include "trees/tree.hpp"

namespace gb {

Dnf dnf_of_tree(const Tree& tree, int label) {
    Dnf dnf;
    Term path;
    std::function<void(int)> walk = [&](int at) {
        const TreeNode& n = tree.nodes[size_t(at)];
        if (n.leaf()) {
            if (n.label == label) {
                Term t = path;
                if (simplify(t)) dnf.push_back(t);
            }
            return;
        }
        if (n.discrete) throw Error("rules are read from trees of continuous tests, and this tree tests a discrete value");
        for (size_t b = 0; b < 2; ++b) {
            path.push_back({n.feature, n.threshold, b == 1});
            walk(n.children[b]);
            path.pop_back();
        }
    };
    walk(0);
    remove_redundant(dnf);
    return dnf;
}

}  // namespace gb
