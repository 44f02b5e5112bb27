// error.hpp: the one exception type for problems a user can fix.
//
// Every message says what is wrong and what to do about it, in one line, so
// that the command line can print it as is ("glassbox: error: <message>").
#pragma once
#include <stdexcept>
#include <string>

namespace gb {

struct Error : std::runtime_error {
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace gb
