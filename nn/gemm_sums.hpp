// gemm_sums.hpp: how the fast GEMM adds up its products, shared by its two
// implementation files (gemm_fast.cpp, gemm_sparse.cpp) so that both give
// the same bits.
//
// The inner dimension is summed in blocks of kDepthBlock indices p: within a
// block each element of C gets a sum that starts at zero and adds its
// products in increasing p, one fused multiply-add each; the block's sum s
// then goes into C as C + alpha * s, again one fused multiply-add.
#pragma once
#include <cmath>

namespace gb {

constexpr int kDepthBlock = 256;

// acc + a * b as GCC compiles `acc += a * b` (it contracts the two into one
// fused multiply-add where the machine has one), spelt out: in unrolled or
// hand-written loops GCC would contract some of them and not others.
inline float multiply_add(float a, float b, float acc) {
#ifdef FP_FAST_FMAF
    return std::fma(a, b, acc);
#else
    return acc + a * b;
#endif
}

}  // namespace gb
