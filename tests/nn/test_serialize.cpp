#include <fstream>

#include "helpers.hpp"
#include "nn/npz.hpp"
#include "nn/ops.hpp"
#include "nn/serialize.hpp"
#include "util/error.hpp"

using namespace gb;
using test::TempDir;

TEST_CASE("a model survives a save/load round trip, bit for bit", "[serialize]") {
    TempDir dir;
    Model m = make_model("mlp", 7);
    save_model(m, dir / "mlp.npz");
    Model back = load_model(dir / "mlp.npz");
    CHECK(back.name == "mlp");
    CHECK(back.input_shape == Shape{784});
    CHECK(back.net.describe() == m.net.describe());
    auto a = m.net.parameters(), b = back.net.parameters();
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].first == b[i].first);
        CHECK(a[i].second.values() == b[i].second.values());
    }
    Rng rng(1);
    Tensor x = test::random_tensor({2, 784}, rng, false);
    CHECK(m.net.forward(x).values() == back.net.forward(x).values());
}

TEST_CASE("npz files hold state_dict names and layouts, and the same model gives the same bytes", "[serialize]") {
    TempDir dir;
    Model m = make_model("mlp", 3);
    save_model(m, dir / "a.npz");
    save_model(m, dir / "b.npz");
    NpzArchive archive = read_npz(dir / "a.npz");
    REQUIRE(archive.arrays.size() == 6);
    CHECK(archive.arrays[0].name == "0.weight");
    CHECK(archive.arrays[0].shape == Shape{300, 784});
    CHECK(archive.arrays[1].name == "0.bias");
    CHECK(archive.arrays[5].name == "4.bias");
    CHECK(archive.comment.rfind("glassbox-model 1\nname mlp\ndata \ninput 784\nlayer Linear 784 300\n", 0) == 0);
    auto bytes = [](const std::string& p) {
        std::ifstream f(p, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    };
    CHECK(bytes(dir / "a.npz") == bytes(dir / "b.npz"));
}

TEST_CASE("arrays of every rank round-trip through npz", "[serialize]") {
    TempDir dir;
    NpzArchive out;
    out.arrays = {{"scalar", {}, {3.5f}}, {"vector", {3}, {1, 2, 3}}, {"cube", {2, 1, 2}, {1, 2, 3, 4}}};
    out.comment = "hello";
    write_npz(dir / "x.npz", out);
    NpzArchive in = read_npz(dir / "x.npz");
    REQUIRE(in.arrays.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
        CHECK(in.arrays[i].name == out.arrays[i].name);
        CHECK(in.arrays[i].shape == out.arrays[i].shape);
        CHECK(in.arrays[i].values == out.arrays[i].values);
    }
    CHECK(in.comment == "hello");
}

TEST_CASE("bad model files give errors that name the problem", "[serialize]") {
    TempDir dir;
    CHECK_THROWS_WITH(load_model(dir / "missing.npz"), Catch::Contains("cannot open model file"));
    std::ofstream(dir / "text.npz") << "this is not a model";
    CHECK_THROWS_WITH(load_model(dir / "text.npz"), Catch::Contains("is not a .npz archive"));

    NpzArchive plain;  // a valid npz, as numpy.savez writes, but no architecture record
    plain.arrays = {{"w", {2}, {1, 2}}};
    write_npz(dir / "plain.npz", plain);
    CHECK_THROWS_WITH(load_model(dir / "plain.npz"), Catch::Contains("not a glassbox model"));

    Model m = make_model("mlp", 1);
    save_model(m, dir / "mlp.npz");
    NpzArchive broken = read_npz(dir / "mlp.npz");
    broken.arrays[0].shape = {784, 300};  // transposed: the classic mistake
    write_npz(dir / "transposed.npz", broken);
    CHECK_THROWS_WITH(load_model(dir / "transposed.npz"),
                      Catch::Contains("'0.weight' has shape (784, 300), the layer needs (300, 784)"));
    broken = read_npz(dir / "mlp.npz");
    broken.arrays.pop_back();
    write_npz(dir / "missing-bias.npz", broken);
    CHECK_THROWS_WITH(load_model(dir / "missing-bias.npz"), Catch::Contains("parameter '4.bias' is missing"));

    // Truncated: cut the file in half.
    std::ifstream f(dir / "mlp.npz", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "half.npz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    CHECK_THROWS_AS(load_model(dir / "half.npz"), Error);
    // Corrupted: flip one byte of a weight.
    bytes[bytes.size() / 2] ^= 0x40;
    std::ofstream(dir / "flipped.npz", std::ios::binary) << bytes;
    CHECK_THROWS_WITH(load_model(dir / "flipped.npz"), Catch::Contains("checksum mismatch"));
}

TEST_CASE("a failed save leaves the existing file as it was", "[serialize]") {
    TempDir dir;
    Model m = make_model("mlp", 1);
    CHECK_THROWS_WITH(save_model(m, dir / "no-such-folder/mlp.npz"), Catch::Contains("cannot write"));
}
