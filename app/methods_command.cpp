// `glassbox methods [--family F]`: the catalogue of explanation methods as a
// table: name, family, paper, parameters with their defaults.
#include <algorithm>
#include <iomanip>
#include <sstream>

#include "app/cli.hpp"
#include "app/flags.hpp"
#include "app/json.hpp"
#include "explain/catalogue.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

std::string parameters_of(const Method& m) {
    std::string s;
    for (const Parameter& p : m.parameters) s += (s.empty() ? "" : " ") + p.name + "=" + (p.fallback.empty() ? "(see help)" : p.fallback);
    return s.empty() ? "-" : s;
}

int methods(const Flags& flags, std::ostream& out) {
    std::string wanted = flags.text("family", "");
    std::string families;
    bool known = wanted.empty();
    for (Family f : all_families()) {
        families += (families.empty() ? "" : ", ") + family_name(f);
        known = known || family_name(f) == wanted;
    }
    if (!known) throw Error("--family takes one of " + families + ", got '" + wanted + "'");
    std::vector<const Method*> listed;
    for (const Method& m : catalogue())
        if (wanted.empty() || family_name(m.family) == wanted) listed.push_back(&m);
    size_t name_width = 6, family_width = 6;
    for (const Method* m : listed) {
        name_width = std::max(name_width, m->name.size());
        family_width = std::max(family_width, family_name(m->family).size());
    }
    auto row = [&](const std::string& name, const std::string& family, const std::string& rest) {
        out << std::left << std::setw(int(name_width) + 2) << name << std::setw(int(family_width) + 2) << family << rest << "\n";
    };
    row("method", "family", "paper / what it computes / parameters");
    std::vector<std::string> names;
    for (const Method* m : listed) {
        row(m->name, family_name(m->family), m->paper);
        row("", "", m->summary);
        row("", "", "parameters: " + parameters_of(*m));
        names.push_back(m->name);
    }
    std::string list = "[";
    for (size_t k = 0; k < names.size(); ++k) list += (k ? ", \"" : "\"") + names[k] + "\"";
    out << JsonObject().add("command", "methods").add_raw("methods", list + "]").str() << std::endl;
    return 0;
}

}  // namespace

Command methods_command() {
    return {"methods", "the explanation methods: family, paper, parameters",
            "  methods  [--family gradient|propagation-rule|perturbation|surrogate|synthesis|extraction]\n"
            "           (each method's parameters, defaults and valid values: `glassbox explain --help`)\n",
            {"family"}, [](const Flags& flags, std::ostream& out, std::ostream&) { return methods(flags, out); }};
}

}  // namespace gb
