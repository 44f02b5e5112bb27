// cli.hpp: the `glassbox` command line, as a function the tests can call.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace gb {

// Runs `glassbox <args...>`; returns the exit code. Results go to `out` (the
// last line is one JSON object), progress and errors to `err`.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

class Flags;
// `glassbox explain` (explain_command.cpp).
int explain_command(const Flags& flags, std::ostream& out);
// `glassbox evaluate` (evaluate_command.cpp).
int evaluate_command(const Flags& flags, std::ostream& out);

}  // namespace gb
