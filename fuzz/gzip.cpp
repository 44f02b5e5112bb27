// libFuzzer harness: gzip and the DEFLATE decoder (fuzz/targets.hpp says what it checks).
#include "fuzz/targets.hpp"

GLASSBOX_FUZZER(gzip)
