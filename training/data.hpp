// data.hpp: the data sets by name ("mnist", "20news"), as labeled examples in
// the form a model takes: images, word-id sequences, or bags of words.
#pragma once
#include <string>
#include <vector>

#include "datasets/text.hpp"
#include "nn/models.hpp"

namespace gb {

// Examples with class labels. Images and id sequences are stored as floats
// (count x example_size); bags of words stay sparse and are written out as
// dense rows one minibatch at a time (a 20 Newsgroups corpus as a dense
// float matrix would take about 1 GB).
struct LabeledSet {
    std::vector<int> labels;
    size_t example_size = 0;  // values per example
    int classes = 0;
    std::vector<float> dense;
    std::vector<BagOfWords> bags;
    TermWeighting weighting;

    int count() const { return int(labels.size()); }
    void fill(int i, float* out) const;  // writes example i's example_size values
};

// How a model wants its input.
enum class InputKind { Image, Sequence, BagOfWords };
InputKind input_kind(const std::string& model_name);

// How 20 Newsgroups posts become model input. The settings are recorded in
// the model file ("data 20news ..."), so that evaluation rebuilds the very
// vocabulary the model was trained with.
struct TextSettings {
    int min_count = 2;       // words seen fewer times in the training posts are unknown
    int max_words = 20000;   // the most frequent words kept
    int length = 400;        // ids per document for sequence models (truncated / padded)
    bool strip = true;       // remove headers, signature footers and quoted replies
    int train_limit = 0;     // > 0: the vocabulary comes from that many training posts (a quick run)
};

struct DataSplits {
    std::string name;  // "mnist" or "20news"
    LabeledSet train, test;
    std::vector<std::string> class_names;
    Vocabulary vocabulary;          // 20news only
    TextSettings text;              // 20news only
    std::vector<std::string> test_texts;  // 20news only: the posts, as the model saw them
    std::string record() const;     // "mnist", or "20news min_count 2 max_words 20000 length 400 strip 1"
                                    // (and " train_limit N" after a run on part of the training posts)
};

// The data set `name` for a model taking `kind` input; a limit > 0 keeps that
// many examples of a split (MNIST: the first ones; 20 Newsgroups, whose posts
// come sorted by group: evenly spaced ones). The training split's limit is
// text.train_limit. Throws gb::Error for an unknown name or a
// model/data mismatch (a CNN on text).
DataSplits load_data(const std::string& name, InputKind kind, int test_limit = 0, const TextSettings& text = {});
// MNIST, the first `limit` examples of each split (0: all), for the tutorials.
DataSplits load_mnist_data(int limit = 0);
// The same from a record written by DataSplits::record().
DataSplits load_data_from_record(const std::string& record, InputKind kind, int test_limit = 0);

// The data a saved model was trained on, from its record (or `data_flag`
// for a model file without one), with the test split limited to test_limit.
// Throws gb::Error if the flag names other data than the record, or if a text
// model's vocabulary does not match the one rebuilt from the data.
DataSplits data_for_model(Model& model, const std::string& data_flag, int test_limit);

}  // namespace gb
