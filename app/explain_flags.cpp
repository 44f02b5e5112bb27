#include "app/explain_flags.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "util/error.hpp"

namespace gb {

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> parts;
    std::istringstream in(s);
    for (std::string part; std::getline(in, part, ',');)
        if (!part.empty()) parts.push_back(part);
    return parts;
}

std::pair<float, float> two_numbers(const Flags& flags, const std::string& name, std::pair<float, float> fallback,
                                    const std::string& form) {
    if (!flags.has(name)) return fallback;
    std::vector<std::string> parts = split_commas(flags.text(name, ""));
    char *end1 = nullptr, *end2 = nullptr;
    float a = 0, b = 0;
    if (parts.size() != 2 || (a = std::strtof(parts[0].c_str(), &end1), *end1) || (b = std::strtof(parts[1].c_str(), &end2), *end2))
        throw Error("--" + name + " takes " + form + "; got '" + flags.text(name, "") + "'");
    return {a, b};
}

const std::set<std::string>& explanation_flags() {
    static const std::set<std::string> flags{"target", "translations"};
    return flags;
}

std::string parameter_flag(const std::string& name, const std::set<std::string>& command_flags) {
    return command_flags.count(name) ? "method-" + name : name;
}

std::set<std::string> with_method_flags(const std::set<std::string>& command_flags) {
    std::set<std::string> flags = command_flags;
    flags.insert(explanation_flags().begin(), explanation_flags().end());
    for (const std::string& name : parameter_names()) flags.insert(parameter_flag(name, command_flags));
    return flags;
}

namespace {

// The mean training input, for the baseline "mean".
std::vector<float> mean_input(const DataSplits& data) {
    std::vector<float> mean(data.test.example_size, 0.0f), row(data.test.example_size);
    for (int i = 0; i < data.train.count(); ++i) {
        data.train.fill(i, row.data());
        for (size_t k = 0; k < row.size(); ++k) mean[k] += row[k] / float(data.train.count());
    }
    return mean;
}

}  // namespace

ExplainOptions explain_options(const Flags& flags, const DataSplits& data, const std::vector<std::string>& methods,
                               const std::set<std::string>& command_flags) {
    ExplainOptions o;
    o.targets = {flags.whole("target", -1, -1, 1 << 20)};
    o.translations = flags.whole("translations", 0, 0, 5);
    if (data.name == "mnist") o.input.height = o.input.width = 28, o.input.bounded = true;  // pixels in [0, 1]
    for (const std::string& name : parameter_names()) {
        const std::string flag = parameter_flag(name, command_flags);
        if (!flags.has(flag)) continue;
        const std::string value = flags.text(flag, "");
        std::string takers;
        bool taken = false;
        for (const Method& m : catalogue()) {
            if (!m.takes(name)) continue;
            takers += (takers.empty() ? "" : ", ") + m.name;
            if (std::find(methods.begin(), methods.end(), m.name) == methods.end()) continue;
            taken = true;
            try {
                m.parameter(name).check(value);
            } catch (const Error&) {
                throw Error("--" + flag + " takes " + m.parameter(name).valid() + " for " + m.name + ", got '" + value + "'");
            }
        }
        if (!taken) throw Error("--" + flag + " is a parameter of " + takers + ", and no method asked for takes it");
        o.parameters[name] = value;
    }
    if (o.parameters.count("baseline") && o.parameters.at("baseline") == "mean") o.input.mean = mean_input(data);
    for (int id = 0; id < data.vocabulary.size(); ++id) o.input.words.push_back(data.vocabulary.word(id));
    if (!data.table.names.empty()) {  // a table: the training rows as the model takes them, and the raw units
        o.input.table_rows = data.train.dense;
        o.input.table_names = data.table.names;
        o.input.table_mean = data.table.mean;
        o.input.table_scale = data.table.scale;
    }
    return o;
}

std::string methods_usage(const std::set<std::string>& command_flags) {
    std::string s = "           methods (`glassbox methods` describes each):\n";
    for (Family family : all_families()) {
        std::string names;
        for (const Method& m : catalogue())
            if (m.family == family) names += (names.empty() ? "" : ", ") + m.name;
        if (!names.empty()) s += "             " + family_name(family) + ": " + names + "\n";
    }
    s += "           method parameters (each method reads its own):\n";
    for (const std::string& name : parameter_names()) {
        // one line per meaning: methods that share help, default and valid values share a line
        std::vector<std::pair<std::string, std::string>> lines;  // (description, methods)
        for (const Method& m : catalogue()) {
            if (!m.takes(name)) continue;
            const Parameter& p = m.parameter(name);
            std::string line = "             --" + parameter_flag(name, command_flags) + "  " + p.help;
            if (!p.fallback.empty()) line += "; default " + p.fallback;
            line += "; " + p.valid();
            auto same = std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return l.first == line; });
            if (same == lines.end()) lines.push_back({line, m.name});
            else same->second += ", " + m.name;
        }
        for (const auto& [line, methods] : lines) s += line + " (" + methods + ")\n";
    }
    return s;
}

}  // namespace gb
