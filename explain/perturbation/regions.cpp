#include "explain/perturbation/regions.hpp"

#include <algorithm>

namespace gb {
namespace {

Region rectangle(int width, int top, int left, int bottom, int right) {  // rows [top, bottom), columns [left, right)
    Region r;
    for (int i = top; i < bottom; ++i)
        for (int j = left; j < right; ++j) r.push_back(i * width + j);
    return r;
}

}  // namespace

std::vector<Region> grid_regions(int height, int width, int cell) {
    std::vector<Region> regions;
    for (int top = 0; top < height; top += cell)
        for (int left = 0; left < width; left += cell)
            regions.push_back(rectangle(width, top, left, std::min(top + cell, height), std::min(left + cell, width)));
    return regions;
}

std::vector<Region> sliding_windows(int height, int width, int window_height, int window_width, int stride) {
    std::vector<Region> regions;
    for (int top = 0; top + window_height <= height; top += stride)
        for (int left = 0; left + window_width <= width; left += stride)
            regions.push_back(rectangle(width, top, left, top + window_height, left + window_width));
    return regions;
}

std::vector<double> region_sums(const float* map, const std::vector<Region>& regions) {
    std::vector<double> sums;
    for (const Region& r : regions) {
        double s = 0;
        for (int pixel : r) s += map[pixel];
        sums.push_back(s);
    }
    return sums;
}

}  // namespace gb
