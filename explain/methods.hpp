// methods.hpp: explanation methods by name, on top of the propagation
// mechanism. Each returns relevance with the shape of the input batch.
//
//   gradient          R_i = df/dx_i                                    (saliency)
//   sensitivity       R_i = (df/dx_i)^2            (Baehrens et al. 2010; Simonyan et al. 2014)
//   gradient-x-input  R_i = x_i df/dx_i
//   taylor            R_i = df/dx_i|x~ (x_i - x~_i), simple Taylor decomposition at a root
//                     point x~ (zero, a given baseline, or a root f(x~) = 0 searched along
//                     the gradient from x); the first-order residual
//                     f(x) - f(x~) - sum_i R_i is reported
//   deconvnet         the deconvnet signal at the input                (Zeiler & Fergus 2014)
//   guided-backprop   the guided backprop signal at the input          (Springenberg et al. 2015)
//   smoothgrad, integrated-gradients, occlusion   see sampling.hpp; on text, the first two
//                     work on the embeddings, occlusion blanks runs of words
//   gradcam, guided-gradcam                       see gradcam.hpp (CNNs on images)
//   lrp-0, lrp-epsilon, lrp-gamma, lrp-alphabeta, lrp-zplus, lrp-w2, lrp-flat, lrp-zb
//                     one LRP rule at every layer; lrp: a composite (options.composite);
//                     deep-taylor: the deep-taylor composite                   see lrp.hpp
//   excitation, contrastive-excitation   excitation backprop (Zhang et al. 2016)  see lrp.hpp
//
// For text models the walk stops at the Embedding's output (B, T, E) and a
// word's relevance is the sum over its embedding dimensions: (B, T).
#pragma once
#include <string>
#include <vector>

#include "explain/propagation.hpp"

namespace gb {

struct ExplainOptions {
    std::vector<int> targets;           // per example; empty or -1: the predicted class
    std::vector<float> baseline;        // taylor, integrated-gradients: x~ / x' for one example; empty: zero
    bool root_search = false;           // taylor: find a root along the gradient (see methods.cpp)
    bool trace = false;
    int samples = 50;                   // smoothgrad: noisy copies; integrated-gradients: path steps
    float noise = 0.15f;                // smoothgrad: sigma as a fraction of the input's range
    uint64_t seed = 1;                  // smoothgrad
    int patch = 4, stride = 2;          // occlusion, on images of image_height x image_width
    int image_height = 0, image_width = 0;  // 0: the input's last two dimensions
    const Filter* filter = nullptr;     // the propagation methods: keep only what flows through these units
    float epsilon = 0.25f, gamma = 0.25f, alpha = 2.0f, beta = 1.0f;  // the LRP rules' parameters
    float bias_factor = 0.0f;           // LSTM layers under LRP (Arras et al. 2017)
    bool max_pool_proportional = false; // LRP at max pooling: proportional instead of winner-take-all
    float low = 0.0f, high = 1.0f;      // zB's bounds on the inputs
    std::string composite = "epsilon-gamma-zb";  // for method "lrp"
    bool bounded = false;                // the inputs lie in [0, 1] (images): zB at the input layer
    int translations = 0;                // images: the translation trick (Montavon et al. 2018, sec. 6):
                                         // explain copies shifted by up to this many pixels each way,
                                         // shift the maps back and average them
};

// Options explaining class c (the predicted class when c < 0), the rest default.
inline ExplainOptions for_class(int c) {
    ExplainOptions o;
    o.targets = {c};
    return o;
}

struct Explanation {
    std::string method;
    Tensor relevance;          // the input's shape, or (B, T) for text
    std::vector<int> targets;  // the explained classes
    std::vector<float> logit;  // the explained logits f(x)
    std::vector<float> logits_row;  // all logits of the first example
    std::vector<float> residual;  // taylor: f(x) - f(x~) - sum R; integrated-gradients: the
                                  // completeness gap f(x) - f(x') - sum R; per example, else empty
    std::vector<TraceStep> trace;
};

const std::vector<std::string>& method_names();
Explanation explain(Sequential& net, const Tensor& x, const std::string& method, const ExplainOptions& options = {});
// Sliding-window explanation of an image larger than the network's input
// (Montavon et al. 2018, sec. 6): windows of the network's input size (rows x
// cols) moved by `stride` over `image` (height x width, one channel, values
// row-major); each window is explained for the same target class and its map
// added back at its place; every pixel's relevance is the mean over the
// windows that cover it. The network takes (B, rows * cols) or (B, 1, rows, cols).
std::vector<float> explain_sliding(Sequential& net, const std::vector<float>& image, int height, int width,
                                   const Shape& input_shape, int rows, int cols, int stride,
                                   const std::string& method, int target, const ExplainOptions& options = {});
// The translation trick around any image method (explain() calls it when options.translations > 0).
Explanation explain_translated(Sequential& net, const Tensor& x, const std::string& method,
                               const ExplainOptions& options);

}  // namespace gb
