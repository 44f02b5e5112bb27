// localization.hpp: does a map point at the object? Two measures on scenes
// whose objects' boxes are known (training/scenes.hpp gives such boxes as
// rows top..bottom, columns left..right).
//
//   pointing game (Zhang et al. 2016, excitation backprop, sec. 5.1): a hit if
//   the map's maximum lies within `tolerance` pixels of a box of the explained
//   class (they take 15 pixels at 224 x 224). A map whose maximum is not
//   unique points at its first maximum in row-major order; a map without any
//   positive value is a miss (it points nowhere).
//
//   energy share (Wang et al. 2020, Score-CAM's energy-based pointing game):
//   the part of the map's positive mass inside the union of the boxes of the
//   explained class, sum_{u in boxes} max(0, R_u) / sum_u max(0, R_u); 0 for
//   a map without positive mass.
#pragma once
#include <vector>

namespace gb {

struct PixelBox {
    int top = 0, left = 0, bottom = 0, right = 0;  // inclusive
};

// map: height x width, row-major.
bool pointing_hit(const std::vector<float>& map, int height, int width, const std::vector<PixelBox>& boxes,
                  int tolerance = 0);
double energy_share(const std::vector<float>& map, int height, int width, const std::vector<PixelBox>& boxes);

}  // namespace gb
