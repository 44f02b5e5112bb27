#include "app/explain_flags.hpp"

#include <cstdlib>
#include <sstream>
#include <tuple>

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

ExplainOptions explain_options(const Flags& flags, const DataSplits& data, const std::string& samples_flag) {
    ExplainOptions o;
    o.targets = {flags.whole("target", -1, -1, 1 << 20)};
    o.trace = flags.text("trace", "no") == "yes" || flags.has("trace-png");
    o.samples = flags.whole(samples_flag, 50, 1, 100000);
    o.noise = flags.real("noise", 0.15f, 0.0f, 10.0f);
    o.seed = uint64_t(flags.whole("seed", 1, 0, 2147483647));
    o.patch = flags.whole("patch", 4, 1, 28);
    o.stride = flags.whole("stride", 2, 1, 28);
    if (data.name == "mnist") o.image_height = o.image_width = 28;
    o.epsilon = flags.real("epsilon", 0.25f, 0.0f, 1e6f);
    o.gamma = flags.real("gamma", 0.25f, 0.0f, 1e6f);
    o.alpha = flags.real("alpha", 2.0f, 1.0f, 1e6f);
    o.beta = flags.real("beta", o.alpha - 1.0f, 0.0f, 1e6f);
    o.composite = flags.text("composite", "epsilon-gamma-zb");
    o.bias_factor = flags.real("bias-factor", 0.0f, 0.0f, 1.0f);
    std::string max_pool = flags.text("max-pool", "winner");
    if (max_pool != "winner" && max_pool != "proportional")
        throw Error("--max-pool takes winner or proportional, got '" + max_pool + "'");
    o.max_pool_proportional = max_pool == "proportional";
    std::tie(o.low, o.high) = two_numbers(flags, "bounds", {0.0f, 1.0f}, "LOW,HIGH, e.g. 0,1");
    o.bounded = data.name == "mnist";  // pixels in [0, 1]
    o.translations = flags.whole("translations", 0, 0, 5);
    std::string baseline = flags.text("baseline", "zero");
    if (baseline == "mean") {  // the mean training input
        o.baseline.assign(data.test.example_size, 0.0f);
        std::vector<float> row(data.test.example_size);
        for (int i = 0; i < data.train.count(); ++i) {
            data.train.fill(i, row.data());
            for (size_t k = 0; k < row.size(); ++k) o.baseline[k] += row[k] / float(data.train.count());
        }
    } else if (baseline == "search") {
        o.root_search = true;
    } else if (baseline != "zero") {
        throw Error("--baseline takes zero, mean or search, got '" + baseline + "'");
    }
    return o;
}

std::vector<std::string> explain_option_flags(const std::string& samples_flag) {
    return {"target", samples_flag, "noise", "seed", "patch", "stride", "epsilon", "gamma", "alpha", "beta",
            "composite", "translations", "bias-factor", "max-pool", "bounds", "baseline"};
}

}  // namespace gb
