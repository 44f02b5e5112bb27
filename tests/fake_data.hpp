// fake_data.hpp: small IDX, gzip and MNIST files written by the tests themselves.
#pragma once
#include <algorithm>
#include <cstdint>
#include <filesystem>
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
    std::filesystem::create_directories(dir.path + "/mnist");
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

namespace gb::test {

// ---- tar archives ------------------------------------------------------------

// One entry of a tar archive written by tar_bytes. Type '0' is a regular
// file, '5' a directory, '2' a symbolic link; `prefix` fills the POSIX ustar
// prefix field (the archive name is then prefix + "/" + name).
struct TarEntry {
    std::string name, bytes;
    char type;
    std::string prefix;
    TarEntry(std::string name_, std::string bytes_, char type_ = '0', std::string prefix_ = "")
        : name(std::move(name_)), bytes(std::move(bytes_)), type(type_), prefix(std::move(prefix_)) {}
};

// A 512-byte POSIX ustar header with a correct checksum. Names longer than
// 100 bytes are cut here (tar_bytes puts them in a GNU 'L' entry first).
inline std::string tar_header(const std::string& name, size_t size, char type, const std::string& prefix = "") {
    std::string h(512, '\0');
    auto put = [&](size_t at, const std::string& s, size_t width) {
        h.replace(at, std::min(s.size(), width), s.substr(0, width));
    };
    auto octal = [](uint64_t v, int digits) {
        std::string s(size_t(digits), '0');
        for (int i = digits - 1; i >= 0; --i, v >>= 3) s[size_t(i)] = char('0' + (v & 7));
        return s;
    };
    put(0, name, 100);
    put(100, "0000644", 8);
    put(108, "0000000", 8);
    put(116, "0000000", 8);
    put(124, octal(size, 11), 12);
    put(136, octal(725846400, 11), 12);  // 1993-01-01
    h[156] = type;
    put(257, std::string("ustar\0" "00", 8), 8);
    put(345, prefix, 155);
    h.replace(148, 8, 8, ' ');
    unsigned sum = 0;
    for (char c : h) sum += static_cast<unsigned char>(c);
    put(148, octal(sum, 6) + std::string("\0 ", 2), 8);
    return h;
}

// The entries as a tar archive: header, data padded to 512 bytes, and two
// zero blocks at the end.
inline std::string tar_bytes(const std::vector<TarEntry>& entries) {
    auto padded = [](std::string s) { return s + std::string((512 - s.size() % 512) % 512, '\0'); };
    std::string tar;
    for (const TarEntry& e : entries) {
        if (e.name.size() > 100) tar += tar_header("././@LongLink", e.name.size() + 1, 'L') + padded(e.name + '\0');
        tar += tar_header(e.name, e.bytes.size(), e.type, e.prefix) + padded(e.bytes);
    }
    return tar + std::string(1024, '\0');
}

// Writes each (relative path, bytes) under `root`, making folders as needed.
inline void write_tree(const std::string& root, const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [path, bytes] : files) {
        std::string full = root + "/" + path;
        std::filesystem::create_directories(full.substr(0, full.rfind('/')));
        write(full, bytes);
    }
}

}  // namespace gb::test

namespace gb::test {

// ---- tables ------------------------------------------------------------------

// A table in the layout of data/tabular/*.csv: a header f0,f1,...,class, then
// `rows` rows sorted by class (as wine.csv is), class_0 .. class_{classes-1}
// in equal runs. Feature f of row i, of class c, is 10 c + f + 0.1 (i mod 7):
// the classes lie far apart, so a small model separates them at once.
inline std::string table_csv(int rows, int features, int classes) {
    std::string s;
    for (int f = 0; f < features; ++f) s += "f" + std::to_string(f) + ",";
    s += "class\n";
    for (int i = 0; i < rows; ++i) {
        int c = i * classes / rows;
        for (int f = 0; f < features; ++f) s += std::to_string(10 * c + f) + "." + std::to_string(i % 7) + ",";
        s += "class_" + std::to_string(c) + "\n";
    }
    return s;
}

// Writes table_csv(...) as <dir>/tabular/<file> (wine.csv or breast_cancer.csv).
inline void write_table(const TempDir& dir, const std::string& file, int rows, int features, int classes) {
    std::filesystem::create_directories(dir.path + "/tabular");
    write(dir / ("tabular/" + file), table_csv(rows, features, classes));
}

}  // namespace gb::test
