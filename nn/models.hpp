// models.hpp: the named architectures that `glassbox train --model NAME` builds.
//
//   mlp   784-300-100-10 with ReLU: the network of the LRP tutorials
//         (Montavon et al., heatmapping.org), on flattened 28x28 digits.
//   lenet       LeNet-5 with ReLU and max pooling, on 1x28x28 digits.
//   lenet-sum   the same with sum pooling, which the LRP papers recommend
//               for explanation (Montavon et al. 2018).
#pragma once
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace gb {

struct Model {
    std::string name;   // "mlp"
    Shape input_shape;  // of one example, e.g. (784,)
    Sequential net;
};

const std::vector<std::string>& model_names();
// Throws gb::Error naming the known models if `name` is not one of them.
Model make_model(const std::string& name, uint64_t seed);

}  // namespace gb
