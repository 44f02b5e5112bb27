// gemm_speed M N K [TRANS_A TRANS_B]: multiply-adds per second of the blocked
// GEMM (nn/gemm_fast.cpp) on one product of the given shape, the best of at
// least 7 runs and of half a second of them (a small product takes tens of
// microseconds, and one run alone is at the mercy of the machine), with a hash of the result's bits, so that two builds can be compared
// for speed and for sameness. Prints one JSON line. The number of threads is
// GLASSBOX_THREADS (by default one per core).
//
// e.g. GLASSBOX_THREADS=1 build/bench/gemm_speed 512 512 512
// and OpenBLAS (what PyTorch calls) on one thread, for comparison:
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/gemm_openblas.py 512 512 512
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nn/gemm.hpp"
#include "nn/runtime.hpp"
#include "util/random.hpp"

int main(int argc, char** argv) {
    gb::configure_runtime();
    if (argc != 4 && argc != 6) {
        std::fprintf(stderr, "usage: gemm_speed M N K [TRANS_A TRANS_B]  (sizes >= 1, transposes 0 or 1)\n");
        return 2;
    }
    const int M = std::atoi(argv[1]), N = std::atoi(argv[2]), K = std::atoi(argv[3]);
    const bool trans_a = argc == 6 && std::atoi(argv[4]) != 0, trans_b = argc == 6 && std::atoi(argv[5]) != 0;
    if (M < 1 || N < 1 || K < 1) {
        std::fprintf(stderr, "gemm_speed: M, N and K must be whole numbers >= 1\n");
        return 2;
    }
    std::vector<float> A(size_t(M) * K), B(size_t(K) * N), C(size_t(M) * N);
    gb::Rng rng(1);
    for (float& v : A) v = rng.uniform(-1.0f, 1.0f);
    for (float& v : B) v = rng.uniform(-1.0f, 1.0f);
    double best = 1e30;
    const auto begin = std::chrono::steady_clock::now();
    for (int run = 0; run < 7 || std::chrono::steady_clock::now() - begin < std::chrono::milliseconds(500); ++run) {
        auto start = std::chrono::steady_clock::now();
        gb::gemm_blocked(trans_a, trans_b, M, N, K, 1.0f, A.data(), B.data(), 0.0f, C.data());
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    uint32_t hash = 2166136261u;  // FNV-1a over the bits of C
    for (float v : C) {
        uint32_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        for (int byte = 0; byte < 4; ++byte) hash = (hash ^ ((bits >> (8 * byte)) & 0xffu)) * 16777619u;
    }
    std::printf("{\"benchmark\": \"gemm\", \"M\": %d, \"N\": %d, \"K\": %d, \"trans_a\": %d, \"trans_b\": %d, "
                "\"gfma_per_second\": %.2f, \"result_hash\": \"%08x\"}\n",
                M, N, K, int(trans_a), int(trans_b), double(M) * N * K / best / 1e9, hash);
    return 0;
}
