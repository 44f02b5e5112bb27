// loop.hpp: the training loop, evaluation and prediction, shared by the
// command-line program, the tutorials, the tests and the benchmarks.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "datasets/batches.hpp"
#include "nn/models.hpp"
#include "nn/optim.hpp"
#include "training/data.hpp"

namespace gb {

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

// Training for several epochs, as the command line and the tutorials do.
struct FitOptions {
    int batch = 64;
    uint64_t seed = 1;    // the batch order of every epoch (Minibatches)
    bool cosine = true;   // the learning rate follows cosine_annealing from the optimizer's rate at the start
    std::function<void(int epoch, int done, int total, double loss)> progress;  // after each batch
    std::function<void(int epoch, const EpochResult&)> after_epoch;
};
void fit(Model& model, Optimizer& optimizer, const LabeledSet& data, int epochs, const FitOptions& options = {});

// Sets a text model's word embeddings (its first layer, an Embedding) to the
// LSA word vectors (datasets/lsa.hpp) of the training posts as the model reads
// them (their word ids), instead of N(0, 1) noise. Throws gb::Error if the
// model does not start with an Embedding or `train` holds no word ids.
void embeddings_from_lsa(Model& model, const LabeledSet& train, uint64_t seed);

// Loss and accuracy in inference mode, without building a graph.
EpochResult evaluate(Model& model, const LabeledSet& data, int batch_size = 64);

// The predicted class of each example (argmax of the logits).
std::vector<int> predict(Model& model, const LabeledSet& data, const std::vector<int>& indices);

}  // namespace gb
