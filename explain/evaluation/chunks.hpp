// chunks.hpp: what every evaluation of explanations does many times over:
// explain a large batch a slice at a time, and read the explained logit and
// the predicted class off a forward pass.
#pragma once
#include <string>
#include <vector>

#include "explain/explain.hpp"

namespace gb {

// The methods to compare, each a method of the catalogue or "random" (the
// baseline a method must beat: a random order of regions or words), with
// "random" added if it is missing. gb::Error for an unknown name.
std::vector<std::string> with_random_baseline(const std::vector<std::string>& methods);
inline bool is_random_baseline(const std::string& method) { return method == "random"; }

// Examples [begin, end) of a batch x (B, ...).
Tensor rows(const Tensor& x, size_t begin, size_t end);

// How many examples of x a slice holds: at most `most`, and few enough that
// the layers' outputs for the slice stay under kSliceFloats values (64 MB), as
// measured by a forward pass of one example. An explanation keeps a few such
// tensors alive (inputs, outputs, their gradients), so a slice of 100 posts
// of the text CNN (1.8 MB of layer outputs each) held close to 1 GB.
constexpr size_t kSliceFloats = size_t(16) << 20;
size_t examples_per_slice(Sequential& net, const Tensor& x, size_t most = 100);

// explain(net, x, method, options) on slices of `chunk` examples (0: as many
// as examples_per_slice allows), joined: relevance (B, ...), targets and
// logits of every example. options.targets holds one class per example, one
// class for all, or nothing (the predicted class).
Explanation explain_in_chunks(Sequential& net, const Tensor& x, const std::string& method,
                              const ExplainOptions& options, size_t chunk = 0);

// One inference pass over x in slices (as above): the logit of each
// example's target class, f_c(x), and the class the network predicts.
struct Scores {
    std::vector<float> logit;
    std::vector<int> predicted;
};
Scores forward_scores(Sequential& net, const Tensor& x, const std::vector<int>& targets, size_t chunk = 0);

}  // namespace gb
