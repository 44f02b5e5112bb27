// program.hpp: what every tutorial's main does: the runtime set-up, its
// flags, and a one-line error instead of a crash.
#pragma once
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <string>

#include "app/flags.hpp"
#include "nn/runtime.hpp"
#include "util/error.hpp"

namespace gb {

inline int run_program(const std::string& name, int argc, char** argv, const std::set<std::string>& flags,
                       const std::function<int(const Flags&)>& run) {
    configure_runtime();
    try {
        return run(Flags(name, std::vector<std::string>(argv + 1, argv + argc), flags));
    } catch (const Error& e) {
        std::cerr << name << ": error: " << e.what() << "\n";
        return 1;
    }
}

// Fails early, before any long computation, if `path` cannot be written.
inline void check_writable(const std::string& path) {
    std::string probe = path + ".tmp";
    if (!std::ofstream(probe)) throw Error("cannot write " + path + ": check that its folder exists and is writable");
    std::remove(probe.c_str());
}

// Creates the folder (and its parents) for a program's output.
void make_folder(const std::string& path);

}  // namespace gb
