// evaluation_report.hpp: the results of explain/evaluation as markdown
// tables, JSON and plot panels, for `glassbox evaluate` and the tutorials.
// In every plot the random baseline is dashed.
#pragma once
#include <string>
#include <vector>

#include "explain/evaluation/continuity.hpp"
#include "explain/evaluation/perturbation.hpp"
#include "explain/evaluation/sanity.hpp"
#include "explain/evaluation/word_deletion.hpp"
#include "viz/plot.hpp"

namespace gb {

struct Report {
    std::string table;          // markdown
    std::string json;           // a JSON array, one object per method
    std::vector<Panel> panels;  // for plot_png
    int width = 1100;           // of the picture, in pixels
};

Report perturbation_report(const std::vector<MethodPerturbation>& results);
Report word_deletion_report(const std::vector<MethodDeletion>& results);
// paths: per method, one path per digit (the figures are means over the digits).
Report continuity_report(const std::vector<std::vector<ContinuityPath>>& paths);
// steps: per method, the cascading and the independent randomization.
struct MethodSanity {
    std::string method;
    SanityChecks checks;
};
Report sanity_report(const std::vector<MethodSanity>& results);

}  // namespace gb
