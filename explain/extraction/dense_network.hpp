// dense_network.hpp: what rule extraction reads of a network: its dense
// layers (Linear, each but the last followed by ReLU), the activations of
// every hidden layer, and the network's one-vs-rest decision for a class.
#pragma once
#include <string>
#include <vector>

#include "nn/models.hpp"

namespace gb {

struct DenseLayer {
    int in = 0, out = 0;
    std::vector<float> weight;  // (out, in)
    std::vector<float> bias;    // (out,)
    bool relu = false;          // followed by ReLU (every layer but the output layer)
};

// Layer values of `rows` examples: activations[0] the inputs, activations[k]
// hidden layer k (after ReLU), the last the output logits; each rows x units.
struct Activations {
    int rows = 0;
    std::vector<int> units;                 // per layer
    std::vector<std::vector<float>> values;
};

class DenseNetwork {
public:
    // Throws gb::Error naming the first layer that is neither Linear, ReLU nor
    // Dropout (identity at inference), or a Linear not followed by ReLU before the last.
    explicit DenseNetwork(Model& model);

    int hidden_layers() const { return int(layers_.size()) - 1; }
    int inputs() const { return layers_.front().in; }
    int outputs() const { return layers_.back().out; }
    const std::vector<DenseLayer>& layers() const { return layers_; }

    Activations forward(const float* x, int rows) const;
    // 1 where the network's predicted class (argmax) is target_class, else 0.
    std::vector<int> decisions(const float* x, int rows, int target_class) const;
    // RxREN-style input pruning (Augasta & Kathirvalavakumar 2012): input j is
    // kept when setting it to 0 changes the decision on more than `tolerance`
    // of the rows; 0 changes it nowhere.
    std::vector<char> relevant_inputs(const float* x, int rows, int target_class, int tolerance) const;

private:
    std::vector<DenseLayer> layers_;
};

}  // namespace gb
