#include "app/flags.hpp"

#include <cmath>
#include <cstdlib>

#include "util/error.hpp"

namespace gb {

Flags::Flags(const std::string& command, const std::vector<std::string>& args, const std::set<std::string>& known)
    : command_(command) {
    std::string list;
    for (auto& k : known) list += (list.empty() ? "--" : ", --") + k;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() < 3 || a.compare(0, 2, "--") != 0)
            throw Error("unexpected argument '" + a + "' for `glassbox " + command + "`; flags look like --name value");
        std::string name = a.substr(2);
        if (!known.count(name))
            throw Error("unknown flag --" + name + " for `" + command + "`; it accepts " + list);
        if (i + 1 >= args.size()) throw Error("flag --" + name + " needs a value");
        values_[name] = args[++i];
    }
}

std::string Flags::text(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

std::string Flags::required(const std::string& name) const {
    if (!has(name)) throw Error("`" + command_ + "` needs --" + name);
    return values_.at(name);
}

int Flags::whole(const std::string& name, int fallback, int min, int max) const {
    if (!has(name)) return fallback;
    const std::string& s = values_.at(name);
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < min || v > max)
        throw Error("--" + name + " takes a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                    ", got '" + s + "'");
    return int(v);
}

float Flags::real(const std::string& name, float fallback, float min, float max) const {
    if (!has(name)) return fallback;
    const std::string& s = values_.at(name);
    char* end = nullptr;
    float v = std::strtof(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v) || v < min || v > max)
        throw Error("--" + name + " takes a number from " + std::to_string(min) + " to " + std::to_string(max) +
                    ", got '" + s + "'");
    return v;
}

}  // namespace gb
