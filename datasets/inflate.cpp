#include "datasets/inflate.hpp"

#include <array>
#include <vector>

#include "util/error.hpp"

namespace gb {
namespace {

constexpr int kMaxBits = 15;  // the longest Huffman code

class BitReader {
public:
    BitReader(const uint8_t* data, size_t size, const std::string& what) : data_(data), size_(size), what_(what) {}

    // The next `n` bits, least significant first (RFC 1951, 3.1.1).
    uint32_t bits(int n) {
        while (count_ < n) {
            if (pos_ >= size_) throw Error(what_ + " is truncated (the compressed data ends early)");
            buffer_ |= uint64_t(data_[pos_++]) << count_;
            count_ += 8;
        }
        uint32_t v = uint32_t(buffer_ & ((1ull << n) - 1));
        buffer_ >>= n;
        count_ -= n;
        return v;
    }
    void align_to_byte() {
        buffer_ = 0;
        count_ = 0;
    }
    const uint8_t* take_bytes(size_t n) {  // after align_to_byte
        if (pos_ + n > size_) throw Error(what_ + " is truncated (a stored block ends early)");
        pos_ += n;
        return data_ + pos_ - n;
    }
    size_t position() const { return pos_; }
    const std::string& what() const { return what_; }

private:
    const uint8_t* data_;
    size_t size_, pos_ = 0;
    uint64_t buffer_ = 0;
    int count_ = 0;
    const std::string& what_;
};

// A canonical Huffman code: how many codes have each length, and the symbols
// in code order (RFC 1951, 3.2.2).
struct Huffman {
    std::array<uint16_t, kMaxBits + 1> count{};
    std::vector<uint16_t> symbol;

    Huffman(const uint8_t* lengths, int n, const std::string& what) : symbol(size_t(n)) {
        for (int s = 0; s < n; ++s) ++count[lengths[s]];
        count[0] = 0;
        std::array<uint16_t, kMaxBits + 2> offset{};
        int left = 1;  // codes of the current length not yet used
        for (int len = 1; len <= kMaxBits; ++len) {
            left = 2 * left - count[size_t(len)];
            if (left < 0) throw Error(what + " is corrupted (an over-subscribed Huffman code)");
            offset[size_t(len) + 1] = uint16_t(offset[size_t(len)] + count[size_t(len)]);
        }
        for (int s = 0; s < n; ++s)
            if (lengths[s]) symbol[offset[lengths[s]]++] = uint16_t(s);
    }

    // Reads one code bit by bit: codes of length len are the numbers
    // first .. first + count[len] - 1 (RFC 1951's canonical order).
    int decode(BitReader& in) const {
        int code = 0, first = 0, index = 0;
        for (int len = 1; len <= kMaxBits; ++len) {
            code |= int(in.bits(1));
            int n = count[size_t(len)];
            if (code - first < n) return symbol[size_t(index + code - first)];
            index += n;
            first = (first + n) << 1;
            code <<= 1;
        }
        throw Error(in.what() + " is corrupted (an invalid Huffman code)");
    }
};

// Length and distance codes: base values and extra bits (RFC 1951, 3.2.5).
constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t kDistBase[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// Literals go to the output; a length code copies `length` bytes from `distance` back.
void decode_block(BitReader& in, const Huffman& lengths, const Huffman& distances, std::string& out) {
    for (;;) {
        int symbol = lengths.decode(in);
        if (symbol < 256) {
            out += char(symbol);
        } else if (symbol == 256) {
            return;  // end of block
        } else {
            symbol -= 257;
            if (symbol >= 29) throw Error(in.what() + " is corrupted (a bad length code)");
            size_t length = kLengthBase[symbol] + in.bits(kLengthExtra[symbol]);
            int d = distances.decode(in);
            if (d >= 30) throw Error(in.what() + " is corrupted (a bad distance code)");
            size_t distance = kDistBase[d] + in.bits(kDistExtra[d]);
            if (distance > out.size()) throw Error(in.what() + " is corrupted (a distance too far back)");
            size_t from = out.size() - distance;
            for (size_t k = 0; k < length; ++k) out += out[from + k];  // may overlap: byte by byte
        }
    }
}

void stored_block(BitReader& in, std::string& out) {
    in.align_to_byte();
    const uint8_t* header = in.take_bytes(4);
    unsigned len = header[0] | header[1] << 8, nlen = header[2] | header[3] << 8;
    if (len != (~nlen & 0xFFFF)) throw Error(in.what() + " is corrupted (a stored block's length check fails)");
    const uint8_t* bytes = in.take_bytes(len);
    out.append(reinterpret_cast<const char*>(bytes), len);
}

void fixed_block(BitReader& in, std::string& out) {
    static const auto codes = [] {
        uint8_t l[288], d[30];
        for (int s = 0; s < 288; ++s) l[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
        for (auto& v : d) v = 5;
        return std::pair<Huffman, Huffman>{Huffman(l, 288, ""), Huffman(d, 30, "")};
    }();
    decode_block(in, codes.first, codes.second, out);
}

void dynamic_block(BitReader& in, std::string& out) {
    int n_lengths = int(in.bits(5)) + 257, n_distances = int(in.bits(5)) + 1, n_codes = int(in.bits(4)) + 4;
    if (n_lengths > 286 || n_distances > 30) throw Error(in.what() + " is corrupted (too many codes)");
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    uint8_t lengths[320] = {};
    for (int i = 0; i < n_codes; ++i) lengths[order[i]] = uint8_t(in.bits(3));
    Huffman code_lengths(lengths, 19, in.what());
    // The code lengths of both alphabets, run-length coded.
    for (int i = 0; i < n_lengths + n_distances;) {
        int symbol = code_lengths.decode(in);
        if (symbol < 16) {
            lengths[i++] = uint8_t(symbol);
            continue;
        }
        uint8_t repeat_value = 0;
        int repeat;
        if (symbol == 16) {
            if (i == 0) throw Error(in.what() + " is corrupted (a repeat with nothing before it)");
            repeat_value = lengths[i - 1];
            repeat = 3 + int(in.bits(2));
        } else {
            repeat = symbol == 17 ? 3 + int(in.bits(3)) : 11 + int(in.bits(7));
        }
        if (i + repeat > n_lengths + n_distances) throw Error(in.what() + " is corrupted (lengths overrun)");
        while (repeat--) lengths[i++] = repeat_value;
    }
    Huffman literal_lengths(lengths, n_lengths, in.what()), distances(lengths + n_lengths, n_distances, in.what());
    decode_block(in, literal_lengths, distances, out);
}

}  // namespace

size_t inflate(const uint8_t* data, size_t size, std::string& out, const std::string& what) {
    BitReader in(data, size, what);
    for (bool last = false; !last;) {
        last = in.bits(1);
        switch (in.bits(2)) {
            case 0: stored_block(in, out); break;
            case 1: fixed_block(in, out); break;
            case 2: dynamic_block(in, out); break;
            default: throw Error(what + " is corrupted (an invalid block type)");
        }
    }
    return in.position();
}

}  // namespace gb
