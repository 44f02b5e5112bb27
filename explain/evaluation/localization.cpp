#include "explain/evaluation/localization.hpp"

#include "util/error.hpp"

namespace gb {

namespace {

void check(const std::vector<float>& map, int height, int width, const std::vector<PixelBox>& boxes) {
    if (map.size() != size_t(height) * size_t(width))
        throw Error("a map of " + std::to_string(map.size()) + " values is not " + std::to_string(height) + " x " +
                    std::to_string(width));
    if (boxes.empty()) throw Error("the pointing game and the energy share need at least one box of the class");
}

}  // namespace

bool pointing_hit(const std::vector<float>& map, int height, int width, const std::vector<PixelBox>& boxes,
                  int tolerance) {
    check(map, height, width, boxes);
    size_t best = 0;
    for (size_t u = 1; u < map.size(); ++u)
        if (map[u] > map[best]) best = u;
    if (!(map[best] > 0)) return false;
    const int row = int(best) / width, col = int(best) % width;
    for (const PixelBox& b : boxes)
        if (row >= b.top - tolerance && row <= b.bottom + tolerance && col >= b.left - tolerance &&
            col <= b.right + tolerance)
            return true;
    return false;
}

double energy_share(const std::vector<float>& map, int height, int width, const std::vector<PixelBox>& boxes) {
    check(map, height, width, boxes);
    double inside = 0, total = 0;
    for (int row = 0; row < height; ++row)
        for (int col = 0; col < width; ++col) {
            const float v = map[size_t(row) * width + size_t(col)];
            if (!(v > 0)) continue;
            total += v;
            for (const PixelBox& b : boxes)
                if (row >= b.top && row <= b.bottom && col >= b.left && col <= b.right) {
                    inside += v;
                    break;
                }
        }
    return total > 0 ? inside / total : 0.0;
}

}  // namespace gb
