#include "datasets/mnist.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "datasets/idx.hpp"
#include "util/error.hpp"

namespace gb {

std::string data_dir() {
    const char* env = std::getenv("GLASSBOX_DATA");
    return env && *env ? env : "data";
}

namespace {
// The file as named, or its .gz twin.
std::string find_file(const std::string& dir, const std::string& name) {
    for (const std::string& candidate : {dir + "/" + name, dir + "/" + name + ".gz"})
        if (std::ifstream(candidate)) return candidate;
    throw Error("MNIST file " + dir + "/" + name + "[.gz] not found; run `make data`, or set GLASSBOX_DATA "
                "to the folder that holds mnist/");
}
}  // namespace

MnistSplit load_mnist(const std::string& dir, bool train, int limit) {
    std::string prefix = train ? "train" : "t10k", folder = dir + "/mnist";
    std::string image_path = find_file(folder, prefix + "-images-idx3-ubyte");
    std::string label_path = find_file(folder, prefix + "-labels-idx1-ubyte");
    IdxArray images = read_idx(image_path), labels = read_idx(label_path);
    if (images.dims.size() != 3)
        throw Error(image_path + " has " + std::to_string(images.dims.size()) +
                    " dimensions, MNIST images have 3 (count, rows, cols): is it a label file?");
    if (labels.dims.size() != 1)
        throw Error(label_path + " has " + std::to_string(labels.dims.size()) +
                    " dimensions, MNIST labels have 1: is it an image file?");
    if (images.dims[0] != labels.dims[0])
        throw Error(image_path + " holds " + std::to_string(images.dims[0]) + " images but " + label_path +
                    " holds " + std::to_string(labels.dims[0]) + " labels; the files do not belong together");
    for (size_t i = 0; i < labels.values.size(); ++i)
        if (labels.values[i] > 9)
            throw Error(label_path + ": label " + std::to_string(labels.values[i]) + " at position " +
                        std::to_string(i) + " is not a digit 0-9");

    MnistSplit split;
    split.count = limit > 0 ? std::min(limit, images.dims[0]) : images.dims[0];
    split.rows = images.dims[1];
    split.cols = images.dims[2];
    size_t pixels = size_t(split.count) * split.rows * split.cols;
    split.images.resize(pixels);
    for (size_t i = 0; i < pixels; ++i) split.images[i] = float(images.values[i]) / 255.0f;
    split.labels.assign(labels.values.begin(), labels.values.begin() + split.count);
    return split;
}

}  // namespace gb
