// png.hpp: pictures as PNG files (stb_image_write).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

struct Rgb {
    unsigned char r, g, b;
};

// v in [-1, 1] -> blue (-1) .. white (0) .. red (+1); values outside are clamped.
Rgb diverging(float v);

// An RGB picture being drawn, row-major.
struct Canvas {
    int width, height;
    std::vector<unsigned char> pixels;  // width * height * 3

    Canvas(int w, int h, Rgb background);
    void set(int x, int y, Rgb c);
    void fill(int x, int y, int w, int h, Rgb c);
    // A grey image in [0, 1] (rows x cols), each pixel drawn as a zoom x zoom block.
    void draw_grey(int x, int y, const float* image, int rows, int cols, int zoom);
    // A signed map (rows x cols) in the diverging colormap of the LRP papers:
    // red for positive, blue for negative, white at zero; |v| = scale is full colour.
    void draw_signed(int x, int y, const float* map, int rows, int cols, int zoom, float scale);
    // The same over a grey image: grey * (1 - a) + colour * a, with a = |v| / scale.
    void draw_signed_over(int x, int y, const float* map, const float* image, int rows, int cols, int zoom,
                          float scale);
    // Text of digits, '/', '?' and spaces in a 3x5 pixel font, each font pixel scale x scale.
    void draw_text(int x, int y, const std::string& text, Rgb c, int scale);
    // A label in any printable ASCII (stb_easy_font's bitmap font), each font pixel
    // scale x scale, its top left corner at (x, y); '\n' starts a new line.
    void draw_label(int x, int y, const std::string& text, Rgb c, int scale);
    void save_png(const std::string& path) const;  // throws gb::Error if it cannot be written
};

// A grid of digit images, each with its predicted label below it: green when
// it matches the true label, red (with the true label after a '/') when not.
void save_prediction_grid(const std::string& path, const std::vector<const float*>& images, int rows, int cols,
                          const std::vector<int>& predicted, const std::vector<int>& truth, int per_row = 8);

// The size of a label drawn by Canvas::draw_label: {width, height} in pixels.
std::pair<int, int> label_size(const std::string& text, int scale);
// A label broken into lines (at spaces and after '-') so that each fits in `width` pixels
// where it can; a single word longer than that stays whole.
std::string wrap_label(const std::string& text, int width, int scale);

// A grid of explanations: one row per input, its grey image (rows x cols
// values in [0, 1]) and then one relevance map per column, each map in the
// diverging colormap scaled so that its largest |relevance| is full colour.
// With overlay, each map is drawn over its grey image, its colour's strength
// following |relevance|. `columns` names the columns above them (the image's
// column first, e.g. {"digit", "lrp-0", ...}); a row's `label` is written to
// its left; without either, the grid has no margin.
struct HeatmapRow {
    const float* image;
    std::vector<const float*> maps;
    std::string label = "";
};
void save_heatmap_grid(const std::string& path, const std::vector<HeatmapRow>& grid, int rows, int cols,
                       bool overlay = false, int zoom = 4, const std::vector<std::string>& columns = {});

// A surrogate's explanation over superpixels: the grey image, the image with
// the outline of every segment whose weight is not 0 (red: positive, blue:
// negative), and the map itself. segments: the segment of every pixel;
// map: the weight of every pixel (its segment's).
void save_outlined_segments(const std::string& path, const float* image, const float* map, const std::vector<int>& segments,
                            int rows, int cols, int zoom = 8);

// Signals at several places of a network (a trace), one row each: a map of
// shape (C, H, W) as C tiles, anything else as one square-ish tile; each row
// scaled to its own largest |value| (the names are for the caller's legend).
struct SignalMap {
    std::string name;
    Shape shape;  // of one example
    std::vector<float> values;
};
void save_signal_maps(const std::string& path, const std::vector<SignalMap>& rows);

}  // namespace gb

namespace gb {

// Rules over the pixels of a rows x cols image, one tile per rule: over a
// faint grey background image, red pixels must be bright (x > t) and blue
// ones dark (x <= t) for the rule to fire.
struct PixelRule {
    std::vector<int> bright, dark;  // pixel indices (row * cols + col)
};
void save_rule_pictures(const std::string& path, const std::vector<PixelRule>& rules, const float* background,
                        int rows, int cols, int zoom = 6, int per_row = 6);

}  // namespace gb
