// The test runner, with the floating-point mode of the programs (nn/fpu.hpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "nn/runtime.hpp"

int main(int argc, char** argv) {
    gb::configure_runtime();
    return Catch::Session().run(argc, argv);
}
