// data.hpp: the data sets by name ("mnist", "20news", "wine", "breast-cancer"),
// as labeled examples in the form a model takes: images, word-id sequences,
// bags of words, or standardised rows of a table.
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
enum class InputKind { Image, Sequence, BagOfWords, Table };
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

// The tables "wine" and "breast-cancer" ($GLASSBOX_DATA/tabular/wine.csv,
// breast_cancer.csv; datasets/csv.hpp reads them) come without a train/test
// split. Ours is fixed and stratified: within each class, counting its rows
// in file order from 0, every kTableTestEvery-th row (k % 4 == 0) is a test
// row, the rest train. Wine: 133 train, 45 test; breast cancer: 426 train,
// 143 test. Both splits keep the rows in file order.
constexpr int kTableTestEvery = 4;

// The columns of a table and how its features were standardised. A model
// reads z = (raw - mean) / scale, feature by feature, with mean and scale
// computed on the whole training split (population standard deviation; a
// constant feature gets scale 1), so the same file always gives the same
// scaling. A tabular explainer works in raw units with to_raw/standardize.
struct TableFeatures {
    std::vector<std::string> names;          // one per feature, as in the CSV header
    std::vector<float> mean, scale;          // one per feature: raw = z * scale + mean
    std::vector<float> train_raw, test_raw;  // each split's rows as read from the file (count x features)
    std::vector<int> train_rows, test_rows;  // each example's row in the file (0: the first after the header)

    int count() const { return int(names.size()); }
    void to_raw(const float* z, float* raw) const;       // one example: count() values each
    void standardize(const float* raw, float* z) const;  // the inverse
};

struct DataSplits {
    std::string name;  // "mnist", "20news", "wine" or "breast-cancer"
    LabeledSet train, test;
    std::vector<std::string> class_names;
    Vocabulary vocabulary;          // 20news only
    TextSettings text;              // 20news only
    std::vector<std::string> test_texts;  // 20news only: the posts, as the model saw them
    TableFeatures table;            // wine and breast-cancer only; train/test hold the standardised rows
    int one_vs_rest = -1;           // >= 0: two classes, "rest" (0) and that class (1)
    std::string record() const;     // "mnist", "wine", "breast-cancer", or
                                    // "20news min_count 2 max_words 20000 length 400 strip 1"
                                    // (and " train_limit N" after a run on part of the training posts;
                                    // " one_vs_rest C" for a two-class task)
};

// Relabels both splits as class c (1) against the rest (0), e.g. "digit 1 vs
// all" (DeepRED's task). Throws gb::Error for a class the data does not have.
void make_one_vs_rest(DataSplits& data, int c);

// The data set `name` for a model taking `kind` input; a limit > 0 keeps that
// many examples of a split (MNIST: the first ones; 20 Newsgroups, whose posts
// come sorted by group, and the tables: evenly spaced ones; a table's scaling
// still comes from its whole training split). The training split's limit is
// text.train_limit. Throws gb::Error for an unknown name or a
// model/data mismatch (a CNN on text, an MLP for digits on a table).
DataSplits load_data(const std::string& name, InputKind kind, int test_limit = 0, const TextSettings& text = {});
// MNIST, the first `limit` examples of each split (0: all), for the tutorials.
DataSplits load_mnist_data(int limit = 0);
// The same from a record written by DataSplits::record().
DataSplits load_data_from_record(const std::string& record, InputKind kind, int test_limit = 0);

// The data a saved model was trained on, from its record (or `data_flag`
// for a model file without one), with the test split limited to test_limit.
// Throws gb::Error if the flag names other data than the record, or if a text
// model's vocabulary or a tabular model's number of features does not match
// the data.
DataSplits data_for_model(Model& model, const std::string& data_flag, int test_limit);

}  // namespace gb
