// Replays the fuzzers' inputs through the functions the fuzzers call
// (fuzz/targets.hpp): every input a fuzzer ever crashed on, kept in
// fuzz/regressions/<fuzzer>/, must now end in a clean gb::Error (newsgroups
// posts, which nothing refuses, must run through); every seed of
// fuzz/corpus/<fuzzer>/ must load or end in a gb::Error, nothing else.
// The folders are found from the repository root, where the tests run.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "bad_files.hpp"
#include "fuzz/targets.hpp"
#include "helpers.hpp"

using namespace gb;
using namespace gb::test;
namespace fs = std::filesystem;

namespace {
const std::map<std::string, std::function<void(const std::string&)>>& targets() {
    static const std::map<std::string, std::function<void(const std::string&)>> all{
        {"idx", fuzz::idx},   {"gzip", fuzz::gzip},          {"tar", fuzz::tar},
        {"model", fuzz::model}, {"newsgroups", fuzz::newsgroups}, {"csv", fuzz::csv}};
    return all;
}

// The files of fuzz/<kind>/<target>/, sorted; none if the folder does not exist.
std::vector<std::string> inputs(const std::string& kind, const std::string& target) {
    std::vector<std::string> files;
    fs::path folder = fs::path("fuzz") / kind / target;
    if (fs::is_directory(folder))
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}
}  // namespace

TEST_CASE("every input a fuzzer crashed on now ends in one clean gb::Error line", "[hardening][fuzz]") {
    REQUIRE(fs::is_directory("fuzz/corpus"));  // run the tests from the repository root
    size_t replayed = 0;
    for (const auto& [name, target] : targets()) {
        for (const std::string& path : inputs("regressions", name)) {
            INFO(path);
            std::string bytes = file_bytes(path);
            if (name == "newsgroups") CHECK_NOTHROW(target(bytes));
            else refuses([&, &target = target] { target(bytes); }, "");
            ++replayed;
        }
    }
    CHECK(replayed > 0);
}

TEST_CASE("every seed of the fuzzers loads or ends in a gb::Error", "[hardening][fuzz]") {
    REQUIRE(fs::is_directory("fuzz/corpus"));
    for (const auto& [name, target] : targets()) {
        std::vector<std::string> seeds = inputs("corpus", name);
        INFO(name);
        CHECK(seeds.size() >= 4);
        for (const std::string& path : seeds) {
            INFO(path);
            std::string bytes = file_bytes(path);
            try {
                target(bytes);
            } catch (const Error&) {
            }  // anything else fails the test
        }
    }
}
