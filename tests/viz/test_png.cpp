#include <fstream>

#include "helpers.hpp"
#include "viz/png.hpp"

using namespace gb;

namespace {
// A PNG's width and height, from its IHDR chunk (bytes 16-23, big-endian).
std::pair<int, int> png_size(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    unsigned char b[24] = {};
    f.read(reinterpret_cast<char*>(b), 24);
    auto be = [&](int at) { return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]; };
    return {be(16), be(20)};
}
}  // namespace

TEST_CASE("labels wrap at spaces and hyphens to fit a width", "[viz]") {
    auto [w1, h1] = label_size("lrp", 1);
    auto [w2, h2] = label_size("lrp", 2);
    CHECK((w1 > 0 && w2 == 2 * w1 && h2 == 2 * h1));
    CHECK(label_size("", 1) == std::pair<int, int>{0, 0});
    const int width = label_size("contrastive", 1).first + 2;
    CHECK(wrap_label("contrastive-excitation", width, 1) == "contrastive-\nexcitation");
    CHECK(wrap_label("lrp-0", width, 1) == "lrp-0");                    // fits: one line
    CHECK(wrap_label("deep taylor map", width, 1) == "deep taylor\nmap");  // a space is dropped where it breaks
    CHECK(wrap_label("incomprehensibilities", 10, 1) == "incomprehensibilities");  // one word stays whole
    CHECK(label_size("two\nlines", 1).second > label_size("two", 1).second);
}

TEST_CASE("a heatmap grid with names gets a header and a margin for them", "[viz]") {
    test::TempDir dir;
    std::vector<float> image(4 * 4, 0.5f), map(4 * 4, 0.0f);
    map[3] = 1.0f;
    save_heatmap_grid(dir / "plain.png", {{image.data(), {map.data(), map.data()}}}, 4, 4, false, 4);
    CHECK(png_size(dir / "plain.png") == std::pair<int, int>{3 * (16 + 6), 16 + 6});
    save_heatmap_grid(dir / "named.png", {{image.data(), {map.data(), map.data()}, "row 1"}}, 4, 4, false, 4,
                      {"input", "a", "b"});
    auto [w, h] = png_size(dir / "named.png");
    CHECK(w == 3 * (16 + 6) + label_size("row 1", 1).first + 6);
    CHECK(h == 16 + 6 + label_size(wrap_label("input", 16, 1), 1).second + 6);
    CHECK_THROWS_WITH(save_heatmap_grid(dir / "no/such/g.png", {{image.data(), {}}}, 4, 4), Catch::Contains("cannot write"));
}
