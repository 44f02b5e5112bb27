// activation_maximization.hpp: inputs synthesized by gradient ascent, the
// "interpreting a model" half of Montavon, Samek and Mueller (2018).
//
// Activation maximization (Erhan et al. 2009; Simonyan et al. 2014) asks
// which input a class or a neuron stands for:
//
//   x* = argmax_x  s(x) - lambda ||x||^2                           (plain, L2)
//   x* = argmax_x  s(x) + w_e log p(x) - lambda ||x||^2            (with a density "expert")
//   x* = g(z*),  z* = argmax_z  s(g(z)) - lambda ||z||^2           (in the code space of a generator g)
//
// where the score s is log p(w_c | x) (the log-softmax of class c), a logit,
// or the activation of any unit (the mean of a feature map) of any layer.
// The local variant adds - eta ||x - x0||^2, pulling toward an example x0
// ("from global to local analysis"). Inverting a representation (Mahendran
// and Vedaldi 2015) uses the same ascent on
//
//   s(x) = - ||phi_L(x) - phi_L(x0)||^2 / ||phi_L(x0)||^2  - w_tv TV(x)
//
// Every step is x <- clip(x + lr * dJ/dx, lo, hi) (the projection onto the
// input range; in code space z is not clipped).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace gb {

// What the network part s(x) of the objective measures.
enum class SynthesisScore {
    LogProbability,  // log softmax(f(x))_unit at the last layer
    Logit,           // f(x)_unit at the last layer
    Unit,            // the output of layer `layer`: value `unit`, or the mean of feature map `unit`
    Representation,  // - ||phi(x) - target||^2 / ||target||^2 at layer `layer` (inversion)
};

enum class SynthesisStart { Zero, Mean, Noise };

// A density model's log p(x) up to a constant, and its gradient (added into `gradient`).
using LogDensity = std::function<double(const std::vector<float>& x, std::vector<float>* gradient)>;

struct SynthesisOptions {
    SynthesisScore score = SynthesisScore::LogProbability;
    int layer = -1;  // index into the Sequential; -1: the last layer
    int unit = 0;    // class, unit or feature map
    std::vector<float> target;  // Representation: phi_L(x0), one example's values

    float lambda = 0.01f;  // L2 penalty on x (or on z in code space)
    float lr = 0.1f;       // step size
    int steps = 200;
    float lo = 0.0f, hi = 1.0f;  // the input range; the projection clips to it (lo > hi: no projection)

    SynthesisStart start = SynthesisStart::Zero;
    std::vector<float> mean;  // the starting point of SynthesisStart::Mean (an input, or a code)
    float noise = 0.1f;       // standard deviation of SynthesisStart::Noise around the mean (or 0)
    uint64_t seed = 1;

    LogDensity expert;          // optional: + expert_weight log p(x)
    float expert_weight = 1.0f;
    Sequential* generator = nullptr;  // optional: ascend in its code space, x = g(z)
    int code_size = 0;                // the generator's input size

    std::vector<float> anchor;  // optional: the local variant's x0 ...
    float eta = 0.0f;           // ... and the weight of - eta ||x - x0||^2
    float tv_weight = 0.0f;     // - tv_weight TV(x) on (H, W) images (tv_height x tv_width)
    int tv_height = 0, tv_width = 0;

    bool trace = false;
};

struct SynthesisStep {
    int iteration;
    double objective;    // J at the start of this step
    double probability;  // softmax(f(x))_unit at the last layer (the class of interest)
    double norm;         // ||x||
};

// The result: a synthesized input, not a relevance map.
struct Prototype {
    std::vector<float> input;  // x* (of the network's input shape)
    std::vector<float> code;   // z* in code space (empty otherwise)
    double objective = 0;      // J at x*
    double score = 0;          // s(x*)
    double probability = 0;    // softmax(f(x*))_unit
    double logit = 0;          // f(x*)_unit
    std::vector<SynthesisStep> trace;  // one per step when options.trace
};

// Gradient ascent on the objective of `options` for the network `net`, which
// takes inputs of `input_shape` (one example). Throws gb::Error for a layer or
// unit that does not exist, or a generator whose output size is not the input's.
Prototype synthesize(Sequential& net, const Shape& input_shape, const SynthesisOptions& options);

// Several prototypes from different starts: starts 0 .. count-1 use seeds
// seed, seed + 1, ... (the first from options.start, the others from noise).
std::vector<Prototype> synthesize_several(Sequential& net, const Shape& input_shape, SynthesisOptions options,
                                          int count);

// The output of layer `layer` for one input, flattened (for Representation targets).
std::vector<float> layer_output(Sequential& net, const Shape& input_shape, const std::vector<float>& x, int layer);

// Total variation with beta = 2 (Mahendran and Vedaldi 2015, eq. 4):
//   TV(x) = sum_ij (x_i,j+1 - x_ij)^2 + (x_i+1,j - x_ij)^2
// over each (height x width) plane of x; adds scale * dTV/dx into `gradient`.
double total_variation(const std::vector<float>& x, int height, int width, std::vector<float>* gradient,
                       float scale = 1.0f);

}  // namespace gb
