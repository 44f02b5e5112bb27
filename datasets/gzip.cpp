#include "datasets/gzip.hpp"

#include <cstdint>

#include "datasets/inflate.hpp"
#include "util/crc32.hpp"
#include "util/error.hpp"

namespace gb {

namespace {
uint32_t le32(const std::string& s, size_t at) {
    return uint32_t(uint8_t(s[at])) | uint32_t(uint8_t(s[at + 1])) << 8 | uint32_t(uint8_t(s[at + 2])) << 16 |
           uint32_t(uint8_t(s[at + 3])) << 24;
}
}  // namespace

// A gzip file is one or more members, each: a header, a DEFLATE stream, and
// a trailer with the CRC-32 and length (mod 2^32) of the member's data.
std::string gunzip(const std::string& bytes, const std::string& what) {
    const std::string broken = what + " is a damaged gzip file", redo = "; delete it and run `make data` again";
    std::string out;
    size_t at = 0;
    while (at < bytes.size()) {
        if (bytes.size() - at < 18 || !is_gzip(bytes.substr(at, 2)))
            throw Error(broken + " (bad member header)" + redo);
        if (uint8_t(bytes[at + 2]) != 8) throw Error(broken + " (unknown compression method)" + redo);
        enum { FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, RESERVED = 0xE0 };
        int flags = uint8_t(bytes[at + 3]);
        if (flags & RESERVED) throw Error(broken + " (reserved header flags are set)" + redo);
        at += 10;  // ID1 ID2 CM FLG MTIME(4) XFL OS; at least 8 bytes remain
        // The optional fields, each checked against the end of the file.
        if (flags & FEXTRA) {
            size_t length = uint8_t(bytes[at]) | uint8_t(bytes[at + 1]) << 8;
            if (length > bytes.size() - at - 2)
                throw Error(broken + " (the header's extra field runs past the end)" + redo);
            at += 2 + length;
        }
        for (int field : {FNAME, FCOMMENT}) {
            if (!(flags & field)) continue;
            size_t nul = bytes.find('\0', at);
            if (nul == std::string::npos)
                throw Error(broken + " (the header's " + (field == FNAME ? "file name" : "comment") +
                            " has no terminating NUL)" + redo);
            at = nul + 1;
        }
        if (flags & FHCRC) {
            if (bytes.size() - at < 2) throw Error(broken + " (the header runs past the end)" + redo);
            at += 2;
        }

        size_t start = out.size();
        try {
            at += inflate(reinterpret_cast<const uint8_t*>(bytes.data()) + at, bytes.size() - at, out, what);
        } catch (const Error& e) {
            throw Error(broken + ": " + e.what() + redo);
        }
        if (at + 8 > bytes.size()) throw Error(broken + " (truncated: the trailer is missing)" + redo);
        size_t size = out.size() - start;
        if (crc32(out.data() + start, size) != le32(bytes, at) || uint32_t(size) != le32(bytes, at + 4))
            throw Error(broken + " (checksum or length mismatch; truncated or corrupted)" + redo);
        at += 8;
    }
    return out;
}

}  // namespace gb
