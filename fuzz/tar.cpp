// libFuzzer harness: the tar reader of the 20 Newsgroups archive (fuzz/targets.hpp says what it checks).
#include "fuzz/targets.hpp"

GLASSBOX_FUZZER(tar)
