#include "viz/plot.hpp"

#include <cstdlib>
#include <fstream>
#include <utility>

#include <gnuplot-iostream.h>

#include "util/error.hpp"

namespace gb {

void plot_png(const std::string& path, const std::vector<Panel>& panels, int width, int height) {
    if (std::system("command -v gnuplot > /dev/null 2>&1") != 0)
        throw Error("gnuplot is not installed, so " + path + " cannot be drawn; install it (apt-get install "
                    "gnuplot-nox) or run `make deps`");
    std::string tmp = path + ".tmp.png";
    {
        Gnuplot gp("gnuplot 2> /dev/null");
        gp << "set terminal pngcairo size " << width << "," << height << " font 'sans,10'\n";
        gp << "set output '" << tmp << "'\n";
        gp << "set multiplot layout 1," << panels.size() << "\n";
        gp << "set grid\n";
        for (const Panel& panel : panels) {
            gp << "set key " << panel.key << "\nset title '" << panel.title << "'\nset xlabel '" << panel.xlabel << "'\nset ylabel '"
               << panel.ylabel << "'\n";
            gp << "plot ";
            for (size_t i = 0; i < panel.series.size(); ++i)
                gp << (i ? ", " : "") << gp.file1d(std::make_pair(panel.series[i].x, panel.series[i].y))
                   << " with linespoints lw 2 " << (panel.series[i].dashed ? "dt 2 " : "") << "title '"
                   << panel.series[i].title << "'";
            gp << "\n";
        }
        gp << "unset multiplot\nset output\n";
    }  // closing the pipe waits for gnuplot to finish
    if (!std::ifstream(tmp) || std::rename(tmp.c_str(), path.c_str()) != 0)
        throw Error("gnuplot could not write " + path + ": check that the folder exists and is writable");
}

}  // namespace gb
