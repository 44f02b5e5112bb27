// segmentation.hpp: superpixels, the "interpretable components" of LIME's
// image explanations (Ribeiro et al. 2016, section 3.1: "we represent an image
// as a binary vector indicating the presence or absence of a contiguous patch
// of similar pixels (a super-pixel)"). lime gets them from scikit-image;
// quickshift and slic here follow scikit-image's implementations step by step
// (segmentation.cpp cites their equations and says where they differ).
//
// Colours are used as given: no RGB -> CIELAB conversion (scikit-image's
// convert2lab). Our images are MNIST digits, one channel in [0, 1], so the
// colour term is the grey value itself, scaled by `ratio` (quickshift) or
// 1 / compactness (slic).
#pragma once
#include <cstdint>
#include <vector>

#include "explain/perturbation/regions.hpp"

namespace gb {

// A segmentation of a height x width image: label[i * width + j] in 0..count-1, labels numbered
// in row-major order of first appearance (so the result does not depend on the algorithm's internal ids).
struct Segmentation {
    int height = 0, width = 0, count = 0;
    std::vector<int> label;
};

// Quickshift (Vedaldi & Soatto 2008), as skimage.segmentation.quickshift with
// convert2lab=False and sigma=0. image: channels x height x width floats,
// channel-planar (the layout of a (C, H, W) tensor). Ties between equal
// densities are broken by tiny noise from gb::Rng(seed) (scikit-image draws it
// from numpy's generator, so the two agree up to those ties).
// lime's explain_instance uses kernel_size=4, max_dist=200, ratio=0.2 (on
// gray2rgb of a digit, converted to CIELAB): those are the defaults LIME uses for digits.
// Mind the scale: they were chosen for L* in 0..100 (three channels, so the squared colour
// distance counts three times); on one grey channel in [0, 1] a colour step weighs at most 0.2
// against pixel distances >= 1, and a digit comes out as one segment. ratio * 100 (here 20)
// restores the colour term's weight, up to L*'s nonlinearity and the factor sqrt(3).
// Errors: an empty image, kernel_size < 1 (as scikit-image), max_dist < 0, ratio < 0.
Segmentation quickshift(const float* image, int channels, int height, int width, float ratio, float kernel_size,
                        float max_dist, uint64_t seed);

// SLIC (Achanta et al. 2012), as skimage.segmentation.slic with start_label=0,
// enforce_connectivity=True, min_size_factor=0.5, max_size_factor=3, no mask,
// no Lab conversion (what scikit-image does for a grey image with
// channel_axis=None); its defaults are n_segments=100, compactness=10,
// max_num_iter=10, sigma=0. Deterministic. The number of segments is only
// approximately n_segments (a regular grid of seeds, then merges).
// Errors: an empty image, a NaN or infinite value, n_segments < 1,
// compactness <= 0, max_iter < 1, sigma < 0.
Segmentation slic(const float* image, int channels, int height, int width, int n_segments, float compactness,
                  int max_iter = 10, float sigma = 0.0f);

// cell x cell squares, cut at the edges: the segments of grid_regions(height, width, cell).
Segmentation grid_segmentation(int height, int width, int cell);

// The pixels of each segment (row-major indices), as Regions of explain/perturbation/regions.hpp:
// segment_regions(s)[k] holds the pixels labelled k, in increasing order.
std::vector<Region> segment_regions(const Segmentation& s);

}  // namespace gb
