#include "nn/npz.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "util/crc32.hpp"
#include "util/error.hpp"

namespace gb {

const NpyArray* NpzArchive::find(const std::string& name) const {
    for (const auto& a : arrays)
        if (a.name == name) return &a;
    return nullptr;
}

namespace {

// ---- little-endian byte helpers --------------------------------------------
void put16(std::string& s, uint32_t v) {
    s += char(v & 0xFF);
    s += char((v >> 8) & 0xFF);
}
void put32(std::string& s, uint32_t v) {
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}
uint64_t get(const std::string& s, size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | uint8_t(s[at + size_t(i)]);
    return v;
}

// ---- .npy ------------------------------------------------------------------
std::string npy_bytes(const NpyArray& a) {
    std::string shape = "(";
    for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + ", ";
    if (a.shape.size() > 1) shape.resize(shape.size() - 2);
    else if (a.shape.size() == 1) shape.resize(shape.size() - 1);
    shape += ")";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    size_t total = 10 + header.size() + 1;  // magic(6) version(2) length(2) header '\n'
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::string s("\x93NUMPY\x01\x00", 8);
    put16(s, uint32_t(header.size()));
    s += header;
    s.append(reinterpret_cast<const char*>(a.values.data()), a.values.size() * sizeof(float));
    return s;
}

// The text after `'key':` in a .npy header dict.
std::string header_field(const std::string& header, const std::string& key, const std::string& where) {
    size_t at = header.find("'" + key + "'");
    if (at == std::string::npos) throw Error(where + ": .npy header has no '" + key + "' entry");
    at = header.find(':', at);
    return header.substr(at + 1);
}

NpyArray parse_npy(const std::string& bytes, const std::string& name, const std::string& where) {
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
        throw Error(where + ": member '" + name + "' is not a .npy array");
    int major = uint8_t(bytes[6]);
    size_t header_len = major == 1 ? get(bytes, 8, 2) : get(bytes, 8, 4);
    size_t data_at = (major == 1 ? 10 : 12) + header_len;
    if (data_at > bytes.size()) throw Error(where + ": member '" + name + "' is truncated");
    std::string header = bytes.substr(major == 1 ? 10 : 12, header_len);

    std::string descr = header_field(header, "descr", where);
    bool f8 = descr.find("'<f8'") < descr.find(',');
    if (!f8 && !(descr.find("'<f4'") < descr.find(',')))
        throw Error(where + ": array '" + name + "' has dtype " + descr.substr(0, descr.find(',')) +
                    "; glassbox reads float32 ('<f4') or float64 ('<f8') arrays");
    if (header_field(header, "fortran_order", where).find("True") < 6)
        throw Error(where + ": array '" + name + "' is in Fortran order; save it with numpy.ascontiguousarray");
    std::string dims = header_field(header, "shape", where);
    dims = dims.substr(dims.find('(') + 1, dims.find(')') - dims.find('(') - 1);

    NpyArray a;
    a.name = name;
    std::istringstream in(dims);
    for (std::string tok; std::getline(in, tok, ',');)
        if (tok.find_first_not_of(' ') != std::string::npos) a.shape.push_back(std::stoi(tok));
    size_t n = numel(a.shape), width = f8 ? 8 : 4;
    if (bytes.size() - data_at != n * width)
        throw Error(where + ": array '" + name + "' of shape " + shape_str(a.shape) + " should hold " +
                    std::to_string(n * width) + " bytes, found " + std::to_string(bytes.size() - data_at));
    a.values.resize(n);
    if (f8) {
        for (size_t i = 0; i < n; ++i) {
            double d;
            std::memcpy(&d, bytes.data() + data_at + 8 * i, 8);
            a.values[i] = float(d);
        }
    } else {
        std::memcpy(a.values.data(), bytes.data() + data_at, n * 4);
    }
    return a;
}

// To "<path>.tmp", then renamed over path: a failed write leaves path as it was.
void write_atomically(const std::string& path, const std::string& bytes) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary);
        if (!f) throw Error("cannot write " + tmp + ": check that the folder exists and is writable");
        f.write(bytes.data(), std::streamsize(bytes.size()));
        if (!f.flush()) throw Error("writing " + tmp + " failed (disk full?); " + path + " was left as it was");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw Error("cannot rename " + tmp + " to " + path + "; the data is in " + tmp);
}

}  // namespace

// ---- zip: local headers, then the central directory, then the end record ----
void write_npz(const std::string& path, const NpzArchive& archive) {
    const uint16_t kDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, a fixed date: same model, same bytes
    std::string out, central;
    for (const auto& a : archive.arrays) {
        std::string name = a.name + ".npy", data = npy_bytes(a);
        uint32_t crc = crc32(data.data(), data.size()), offset = uint32_t(out.size());
        auto common = [&](std::string& s) {  // the fields local and central headers share
            put16(s, 20);  // version needed: 2.0
            put16(s, 0);   // flags
            put16(s, 0);   // method: stored
            put16(s, 0);   // time
            put16(s, kDate);
            put32(s, crc);
            put32(s, uint32_t(data.size()));  // compressed size
            put32(s, uint32_t(data.size()));  // uncompressed size
            put16(s, uint32_t(name.size()));
            put16(s, 0);  // extra field length
        };
        put32(out, 0x04034b50);
        common(out);
        out += name + data;
        put32(central, 0x02014b50);
        put16(central, 20);  // version made by
        common(central);
        put16(central, 0);  // comment length
        put16(central, 0);  // disk
        put16(central, 0);  // internal attributes
        put32(central, 0);  // external attributes
        put32(central, offset);
        central += name;
    }
    if (archive.comment.size() > 0xFFFF) throw Error("write_npz: archive comment longer than 65535 bytes");
    uint32_t central_at = uint32_t(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, uint32_t(archive.arrays.size()));
    put16(out, uint32_t(archive.arrays.size()));
    put32(out, uint32_t(central.size()));
    put32(out, central_at);
    put16(out, uint32_t(archive.comment.size()));
    out += archive.comment;

    write_atomically(path, out);
}

void write_npy(const std::string& path, const NpyArray& array) { write_atomically(path, npy_bytes(array)); }

NpzArchive read_npz(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot open model file " + path + ": no such file or not readable");
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const std::string not_npz = path + " is not a .npz archive";

    // The end-of-central-directory record: the last 22+ bytes, found by its signature.
    size_t end = std::string::npos;
    for (size_t i = s.size() >= 22 ? s.size() - 22 : std::string::npos; i != std::string::npos; --i) {
        if (get(s, i, 4) == 0x06054b50) { end = i; break; }
        if (s.size() - i > 22 + 0xFFFF) break;
    }
    if (end == std::string::npos) throw Error(not_npz + " (no zip end record; truncated or another format)");
    NpzArchive archive;
    size_t comment_len = get(s, end + 20, 2);
    archive.comment = s.substr(end + 22, comment_len);
    size_t entries = get(s, end + 10, 2), at = get(s, end + 16, 4);

    for (size_t e = 0; e < entries; ++e) {
        if (at + 46 > s.size() || get(s, at, 4) != 0x02014b50) throw Error(not_npz + " (broken central directory)");
        size_t method = get(s, at + 10, 2), crc = get(s, at + 16, 4);
        uint64_t csize = get(s, at + 20, 4), usize = get(s, at + 24, 4), local = get(s, at + 42, 4);
        size_t name_len = get(s, at + 28, 2), extra_len = get(s, at + 30, 2), comment = get(s, at + 32, 2);
        std::string name = s.substr(at + 46, name_len);
        // zip64: sizes and offset of 0xFFFFFFFF are in the extra field 0x0001, in this order.
        for (size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
            size_t id = get(s, x, 2), len = get(s, x + 2, 2), y = x + 4;
            if (id == 0x0001) {
                if (usize == 0xFFFFFFFF) usize = get(s, y, 8), y += 8;
                if (csize == 0xFFFFFFFF) csize = get(s, y, 8), y += 8;
                if (local == 0xFFFFFFFF) local = get(s, y, 8);
            }
            x += 4 + len;
        }
        at += 46 + name_len + extra_len + comment;

        if (method != 0)
            throw Error(path + ": member '" + name +
                        "' is compressed (numpy.savez_compressed); save with numpy.savez instead");
        if (local + 30 > s.size() || get(s, local, 4) != 0x04034b50) throw Error(not_npz + " (broken member header)");
        size_t data_at = local + 30 + get(s, local + 26, 2) + get(s, local + 28, 2);
        if (data_at + usize > s.size()) throw Error(path + " is truncated: member '" + name + "' is cut short");
        std::string bytes = s.substr(data_at, usize);
        if (crc32(bytes.data(), bytes.size()) != crc)
            throw Error(path + " is corrupted: checksum mismatch in member '" + name + "'");
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
        archive.arrays.push_back(parse_npy(bytes, name, path));
    }
    return archive;
}

}  // namespace gb
