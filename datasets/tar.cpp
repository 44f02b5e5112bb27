#include <algorithm>
#include <cstdint>

#include "datasets/tar.hpp"
#include "util/error.hpp"

namespace gb {

namespace {

constexpr size_t kBlock = 512;

// A numeric header field. Octal digits, with optional leading spaces and
// trailing spaces or NULs (an empty field is 0); or GNU's base-256 form for
// large values: first byte 0x80, then the number big-endian. False if the
// field is neither.
bool parse_number(const char* field, size_t width, uint64_t& value) {
    const auto* p = reinterpret_cast<const unsigned char*>(field);
    value = 0;
    if (p[0] & 0x80) {
        if (p[0] != 0x80) return false;  // 0xFF starts a negative number: never a valid size
        for (size_t i = 1; i < width; ++i) {
            if (value >> 48) return false;
            value = value << 8 | p[i];
        }
        return true;
    }
    size_t i = 0;
    while (i < width && p[i] == ' ') ++i;
    for (; i < width && p[i] >= '0' && p[i] <= '7'; ++i) {
        if (value >> 56) return false;
        value = value * 8 + (p[i] - '0');
    }
    for (; i < width; ++i)
        if (p[i] != ' ' && p[i] != 0) return false;
    return true;
}

// The header's checksum: the sum of its bytes with the checksum field itself
// counted as spaces. Old writers summed signed chars; both sums are accepted.
bool checksum_ok(const char* header) {
    uint64_t stored;
    if (!parse_number(header + 148, 8, stored)) return false;
    int64_t sum_unsigned = 0, sum_signed = 0;
    for (size_t i = 0; i < kBlock; ++i) {
        bool in_field = i >= 148 && i < 156;
        sum_unsigned += in_field ? ' ' : static_cast<unsigned char>(header[i]);
        sum_signed += in_field ? ' ' : static_cast<signed char>(header[i]);
    }
    return int64_t(stored) == sum_unsigned || int64_t(stored) == sum_signed;
}

// A NUL-terminated string in a fixed-width field (no NUL if it fills the field).
std::string field_string(const char* field, size_t width) {
    return std::string(field, std::find(field, field + width, '\0'));
}

// The "path" of a pax extended header: records "<length> <key>=<value>\n",
// where <length> counts the whole record in bytes. Empty if there is none;
// false if the records are malformed.
bool pax_path(std::string_view data, std::string& path) {
    path.clear();
    size_t at = 0;
    while (at < data.size()) {
        if (data[at] == '\0') break;  // padding after the last record
        size_t length = 0, i = at;
        for (; i < data.size() && data[i] >= '0' && data[i] <= '9' && length < data.size(); ++i)
            length = length * 10 + size_t(data[i] - '0');
        if (i == at || i >= data.size() || data[i] != ' ' || length <= i - at + 1 || length > data.size() - at ||
            data[at + length - 1] != '\n')
            return false;
        std::string_view record = data.substr(i + 1, at + length - 1 - (i + 1));  // key=value
        size_t eq = record.find('=');
        if (eq == std::string_view::npos) return false;
        if (record.substr(0, eq) == "path") path = std::string(record.substr(eq + 1));
        at += length;
    }
    return true;
}

bool is_zero_block(const char* block) {
    return std::all_of(block, block + kBlock, [](char c) { return c == 0; });
}

}  // namespace

std::vector<TarFile> read_tar(const std::string& archive, const std::string& what) {
    const std::string damaged = what + " is a damaged tar archive (", redo = "); delete it and run `make data` again";
    std::vector<TarFile> files;
    std::string next_name;  // from a GNU 'L' entry or a pax "path" record, for the next entry
    size_t at = 0;
    for (;;) {
        std::string where = "at byte " + std::to_string(at);
        if (at == archive.size()) throw Error(damaged + "truncated: it ends without the end-of-archive block" + redo);
        if (archive.size() - at < kBlock) throw Error(damaged + "truncated inside the header " + where + redo);
        const char* header = archive.data() + at;
        if (is_zero_block(header)) return files;  // the end-of-archive marker
        if (!checksum_ok(header)) throw Error(damaged + "the header " + where + " has a wrong checksum" + redo);
        uint64_t size;
        if (!parse_number(header + 124, 12, size))
            throw Error(damaged + "the header " + where + " has an unreadable size field" + redo);
        at += kBlock;
        if (size > archive.size() - at)
            throw Error(damaged + "truncated: the entry " + where + " holds " + std::to_string(size) + " bytes, only " +
                        std::to_string(archive.size() - at) + " remain" + redo);
        std::string_view data(archive.data() + at, size_t(size));
        at += std::min(archive.size() - at, (size_t(size) + kBlock - 1) / kBlock * kBlock);

        char type = header[156];
        if (type == 'L') {  // GNU long name
            next_name = std::string(data.substr(0, data.find('\0')));
            continue;
        }
        if (type == 'x') {  // pax extended header: may rename the next entry
            std::string path;
            if (!pax_path(data, path)) throw Error(damaged + "the pax header " + where + " is malformed" + redo);
            if (!path.empty()) next_name = path;
            continue;
        }
        if (type == 'K' || type == 'g') continue;  // GNU long link name, pax global header: nothing for us

        std::string name = next_name;
        next_name.clear();
        if (name.empty()) {
            name = field_string(header, 100);
            bool posix = std::string_view(header + 257, 6) == std::string_view("ustar\0", 6);
            std::string prefix = posix ? field_string(header + 345, 155) : "";
            if (!prefix.empty()) name = prefix + "/" + name;
        }
        bool regular = type == '0' || type == '\0' || type == '7';
        if (regular && !name.empty() && name.back() != '/') files.push_back({name, data});
    }
}

}  // namespace gb
