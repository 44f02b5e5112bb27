// explain_flags.hpp: the flags of the explanation methods, derived from the
// catalogue (explain/catalogue.hpp), shared by `glassbox explain` and
// `glassbox evaluate`. A method parameter is the flag of its name, or
// --method-NAME where the command has a flag of that name itself
// (`glassbox evaluate --samples` counts digits, --method-samples is
// SmoothGrad's).
#pragma once
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/flags.hpp"
#include "explain/explain.hpp"
#include "training/data.hpp"

namespace gb {

// "a,b,,c" -> {"a", "b", "c"}
std::vector<std::string> split_commas(const std::string& s);

// --name A,B as two numbers (fallback when the flag is absent); `form` tells
// the user what was expected, e.g. "FROM,TO, e.g. -4,4".
std::pair<float, float> two_numbers(const Flags& flags, const std::string& name, std::pair<float, float> fallback,
                                    const std::string& form);

// The flags every explanation takes beside the methods' parameters.
const std::set<std::string>& explanation_flags();  // target, translations

// A command's own flags, the explanation flags and every method parameter's flag.
std::set<std::string> with_method_flags(const std::set<std::string>& command_flags);

// The flag of method parameter `name` in a command with these flags of its own.
std::string parameter_flag(const std::string& name, const std::set<std::string>& command_flags);

// ExplainOptions for `methods` from --target, --translations and the
// parameters' flags: each value is checked against every requested method that
// takes it (an error names the flag, the value and the valid values), and a
// flag that none of them takes is an error. The image size, bounds and mean
// input follow the data.
ExplainOptions explain_options(const Flags& flags, const DataSplits& data, const std::vector<std::string>& methods,
                               const std::set<std::string>& command_flags);

// The methods' part of a usage text: the names by family and every parameter
// with its default, valid values, help and the methods that take it.
std::string methods_usage(const std::set<std::string>& command_flags);

}  // namespace gb
