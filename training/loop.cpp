#include "training/loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "datasets/lsa.hpp"
#include "nn/buffers.hpp"
#include "nn/module.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {
namespace {
constexpr size_t kRowsPerThread = 16;  // a thread copies at least this many examples of a batch
}  // namespace

Tensor gather_batch(const LabeledSet& data, const std::vector<int>& indices, const Shape& input_shape,
                    std::vector<int>* labels) {
    if (numel(input_shape) != data.example_size)
        throw Error("the model takes inputs of shape " + shape_str(input_shape) + " (" +
                    std::to_string(numel(input_shape)) + " values), the data set has " +
                    std::to_string(data.example_size) + " values per example");
    Shape shape{int(indices.size())};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    // A recycled buffer (nn/buffers): fill() writes every value, and a new
    // zeroed vector of this size would come fresh from the system at every batch.
    std::vector<float> values = uninitialized_buffer(indices.size() * data.example_size);
    float* out = values.data();
    auto fill = [&](size_t begin, size_t end) {
        for (size_t b = begin; b < end; ++b) data.fill(indices[b], out + b * data.example_size);
    };
    // Dense rows are copies from all over the training set, each a wait for
    // memory, made on all threads. Bags of words are filled on this thread:
    // a bad word id throws, and a worker thread could not pass that on.
    if (data.bags.empty()) parallel_ranges(indices.size(), kRowsPerThread, fill);
    else fill(0, indices.size());
    if (labels) {
        labels->clear();
        for (int i : indices) labels->push_back(data.labels[size_t(i)]);
    }
    return Tensor(shape, std::move(values));
}

namespace {
int count_correct(const Tensor& logits, const std::vector<int>& labels) {
    int classes = logits.dim(1), correct = 0;
    for (size_t b = 0; b < labels.size(); ++b) {
        const float* row = logits.data() + b * size_t(classes);
        correct += int(std::max_element(row, row + classes) - row) == labels[b];
    }
    return correct;
}
}  // namespace

EpochResult train_epoch(Model& model, Optimizer& optimizer, const LabeledSet& data, const Minibatches& batches,
                        int epoch, const Progress& progress) {
    auto start = std::chrono::steady_clock::now();
    model.net.set_training(true);
    double loss_sum = 0;
    int seen = 0, correct = 0, done = 0;
    auto all = batches.epoch(epoch);
    std::vector<int> labels;
    for (const auto& indices : all) {
        Tensor x = gather_batch(data, indices, model.input_shape, &labels);
        Tensor logits = model.net.forward(x);
        Tensor loss = cross_entropy(logits, labels);
        if (!std::isfinite(loss.item()))
            throw Error("training diverged: the loss became " + std::to_string(loss.item()) + " at epoch " +
                        std::to_string(epoch + 1) + ", batch " + std::to_string(done + 1) +
                        "; try a smaller learning rate (--lr). No model file was written");
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        loss_sum += double(loss.item()) * double(indices.size());
        correct += count_correct(logits, labels);
        seen += int(indices.size());
        ++done;
        if (progress) progress(done, int(all.size()), loss_sum / seen);
    }
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {loss_sum / std::max(seen, 1), double(correct) / std::max(seen, 1), elapsed.count()};
}

void fit(Model& model, Optimizer& optimizer, const LabeledSet& data, int epochs, const FitOptions& options) {
    const float base_lr = optimizer.lr();
    Minibatches batches(data.count(), options.batch, options.seed);
    for (int e = 0; e < epochs; ++e) {
        if (options.cosine) optimizer.set_lr(cosine_annealing(base_lr, e, epochs));
        Progress progress;
        if (options.progress)
            progress = [&](int done, int total, double loss) { options.progress(e, done, total, loss); };
        EpochResult r = train_epoch(model, optimizer, data, batches, e, progress);
        if (options.after_epoch) options.after_epoch(e, r);
    }
}

void embeddings_from_lsa(Model& model, const LabeledSet& train, uint64_t seed) {
    auto* embedding = model.net.size() > 0 ? dynamic_cast<Embedding*>(&model.net[0]) : nullptr;
    if (!embedding) throw Error("model '" + model.name + "' has no word embeddings to start from LSA");
    if (train.dense.empty()) throw Error("LSA word vectors need the training posts as word ids");
    std::vector<BagOfWords> bags;
    for (int i = 0; i < train.count(); ++i) {
        const float* row = train.dense.data() + size_t(i) * train.example_size;
        bags.push_back(bag_of_ids(std::vector<int>(row, row + train.example_size)));
    }
    Tensor& weight = embedding->weight();  // (V, E)
    std::vector<float> vectors = lsa_word_vectors(bags, weight.dim(0), weight.dim(1), seed);
    std::copy(vectors.begin(), vectors.end(), weight.data());
}

EpochResult evaluate(Model& model, const LabeledSet& data, int batch_size) {
    auto start = std::chrono::steady_clock::now();
    model.net.set_training(false);  // and so it stays
    InferenceScope inference(model.net);  // no graph meanwhile
    double loss_sum = 0;
    int correct = 0;
    std::vector<int> labels;
    for (const auto& indices : Minibatches(data.count(), batch_size, 0, false).epoch(0)) {
        Tensor logits = model.net.forward(gather_batch(data, indices, model.input_shape, &labels));
        loss_sum += double(cross_entropy(logits, labels).item()) * double(indices.size());
        correct += count_correct(logits, labels);
    }
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    int n = std::max(data.count(), 1);
    return {loss_sum / n, double(correct) / n, elapsed.count()};
}

std::vector<int> predict(Model& model, const LabeledSet& data, const std::vector<int>& indices) {
    model.net.set_training(false);  // and so it stays
    InferenceScope inference(model.net);  // no graph meanwhile
    Tensor logits = model.net.forward(gather_batch(data, indices, model.input_shape));
    std::vector<int> classes;
    int c = logits.dim(1);
    for (size_t b = 0; b < indices.size(); ++b) {
        const float* row = logits.data() + b * size_t(c);
        classes.push_back(int(std::max_element(row, row + c) - row));
    }
    return classes;
}

}  // namespace gb
