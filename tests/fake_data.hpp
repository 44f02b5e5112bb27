// fake_data.hpp: small IDX, gzip and MNIST files written by the tests themselves.
#pragma once
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "util/crc32.hpp"

namespace gb::test {

inline std::string idx_bytes(const std::vector<int>& dims, const std::vector<uint8_t>& values) {
    std::string s{0, 0, 0x08, char(dims.size())};
    for (int d : dims)
        for (int shift : {24, 16, 8, 0}) s += char((uint32_t(d) >> shift) & 0xFF);
    return s + std::string(values.begin(), values.end());
}

// A gzip file whose DEFLATE stream is made of "stored" (uncompressed) blocks.
inline std::string gzip_bytes(const std::string& data) {
    auto le = [](std::string& s, uint32_t v, int n) {
        for (int i = 0; i < n; ++i) s += char((v >> (8 * i)) & 0xFF);
    };
    std::string s{char(0x1f), char(0x8b), 8, 0, 0, 0, 0, 0, 0, char(0xff)};
    size_t at = 0;
    do {
        size_t len = std::min<size_t>(65535, data.size() - at);
        s += char(at + len == data.size() ? 1 : 0);  // BFINAL, BTYPE = 00 (stored)
        le(s, uint32_t(len), 2);
        le(s, uint32_t(~len & 0xFFFF), 2);
        s += data.substr(at, len);
        at += len;
    } while (at < data.size());
    le(s, crc32(data.data(), data.size()), 4);
    le(s, uint32_t(data.size()), 4);
    return s;
}

inline void write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// A tiny MNIST folder <dir>/mnist with `n` images of rows x cols pixels in
// both splits; pixel p of image i is (10 i + p) mod 256, its label i mod 10.
inline void write_mnist(const TempDir& dir, int n, int rows, int cols, bool gz) {
    (void)std::system(("mkdir -p '" + dir.path + "/mnist'").c_str());
    std::vector<uint8_t> pixels, labels;
    for (int i = 0; i < n; ++i) {
        for (int p = 0; p < rows * cols; ++p) pixels.push_back(uint8_t(10 * i + p));
        labels.push_back(uint8_t(i % 10));
    }
    for (std::string split : {"train", "t10k"}) {
        std::string images = idx_bytes({n, rows, cols}, pixels), labs = idx_bytes({n}, labels);
        std::string suffix = gz ? ".gz" : "";
        write(dir / ("mnist/" + split + "-images-idx3-ubyte" + suffix), gz ? gzip_bytes(images) : images);
        write(dir / ("mnist/" + split + "-labels-idx1-ubyte" + suffix), gz ? gzip_bytes(labs) : labs);
    }
}

}  // namespace gb::test
