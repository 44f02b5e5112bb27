// buffers.hpp: recycled float buffers for the values and gradients of nodes.
//
// A training step allocates the same large buffers in every step: the
// activations of each layer and their gradients. std::vector zero-fills each
// one on the calling thread while the other threads wait (in LeNet's
// training, about 0.1 s of a 2.7 s epoch). So the large buffers of dead
// nodes are kept here, by size, and handed out again:
//
//   uninitialized_buffer(n)  n floats with stale contents, for an op whose
//                            output overwrites every element;
//   zero_buffer(n)           n zeros, filled by all threads (a gradient
//                            buffer, into which backward passes add).
//
// Buffers under kSmallBuffer floats are plain vectors. At most kKeptFloats
// floats are kept; to keep another, buffers of other sizes are freed first.
// The values a program computes do not depend on any of this.
#pragma once
#include <cstddef>
#include <vector>

namespace gb {

std::vector<float> uninitialized_buffer(size_t n);
std::vector<float> zero_buffer(size_t n);
void recycle(std::vector<float>&& buffer);  // keeps it for reuse, or frees it

}  // namespace gb
