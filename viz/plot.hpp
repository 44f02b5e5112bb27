// plot.hpp: line plots as PNG files, drawn by gnuplot through gnuplot-iostream.
#pragma once
#include <string>
#include <vector>

namespace gb {

struct Series {
    std::string title;
    std::vector<double> x, y;
    bool dashed = false;
};

struct Panel {
    std::string title, xlabel, ylabel;
    std::vector<Series> series;
    std::string key = "bottom right";  // where gnuplot puts the legend ("top right", "outside right", ...)
};

// Panels side by side in one PNG. Throws gb::Error if gnuplot is missing or fails.
void plot_png(const std::string& path, const std::vector<Panel>& panels, int width = 1100, int height = 420);

}  // namespace gb
