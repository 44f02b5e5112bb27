#include "datasets/gzip.hpp"

#include <cstdint>
#include <cstdlib>

#include "util/crc32.hpp"
#include "util/error.hpp"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG  // keeps the PNG decoder, and with it the zlib decoder used here
#include <stb/stb_image.h>

namespace gb {

namespace {
uint32_t le32(const std::string& s, size_t at) {
    return uint32_t(uint8_t(s[at])) | uint32_t(uint8_t(s[at + 1])) << 8 | uint32_t(uint8_t(s[at + 2])) << 16 |
           uint32_t(uint8_t(s[at + 3])) << 24;
}
}  // namespace

std::string gunzip(const std::string& bytes, const std::string& what) {
    const std::string broken = what + " is a damaged gzip file";
    if (!is_gzip(bytes) || bytes.size() < 18) throw Error(broken + " (too short or not gzip)");
    if (uint8_t(bytes[2]) != 8) throw Error(broken + " (unknown compression method)");
    enum { FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16 };
    int flags = uint8_t(bytes[3]);
    size_t at = 10;  // ID1 ID2 CM FLG MTIME(4) XFL OS
    if (flags & FEXTRA) at += 2 + (uint8_t(bytes[at]) | uint8_t(bytes[at + 1]) << 8);
    if (flags & FNAME) at = bytes.find('\0', at) + 1;
    if (flags & FCOMMENT) at = bytes.find('\0', at) + 1;
    if (flags & FHCRC) at += 2;
    if (at == 0 || at + 8 > bytes.size()) throw Error(broken + " (header runs past the end)");

    // Trailer: CRC-32 and length (mod 2^32) of the uncompressed data.
    uint32_t want_crc = le32(bytes, bytes.size() - 8), want_size = le32(bytes, bytes.size() - 4);
    int out_len = 0;
    char* out = stbi_zlib_decode_noheader_malloc(bytes.data() + at, int(bytes.size() - 8 - at), &out_len);
    if (!out) throw Error(broken + " (the compressed stream does not decode; truncated?)");
    std::string result(out, size_t(out_len));
    std::free(out);
    if (uint32_t(result.size()) != want_size || crc32(result.data(), result.size()) != want_crc)
        throw Error(broken + " (checksum or length mismatch; truncated or corrupted)");
    return result;
}

}  // namespace gb
