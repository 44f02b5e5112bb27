// patches.hpp: an image's patches for the convolutions (conv.cpp), inside nn/.
//
// A convolution of images x (B, C, H, W) by kernels w (O, C, KH, KW) turns
// each image into a matrix with one column per output position (im2col), so
// that the layer is one GEMM per image; its gradients go back through the
// same matrices.
#pragma once
#include <cstddef>
#include <vector>

namespace gb {

struct ConvShape {
    int B, C, H, W, O, KH, KW, stride, pad, OH, OW;
    size_t patch() const { return size_t(C) * KH * KW; }    // rows of an image's column matrix
    size_t positions() const { return size_t(OH) * OW; }    // its columns: one per output position
    size_t image() const { return size_t(C) * H * W; }      // values of one input image
};

// The image that im2col reads: x itself, or x copied into the middle of a
// zeroed (C, H + 2p, W + 2p) buffer, so that the patches need no bounds checks.
struct PaddedImage {
    const float* data;
    int H, W;  // the padded height and width
};

// A thread's padding buffer, with the geometry it was zeroed for. Copies of
// images of that geometry write only its middle, so its border stays zero
// and is not zeroed again for the next image (for LeNet's first layer, that
// was 4 KB of zeros per image, twice per training step).
struct PaddingBuffer {
    std::vector<float> data;
    int C = 0, H = 0, W = 0, pad = 0;
    size_t spare = 0;
};

// The image, padded into `buffer` where the convolution pads. With `spare`,
// the copy is made even without padding, and `spare` zeros follow it, for
// reads that run past the end of its last row.
PaddedImage pad_image(const ConvShape& s, const float* x, PaddingBuffer& buffer, size_t spare = 0);

// One image as a patch matrix, one row per kernel entry:
//   cols[(c, u, v), (i, j)] = xp[c, i*s + u, j*s + v]      (C*KH*KW, OH*OW)
void im2col(const ConvShape& s, const PaddedImage& xp, float* cols);

// The same matrix transposed, one row per output position:
//   rows[(i, j), (c, u, v)] = xp[c, i*s + u, j*s + v]      (OH*OW, C*KH*KW)
void im2row(const ConvShape& s, const PaddedImage& xp, float* rows);

// dx += the gradient of one image from its patch matrix's gradient dcols.
void add_input_gradient(const ConvShape& s, const float* dcols, float* dx, std::vector<float>& buffer);

// sums[o] += dy[o, 0] + dy[o, 1] + ..., added in that order, for the rows of dy (rows, cols).
void add_row_sums(const float* dy, int rows, size_t cols, float* sums);

// A scratch buffer per thread, reused from call to call.
inline float* scratch(std::vector<float>& buffer, size_t n) {
    if (buffer.size() < n) buffer.resize(n);
    return buffer.data();
}

}  // namespace gb
