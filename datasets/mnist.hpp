// mnist.hpp: the MNIST digits (LeCun, Cortes & Burges): 60000 training and
// 10000 test images of 28x28 grey pixels with labels 0-9.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

struct MnistSplit {
    int count = 0, rows = 28, cols = 28;
    std::vector<float> images;    // count x rows x cols, scaled to [0, 1]
    std::vector<uint8_t> labels;  // count, each 0..9
};

// The data folder: $GLASSBOX_DATA if set, else "data" (filled by `make data`).
std::string data_dir();

// Reads <dir>/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz].
// `limit` > 0 keeps only the first `limit` examples (for quick runs).
MnistSplit load_mnist(const std::string& dir, bool train, int limit = 0);

}  // namespace gb
