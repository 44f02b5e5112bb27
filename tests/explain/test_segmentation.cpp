// Superpixels for LIME: quickshift and SLIC find the flat regions of synthetic
// images, agree with scikit-image (tests/golden/make_golden_segmentation.py),
// are seeded, and refuse bad arguments; the grid of squares.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "explain/perturbation/regions.hpp"
#include "explain/perturbation/segmentation.hpp"
#include "helpers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// The same partition with labels numbered in row-major order of first appearance.
std::vector<int> canonical(const std::vector<int>& labels) {
    std::map<int, int> number;
    std::vector<int> out;
    for (int l : labels) out.push_back(number.emplace(l, int(number.size())).first->second);
    return out;
}

// A well-formed Segmentation: sizes agree and labels are already canonical, 0..count-1.
void check_well_formed(const Segmentation& s, int height, int width) {
    REQUIRE(s.height == height);
    REQUIRE(s.width == width);
    REQUIRE(s.label.size() == size_t(height) * size_t(width));
    CHECK(s.label == canonical(s.label));
    CHECK(s.count == 1 + *std::max_element(s.label.begin(), s.label.end()));
}

// Pixels outside the best match: each segment of `reference` is matched with the segment of `ours`
// that covers most of it; the pixels it does not cover count (0 for equal partitions).
int differing_pixels(const std::vector<int>& ours, const std::vector<int>& reference) {
    std::map<int, std::map<int, int>> overlap;
    for (size_t p = 0; p < ours.size(); ++p) ++overlap[reference[p]][ours[p]];
    int differing = 0;
    for (auto& [ref, counts] : overlap) {
        int total = 0, best = 0;
        for (auto& [label, n] : counts) total += n, best = std::max(best, n);
        differing += total - best;
    }
    return differing;
}

// A channels x 28 x 28 image of four flat rectangles cut at row 10 and column 17, with colours
// colour[k] (k = 0 top left, 1 top right, 2 bottom left, 3 bottom right), and its partition.
const int H = 28, W = 28, cut_row = 10, cut_col = 17;
std::vector<float> quadrants(int channels, const std::vector<std::vector<float>>& colour) {
    std::vector<float> image(size_t(channels) * H * W);
    for (int c = 0; c < channels; ++c)
        for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j)
                image[size_t(c * H * W + i * W + j)] = colour[size_t(2 * (i >= cut_row) + (j >= cut_col))][size_t(c)];
    return image;
}
std::vector<int> quadrant_labels() {
    std::vector<int> labels;
    for (int i = 0; i < H; ++i)
        for (int j = 0; j < W; ++j) labels.push_back(2 * (i >= cut_row) + (j >= cut_col));
    return labels;
}
const std::vector<std::vector<float>> grey{{0.1f}, {0.4f}, {0.7f}, {1.0f}};
const std::vector<std::vector<float>> rgb{{1, 0, 0}, {1, 1, 0}, {0, 0, 1}, {1, 0, 1}};

}  // namespace

TEST_CASE("grid_segmentation cuts squares row by row, the last ones cut at the edges", "[segmentation]") {
    Segmentation s = grid_segmentation(28, 28, 4);
    check_well_formed(s, 28, 28);
    CHECK(s.count == 49);
    for (const Region& r : segment_regions(s)) CHECK(r.size() == 16);
    s = grid_segmentation(7, 10, 3);  // rows 3 + 3 + 1, columns 3 + 3 + 3 + 1
    check_well_formed(s, 7, 10);
    CHECK(s.count == 12);
    CHECK(s.label[0] == 0);
    CHECK(s.label[9] == 3);       // row 0, column 9: the cut cell at the right
    CHECK(s.label[3 * 10] == 4);  // row 3 starts the second row of cells
    CHECK(s.label[6 * 10 + 9] == 11);
    std::vector<size_t> sizes;
    for (const Region& r : segment_regions(s)) sizes.push_back(r.size());
    CHECK(sizes == std::vector<size_t>{9, 9, 9, 3, 9, 9, 9, 3, 3, 3, 3, 1});
    CHECK(segment_regions(s) == grid_regions(7, 10, 3));
    CHECK(grid_segmentation(5, 6, 10).count == 1);
}

TEST_CASE("quickshift finds the four flat regions of a one- and a three-channel image", "[segmentation]") {
    // Colour steps of ratio * 0.3 = 9 (grey) or ratio * 1 = 10 (rgb) are beyond max_dist = 5, so no
    // link crosses an edge; inside a rectangle the density peaks at its centre, one root each.
    Segmentation s = quickshift(quadrants(1, grey).data(), 1, H, W, 30.0f, 2.0f, 5.0f, 1);
    check_well_formed(s, H, W);
    CHECK(s.count == 4);
    CHECK(s.label == quadrant_labels());
    s = quickshift(quadrants(3, rgb).data(), 3, H, W, 10.0f, 2.0f, 5.0f, 7);
    check_well_formed(s, H, W);
    CHECK(s.label == quadrant_labels());
}

TEST_CASE("slic finds the four flat regions of a one- and a three-channel image", "[segmentation]") {
    // Four seeds on the 14-pixel grid; colour outweighs space (compactness 0.1), so the centres move
    // to the rectangles, whose edges are off the grid's (rows 10, columns 17).
    Segmentation s = slic(quadrants(1, grey).data(), 1, H, W, 4, 0.1f);
    check_well_formed(s, H, W);
    CHECK(s.count == 4);
    CHECK(s.label == quadrant_labels());
    s = slic(quadrants(3, rgb).data(), 3, H, W, 4, 0.1f);
    check_well_formed(s, H, W);
    CHECK(s.label == quadrant_labels());
    // 100 segments: with the default compactness 10, grey steps of 0.3 weigh little against space and
    // 17 of the 81 segments cross an edge (as in scikit-image); with compactness 0.3 none does.
    auto crossing = [](const Segmentation& seg) {
        const std::vector<int> truth = quadrant_labels();
        int n = 0;
        for (const Region& r : segment_regions(seg))
            n += std::any_of(r.begin(), r.end(), [&](int p) { return truth[size_t(p)] != truth[size_t(r[0])]; });
        return n;
    };
    s = slic(quadrants(1, grey).data(), 1, H, W, 100, 10.0f);
    check_well_formed(s, H, W);
    CHECK(s.count == 81);
    CHECK(crossing(s) == 17);
    s = slic(quadrants(1, grey).data(), 1, H, W, 100, 0.3f);
    CHECK(s.count == 81);
    CHECK(crossing(s) == 0);
}

TEST_CASE("quickshift is seeded: ties in a flat image are broken by the seed's noise", "[segmentation]") {
    const std::vector<float> flat(size_t(H) * W, 0.5f);
    const Segmentation a = quickshift(flat.data(), 1, H, W, 1.0f, 2.0f, 3.0f, 11);
    const Segmentation b = quickshift(flat.data(), 1, H, W, 1.0f, 2.0f, 3.0f, 11);
    const Segmentation c = quickshift(flat.data(), 1, H, W, 1.0f, 2.0f, 3.0f, 12);
    check_well_formed(a, H, W);
    CHECK(a.label == b.label);
    CHECK(a.count == b.count);
    CHECK(a.label != c.label);
    // max_dist = 0 cuts every link: each pixel is its own segment.
    CHECK(quickshift(flat.data(), 1, H, W, 1.0f, 2.0f, 0.0f, 11).count == H * W);
}

TEST_CASE("segmentations refuse bad arguments with a clear message", "[segmentation]") {
    const std::vector<float> image = quadrants(1, grey);
    const float* x = image.data();
    CHECK_THROWS_WITH(quickshift(x, 1, H, W, 0.2f, 0.0f, 200.0f, 1), Catch::Contains("kernel_size must be >= 1"));
    CHECK_THROWS_WITH(quickshift(x, 1, H, W, 0.2f, -4.0f, 200.0f, 1), Catch::Contains("got -4"));
    CHECK_THROWS_WITH(quickshift(x, 1, H, W, 0.2f, 0.5f, 200.0f, 1), Catch::Contains("kernel_size must be >= 1"));
    CHECK_THROWS_WITH(quickshift(x, 1, H, W, 0.2f, 4.0f, -1.0f, 1), Catch::Contains("max_dist must be >= 0, got -1"));
    CHECK_THROWS_WITH(quickshift(x, 1, H, W, -0.2f, 4.0f, 200.0f, 1), Catch::Contains("ratio must be >= 0"));
    CHECK_THROWS_WITH(quickshift(x, 1, 0, W, 0.2f, 4.0f, 200.0f, 1), Catch::Contains("quickshift: the image is empty"));
    CHECK_THROWS_WITH(quickshift(nullptr, 1, H, W, 0.2f, 4.0f, 200.0f, 1), Catch::Contains("the image is empty"));
    CHECK_THROWS_WITH(slic(x, 1, H, W, 0, 10.0f), Catch::Contains("slic: n_segments must be >= 1, got 0"));
    CHECK_THROWS_WITH(slic(x, 1, H, W, 100, 0.0f), Catch::Contains("compactness must be > 0"));
    CHECK_THROWS_WITH(slic(x, 1, H, W, 100, 10.0f, 0), Catch::Contains("max_iter must be >= 1"));
    CHECK_THROWS_WITH(slic(x, 1, H, W, 100, 10.0f, 10, -1.0f), Catch::Contains("sigma must be >= 0"));
    CHECK_THROWS_WITH(slic(x, 0, H, W, 100, 10.0f), Catch::Contains("slic: the image is empty"));
    CHECK_THROWS_WITH(slic(x, 1, H, 0, 100, 10.0f), Catch::Contains("slic: the image is empty"));
    std::vector<float> broken = image;
    broken[5] = std::nanf("");
    CHECK_THROWS_WITH(slic(broken.data(), 1, H, W, 100, 10.0f), Catch::Contains("NaN or infinite"));
    CHECK_THROWS_WITH(grid_segmentation(28, 28, 0), Catch::Contains("cell >= 1"));
    CHECK_THROWS_WITH(grid_segmentation(0, 28, 4), Catch::Contains("non-empty image"));
    Segmentation bad = grid_segmentation(2, 2, 1);
    bad.label[3] = 7;
    CHECK_THROWS_WITH(segment_regions(bad), Catch::Contains("not a segmentation"));
    CHECK_THROWS_AS(slic(x, 1, H, W, -3, 10.0f), Error);
}

TEST_CASE("slic agrees with scikit-image; quickshift up to its tie-breaking noise", "[segmentation]") {
    std::ifstream in("tests/golden/segmentation_skimage.txt");
    REQUIRE(in);
    struct Image {
        int channels = 0, height = 0, width = 0;
        std::vector<float> values;
    };
    std::map<std::string, Image> images;
    auto read_line = [&]() {
        std::string line;
        std::getline(in, line);
        return line;
    };
    auto run_lengths = [](const std::string& line) {  // "label count label count ..." -> labels
        std::istringstream runs(line);
        std::vector<int> labels;
        for (int label, count; runs >> label >> count;) labels.insert(labels.end(), size_t(count), label);
        return labels;
    };
    int slic_cases = 0, quickshift_cases = 0;
    for (std::string line; std::getline(in, line);) {
        std::istringstream head(line);
        std::string kind, name;
        head >> kind >> name;
        if (kind == "image") {
            Image& image = images[name];
            head >> image.channels >> image.height >> image.width;
            std::istringstream bytes(read_line());
            for (int k; bytes >> k;) image.values.push_back(float(k) / 255.0f);  // as numpy's float32 k / 255
            REQUIRE(image.values.size() == size_t(image.channels) * image.height * image.width);
            continue;
        }
        if (kind != "slic" && kind != "quickshift") continue;
        const Image& image = images.at(name);
        Segmentation ours;
        int spread = 0;  // quickshift: the pixels scikit-image moves when its seed changes
        if (kind == "slic") {
            int n_segments = 0, max_iter = 0;
            float compactness = 0, sigma = 0;
            head >> n_segments >> compactness >> max_iter >> sigma;
            ours = slic(image.values.data(), image.channels, image.height, image.width, n_segments, compactness,
                        max_iter, sigma);
            ++slic_cases;
        } else {
            float ratio = 0, kernel_size = 0, max_dist = 0;
            uint64_t seed = 0;
            head >> ratio >> kernel_size >> max_dist >> seed >> spread;
            ours = quickshift(image.values.data(), image.channels, image.height, image.width, ratio, kernel_size,
                              max_dist, seed);
            ++quickshift_cases;
        }
        const std::vector<int> reference = run_lengths(read_line());
        INFO(line);
        check_well_formed(ours, image.height, image.width);
        REQUIRE(reference.size() == ours.label.size());
        const int differing = differing_pixels(ours.label, reference);
        INFO(differing << " of " << reference.size() << " pixels differ");
        INFO("scikit-image moves " << spread << " pixels when its seed changes");
        if (kind == "slic" || spread == 0)
            CHECK(ours.label == canonical(reference));  // the same partition, pixel for pixel
        else  // flat areas, where the noise decides: about as far from scikit-image as its other seeds
            CHECK(differing <= 2 * spread);
    }
    CHECK(slic_cases == 13);
    CHECK(quickshift_cases == 8);
}
