// The IDX reader and the MNIST loader on small files written here, broken ones included.
#include <fstream>

#include "datasets/batches.hpp"
#include "datasets/gzip.hpp"
#include "datasets/idx.hpp"
#include "datasets/mnist.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"
#include "util/crc32.hpp"
#include "util/error.hpp"

using namespace gb;
using namespace gb::test;


TEST_CASE("IDX files are read raw and gzip-compressed", "[datasets]") {
    TempDir dir;
    std::vector<uint8_t> values(70000);
    for (size_t i = 0; i < values.size(); ++i) values[i] = uint8_t(i * 7);
    std::string bytes = idx_bytes({700, 100}, values);
    write(dir / "raw", bytes);
    write(dir / "packed.gz", gzip_bytes(bytes));  // two stored blocks
    for (std::string name : {"raw", "packed.gz"}) {
        IdxArray a = read_idx(dir / name);
        CHECK(a.dims == std::vector<int>{700, 100});
        CHECK(a.values == values);
    }
}

TEST_CASE("broken IDX files are refused with the reason", "[datasets]") {
    TempDir dir;
    std::string good = idx_bytes({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    write(dir / "truncated", good.substr(0, good.size() - 3));
    CHECK_THROWS_WITH(read_idx(dir / "truncated"), Catch::Contains("truncated: its header promises 8 values, found 5"));
    write(dir / "header", good.substr(0, 6));
    CHECK_THROWS_WITH(read_idx(dir / "header"), Catch::Contains("truncated inside its header"));
    write(dir / "long", good + "xx");
    CHECK_THROWS_WITH(read_idx(dir / "long"), Catch::Contains("2 bytes past its declared size"));
    write(dir / "magic", "PK\x03\x04 something else");
    CHECK_THROWS_WITH(read_idx(dir / "magic"), Catch::Contains("not an IDX file"));
    std::string ints = good;
    ints[2] = 0x0C;  // int32 elements
    write(dir / "ints", ints);
    CHECK_THROWS_WITH(read_idx(dir / "ints"), Catch::Contains("glassbox reads unsigned bytes"));
    CHECK_THROWS_WITH(read_idx(dir / "absent"), Catch::Contains("cannot open"));

    std::string gz = gzip_bytes(good);
    write(dir / "cut.gz", gz.substr(0, gz.size() - 6));
    CHECK_THROWS_WITH(read_idx(dir / "cut.gz"), Catch::Contains("damaged gzip file"));
    gz[20] ^= 0x01;  // a flipped bit inside the data: the CRC catches it
    write(dir / "flipped.gz", gz);
    CHECK_THROWS_WITH(read_idx(dir / "flipped.gz"), Catch::Contains("checksum or length mismatch"));
}

TEST_CASE("the MNIST loader scales pixels to [0, 1] and checks that the files belong together", "[datasets]") {
    for (bool gz : {false, true}) {
        TempDir dir;
        write_mnist(dir, 12, 2, 3, gz);
        MnistSplit s = load_mnist(dir.path, true);
        CHECK(s.count == 12);
        CHECK(s.rows == 2);
        CHECK(s.cols == 3);
        CHECK(s.images[6 * 5 + 4] == Approx(54.0f / 255.0f));
        CHECK(s.labels[11] == 1);
        CHECK(load_mnist(dir.path, false, 5).count == 5);
        CHECK(load_mnist(dir.path, false, 5).images.size() == 30);
    }
    TempDir dir;
    CHECK_THROWS_WITH(load_mnist(dir / "nowhere", true), Catch::Contains("run `make data`"));
    write_mnist(dir, 12, 2, 3, false);
    write(dir / "mnist/train-labels-idx1-ubyte", idx_bytes({11}, std::vector<uint8_t>(11, 1)));
    CHECK_THROWS_WITH(load_mnist(dir.path, true), Catch::Contains("holds 12 images but"));
    write(dir / "mnist/train-labels-idx1-ubyte", idx_bytes({12}, std::vector<uint8_t>(12, 12)));
    CHECK_THROWS_WITH(load_mnist(dir.path, true), Catch::Contains("label 12 at position 0 is not a digit"));
    write(dir / "mnist/train-images-idx3-ubyte", idx_bytes({12}, std::vector<uint8_t>(12, 1)));
    CHECK_THROWS_WITH(load_mnist(dir.path, true), Catch::Contains("is it a label file?"));
}

TEST_CASE("minibatches cover every example once per epoch, in a seeded order", "[datasets]") {
    Minibatches batches(103, 10, 42);
    CHECK(batches.count() == 11);
    auto e0 = batches.epoch(0);
    REQUIRE(e0.size() == 11);
    CHECK(e0.back().size() == 3);
    std::vector<int> all;
    for (auto& b : e0) all.insert(all.end(), b.begin(), b.end());
    std::vector<int> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 103; ++i) CHECK(sorted[size_t(i)] == i);
    CHECK(all != sorted);                           // shuffled
    CHECK(Minibatches(103, 10, 42).epoch(0) == e0);  // same seed, same order
    CHECK(batches.epoch(1) != e0);                  // a new order each epoch
    CHECK(Minibatches(103, 10, 43).epoch(0) != e0);
    CHECK(Minibatches(5, 2, 1, false).epoch(3) == std::vector<std::vector<int>>{{0, 1}, {2, 3}, {4}});
}

TEST_CASE("gzip files compressed with fixed and dynamic Huffman codes decode", "[datasets]") {
    // Written by Python's gzip.compress(..., 9, mtime=0), see tests/golden/README.md.
    auto read = [](const std::string& path) {
        std::ifstream f(path, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    };
    CHECK(gunzip(read("tests/golden/short.txt.gz"), "short") == "glassbox reads gzip");
    std::string numbers;
    for (int i = 0; i < 3000; ++i) numbers += (i ? " " : "") + std::to_string(i);
    std::string packed = read("tests/golden/numbers.txt.gz");
    CHECK(packed.size() < numbers.size() / 2);  // really compressed, with back-references
    CHECK(gunzip(packed, "numbers") == numbers);
    CHECK(gunzip(packed + packed, "two members") == numbers + numbers);
    CHECK_THROWS_WITH(gunzip(packed.substr(0, packed.size() / 2), "half"), Catch::Contains("truncated"));
}
