// regions.hpp: regions of an input that perturbation methods hide, replace
// or keep: squares of a grid, sliding windows, runs of words (a post is a
// 1 x T image whose "pixels" are words). Occlusion, region perturbation
// (evaluation/perturbation.hpp) and the perturbation and surrogate methods
// share them.
#pragma once
#include <vector>

namespace gb {

// The pixels a region covers, as row-major indices into one height x width plane.
using Region = std::vector<int>;

// The grid of cell x cell squares over a height x width image, row-major
// (cells at the right and bottom edges are cut to fit): a partition.
std::vector<Region> grid_regions(int height, int width, int cell);

// Every placement of a window_height x window_width window moved by `stride`
// that fits in the image, row-major by its top-left corner.
std::vector<Region> sliding_windows(int height, int width, int window_height, int window_width, int stride);

// The relevance of each region: the sum of the map (one height x width plane) over its pixels.
std::vector<double> region_sums(const float* map, const std::vector<Region>& regions);

}  // namespace gb
