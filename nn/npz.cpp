#include "nn/npz.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

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

// A file that is damaged or not what it claims: what the user can do.
const char* kRedo = "; write it again (glassbox train, numpy.savez) or use another file";

// True if bytes [at, at + n) lie inside a buffer of `size` bytes; never overflows.
bool inside(uint64_t at, uint64_t n, size_t size) { return at <= size && n <= size - at; }

// The text after `'key':` in a .npy header dict.
std::string header_field(const std::string& header, const std::string& key, const std::string& member) {
    size_t at = header.find("'" + key + "'");
    if (at != std::string::npos) at = header.find_first_not_of(' ', at + key.size() + 2);
    if (at == std::string::npos || header[at] != ':')
        throw Error(member + ": its .npy header has no '" + key + "' entry" + kRedo);
    return header.substr(at + 1);
}

// The sizes between the parentheses of a .npy header's shape, e.g. " 300, 784" or "10,".
// Every size is a whole number 0..2^31-1; a trailing comma is allowed (one-element tuples).
Shape parse_shape(const std::string& dims, const std::string& member) {
    Shape shape;
    std::vector<std::string> tokens(1);
    for (char c : dims) {
        if (c == ',') tokens.emplace_back();
        else if (c != ' ') tokens.back() += c;
    }
    if (tokens.back().empty()) tokens.pop_back();  // "(10,)" and "()"
    for (const std::string& t : tokens) {
        uint64_t d = 0;
        auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), d);
        if (t.empty() || error != std::errc() || end != t.data() + t.size() || d > uint64_t(INT32_MAX))
            throw Error(member + ": its .npy shape (" + shown(dims) + ") is not a tuple of sizes 0.." +
                        std::to_string(INT32_MAX) + kRedo);
        shape.push_back(int(d));
    }
    return shape;
}

NpyArray parse_npy(const std::string& bytes, const std::string& name, const std::string& where) {
    const std::string member = where + ": member '" + shown(name) + "'";
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
        throw Error(member + " is not a .npy array" + kRedo);
    int major = uint8_t(bytes[6]);
    if (major < 1 || major > 3)
        throw Error(member + " is .npy version " + std::to_string(major) +
                    "; glassbox reads versions 1 to 3 (what numpy.save writes)");
    size_t header_at = major == 1 ? 10 : 12;
    if (bytes.size() < header_at) throw Error(member + " is truncated inside its .npy header" + kRedo);
    uint64_t header_len = get(bytes, 8, major == 1 ? 2 : 4);
    if (!inside(header_at, header_len, bytes.size()))
        throw Error(member + " is truncated: its .npy header runs past the end" + kRedo);
    size_t data_at = header_at + size_t(header_len);
    std::string header = bytes.substr(header_at, size_t(header_len));

    std::string descr = header_field(header, "descr", member);  // " '<f4', 'fortran_order': ..."
    descr = descr.substr(0, descr.find(','));
    descr.erase(0, descr.find_first_not_of(' '));
    descr.erase(descr.find_last_not_of(' ') + 1);
    bool f8 = descr == "'<f8'";
    if (!f8 && descr != "'<f4'")
        throw Error(member + " has dtype " + shown(descr) +
                    "; glassbox reads float32 ('<f4') or float64 ('<f8') arrays");
    if (header_field(header, "fortran_order", member).find("True") < 6)
        throw Error(member + " is in Fortran order; save it with numpy.ascontiguousarray");
    std::string shape = header_field(header, "shape", member);
    size_t open = shape.find('('), close = shape.find(')', open);
    if (open == std::string::npos || close == std::string::npos)
        throw Error(member + ": its .npy shape is not a tuple" + kRedo);

    NpyArray a;
    a.name = name;
    a.shape = parse_shape(shape.substr(open + 1, close - open - 1), member);
    // Sizes multiply without overflow: the product saturates above what the member holds.
    const size_t width = f8 ? 8 : 4, found = bytes.size() - data_at;
    uint64_t n = 1;
    for (int d : a.shape) n = d == 0 || n == 0 ? 0 : n > found / uint64_t(d) ? found + 1 : n * uint64_t(d);
    if (n > found || n * width != found)  // n <= found: n * width cannot overflow
        throw Error(member + ": an array of shape " + shape_str(a.shape) + " should hold " +
                    (n > found ? "more than " + std::to_string(found) : std::to_string(n * width)) +
                    " bytes, found " + std::to_string(found) + kRedo);
    a.values.resize(size_t(n));
    if (f8) {
        for (size_t i = 0; i < n; ++i) {
            double d;
            std::memcpy(&d, bytes.data() + data_at + 8 * i, 8);
            a.values[i] = float(d);
        }
    } else if (n > 0) {
        std::memcpy(a.values.data(), bytes.data() + data_at, size_t(n) * 4);
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
    return npz_from_bytes(s, path);
}

// Every offset and length read from the file is checked against the file's
// size before it is used (inside()), so no value can make the reader leave
// the buffer or wrap around.
NpzArchive npz_from_bytes(const std::string& s, const std::string& path) {
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
    if (!inside(end + 22, comment_len, s.size()))
        throw Error(path + " is truncated: its zip comment is cut short" + kRedo);
    archive.comment = s.substr(end + 22, comment_len);
    size_t entries = get(s, end + 10, 2);
    uint64_t at = get(s, end + 16, 4), member_bytes = 0;
    std::set<std::string> names;

    for (size_t e = 0; e < entries; ++e) {
        if (!inside(at, 46, s.size()) || get(s, at, 4) != 0x02014b50)
            throw Error(not_npz + " (broken central directory)" + kRedo);
        size_t method = get(s, at + 10, 2), crc = get(s, at + 16, 4);
        uint64_t csize = get(s, at + 20, 4), usize = get(s, at + 24, 4), local = get(s, at + 42, 4);
        size_t name_len = get(s, at + 28, 2), extra_len = get(s, at + 30, 2), comment = get(s, at + 32, 2);
        if (!inside(at + 46, uint64_t(name_len) + extra_len + comment, s.size()))
            throw Error(not_npz + " (a central-directory entry runs past the end of the file)" + kRedo);
        std::string name = s.substr(size_t(at) + 46, name_len);
        // zip64: sizes and offset of 0xFFFFFFFF are in the extra field 0x0001, in this order.
        const size_t extra_end = size_t(at) + 46 + name_len + extra_len;
        for (size_t x = extra_end - extra_len; extra_end - x >= 4;) {
            size_t id = get(s, x, 2), len = get(s, x + 2, 2), y = x + 4;
            if (len > extra_end - y) throw Error(not_npz + " (a zip extra field runs past its entry)" + kRedo);
            if (id == 0x0001) {
                for (uint64_t* v : {&usize, &csize, &local}) {
                    if (*v != 0xFFFFFFFF) continue;
                    if (x + 4 + len - y < 8) throw Error(not_npz + " (a zip64 extra field is too short)" + kRedo);
                    *v = get(s, y, 8);
                    y += 8;
                }
            }
            x += 4 + len;
        }
        at += 46 + name_len + extra_len + comment;

        if (method != 0)
            throw Error(path + ": member '" + shown(name) +
                        "' is compressed (numpy.savez_compressed); save with numpy.savez instead");
        if (!inside(local, 30, s.size()) || get(s, size_t(local), 4) != 0x04034b50)
            throw Error(not_npz + " (broken member header)" + kRedo);
        uint64_t data_at = local + 30 + get(s, size_t(local) + 26, 2) + get(s, size_t(local) + 28, 2);
        if (csize != usize)
            throw Error(not_npz + " (member '" + shown(name) + "' is stored, yet its two sizes differ)" + kRedo);
        if (!inside(data_at, usize, s.size()))
            throw Error(path + " is truncated: member '" + shown(name) + "' is cut short" + kRedo);
        member_bytes += usize;  // <= the file's size for each member: no overflow
        if (member_bytes > s.size())  // entries that share bytes would multiply the memory a small file takes
            throw Error(not_npz + " (its members overlap: together they claim more bytes than the file holds)" + kRedo);
        std::string bytes = s.substr(size_t(data_at), size_t(usize));
        if (crc32(bytes.data(), bytes.size()) != crc)
            throw Error(path + " is corrupted: checksum mismatch in member '" + shown(name) + "'" + kRedo);
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
        if (!names.insert(name).second)
            throw Error(path + " holds two arrays named '" + shown(name) + "'" + kRedo);
        archive.arrays.push_back(parse_npy(bytes, name, path));
    }
    return archive;
}

std::string shown(const std::string& text, size_t max) {
    std::string out;
    for (char c : text.substr(0, max)) out += uint8_t(c) < 0x20 || uint8_t(c) == 0x7F ? '?' : c;
    return text.size() > max ? out + "..." : out;
}

}  // namespace gb
