// flags.hpp: "--name value" command-line flags, checked against what a
// command accepts; every mistake is a gb::Error that names the flag.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gb {

class Flags {
public:
    // command: as the user typed it ("glassbox train"), for messages; args: the words
    // after it; known: the flags it accepts (without "--").
    Flags(const std::string& command, const std::vector<std::string>& args, const std::set<std::string>& known);

    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string text(const std::string& name, const std::string& fallback) const;
    std::string required(const std::string& name) const;
    int whole(const std::string& name, int fallback, int min, int max) const;
    float real(const std::string& name, float fallback, float min, float max) const;

private:
    std::string command_;
    std::map<std::string, std::string> values_;
};

}  // namespace gb
