// Broken model files (issue 17, defects 2, 3, 4 and 8): every length, offset,
// size and number in a .npz, its .npy headers and the architecture record is
// checked before it is used, and each bad file is one gb::Error line.
#include <cmath>
#include <cstring>

#include "bad_files.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"
#include "nn/npz.hpp"
#include "nn/serialize.hpp"

using namespace gb;
using namespace gb::test;

namespace {
// The archive of `bytes`, read as a file and from memory: both must refuse it alike.
void npz_refused(const TempDir& dir, const std::string& bytes, const std::string& part) {
    write(dir / "bad.npz", bytes);
    refuses([&] { read_npz(dir / "bad.npz"); }, part);
    refuses([&] { npz_from_bytes(bytes, "bad.npz"); }, part);
}
void model_refused(const TempDir& dir, const std::string& bytes, const std::string& part) {
    write(dir / "bad.npz", bytes);
    refuses([&] { load_model(dir / "bad.npz"); }, part);
    refuses([&] { model_from_bytes(bytes, "bad.npz"); }, part);
}
}  // namespace

TEST_CASE("hand-made archives and models load: the helpers of these tests write what glassbox reads", "[hardening]") {
    NpzArchive a = npz_from_bytes(linear_model(), "good.npz");
    REQUIRE(a.arrays.size() == 2);
    CHECK(a.arrays[0].shape == Shape{1, 2});
    Model m = model_from_bytes(linear_model(), "good.npz");
    CHECK(m.net.describe() == "Linear 2 1");
    CHECK(m.net.forward(Tensor(Shape{1, 2}, {2, 1})).values() == std::vector<float>{0.25f});
}

TEST_CASE("npz: lengths of a central-directory entry past the end of the file are refused (defect 2)", "[hardening]") {
    TempDir dir;
    // as numpy.savez writes: no archive comment, so the last entry ends where the end record starts
    std::string good = zip_bytes({{"a.npy", f4("(2,)", {1, 2})}, {"b.npy", f4("(1,)", {3})}});
    REQUIRE(npz_from_bytes(good, "good.npz").arrays.size() == 2);
    size_t last = central_entries(good).back();
    for (size_t field : {28, 30, 32}) {  // name, extra field and comment lengths
        INFO("field at +" << field);
        std::string bad = good;
        set_le(bad, last + field, 0xFFFF, 2);
        npz_refused(dir, bad, "a central-directory entry runs past the end of the file");
    }
    std::string bad = good;  // an extra field whose own length runs past its entry
    set_le(bad, last + 30, 4, 2);
    bad.insert(last + 46 + 5, std::string("\x01\x00\xff\x00", 4));
    set_le(bad, bad.rfind(std::string("PK\x05\x06", 4)) + 12, get_le(good, good.size() - 22 + 12, 4) + 4, 4);
    npz_refused(dir, bad, "a zip extra field runs past its entry");
    bad = good;  // the end record's comment length past the end
    set_le(bad, bad.size() - 2, 100, 2);
    npz_refused(dir, bad, "its zip comment is cut short");
    bad = good;  // the central directory's offset past the end
    set_le(bad, bad.size() - 6, 0xFFFFFF00u, 4);
    npz_refused(dir, bad, "broken central directory");
}

TEST_CASE("npz: a zip64 offset near 2^64 cannot wrap the bounds check (defect 3)", "[hardening]") {
    TempDir dir;
    std::string good = zip_bytes({{"a.npy", f4("(2,)", {1, 2})}});
    // The zip64 form of the same archive: the offset 0xFFFFFFFF, the real one in extra field 0x0001.
    auto zip64 = [&](uint64_t offset, uint16_t field_length) {
        std::string z = good;
        size_t entry = central_entries(z)[0], end = z.size() - 22;
        set_le(z, entry + 42, 0xFFFFFFFF, 4);
        set_le(z, entry + 30, 4 + field_length, 2);
        std::string extra;
        put_le(extra, 1, 2), put_le(extra, field_length, 2), put_le(extra, offset, 8);
        extra.resize(4 + field_length);
        z.insert(entry + 46 + 5, extra);
        set_le(z, end + extra.size() + 12, get_le(good, end + 12, 4) + extra.size(), 4);
        return z;
    };
    CHECK(npz_from_bytes(zip64(0, 8), "zip64.npz").arrays[0].values == std::vector<float>{1, 2});
    for (uint64_t offset : {~uint64_t(0) - 9, ~uint64_t(0), uint64_t(1) << 63, uint64_t(good.size())}) {
        INFO("offset " << offset);
        npz_refused(dir, zip64(offset, 8), "broken member header");
    }
    npz_refused(dir, zip64(0, 4), "a zip64 extra field is too short");
}

TEST_CASE("npz: members whose sizes, names or headers are wrong are refused", "[hardening]") {
    TempDir dir;
    std::string good = zip_bytes({{"a.npy", f4("(2,)", {1, 2})}});
    size_t entry = central_entries(good)[0];
    std::string bad = good;
    set_le(bad, entry + 24, 4000, 4), set_le(bad, entry + 20, 4000, 4);  // both sizes past the end
    npz_refused(dir, bad, "is truncated: member 'a.npy' is cut short");
    set_le(bad, entry + 24, 0xFFFFFFF0u, 4), set_le(bad, entry + 20, 0xFFFFFFF0u, 4);
    npz_refused(dir, bad, "is cut short");
    bad = good;
    set_le(bad, entry + 20, 3, 4);  // stored, but the two sizes disagree
    npz_refused(dir, bad, "its two sizes differ");
    bad = good;
    set_le(bad, 26, 0xFFFF, 2);  // the local header's name length
    npz_refused(dir, bad, "cut short");
    npz_refused(dir, zip_bytes({{"a.npy", f4("(2,)", {1, 2})}, {"a.npy", f4("(1,)", {3})}}), "two arrays named 'a'");
    // a name with a line break is shown without it: the message stays one line
    npz_refused(dir, zip_bytes({{"x\ny.npy", "not an array"}}), "member 'x?y' is not a .npy array");
    npz_refused(dir, "PK\x05\x06", "no zip end record");
    npz_refused(dir, good.substr(0, good.size() / 2), "no zip end record");
}

TEST_CASE(".npy headers: shapes are parsed with checks, and absurd sizes refused before allocating (defect 4)",
          "[hardening]") {
    TempDir dir;
    auto member = [](const std::string& dict, const std::string& payload) {
        return zip_bytes({{"w.npy", npy_bytes(dict, payload)}});
    };
    auto shaped = [&](const std::string& shape, size_t values) {
        return member("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }",
                      float_bytes(std::vector<float>(values, 1.0f)));
    };
    CHECK(npz_from_bytes(shaped("(2, 3)", 6), "ok.npz").arrays[0].shape == Shape{2, 3});
    CHECK(npz_from_bytes(shaped("( 6 , )", 6), "ok.npz").arrays[0].shape == Shape{6});
    CHECK(npz_from_bytes(shaped("()", 1), "ok.npz").arrays[0].shape == Shape{});
    CHECK(npz_from_bytes(shaped("(0, 5)", 0), "ok.npz").arrays[0].values.empty());
    npz_refused(dir, shaped("(xx,)", 2), "its .npy shape (xx,) is not a tuple of sizes");
    npz_refused(dir, shaped("(99999999999,)", 2), "its .npy shape (99999999999,) is not a tuple of sizes");
    npz_refused(dir, shaped("(-1,)", 2), "is not a tuple of sizes");
    npz_refused(dir, shaped("(2,,3)", 6), "is not a tuple of sizes");
    npz_refused(dir, shaped("(3.5,)", 2), "is not a tuple of sizes");
    npz_refused(dir, shaped("[2]", 2), "its .npy shape is not a tuple");
    npz_refused(dir, shaped("(2147483647, 2147483647, 2147483647)", 2),
                "should hold more than 8 bytes, found 8");
    npz_refused(dir, shaped("(3,)", 2), "should hold 12 bytes, found 8");
    npz_refused(dir, member("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')),
                "has dtype '<i8'; glassbox reads float32");
    npz_refused(dir, member("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", std::string(4, '\0')),
                "Fortran order");
    npz_refused(dir, member("{'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')), "no 'descr' entry");
    npz_refused(dir, member("{'descr' '<f4', 'fortran_order': False, 'shape': (1,), }", ""), "no 'descr' entry");
    std::string v9 = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0'));
    v9[6] = 9;
    npz_refused(dir, zip_bytes({{"w.npy", v9}}), ".npy version 9");
    std::string long_header = v9;
    long_header[6] = 1;
    set_le(long_header, 8, 0xFFFF, 2);
    npz_refused(dir, zip_bytes({{"w.npy", long_header}}), "its .npy header runs past the end");
    long_header[6] = 2;  // version 2: a 4-byte header length
    set_le(long_header, 8, 0xFFFFFFFFu, 4);
    npz_refused(dir, zip_bytes({{"w.npy", long_header}}), "its .npy header runs past the end");
    npz_refused(dir, zip_bytes({{"w.npy", std::string("\x93NUMPY\x02\x00\x01", 9)}}), "not a .npy array");
}

TEST_CASE("layer records: numbers are parsed with checks, absurd sizes refused before allocating (defect 4)",
          "[hardening]") {
    TempDir dir;
    auto with_layer = [](const std::string& layer) { return linear_model("(1, 2)", {0.5f, -1}, layer); };
    model_refused(dir, with_layer("Linear -784 300"), "layer record 'Linear -784 300': in_features is '-784'");
    model_refused(dir, with_layer("Linear 2000000000 300"),
                  "layer record 'Linear 2000000000 300': the layer needs 600000000300 parameters, the whole file "
                  "holds 3 values");
    model_refused(dir, with_layer("Linear 99999999999 1"), "in_features is '99999999999'");
    model_refused(dir, with_layer("Linear 2 x"), "out_features is 'x'");
    model_refused(dir, with_layer("Linear 2"), "the field out_features is missing");
    model_refused(dir, with_layer("Linear 2 1 7"), "unexpected field '7'");
    model_refused(dir, with_layer("Linear 2.5 1"), "in_features is '2.5'");
    model_refused(dir, with_layer("Conv2d 1 1 3 0 0"), "stride is '0'");
    model_refused(dir, with_layer("Conv2d 1 1 3 1 3"), "padding is '3', it must be a whole number from 0 to 2");
    model_refused(dir, with_layer("Conv2d 65536 65536 65536 1 0"), "parameters, the whole file holds 3 values");
    model_refused(dir, with_layer("MaxPool2d 0 1"), "kernel is '0'");
    model_refused(dir, with_layer("Dropout 1.5"), "p is '1.5'");
    model_refused(dir, with_layer("Dropout nan"), "p is 'nan'");
    model_refused(dir, with_layer("LpPool2d inf 2 2"), "p is 'inf'");
    model_refused(dir, with_layer("Transpose 1 9"), "dim1 is '9'");
    model_refused(dir, with_layer("Embedding 3 1 3"), "padding_idx is '3'");
    model_refused(dir, with_layer("LSTM 2 1 sideways"), "unknown LSTM option 'sideways'");
    model_refused(dir, with_layer("LSTM 2 1073741824"), "hidden_size is '1073741824'");
    model_refused(dir, with_layer("Linear2 2 1"), "unknown layer 'Linear2'");
    model_refused(dir, with_layer(""), "unknown layer ''");
    model_refused(dir, with_layer("Linear 2 1\x01"), "out_features is '1?'");
    // More layers than the file has values for: the parameter that is missing is named.
    model_refused(dir,
                  zip_bytes({{"0.weight.npy", f4("(1, 2)", {0.5f, -1})}, {"0.bias.npy", f4("(1,)", {0.25f})}},
                            model_record("2", {"Linear 2 1", "Linear 1 1"})),
                  "parameter '1.weight' is missing");
}

TEST_CASE("the input shape and the record's lines are checked", "[hardening]") {
    TempDir dir;
    auto with_input = [](const std::string& input) {
        return zip_bytes({{"0.weight.npy", f4("(1, 2)", {0.5f, -1})}, {"0.bias.npy", f4("(1,)", {0.25f})}},
                         model_record(input, {"Linear 2 1"}));
    };
    CHECK(model_from_bytes(with_input("2"), "ok.npz").input_shape == Shape{2});
    model_refused(dir, with_input("-2"), "the input shape '-2' is not 1 to 8 sizes");
    model_refused(dir, with_input("2 x"), "is not 1 to 8 sizes");
    model_refused(dir, with_input("65536 65536"), "is not 1 to 8 sizes");
    model_refused(dir, with_input("1 1 1 1 1 1 1 1 1"), "is not 1 to 8 sizes");
    model_refused(dir, with_input(""), "lists no layers or no input shape");
    model_refused(dir, with_input("2\ninput 2"), "has two input lines");
    // "layer" alone on its line (std::out_of_range before)
    model_refused(dir, zip_bytes({{"w.npy", f4("(1,)", {1})}}, "glassbox-model 1\ninput 1\nlayer\n"),
                  "unknown layer ''");
}

TEST_CASE("NaN or infinite weights are refused when a model loads, naming the tensor (defect 8)", "[hardening]") {
    TempDir dir;
    model_refused(dir, linear_model("(1, 2)", {0.5f, NAN}), "parameter '0.weight' holds a NaN value (at index 1)");
    model_refused(dir, linear_model("(1, 2)", {INFINITY, 1}),
                  "parameter '0.weight' holds an infinite value (at index 0)");
    model_refused(dir, linear_model("(1, 2)", {-INFINITY, 1}), "train the model again");
    // float64 arrays beyond float32's range become infinite: refused as well
    std::string big(16, '\0');
    double huge = 1e300, one = 1;
    std::memcpy(&big[0], &huge, 8), std::memcpy(&big[8], &one, 8);
    std::string f8 = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", big);
    model_refused(dir,
                  zip_bytes({{"0.weight.npy", f8}, {"0.bias.npy", f4("(1,)", {0})}}, model_record("2", {"Linear 2 1"})),
                  "parameter '0.weight' holds an infinite value");
    // a model trained by glassbox still loads
    Model m = make_model("tab-mlp", 1, {0, 0, 3, 4});
    save_model(m, dir / "tab.npz");
    CHECK(load_model(dir / "tab.npz").net.describe() == m.net.describe());
}

TEST_CASE("npz: central-directory entries that share one member's bytes are refused", "[hardening]") {
    TempDir dir;
    // A small file whose many entries all point at one large member would take its size many times over.
    std::string good = zip_bytes({{"a.npy", f4("(100,)", std::vector<float>(100, 1.0f))}, {"b.npy", f4("(1,)", {2})}});
    REQUIRE(npz_from_bytes(good, "good.npz").arrays.size() == 2);
    std::vector<size_t> entries = central_entries(good);
    std::string bad = good;
    for (size_t field : {16, 20, 24}) set_le(bad, entries[1] + field, get_le(good, entries[0] + field, 4), 4);
    set_le(bad, entries[1] + 42, 0, 4);  // b's entry: a's checksum, sizes and local header
    npz_refused(dir, bad, "its members overlap");
}
