// cli.hpp: the `glassbox` command line, as a function the tests can call.
#pragma once
#include <functional>
#include <iosfwd>
#include <set>
#include <string>
#include <vector>

namespace gb {

// Runs `glassbox <args...>`; returns the exit code. Results go to `out` (the
// last line is one JSON object), progress and errors to `err`.
// `glassbox help` prints every command's usage, `glassbox COMMAND --help` one.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

class Flags;
// A command: its usage text and flags, and the function that runs it.
struct Command {
    std::string name;
    std::string summary;          // one line
    std::string usage;            // its lines of the usage text
    std::set<std::string> flags;  // every flag it accepts (without "--")
    std::function<int(const Flags&, std::ostream& out, std::ostream& err)> run;
};

Command explain_command();   // explain_command.cpp
Command evaluate_command();  // evaluate_command.cpp
Command methods_command();   // methods_command.cpp
Command pick_command();      // pick_command.cpp
Command rules_command();     // rules_command.cpp

// `glassbox train --model tree|forest` (train_trees.cpp).
int train_trees(const Flags& flags, std::ostream& out, std::ostream& err);
Command visualize_command(); // visualize_command.cpp
// `glassbox train --model rbm|vae`: the expert and the generator of `glassbox visualize`.
int train_generative(const Flags& flags, std::ostream& out, std::ostream& err);  // train_generative.cpp

}  // namespace gb
