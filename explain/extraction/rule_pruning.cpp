#include "explain/extraction/rule_pruning.hpp"

namespace gb {

Dnf prune_rules(const Dnf& dnf, const float* x, int rows, int width, const std::vector<int>& decided) {
    Dnf terms = dnf;
    auto row = [&](int i) { return x + size_t(i) * size_t(width); };
    // cover[i]: how many terms fire on row i.
    std::vector<int> cover(size_t(rows), 0);
    std::vector<std::vector<char>> fires(terms.size(), std::vector<char>(size_t(rows), 0));
    for (size_t t = 0; t < terms.size(); ++t)
        for (int i = 0; i < rows; ++i)
            if (holds(terms[t], row(i))) fires[t][size_t(i)] = 1, ++cover[size_t(i)];

    // 1. Conditions: a shorter term fires on more rows; the newly covered rows (no other term fired) gain
    //    agreement where the network said c and lose it where it did not.
    for (size_t t = 0; t < terms.size(); ++t) {
        for (size_t k = 0; k < terms[t].size();) {
            Term shorter = terms[t];
            shorter.erase(shorter.begin() + long(k));
            std::vector<char> now(size_t(rows), 0);
            long delta = 0;
            for (int i = 0; i < rows; ++i) {
                now[size_t(i)] = holds(shorter, row(i));
                if (now[size_t(i)] && !fires[t][size_t(i)] && cover[size_t(i)] == 0) delta += decided[size_t(i)] ? 1 : -1;
            }
            if (delta >= 0) {
                for (int i = 0; i < rows; ++i) cover[size_t(i)] += now[size_t(i)] - fires[t][size_t(i)];
                fires[t] = std::move(now);
                terms[t] = std::move(shorter);
            } else {
                ++k;
            }
        }
    }
    // 2. Terms: dropping one uncovers the rows only it covers.
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t t = 0; t < terms.size(); ++t) {
            long delta = 0;
            for (int i = 0; i < rows; ++i)
                if (fires[t][size_t(i)] && cover[size_t(i)] == 1) delta += decided[size_t(i)] ? -1 : 1;
            if (delta < 0) continue;
            for (int i = 0; i < rows; ++i) cover[size_t(i)] -= fires[t][size_t(i)];
            terms.erase(terms.begin() + long(t));
            fires.erase(fires.begin() + long(t));
            changed = true;
            break;
        }
    }
    remove_redundant(terms);
    return terms;
}

}  // namespace gb
