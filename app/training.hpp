// training.hpp: the training loop, evaluation, and the data sets by name,
// shared by the command-line program and the tutorials.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "datasets/batches.hpp"
#include "nn/models.hpp"
#include "nn/optim.hpp"

namespace gb {

// Examples with class labels, stored flat: example i is
// inputs[i * example_size .. (i + 1) * example_size).
struct LabeledSet {
    std::vector<float> inputs;
    std::vector<int> labels;
    size_t example_size = 0;
    int classes = 0;
    int count() const { return int(labels.size()); }
    const float* example(int i) const { return inputs.data() + size_t(i) * example_size; }
};

// The data set `name` ("mnist") from the data folder; limit > 0 keeps the first examples.
LabeledSet load_labeled(const std::string& name, bool train, int limit = 0);

// The batch of the given examples, shaped (B, input_shape...).
Tensor gather_batch(const LabeledSet& data, const std::vector<int>& indices, const Shape& input_shape,
                    std::vector<int>* labels = nullptr);

struct EpochResult {
    double loss = 0, accuracy = 0, seconds = 0;
};

// Called after each batch with (batches done, batches in the epoch, mean loss so far).
using Progress = std::function<void(int, int, double)>;

// One pass over `data` in the order Minibatches gives for `epoch`: forward,
// cross-entropy, backward, optimizer step. Throws gb::Error if the loss is
// not finite (training diverged).
EpochResult train_epoch(Model& model, Optimizer& optimizer, const LabeledSet& data, const Minibatches& batches,
                        int epoch, const Progress& progress = nullptr);

// Loss and accuracy in inference mode, without building a graph.
EpochResult evaluate(Model& model, const LabeledSet& data, int batch_size = 1000);

// The predicted class of each example (argmax of the logits).
std::vector<int> predict(Model& model, const LabeledSet& data, const std::vector<int>& indices);

}  // namespace gb
