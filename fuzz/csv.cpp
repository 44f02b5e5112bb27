// libFuzzer harness: the CSV table reader (fuzz/targets.hpp says what it checks).
#include "fuzz/targets.hpp"

GLASSBOX_FUZZER(csv)
