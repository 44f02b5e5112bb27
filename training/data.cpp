#include "training/data.hpp"

#include <algorithm>
#include <sstream>

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
    return InputKind::Image;
}

std::string DataSplits::record() const {
    if (name != "20news") return name;
    std::ostringstream s;
    s << "20news min_count " << text.min_count << " max_words " << text.max_words << " length " << text.length
      << " strip " << (text.strip ? 1 : 0);
    if (text.train_limit > 0) s << " train_limit " << text.train_limit;
    return s.str();
}

namespace {

DataSplits load_mnist_splits(InputKind kind, int train_limit, int test_limit) {
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

}  // namespace

DataSplits load_data(const std::string& name, InputKind kind, int test_limit, const TextSettings& text) {
    if (name == "mnist") return load_mnist_splits(kind, text.train_limit, test_limit);
    if (name == "20news") return load_newsgroups_splits(kind, test_limit, text);
    throw Error("unknown data set '" + name + "'; choose one of: mnist, 20news");
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
    int strip = 1;
    while (in >> key) {
        if (key == "min_count") in >> text.min_count;
        else if (key == "max_words") in >> text.max_words;
        else if (key == "length") in >> text.length;
        else if (key == "strip") in >> strip;
        else if (key == "train_limit") in >> text.train_limit;
        else throw Error("unknown data setting '" + key + "' in the model's record '" + record + "'");
    }
    text.strip = strip != 0;
    return load_data(name, kind, test_limit, text);
}

DataSplits data_for_model(Model& model, const std::string& data_flag, int test_limit) {
    std::string record = model.data.empty() ? data_flag : model.data;
    if (record.empty()) throw Error("the model file does not say what it was trained on; pass --data mnist|20news");
    std::string trained_on = record.substr(0, record.find(' '));
    if (!data_flag.empty() && data_flag != trained_on)
        throw Error("the model was trained on " + trained_on + ", not " + data_flag);
    DataSplits data = load_data_from_record(record, input_kind(model.name), test_limit);
    if (auto* embedding = dynamic_cast<Embedding*>(&model.net[0]); embedding && embedding->vocabulary() != data.vocabulary.size())
        throw Error("the model was built for a vocabulary of " + std::to_string(embedding->vocabulary()) +
                    " words, the data gives " + std::to_string(data.vocabulary.size()) +
                    "; the vocabulary and the model do not match (was the data changed?)");
    return data;
}

}  // namespace gb
