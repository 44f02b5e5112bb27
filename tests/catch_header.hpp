// The source of the tests' precompiled header (see the Makefile): Catch2's
// single header, and <filesystem>, which the test helpers include everywhere,
// parsed once per build instead of once per test file.
#include <filesystem>

#include <catch2/catch.hpp>
