// png.hpp: pictures as PNG files (stb_image_write).
#pragma once
#include <string>
#include <vector>

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
    // Text of digits, '/', '?' and spaces in a 3x5 pixel font, each font pixel scale x scale.
    void draw_text(int x, int y, const std::string& text, Rgb c, int scale);
    void save_png(const std::string& path) const;  // throws gb::Error if it cannot be written
};

// A grid of digit images, each with its predicted label below it: green when
// it matches the true label, red (with the true label after a '/') when not.
void save_prediction_grid(const std::string& path, const std::vector<const float*>& images, int rows, int cols,
                          const std::vector<int>& predicted, const std::vector<int>& truth, int per_row = 8);

// An image (rows x cols, grey in [0, 1]) beside its relevance map in the
// diverging colormap, scaled so that the largest |relevance| is full colour.
void save_heatmap(const std::string& path, const float* image, const float* relevance, int rows, int cols,
                  int zoom = 8);

}  // namespace gb
