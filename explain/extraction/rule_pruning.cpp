#include "explain/extraction/rule_pruning.hpp"

#include <map>

namespace gb {
namespace {

// A set of training rows as 64-bit words: the rows where a condition, a term or the rule set holds.
using Rows = std::vector<uint64_t>;

}  // namespace

Dnf prune_rules(const Dnf& dnf, const float* x, int rows, int width, const std::vector<int>& decided,
                int min_gain) {
    Dnf terms = dnf;
    const size_t words = (size_t(rows) + 63) / 64;
    auto row = [&](int i) { return x + size_t(i) * size_t(width); };
    // The rows of each distinct condition, computed once: the terms share few conditions (those of the trees).
    std::map<Condition, Rows> condition_rows;
    for (const Term& term : terms)
        for (const Condition& c : term) {
            if (condition_rows.count(c)) continue;
            Rows& r = condition_rows[c];
            r.assign(words, 0);
            for (int i = 0; i < rows; ++i)
                if (c.holds(row(i))) r[size_t(i) / 64] |= uint64_t(1) << (i % 64);
        }
    Rows said(words, 0), all(words, 0);  // the network's "c" rows; every row
    for (int i = 0; i < rows; ++i) {
        all[size_t(i) / 64] |= uint64_t(1) << (i % 64);
        if (decided[size_t(i)]) said[size_t(i) / 64] |= uint64_t(1) << (i % 64);
    }
    // The rows of a term: the AND of its conditions' rows, leaving out condition `skip`.
    auto term_rows = [&](const Term& term, size_t skip) {
        Rows r = all;
        for (size_t k = 0; k < term.size(); ++k)
            if (k != skip) {
                const Rows& c = condition_rows[term[k]];
                for (size_t w = 0; w < words; ++w) r[w] &= c[w];
            }
        return r;
    };
    // cover[i]: how many terms fire on row i; covered: the rows where any fires.
    std::vector<Rows> fires;
    std::vector<int> cover(size_t(rows), 0);
    for (const Term& term : terms) {
        fires.push_back(term_rows(term, term.size()));
        for (int i = 0; i < rows; ++i) cover[size_t(i)] += (fires.back()[size_t(i) / 64] >> (i % 64)) & 1;
    }
    auto covered = [&]() {
        Rows r(words, 0);
        for (int i = 0; i < rows; ++i)
            if (cover[size_t(i)]) r[size_t(i) / 64] |= uint64_t(1) << (i % 64);
        return r;
    };
    auto recount = [&](const Rows& before, const Rows& now) {
        for (int i = 0; i < rows; ++i)
            cover[size_t(i)] += int((now[size_t(i) / 64] >> (i % 64)) & 1) - int((before[size_t(i) / 64] >> (i % 64)) & 1);
    };

    // 1. Conditions: a shorter term fires on more rows; the newly covered rows (no other term fired) gain
    //    agreement where the network said c and lose it where it did not.
    auto drop_conditions = [&]() {
        bool changed = false;
        for (size_t t = 0; t < terms.size(); ++t) {
            Rows any = covered();
            for (size_t k = 0; k < terms[t].size();) {
                Rows now = term_rows(terms[t], k);
                long delta = 0;
                for (size_t w = 0; w < words; ++w) {
                    uint64_t fresh = now[w] & ~any[w];
                    delta += __builtin_popcountll(fresh & said[w]) - __builtin_popcountll(fresh & ~said[w]);
                }
                if (delta >= 0) {
                    recount(fires[t], now);
                    for (size_t w = 0; w < words; ++w) any[w] |= now[w];
                    fires[t] = std::move(now);
                    terms[t].erase(terms[t].begin() + long(k));
                    changed = true;
                } else {
                    ++k;
                }
            }
        }
        return changed;
    };
    // 2. Terms: dropping one uncovers the rows only it covers; it stays if that loses min_gain agreements.
    auto drop_terms = [&]() {
        bool any_dropped = false;
        for (bool changed = true; changed;) {
            changed = false;
            Rows once(words, 0);  // the rows exactly one term covers
            for (int i = 0; i < rows; ++i)
                if (cover[size_t(i)] == 1) once[size_t(i) / 64] |= uint64_t(1) << (i % 64);
            for (size_t t = 0; t < terms.size(); ++t) {
                long delta = 0;
                for (size_t w = 0; w < words; ++w) {
                    uint64_t only = fires[t][w] & once[w];
                    delta += __builtin_popcountll(only & ~said[w]) - __builtin_popcountll(only & said[w]);
                }
                if (-delta >= min_gain) continue;
                recount(fires[t], Rows(words, 0));
                terms.erase(terms.begin() + long(t));
                fires.erase(fires.begin() + long(t));
                changed = any_dropped = true;
                break;
            }
        }
        return any_dropped;
    };
    // 3. Again, until neither step changes anything: with fewer terms beside it, a term's conditions are judged
    //    on more rows of their own and may go after all (and a term that grew may make another redundant).
    //    Each round raises the agreement or keeps it and shortens the rules, so the loop ends.
    //    (`|`, not `||`: both steps run in every round.)
    while (drop_conditions() | drop_terms()) {
    }
    remove_redundant(terms);
    return terms;
}

}  // namespace gb
