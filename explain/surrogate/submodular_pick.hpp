// submodular_pick.hpp: SP-LIME (Ribeiro, Singh, Guestrin 2016, sec. 4, as
// lime's submodular_pick.py): from the explanations of many instances, pick
// B that together cover the features that matter most. With W_ij the
// weight of feature j in the explanation of instance i (summed where a
// feature name repeats), the global importance of feature j is
//   I_j = sqrt(sum_i |W_ij|),
// the coverage of a set V of instances is
//   c(V) = sum_j 1[exists i in V: |W_ij| > 0] I_j,
// and B instances are picked greedily, each adding the most coverage (ties:
// the later instance, as lime's loop over its candidates does).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace gb {

using Terms = std::vector<std::pair<std::string, double>>;  // an explanation: (feature, weight)

struct Pick {
    std::vector<int> instances;           // the picked instances, in the order picked
    std::vector<double> coverage;         // c(V) after each pick
    std::vector<std::string> features;    // every feature seen, with its importance I_j
    std::vector<double> importance;
};
Pick submodular_pick(const std::vector<Terms>& explanations, int budget);

}  // namespace gb
