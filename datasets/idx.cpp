#include "datasets/idx.hpp"

#include <fstream>
#include <iterator>

#include "datasets/gzip.hpp"
#include "util/error.hpp"

namespace gb {

IdxArray read_idx(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot open " + path);
    return idx_from_bytes(std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>()), path);
}

IdxArray idx_from_bytes(std::string bytes, const std::string& path) {
    if (is_gzip(bytes)) bytes = gunzip(bytes, path);
    const std::string redo = "; delete it and run `make data` again";

    if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
        throw Error(path + " is not an IDX file (bad magic number)" + redo);
    if (uint8_t(bytes[2]) != 0x08)
        throw Error(path + " holds IDX type 0x" + std::string(1, "0123456789abcdef"[uint8_t(bytes[2]) >> 4]) +
                    "0123456789abcdef"[uint8_t(bytes[2]) & 15] + ", glassbox reads unsigned bytes (0x08); use the "
                    "MNIST files of `make data`");
    IdxArray a;
    size_t ndims = uint8_t(bytes[3]), header = 4 + 4 * ndims;
    if (ndims == 0 || bytes.size() < header) throw Error(path + " is truncated inside its header" + redo);
    std::string dims;  // "16 x 1073741824 x 1073741824", for the messages
    for (size_t d = 0; d < ndims; ++d) {
        const auto* p = reinterpret_cast<const uint8_t*>(bytes.data() + 4 + 4 * d);
        uint32_t size = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
        if (d < 8) dims += (d ? " x " : "") + std::to_string(size);
        if (d == 8) dims += " x ... (" + std::to_string(ndims) + " dimensions)";
        if (size == 0 || size > (1u << 30))
            throw Error(path + " declares an impossible size " + std::to_string(size) + " (dimension " +
                        std::to_string(d + 1) + " of " + std::to_string(ndims) + ")" + redo);
        a.dims.push_back(int(size));
    }
    // The product of the sizes, each step checked before it could overflow.
    const size_t limit = size_t(1) << 34, found = bytes.size() - header;
    size_t expected = 1;
    for (int size : a.dims) {
        if (expected > limit / size_t(size))
            throw Error(path + " declares " + dims + " values, more than 2^34: an impossibly large array (a damaged "
                        "header)" + redo);
        expected *= size_t(size);
    }
    if (found < expected)
        throw Error(path + " is truncated: its header promises " + std::to_string(expected) + " values, found " +
                    std::to_string(found) + " (its dimensions: " + dims + ")" + redo);
    if (found > expected)
        throw Error(path + " has " + std::to_string(found - expected) + " bytes past its declared size" + redo);
    a.values.assign(bytes.begin() + std::ptrdiff_t(header), bytes.end());
    return a;
}

}  // namespace gb
