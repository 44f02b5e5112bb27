// rule_pictures.cpp: extracted rules drawn over the pixel grid (png.hpp).
#include <algorithm>

#include "util/error.hpp"
#include "viz/png.hpp"

namespace gb {

void save_rule_pictures(const std::string& path, const std::vector<PixelRule>& rules, const float* background,
                        int rows, int cols, int zoom, int per_row) {
    if (rules.empty()) throw Error("there are no rules to draw");
    const int gap = 4, tile = cols * zoom;
    const int across = std::min(per_row, int(rules.size()));
    const int down = (int(rules.size()) + per_row - 1) / per_row;
    Canvas canvas(across * (tile + gap) + gap, down * (rows * zoom + gap) + gap, {255, 255, 255});
    for (size_t r = 0; r < rules.size(); ++r) {
        int x0 = gap + int(r % size_t(per_row)) * (tile + gap), y0 = gap + int(r / size_t(per_row)) * (rows * zoom + gap);
        for (int p = 0; p < rows * cols; ++p) {  // the background, faded to light grey
            auto v = (unsigned char)(255 - 60 * std::clamp(background ? background[p] : 0.0f, 0.0f, 1.0f));
            canvas.fill(x0 + (p % cols) * zoom, y0 + (p / cols) * zoom, zoom, zoom, {v, v, v});
        }
        for (int p : rules[r].bright) canvas.fill(x0 + (p % cols) * zoom, y0 + (p / cols) * zoom, zoom, zoom, {220, 30, 30});
        for (int p : rules[r].dark) canvas.fill(x0 + (p % cols) * zoom, y0 + (p / cols) * zoom, zoom, zoom, {30, 60, 220});
    }
    canvas.save_png(path);
}

}  // namespace gb
