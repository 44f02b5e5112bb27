// explain_flags.hpp: the flags that set an explanation method's options,
// shared by `glassbox explain` and `glassbox evaluate`.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "app/data.hpp"
#include "app/flags.hpp"
#include "explain/methods.hpp"

namespace gb {

// "a,b,,c" -> {"a", "b", "c"}
std::vector<std::string> split_commas(const std::string& s);

// --name A,B as two numbers (fallback when the flag is absent); `form` tells
// the user what was expected, e.g. "FROM,TO, e.g. -4,4".
std::pair<float, float> two_numbers(const Flags& flags, const std::string& name, std::pair<float, float> fallback,
                                    const std::string& form);

// ExplainOptions from --target, --samples (or the flag named samples_flag),
// --noise, --seed, --patch, --stride, --epsilon, --gamma, --alpha, --beta,
// --composite, --bias-factor, --max-pool, --bounds, --translations and
// --baseline zero|mean|search; the image size and bounds follow the data.
ExplainOptions explain_options(const Flags& flags, const DataSplits& data, const std::string& samples_flag = "samples");

// The names of those flags, for a command's list of known flags.
std::vector<std::string> explain_option_flags(const std::string& samples_flag = "samples");

}  // namespace gb
