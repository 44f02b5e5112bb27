// libFuzzer harness: the IDX reader of MNIST's files, raw or gzip (fuzz/targets.hpp says what it checks).
#include "fuzz/targets.hpp"

GLASSBOX_FUZZER(idx)
