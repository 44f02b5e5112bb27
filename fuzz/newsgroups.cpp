// libFuzzer harness: 20 Newsgroups post cleaning, the tokenizer and the encodings
// (fuzz/targets.hpp says what it checks).
#include "fuzz/targets.hpp"

GLASSBOX_FUZZER(newsgroups)
