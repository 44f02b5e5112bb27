#include "viz/png.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "util/error.hpp"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"  // the font's spacing setter, which labels do not use
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop

namespace gb {

Rgb diverging(float v) {
    v = std::clamp(v, -1.0f, 1.0f);
    auto fade = (unsigned char)std::lround(255.0f * (1.0f - std::fabs(v)));  // the other two channels
    if (v >= 0) return {255, fade, fade};
    return {fade, fade, 255};
}

Canvas::Canvas(int w, int h, Rgb background) : width(w), height(h), pixels(size_t(w) * h * 3) {
    fill(0, 0, w, h, background);
}

void Canvas::set(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    unsigned char* p = &pixels[(size_t(y) * width + x) * 3];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

void Canvas::fill(int x, int y, int w, int h, Rgb c) {
    for (int j = y; j < y + h; ++j)
        for (int i = x; i < x + w; ++i) set(i, j, c);
}

void Canvas::draw_grey(int x, int y, const float* image, int rows, int cols, int zoom) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            auto v = (unsigned char)std::lround(255.0f * std::clamp(image[r * cols + c], 0.0f, 1.0f));
            fill(x + c * zoom, y + r * zoom, zoom, zoom, {v, v, v});
        }
}

void Canvas::draw_signed(int x, int y, const float* map, int rows, int cols, int zoom, float scale) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            fill(x + c * zoom, y + r * zoom, zoom, zoom, diverging(scale > 0 ? map[r * cols + c] / scale : 0.0f));
}

void Canvas::draw_text(int x, int y, const std::string& text, Rgb c, int scale) {
    // 3x5 glyphs, one row per 3-bit number (bit 2 = left column).
    static const unsigned char digits[10][5] = {
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};
    static const unsigned char slash[5] = {1, 1, 2, 4, 4}, question[5] = {7, 1, 3, 0, 2};
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char* glyph = text[i] >= '0' && text[i] <= '9' ? digits[text[i] - '0']
                                     : text[i] == '/'                 ? slash
                                     : text[i] == '?'                 ? question
                                                                      : nullptr;
        if (!glyph) continue;
        int gx = x + int(i) * 4 * scale;
        for (int r = 0; r < 5; ++r)
            for (int col = 0; col < 3; ++col)
                if (glyph[r] & (4 >> col)) fill(gx + col * scale, y + r * scale, scale, scale, c);
    }
}

void Canvas::draw_label(int x, int y, const std::string& text, Rgb c, int scale) {
    std::string copy = text;  // stb_easy_font takes a char*
    std::vector<float> quads(size_t(text.size() + 1) * 300);  // ~270 bytes a character; 4 vertices of 16 bytes a quad
    const int n = stb_easy_font_print(0, 0, &copy[0], nullptr, quads.data(), int(quads.size() * sizeof(float)));
    for (int q = 0; q < n; ++q) {  // vertex v of quad q: x at float 16q + 4v, y one after
        const float* v = &quads[size_t(q) * 16];
        const int x0 = int(std::lround(v[0])), y0 = int(std::lround(v[1]));
        const int x1 = int(std::lround(v[8])), y1 = int(std::lround(v[9]));  // the opposite corner
        fill(x + std::min(x0, x1) * scale, y + std::min(y0, y1) * scale, std::abs(x1 - x0) * scale,
             std::abs(y1 - y0) * scale, c);
    }
}

std::pair<int, int> label_size(const std::string& text, int scale) {
    std::string copy = text;
    if (copy.empty()) return {0, 0};
    return {stb_easy_font_width(&copy[0]) * scale, stb_easy_font_height(&copy[0]) * scale};
}

std::string wrap_label(const std::string& text, int width, int scale) {
    std::vector<std::string> pieces;  // words, each '-' kept at the end of its piece
    std::string piece;
    for (char ch : text) {
        if (ch == ' ') {
            if (!piece.empty()) pieces.push_back(piece);
            piece.clear();
            continue;
        }
        piece += ch;
        if (ch == '-') pieces.push_back(piece), piece.clear();
    }
    if (!piece.empty()) pieces.push_back(piece);
    std::string wrapped, line;
    for (const std::string& p : pieces) {
        const std::string joined = line.empty() ? p : line + (line.back() == '-' ? "" : " ") + p;
        if (!line.empty() && label_size(joined, scale).first > width) {
            wrapped += line + "\n";
            line = p;
        } else {
            line = joined;
        }
    }
    return wrapped + line;
}

void Canvas::save_png(const std::string& path) const {
    if (!stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3))
        throw Error("cannot write " + path + ": check that the folder exists and is writable");
}

void Canvas::draw_signed_over(int x, int y, const float* map, const float* image, int rows, int cols, int zoom,
                              float scale) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            float v = scale > 0 ? map[r * cols + c] / scale : 0.0f, a = std::min(1.0f, std::fabs(v));
            float grey = 255.0f * std::clamp(image[r * cols + c], 0.0f, 1.0f);
            Rgb colour = diverging(v >= 0 ? 1.0f : -1.0f);
            auto mix = [&](unsigned char channel) { return (unsigned char)std::lround(grey * (1 - a) + channel * a); };
            fill(x + c * zoom, y + r * zoom, zoom, zoom, {mix(colour.r), mix(colour.g), mix(colour.b)});
        }
}

void save_heatmap_grid(const std::string& path, const std::vector<HeatmapRow>& grid, int rows, int cols, bool overlay,
                       int zoom, const std::vector<std::string>& columns) {
    const int gap = 6, cell_w = cols * zoom + gap, cell_h = rows * zoom + gap, font = zoom >= 6 ? 2 : 1;
    size_t count = std::max<size_t>(1, columns.size());
    for (const HeatmapRow& row : grid) count = std::max(count, row.maps.size() + 1);
    std::vector<std::string> names;  // each column's name, wrapped to its width
    int header = 0, margin = 0;
    for (const std::string& c : columns) {
        names.push_back(wrap_label(c, cols * zoom, font));
        header = std::max(header, label_size(names.back(), font).second + gap);
    }
    for (const HeatmapRow& row : grid) margin = std::max(margin, label_size(row.label, font).first + (row.label.empty() ? 0 : gap));
    Canvas canvas(margin + int(count) * cell_w, header + int(grid.size()) * cell_h, {255, 255, 255});
    const Rgb ink{20, 20, 20};
    for (size_t c = 0; c < names.size(); ++c) {  // centred above its column, lines at the bottom
        auto [w, h] = label_size(names[c], font);
        canvas.draw_label(margin + int(c) * cell_w + std::max(0, (cols * zoom - w) / 2), header - gap - h + font, names[c], ink, font);
    }
    for (size_t i = 0; i < grid.size(); ++i) {
        const int y = header + int(i) * cell_h;
        const int h = label_size(grid[i].label, font).second;
        canvas.draw_label(0, y + std::max(0, (rows * zoom - h) / 2), grid[i].label, ink, font);
        canvas.draw_grey(margin, y, grid[i].image, rows, cols, zoom);
        for (size_t m = 0; m < grid[i].maps.size(); ++m) {
            const float* map = grid[i].maps[m];
            float scale = 0.0f;
            for (int k = 0; k < rows * cols; ++k) scale = std::max(scale, std::fabs(map[k]));
            const int x = margin + int(m + 1) * cell_w;
            if (overlay) canvas.draw_signed_over(x, y, map, grid[i].image, rows, cols, zoom, scale);
            else canvas.draw_signed(x, y, map, rows, cols, zoom, scale);
        }
    }
    canvas.save_png(path);
}

void save_outlined_segments(const std::string& path, const float* image, const float* map, const std::vector<int>& segments,
                            int rows, int cols, int zoom) {
    const int gap = 6, cell = cols * zoom + gap;
    Canvas canvas(3 * cell, rows * zoom, {255, 255, 255});
    canvas.draw_grey(0, 0, image, rows, cols, zoom);
    canvas.draw_grey(cell, 0, image, rows, cols, zoom);
    auto segment = [&](int i, int j) { return i < 0 || j < 0 || i >= rows || j >= cols ? -1 : segments[size_t(i * cols + j)]; };
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {  // a pixel on the border of a weighted segment
            const float w = map[i * cols + j];
            const int s = segment(i, j);
            if (w == 0.0f || (segment(i - 1, j) == s && segment(i + 1, j) == s && segment(i, j - 1) == s && segment(i, j + 1) == s))
                continue;
            canvas.fill(cell + j * zoom, i * zoom, zoom, zoom, w > 0 ? Rgb{220, 30, 30} : Rgb{30, 60, 220});
        }
    float scale = 0.0f;
    for (int k = 0; k < rows * cols; ++k) scale = std::max(scale, std::fabs(map[k]));
    canvas.draw_signed(2 * cell, 0, map, rows, cols, zoom, scale);
    canvas.save_png(path);
}

void save_signal_maps(const std::string& path, const std::vector<SignalMap>& rows) {
    const int gap = 6, tile = 56;  // every tile about 56 pixels on its longer side
    struct Layout { int tiles, h, w, zoom; };
    std::vector<Layout> layout;
    int width = gap, height = gap;
    for (const SignalMap& m : rows) {
        Layout l{1, 1, 1, 1};
        if (m.shape.size() == 3) {
            l = {m.shape[0], m.shape[1], m.shape[2], 1};
        } else {  // a vector as a square-ish tile
            int n = int(m.values.size());
            l.w = int(std::ceil(std::sqrt(double(n))));
            l.h = (n + l.w - 1) / l.w;
        }
        l.zoom = std::max(1, tile / std::max(l.h, l.w));
        layout.push_back(l);
        width = std::max(width, gap + l.tiles * (l.w * l.zoom + gap));
        height += l.h * l.zoom + gap;
    }
    Canvas canvas(width, height, {255, 255, 255});
    int y = gap;
    for (size_t r = 0; r < rows.size(); ++r) {
        const Layout& l = layout[r];
        float scale = 0.0f;
        for (float v : rows[r].values) scale = std::max(scale, std::fabs(v));
        std::vector<float> padded(size_t(l.tiles) * l.h * l.w, 0.0f);
        std::copy(rows[r].values.begin(), rows[r].values.end(), padded.begin());
        for (int t = 0; t < l.tiles; ++t)
            canvas.draw_signed(gap + t * (l.w * l.zoom + gap), y, padded.data() + size_t(t) * l.h * l.w, l.h, l.w,
                               l.zoom, scale);
        y += l.h * l.zoom + gap;
    }
    canvas.save_png(path);
}

void save_prediction_grid(const std::string& path, const std::vector<const float*>& images, int rows, int cols,
                          const std::vector<int>& predicted, const std::vector<int>& truth, int per_row) {
    const int zoom = 3, pad = 6, label_h = 5 * 3 + 6;
    const int cell_w = cols * zoom + 2 * pad, cell_h = rows * zoom + 2 * pad + label_h;
    int n = int(images.size()), grid_rows = (n + per_row - 1) / per_row;
    Canvas canvas(std::min(n, per_row) * cell_w, grid_rows * cell_h, {255, 255, 255});
    const Rgb green{20, 140, 40}, red{200, 30, 30};
    for (int k = 0; k < n; ++k) {
        int x = (k % per_row) * cell_w, y = (k / per_row) * cell_h;
        bool right = predicted[size_t(k)] == truth[size_t(k)];
        Rgb colour = right ? green : red;
        canvas.fill(x + pad - 2, y + pad - 2, cols * zoom + 4, rows * zoom + 4, colour);  // frame
        canvas.draw_grey(x + pad, y + pad, images[size_t(k)], rows, cols, zoom);
        std::string label = std::to_string(predicted[size_t(k)]);
        if (!right) label += "/" + std::to_string(truth[size_t(k)]);
        canvas.draw_text(x + pad, y + pad + rows * zoom + 5, label, colour, 3);
    }
    canvas.save_png(path);
}

}  // namespace gb
