// inflate.hpp: the DEFLATE decompressor (RFC 1951) that gzip files use.
//
// A plain reading of the specification, in the manner of Mark Adler's
// puff.c: blocks are stored, or Huffman-coded with the fixed or a dynamic
// code; literals and (length, distance) back-references rebuild the output.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace gb {

// Decodes the DEFLATE stream at data[0..size) and appends it to `out`.
// Returns the number of input bytes the stream used. Throws gb::Error
// (naming `what`) on truncated or invalid data.
size_t inflate(const uint8_t* data, size_t size, std::string& out, const std::string& what);

}  // namespace gb
