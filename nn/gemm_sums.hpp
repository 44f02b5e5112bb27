// gemm_sums.hpp: how the fast GEMM adds up its products, shared by its
// blocked kernel (gemm_fast.cpp) and its sparse shortcut (gemm_sparse.cpp),
// which must give the same bits.
//
// The inner dimension is summed in blocks of kDepthBlock indices p: within a
// block each element of C gets a sum that starts at zero and adds its
// products in increasing p; the block's sum s then goes into C as
// C += alpha * s. Both files write each step as that same plain expression
// (`sum += a * b`, `C += alpha * s`) and leave it to the compiler to fuse it
// into one multiply-add, as GCC does from -O2 on where the machine has FMA
// (and does not at -O1): spelt out with std::fma in one file and not in the
// other, the two would differ in builds that do not fuse.
#pragma once

namespace gb {

constexpr int kDepthBlock = 256;

}  // namespace gb
