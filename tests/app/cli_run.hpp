// cli_run.hpp: running `glassbox` in-process for the command-line tests:
// its exit code and what it printed, a data folder for the life of a test,
// and the check that bad input fails with one line of error.
#pragma once
#include <stdlib.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include <catch2/catch.hpp>

namespace gb::test {

struct Run {
    int code;
    std::string out, err;
};

inline Run glassbox(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int code = run_cli(args, out, err);
    return {code, out.str(), err.str()};
}

// Points GLASSBOX_DATA at a folder for the life of the object.
struct DataDir {
    explicit DataDir(const std::string& path) { setenv("GLASSBOX_DATA", path.c_str(), 1); }
    ~DataDir() { unsetenv("GLASSBOX_DATA"); }
};

// The command fails with one line of error that contains `message`.
inline void fails_with(const std::vector<std::string>& args, const std::string& message) {
    Run r = glassbox(args);
    INFO("glassbox " << args[0] << " ...: " << r.err);
    CHECK(r.code != 0);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace gb::test
