// Broken gzip headers and IDX headers (issue 17, defects 5 and 6): every
// optional gzip field is bounded by the file, and IDX sizes multiply with an
// overflow check; each bad file is one gb::Error line naming it.
#include <chrono>
#include <string>

#include "bad_files.hpp"
#include "datasets/gzip.hpp"
#include "datasets/idx.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"

using namespace gb;
using namespace gb::test;

namespace {
std::string hex(const std::string& digits) {
    std::string s;
    for (size_t i = 0; i + 1 < digits.size(); i += 2) s += char(std::stoi(digits.substr(i, 2), nullptr, 16));
    return s;
}
// A gzip member of `data` (stored blocks) with header flags `flags` and `fields` after the fixed header.
std::string gzip_with(int flags, const std::string& fields, const std::string& data) {
    std::string g = gzip_bytes(data);
    g[3] = char(flags);
    return g.substr(0, 10) + fields + g.substr(10);
}
}  // namespace

TEST_CASE("gzip: an optional header field without its end is refused, not restarted near byte 0 (defect 5)",
          "[hardening]") {
    // The issue's 24 bytes: FEXTRA | FNAME | FCOMMENT, an extra field of 65535 bytes, no NUL. gzip -t rejects them.
    std::string issue = hex("1f8b081c00010600f9ffffff414243445a32316506000000");
    REQUIRE(issue.size() == 24);
    refuses([&] { gunzip(issue, "x.gz"); }, "x.gz is a damaged gzip file (the header's extra field runs past the end)");
    auto start = std::chrono::steady_clock::now();  // twice: looped forever, growing memory
    refuses([&] { gunzip(issue + issue, "x.gz"); }, "extra field runs past the end");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

    // the optional fields, terminated: fine
    CHECK(gunzip(gzip_with(8, std::string("n\0", 2), "abc"), "n.gz") == "abc");
    CHECK(gunzip(gzip_with(4 | 8 | 16 | 2, std::string("\x02\x00zz" "n\0" "c\0" "hh", 10), "abc"), "n.gz") == "abc");

    // no NUL anywhere after the name or the comment
    std::string unterminated = gzip_bytes("").substr(0, 10) + std::string(20, 'n');
    unterminated[3] = 8;
    refuses([&] { gunzip(unterminated, "n.gz"); }, "the header's file name has no terminating NUL");
    unterminated[3] = 16;
    refuses([&] { gunzip(unterminated, "n.gz"); }, "the header's comment has no terminating NUL");
    std::string crc_cut = gzip_bytes("").substr(0, 10) + std::string(8, 'x') + std::string("\0", 1);
    crc_cut[3] = 8 | 2;  // a name that ends at the last byte, then no room for the header CRC
    refuses([&] { gunzip(crc_cut, "n.gz"); }, "the header runs past the end");
    std::string reserved = gzip_bytes("abc");
    reserved[3] = char(0x20);
    refuses([&] { gunzip(reserved, "r.gz"); }, "reserved header flags are set");
    refuses([&] { gunzip(gzip_bytes("abc") + "junk after the member", "j.gz"); }, "bad member header");
}

TEST_CASE("IDX: sizes multiply with an overflow check; the message names the file and the dimensions (defect 6)",
          "[hardening]") {
    TempDir dir;
    // 16 x 2^30 x 2^30 = 2^64 wrapped to 0 and passed the check; here it is refused at once.
    std::string header = hex("00000803") + hex("00000010") + hex("40000000") + hex("40000000");
    refuses([&] { idx_from_bytes(header, "big.idx"); },
            "big.idx declares 16 x 1073741824 x 1073741824 values, more than 2^34");
    write(dir / "images-idx3-ubyte", header);
    refuses([&] { read_idx(dir / "images-idx3-ubyte"); }, dir / "images-idx3-ubyte");
    write(dir / "images-idx3-ubyte.gz", gzip_bytes(header));
    refuses([&] { read_idx(dir / "images-idx3-ubyte.gz"); }, "declares 16 x 1073741824 x 1073741824 values");
    // 255 dimensions of 2^30: every step of the product checked
    std::string many = hex("000008ff");
    for (int d = 0; d < 255; ++d) many += hex("40000000");
    refuses([&] { idx_from_bytes(many, "many.idx"); }, "more than 2^34");
    refuses([&] { idx_from_bytes(hex("00000802") + hex("00000000") + hex("00000001"), "zero.idx"); },
            "declares an impossible size 0 (dimension 1 of 2)");
    refuses([&] { idx_from_bytes(idx_bytes({3, 2}, {1, 2, 3}), "short.idx"); },
            "short.idx is truncated: its header promises 6 values, found 3 (its dimensions: 3 x 2)");
    refuses([&] { idx_from_bytes(hex("00000c01") + hex("00000001") + "abcd", "ints.idx"); },
            "holds IDX type 0x0c, glassbox reads unsigned bytes (0x08)");
    CHECK(idx_from_bytes(idx_bytes({2, 2}, {1, 2, 3, 4}), "ok.idx").values.size() == 4);
}
