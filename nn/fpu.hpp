// fpu.hpp: floating-point mode of the calling thread.
//
// Values below 1.2e-38 ("denormals") are handled in microcode by x86 CPUs,
// up to a hundred times slower than normal floats. Late in training, small
// gradients and weights produce many of them, and an MLP epoch took 60%
// longer. Flushing them to zero costs nothing in accuracy (they are far below
// float32's resolution of any value a network uses) and keeps every epoch as
// fast as the first. The thread pool sets this on its workers; programs call
// it at the start of main.
#pragma once

#if defined(__SSE__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

namespace gb {

inline void flush_denormals_to_zero() {
#if defined(__SSE__)
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);          // results that would be denormal become 0
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);  // denormal inputs are read as 0
#endif
}

}  // namespace gb
