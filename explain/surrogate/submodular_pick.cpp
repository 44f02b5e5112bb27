#include "explain/surrogate/submodular_pick.hpp"

#include <algorithm>
#include <cmath>

#include "util/error.hpp"

namespace gb {

Pick submodular_pick(const std::vector<Terms>& explanations, int budget) {
    const int n = int(explanations.size());
    if (budget < 1 || budget > n)
        throw Error("submodular pick: a budget of " + std::to_string(budget) + " instances out of " + std::to_string(n) +
                    "; choose 1 to " + std::to_string(n));
    Pick pick;
    auto column = [&](const std::string& feature) {
        return size_t(std::find(pick.features.begin(), pick.features.end(), feature) - pick.features.begin());
    };
    for (const Terms& terms : explanations)
        for (const auto& term : terms)
            if (column(term.first) == pick.features.size()) pick.features.push_back(term.first);
    const size_t d = pick.features.size();
    std::vector<std::vector<double>> W(size_t(n), std::vector<double>(d, 0.0));
    for (int i = 0; i < n; ++i)
        for (const auto& [feature, weight] : explanations[size_t(i)]) W[size_t(i)][column(feature)] += weight;
    for (auto& row : W)
        for (double& w : row) w = std::fabs(w);  // |W_ij|
    pick.importance.assign(d, 0.0);  // I_j = sqrt(sum_i |W_ij|)
    for (const auto& row : W)
        for (size_t j = 0; j < d; ++j) pick.importance[j] += row[j];
    for (double& v : pick.importance) v = std::sqrt(v);
    std::vector<bool> covered(d, false), taken(size_t(n), false);
    for (int round = 0; round < budget; ++round) {
        double best = -1;
        int chosen = -1;
        for (int i = 0; i < n; ++i) {  // c(V + {i})
            if (taken[size_t(i)]) continue;
            double c = 0;
            for (size_t j = 0; j < d; ++j)
                if (covered[j] || W[size_t(i)][j] > 0) c += pick.importance[j];
            if (c >= best) best = c, chosen = i;
        }
        taken[size_t(chosen)] = true;
        for (size_t j = 0; j < d; ++j) covered[j] = covered[j] || W[size_t(chosen)][j] > 0;
        pick.instances.push_back(chosen);
        pick.coverage.push_back(best);
    }
    return pick;
}

}  // namespace gb
