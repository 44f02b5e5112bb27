#include "explain/catalogue.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace gb {

#define METHOD(f) Method f();
#include "explain/catalogue.def"
#undef METHOD

const std::vector<Method>& catalogue() {
    static const std::vector<Method> methods{
#define METHOD(f) f(),
#include "explain/catalogue.def"
#undef METHOD
    };
    return methods;
}

const Method& method_named(const std::string& name) {
    for (const Method& m : catalogue())
        if (m.name == name) return m;
    std::string list;
    for (const Method& m : catalogue()) list += (list.empty() ? "" : ", ") + m.name;
    throw Error("unknown explanation method '" + name + "'; choose one of: " + list);
}

std::vector<std::string> method_names() {
    std::vector<std::string> names;
    for (const Method& m : catalogue()) names.push_back(m.name);
    return names;
}

std::vector<std::string> parameter_names() {
    std::vector<std::string> names;
    for (const Method& m : catalogue())
        for (const Parameter& p : m.parameters)
            if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
    return names;
}

}  // namespace gb
