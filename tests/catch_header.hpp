// The source of the tests' precompiled header (see the Makefile): Catch2's
// single header, parsed once per build instead of once per test file.
#include <catch2/catch.hpp>
