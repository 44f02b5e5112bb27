// localization_metrics.hpp: `glassbox evaluate --metric pointing|deletion|insertion`
// on MNIST scenes (training/scenes.hpp): the pointing game and the energy
// share inside the explained class's boxes, or RISE's deletion and insertion
// areas, for each method, as a markdown table and one JSON line.
#pragma once
#include <ostream>
#include <set>
#include <string>

#include "app/flags.hpp"

namespace gb {

bool is_localization_metric(const std::string& metric);  // pointing, deletion, insertion
int run_localization(const Flags& flags, std::ostream& out, const std::set<std::string>& command_flags);

}  // namespace gb
