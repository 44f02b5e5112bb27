// explain.hpp: explanations by method name. Every method of the catalogue
// (catalogue.hpp; `glassbox methods` lists them) returns relevance shaped as
// the input batch; for text models a word's relevance is the sum over its
// embedding dimensions, (B, T).
//
//   Explanation e = explain(net, x, "lrp-epsilon", ExplainOptions().set("epsilon", 0.5));
//
// explain() checks the method's parameters, refuses a network the method does
// not cover (a clear gb::Error), runs it in inference mode and leaves the
// network as it found it (training mode, requires_grad flags). Methods that
// decompose the logit report the diagnostic "absorbed" = f(x) - sum_i R_i,
// what biases and stabilisers took.
#pragma once
#include <string>
#include <vector>

#include "explain/catalogue.hpp"
#include "explain/method.hpp"

namespace gb {

Explanation explain(Sequential& net, const Tensor& x, const std::string& method, const ExplainOptions& options = {});

// The translation trick (Montavon et al. 2018, sec. 6) around any image
// method, which explain() applies when options.translations = r > 0:
//   R = 1/|S| sum_{(dy, dx) in S} shift_{-dy,-dx}( R(shift_{dy,dx}(x)) ),  S = [-r, r]^2
// (shifted copies filled with zeros, each map shifted back). The unshifted
// copy fixes the explained class; the method's other diagnostics are dropped.
Explanation explain_translated(Sequential& net, const Tensor& x, const std::string& method,
                               const ExplainOptions& options);

// Sliding-window explanation of an image larger than the network's input
// (Montavon et al. 2018, sec. 6): windows of the network's input size (rows x
// cols) moved by `stride` over `image` (height x width, one channel, values
// row-major); each window is explained for the same target class and its map
// added back at its place; every pixel's relevance is the mean over the
// windows that cover it. The network takes (B, rows * cols) or (B, 1, rows, cols).
std::vector<float> explain_sliding(Sequential& net, const std::vector<float>& image, int height, int width,
                                   const Shape& input_shape, int rows, int cols, int stride,
                                   const std::string& method, int target, const ExplainOptions& options = {});

}  // namespace gb
