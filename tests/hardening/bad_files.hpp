// bad_files.hpp: hand-made zip archives, .npy members and model records for
// the tests of broken files: every byte in reach, so that a test can set one
// length or offset to what a damaged or hostile file would hold.
#pragma once
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "util/crc32.hpp"
#include "util/error.hpp"

namespace gb::test {

inline std::string file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

inline void put_le(std::string& s, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xFF);
}
inline void set_le(std::string& s, size_t at, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s[at + size_t(i)] = char((v >> (8 * i)) & 0xFF);
}
inline uint64_t get_le(const std::string& s, size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | uint8_t(s[at + size_t(i)]);
    return v;
}

// A .npy member: the magic, version 1.0, the header dict padded to 64 bytes, the payload.
inline std::string npy_bytes(const std::string& dict, const std::string& payload) {
    std::string header = dict;
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string s("\x93NUMPY\x01\x00", 8);
    put_le(s, header.size(), 2);
    return s + header + payload;
}
inline std::string float_bytes(const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}
inline std::string f4(const std::string& shape, const std::vector<float>& v) {
    return npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", float_bytes(v));
}

// A zip archive of stored members, as numpy.savez writes it (no zip64
// records), with `comment` as the archive comment.
inline std::string zip_bytes(const std::vector<std::pair<std::string, std::string>>& members,
                             const std::string& comment = "") {
    std::string out, central;
    for (const auto& member : members) {
        const std::string &name = member.first, &data = member.second;
        uint32_t crc = crc32(data.data(), data.size());
        auto common = [&](std::string& s) {
            put_le(s, 20, 2), put_le(s, 0, 2), put_le(s, 0, 2), put_le(s, 0, 2), put_le(s, 0x21, 2);
            put_le(s, crc, 4), put_le(s, data.size(), 4), put_le(s, data.size(), 4);
            put_le(s, name.size(), 2), put_le(s, 0, 2);
        };
        size_t offset = out.size();
        put_le(out, 0x04034b50, 4);
        common(out);
        out += name + data;
        put_le(central, 0x02014b50, 4);
        put_le(central, 20, 2);
        common(central);
        put_le(central, 0, 2), put_le(central, 0, 2), put_le(central, 0, 2), put_le(central, 0, 4);
        put_le(central, offset, 4);
        central += name;
    }
    size_t central_at = out.size();
    out += central;
    put_le(out, 0x06054b50, 4), put_le(out, 0, 2), put_le(out, 0, 2);
    put_le(out, members.size(), 2), put_le(out, members.size(), 2);
    put_le(out, central.size(), 4), put_le(out, central_at, 4), put_le(out, comment.size(), 2);
    return out + comment;
}

// Where each central-directory entry of a zip archive starts.
inline std::vector<size_t> central_entries(const std::string& zip) {
    size_t end = zip.rfind(std::string("PK\x05\x06", 4));
    std::vector<size_t> at{size_t(get_le(zip, end + 16, 4))};
    for (uint64_t e = 1; e < get_le(zip, end + 10, 2); ++e) {
        size_t a = at.back();
        at.push_back(a + 46 + get_le(zip, a + 28, 2) + get_le(zip, a + 30, 2) + get_le(zip, a + 32, 2));
    }
    return at;
}

// The archive record of a model, and a model of one Linear 2 -> 1 layer with its two parameters.
inline std::string model_record(const std::string& input, const std::vector<std::string>& layers) {
    std::string r = "glassbox-model 1\nname tab-mlp\ndata wine\ninput " + input + "\n";
    for (const std::string& l : layers) r += "layer " + l + "\n";
    return r;
}
inline std::string linear_model(const std::string& weight_shape = "(1, 2)", std::vector<float> weight = {0.5f, -1},
                                const std::string& layer = "Linear 2 1") {
    return zip_bytes({{"0.weight.npy", f4(weight_shape, weight)}, {"0.bias.npy", f4("(1,)", {0.25f})}},
                     model_record("2", {layer}));
}

// `f` throws a gb::Error whose message holds `part` and is one line.
inline void refuses(const std::function<void()>& f, const std::string& part) {
    try {
        f();
        FAIL("no error; expected one containing: " << part);
    } catch (const Error& e) {
        std::string message = e.what();
        INFO(message);
        CHECK(message.find(part) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
}

}  // namespace gb::test
