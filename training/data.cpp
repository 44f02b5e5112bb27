#include "training/data.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "datasets/csv.hpp"
#include "datasets/mnist.hpp"
#include "datasets/newsgroups.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {

void LabeledSet::fill(int i, float* out) const {
    if (!bags.empty()) return fill_dense_row(bags[size_t(i)], weighting, out, example_size);
    std::copy_n(dense.data() + size_t(i) * example_size, example_size, out);
}

InputKind input_kind(const std::string& model_name) {
    if (model_name == "textcnn" || model_name == "textlstm") return InputKind::Sequence;
    if (model_name == "bow-mlp") return InputKind::BagOfWords;
    if (model_name == "tab-mlp") return InputKind::Table;
    return InputKind::Image;
}

void TableFeatures::to_raw(const float* z, float* raw) const {
    for (size_t f = 0; f < names.size(); ++f) raw[f] = z[f] * scale[f] + mean[f];
}

void TableFeatures::standardize(const float* raw, float* z) const {
    for (size_t f = 0; f < names.size(); ++f) z[f] = float((double(raw[f]) - mean[f]) / scale[f]);
}

std::string DataSplits::record() const {
    std::string suffix = one_vs_rest >= 0 ? " one_vs_rest " + std::to_string(one_vs_rest) : "";
    if (name != "20news") return name + suffix;
    std::ostringstream s;
    s << "20news min_count " << text.min_count << " max_words " << text.max_words << " length " << text.length
      << " strip " << (text.strip ? 1 : 0);
    if (text.train_limit > 0) s << " train_limit " << text.train_limit;
    return s.str() + suffix;
}

void make_one_vs_rest(DataSplits& data, int c) {
    if (c < 0 || c >= data.train.classes)
        throw Error("--one-vs-rest " + std::to_string(c) + ": " + data.name + " has classes 0.." +
                    std::to_string(data.train.classes - 1));
    for (LabeledSet* set : {&data.train, &data.test}) {
        for (int& label : set->labels) label = label == c ? 1 : 0;
        set->classes = 2;
    }
    data.class_names = {"rest", data.class_names[size_t(c)]};
    data.one_vs_rest = c;
}

namespace {

DataSplits load_mnist_splits(InputKind kind, int train_limit, int test_limit) {
    if (kind == InputKind::Table)
        throw Error("this model reads a table of features, and mnist holds images; use --data wine or "
                    "--data breast-cancer");
    if (kind != InputKind::Image)
        throw Error("this model reads text, and mnist holds images; use --data 20news");
    DataSplits d;
    d.name = "mnist";
    for (bool train : {true, false}) {
        MnistSplit split = load_mnist(data_dir(), train, train ? train_limit : test_limit);
        LabeledSet& set = train ? d.train : d.test;
        set.dense = std::move(split.images);
        set.labels.assign(split.labels.begin(), split.labels.end());
        set.example_size = size_t(split.rows) * split.cols;
        set.classes = 10;
    }
    for (int c = 0; c < 10; ++c) d.class_names.push_back(std::to_string(c));
    return d;
}

DataSplits load_newsgroups_splits(InputKind kind, int test_limit, const TextSettings& text) {
    if (kind == InputKind::Image)
        throw Error("this model reads images, and 20news holds text; use --data mnist, or a text model "
                    "(textcnn, textlstm, bow-mlp)");
    if (kind == InputKind::Table)
        throw Error("this model reads a table of features, and 20news holds text; use --data wine or "
                    "--data breast-cancer, or a text model (textcnn, textlstm, bow-mlp)");
    DataSplits d;
    d.name = "20news";
    d.text = text;
    NewsgroupsOptions strip{text.strip, text.strip, text.strip};
    Newsgroups train = load_newsgroups(data_dir(), true, strip), test = load_newsgroups(data_dir(), false, strip);
    auto keep_spread = [](Newsgroups& n, int limit) {  // posts come sorted by group: take them evenly spaced
        if (limit <= 0 || size_t(limit) >= n.size()) return;
        Newsgroups kept;
        for (size_t k = 0; k < size_t(limit); ++k) {
            size_t i = k * n.size() / size_t(limit);
            kept.texts.push_back(std::move(n.texts[i]));
            kept.labels.push_back(n.labels[i]);
        }
        kept.groups = n.groups;
        n = std::move(kept);
    };
    keep_spread(train, text.train_limit);
    keep_spread(test, test_limit);
    d.class_names = train.groups;
    d.vocabulary = Vocabulary::build(train.texts, text.min_count, size_t(text.max_words));
    for (bool is_train : {true, false}) {
        Newsgroups& posts = is_train ? train : test;
        LabeledSet& set = is_train ? d.train : d.test;
        set.labels = posts.labels;
        set.classes = int(d.class_names.size());
        if (kind == InputKind::Sequence) {
            Sequences s = encode_sequences(d.vocabulary, posts.texts, text.length);
            set.dense.assign(s.ids.begin(), s.ids.end());
            set.example_size = size_t(text.length);
        } else {
            set.bags = bag_of_words(d.vocabulary, posts.texts);
            set.example_size = size_t(d.vocabulary.size());
        }
    }
    if (kind == InputKind::BagOfWords) {  // tf-idf weights from the training split, as scikit-learn
        d.train.weighting = tfidf_weighting(d.train.bags, d.vocabulary.size());
        d.train.weighting.tf = TermWeighting::sublinear;
        d.test.weighting = d.train.weighting;
    }
    d.test_texts = std::move(test.texts);
    return d;
}

// The tables by name, and their files under the data folder.
const std::vector<std::pair<std::string, std::string>>& table_files() {
    static const std::vector<std::pair<std::string, std::string>> files{
        {"wine", "tabular/wine.csv"}, {"breast-cancer", "tabular/breast_cancer.csv"}};
    return files;
}

// `limit` evenly spaced positions out of 0..n-1 (all of them for limit 0 or >= n).
std::vector<size_t> spread(size_t n, int limit) {
    size_t kept = limit > 0 && size_t(limit) < n ? size_t(limit) : n;
    std::vector<size_t> at;
    for (size_t k = 0; k < kept; ++k) at.push_back(k * n / kept);
    return at;
}

DataSplits load_table_splits(const std::string& name, const std::string& file, InputKind kind, int train_limit,
                             int test_limit) {
    if (kind != InputKind::Table)
        throw Error(std::string("this model reads ") + (kind == InputKind::Image ? "images" : "text") + ", and " +
                    name + " is a table of numeric features; use --model tab-mlp");
    Table table = read_table(data_dir() + "/" + file);
    const size_t features = size_t(table.features());
    if (table.class_names.size() < 2)
        throw Error(data_dir() + "/" + file + " holds one class only ('" + table.class_names[0] +
                    "'); a classifier needs at least two; delete it and run `make data` again");

    // The split: within each class, every kTableTestEvery-th row (from its first) is a test row.
    std::vector<size_t> train_rows, test_rows;
    std::vector<int> seen(table.class_names.size(), 0);
    for (size_t i = 0; i < size_t(table.rows()); ++i)
        (seen[size_t(table.labels[i])]++ % kTableTestEvery == 0 ? test_rows : train_rows).push_back(i);
    if (train_rows.empty()) throw Error(data_dir() + "/" + file + " is too small to split; it needs more rows");

    // The scaling, from the whole training split: z = (raw - mean) / scale.
    DataSplits d;
    d.name = name;
    d.class_names = table.class_names;
    TableFeatures& t = d.table;
    t.names = table.feature_names;
    for (size_t f = 0; f < features; ++f) {
        double sum = 0, squares = 0;
        float low = table.values[train_rows[0] * features + f], high = low;
        for (size_t i : train_rows) {
            float v = table.values[i * features + f];
            sum += v, low = std::min(low, v), high = std::max(high, v);
        }
        double mean = sum / double(train_rows.size());
        for (size_t i : train_rows) squares += std::pow(table.values[i * features + f] - mean, 2);
        double deviation = std::sqrt(squares / double(train_rows.size()));  // population standard deviation
        t.mean.push_back(float(mean));
        t.scale.push_back(low == high || !(deviation > 0) ? 1.0f : float(deviation));  // a constant feature: 1
    }

    for (bool is_train : {true, false}) {
        const std::vector<size_t>& rows = is_train ? train_rows : test_rows;
        LabeledSet& set = is_train ? d.train : d.test;
        std::vector<float>& raw = is_train ? t.train_raw : t.test_raw;
        std::vector<int>& file_rows = is_train ? t.train_rows : t.test_rows;
        set.example_size = features;
        set.classes = int(table.class_names.size());
        for (size_t k : spread(rows.size(), is_train ? train_limit : test_limit)) {
            size_t i = rows[k];
            const float* values = table.values.data() + i * features;
            raw.insert(raw.end(), values, values + features);
            set.dense.resize(set.dense.size() + features);
            t.standardize(values, set.dense.data() + set.dense.size() - features);
            set.labels.push_back(table.labels[i]);
            file_rows.push_back(int(i));
        }
    }
    return d;
}

}  // namespace

DataSplits load_data(const std::string& name, InputKind kind, int test_limit, const TextSettings& text) {
    if (name == "mnist") return load_mnist_splits(kind, text.train_limit, test_limit);
    if (name == "20news") return load_newsgroups_splits(kind, test_limit, text);
    for (const auto& [table, file] : table_files())
        if (name == table) return load_table_splits(name, file, kind, text.train_limit, test_limit);
    throw Error("unknown data set '" + name + "'; choose one of: mnist, 20news, wine, breast-cancer");
}

DataSplits load_mnist_data(int limit) {
    TextSettings slice;  // MNIST needs no text settings, only the size of the training slice
    slice.train_limit = limit;
    return load_data("mnist", InputKind::Image, limit, slice);
}

DataSplits load_data_from_record(const std::string& record, InputKind kind, int test_limit) {
    std::istringstream in(record);
    std::string name, key;
    in >> name;
    TextSettings text;
    int strip = 1, one_vs_rest = -1;
    while (in >> key) {
        if (key == "min_count") in >> text.min_count;
        else if (key == "max_words") in >> text.max_words;
        else if (key == "length") in >> text.length;
        else if (key == "strip") in >> strip;
        else if (key == "train_limit") in >> text.train_limit;
        else if (key == "one_vs_rest") in >> one_vs_rest;
        else throw Error("unknown data setting '" + key + "' in the model's record '" + record + "'");
    }
    text.strip = strip != 0;
    DataSplits data = load_data(name, kind, test_limit, text);
    if (one_vs_rest >= 0) make_one_vs_rest(data, one_vs_rest);
    return data;
}

DataSplits data_for_model(Model& model, const std::string& data_flag, int test_limit) {
    std::string record = model.data.empty() ? data_flag : model.data;
    if (record.empty())
        throw Error("the model file does not say what it was trained on; pass --data mnist|20news|wine|breast-cancer");
    std::string trained_on = record.substr(0, record.find(' '));
    if (!data_flag.empty() && data_flag != trained_on)
        throw Error("the model was trained on " + trained_on + ", not " + data_flag);
    DataSplits data = load_data_from_record(record, input_kind(model.name), test_limit);
    if (auto* embedding = dynamic_cast<Embedding*>(&model.net[0]); embedding && embedding->vocabulary() != data.vocabulary.size())
        throw Error("the model was built for a vocabulary of " + std::to_string(embedding->vocabulary()) +
                    " words, the data gives " + std::to_string(data.vocabulary.size()) +
                    "; the vocabulary and the model do not match (was the data changed?)");
    if (!data.table.names.empty() && model.input_shape != Shape{data.table.count()})
        throw Error("the model reads inputs of shape " + shape_str(model.input_shape) + ", and " + data.name + " has " +
                    std::to_string(data.table.count()) + " features; the data and the model do not match (was the "
                    "data changed?)");
    return data;
}

}  // namespace gb
