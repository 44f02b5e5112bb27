// idx.hpp: the IDX format of MNIST (LeCun et al.), raw or gzip-compressed.
//
//   magic: 0x00 0x00 <type> <ndims>   (type 0x08 = unsigned byte)
//   ndims big-endian int32 sizes, then the values, row-major.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

struct IdxArray {
    std::vector<int> dims;
    std::vector<uint8_t> values;
};

// Reads an unsigned-byte IDX file (gzip detected by its magic bytes). Throws
// gb::Error naming the file and the problem: missing, truncated, not IDX,
// another element type, or data past the declared size.
IdxArray read_idx(const std::string& path);
// The same from the file's bytes (raw or gzip); `path` names it in messages.
IdxArray idx_from_bytes(std::string bytes, const std::string& path);

}  // namespace gb
