// Tutorial 04: text classification on 20 Newsgroups, and what the headers
// let a model cheat with. Read along with tutorials/04_text_newsgroups.md.
//
// usage: 04_text_newsgroups [--epochs N] [--limit N]
//   --limit N  use N posts of each split, spread over the groups (a quick run)
#include <cstdio>

#include "app/program.hpp"
#include "datasets/mnist.hpp"  // data_dir()
#include "datasets/newsgroups.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"

using namespace gb;

// The part of a post before its first blank line: the Usenet headers.
std::string header_of(const std::string& post) { return post.substr(0, post.find("\n\n")); }

// Trains bow-mlp on one version of the posts and returns its test accuracy.
double train_bag_of_words(const std::vector<std::string>& train_texts, const std::vector<int>& train_labels,
                          const std::vector<std::string>& test_texts, const std::vector<int>& test_labels,
                          int epochs) {
    Vocabulary vocabulary = Vocabulary::build(train_texts, 2, 20000);
    LabeledSet train, test;
    for (auto [set, texts, labels] : {std::tuple{&train, &train_texts, &train_labels},
                                      std::tuple{&test, &test_texts, &test_labels}}) {
        set->bags = bag_of_words(vocabulary, *texts);
        set->labels = *labels;
        set->example_size = size_t(vocabulary.size());
        set->classes = 20;
    }
    train.weighting = tfidf_weighting(train.bags, vocabulary.size());  // tf-idf, as scikit-learn
    train.weighting.tf = TermWeighting::sublinear;
    test.weighting = train.weighting;

    Model model = make_model("bow-mlp", 1, {vocabulary.size(), 0, 20});
    Adam adam(parameter_tensors(model.net), 1e-3f);
    fit(model, adam, train, epochs);
    return evaluate(model, test).accuracy;
}

std::vector<std::string> spread(const std::vector<std::string>& v, int limit) {
    if (limit <= 0 || size_t(limit) >= v.size()) return v;
    std::vector<std::string> kept;
    for (size_t k = 0; k < size_t(limit); ++k) kept.push_back(v[k * v.size() / size_t(limit)]);
    return kept;
}
std::vector<int> spread(const std::vector<int>& v, int limit) {
    if (limit <= 0 || size_t(limit) >= v.size()) return v;
    std::vector<int> kept;
    for (size_t k = 0; k < size_t(limit); ++k) kept.push_back(v[k * v.size() / size_t(limit)]);
    return kept;
}

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 5, 1, 1000), limit = flags.whole("limit", 0, 0, 20000);
    Newsgroups raw_train = load_newsgroups(data_dir(), true), raw_test = load_newsgroups(data_dir(), false);
    NewsgroupsOptions all{true, true, true};
    Newsgroups clean_train = load_newsgroups(data_dir(), true, all), clean_test = load_newsgroups(data_dir(), false, all);

    // ---- one post, before and after the three removals ------------------------
    const size_t example = 3;
    std::printf("== a post from %s, as it was sent ==\n%s\n", raw_train.groups[size_t(raw_train.labels[example])].c_str(),
                raw_train.texts[example].c_str());
    std::printf("== the same post with headers, signature and quotes removed ==\n%s\n\n",
                clean_train.texts[example].c_str());

    // ---- three versions of the data, one model each ----------------------------
    std::vector<std::string> headers_train, headers_test;
    for (auto& t : raw_train.texts) headers_train.push_back(header_of(t));
    for (auto& t : raw_test.texts) headers_test.push_back(header_of(t));
    auto ytr = spread(raw_train.labels, limit), yte = spread(raw_test.labels, limit);
    struct Version { const char* name; std::vector<std::string>*train, *test; };
    const std::vector<Version> versions{
        {"whole posts", &raw_train.texts, &raw_test.texts},
        {"headers only", &headers_train, &headers_test},
        {"headers, signatures and quotes removed", &clean_train.texts, &clean_test.texts}};
    std::vector<double> accuracy(versions.size());
    side_by_side(int(versions.size()), [&](int k) {  // the three models train side by side, one per core
        const Version& v = versions[size_t(k)];
        accuracy[size_t(k)] = train_bag_of_words(spread(*v.train, limit), ytr, spread(*v.test, limit), yte, epochs);
    });
    for (size_t k = 0; k < versions.size(); ++k)
        std::printf("bow-mlp on %-40s test accuracy %.2f%%\n", versions[k].name, 100 * accuracy[k]);
    return 0;
}

int main(int argc, char** argv) { return run_program("04_text_newsgroups", argc, argv, {"epochs", "limit"}, run); }
