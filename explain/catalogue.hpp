// catalogue.hpp: every explanation method, by name (the list is
// catalogue.def). Adding a method is one file that defines its descriptor
// and one line in catalogue.def.
#pragma once
#include <string>
#include <vector>

#include "explain/method.hpp"

namespace gb {

const std::vector<Method>& catalogue();
// The method of that name; gb::Error listing the names if there is none.
const Method& method_named(const std::string& name);
std::vector<std::string> method_names();

// Every parameter of the catalogue once, by name, in order of first appearance
// (for the command line's flags). Parameters of the same name in several
// methods mean the same thing; defaults and ranges may differ.
std::vector<std::string> parameter_names();

}  // namespace gb
