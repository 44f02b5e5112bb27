// gzip.hpp: decompress a gzip file held in memory (RFC 1952).
//
// The gzip wrapper (header, CRC-32 and length trailer) is parsed and checked
// here; the DEFLATE stream inside is decoded by inflate.hpp.
#pragma once
#include <string>

namespace gb {

inline bool is_gzip(const std::string& bytes) {
    return bytes.size() >= 2 && uint8_t(bytes[0]) == 0x1f && uint8_t(bytes[1]) == 0x8b;
}

// Throws gb::Error naming `what` if the data is truncated or corrupted.
std::string gunzip(const std::string& bytes, const std::string& what);

}  // namespace gb
