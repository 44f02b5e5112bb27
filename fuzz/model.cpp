// libFuzzer harness: model files, i.e. the .npz/zip reader, .npy headers and the
// architecture record (fuzz/targets.hpp says what it checks).
#include "fuzz/targets.hpp"

GLASSBOX_FUZZER(model)
