// runtime.hpp: process-wide settings that every glassbox program makes at
// the start of main (the command line, the tutorials, the tests).
//
// - Denormal floats are flushed to zero (fpu.hpp).
// - With glibc, freed memory is kept for reuse instead of being returned to
//   the system at once. A training step allocates and frees the same large
//   buffers (activations, im2col matrices) again and again; by default glibc
//   maps each one afresh, and the kernel's page faults and page clearing took
//   a sixth of LeNet's training time.
#pragma once

#include "nn/fpu.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace gb {

inline void configure_runtime() {
    flush_denormals_to_zero();
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 1 << 30);  // serve large blocks from the heap, where they are reused
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  // and keep up to 1 GiB of freed heap for that
#endif
}

}  // namespace gb
