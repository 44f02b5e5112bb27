// Tutorial 16: validating a model with explanations (Samek, Wiegand & Müller
// 2017, Fig. 2; Montavon et al. 2018). One post explained by
// sensitivity analysis and by LRP side by side; then the bag-of-words MLP and
// the text CNN trained on 20 Newsgroups with the posts' headers kept and with
// them removed, and the header words the models with headers lean on.
// Read along with tutorials/16_model_validation.md.
//
// usage: 16_model_validation [--epochs N] [--text-epochs N] [--seeds N] [--text-seeds N]
//                            [--posts N] [--limit N] [--out DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <string>

#include "app/program.hpp"
#include "explain/evaluation/chunks.hpp"
#include "explain/explain.hpp"
#include "training/loop.hpp"
#include "viz/html.hpp"

using namespace gb;

namespace {

struct Corpus {
    DataSplits data;
    bool headers;  // kept in the posts
};

Corpus load(InputKind kind, bool headers, int limit) {
    TextSettings text;
    text.strip = !headers;  // headers, signatures and quotes: all kept or all removed, as --strip
    text.train_limit = limit;
    return {load_data("20news", kind, limit, text), headers};
}

// bow-mlp as tutorial 04 trains it (Adam 0.001); textcnn as `glassbox train` does (LSA embeddings, Adam 0.001).
Model train(const std::string& name, const DataSplits& news, int epochs, uint64_t seed) {
    Model model = make_model(name, seed, {news.vocabulary.size(), news.text.length, news.train.classes});
    if (name == "textcnn") embeddings_from_lsa(model, news.train, seed);
    Adam adam(parameter_tensors(model.net), 1e-3f);
    FitOptions options;
    options.seed = seed;
    fit(model, adam, news.train, epochs, options);
    return model;
}

// The two models of a comparison. The bag-of-words MLPs are trained side by side, each training on
// its own; the text CNNs one after the other, each on both cores, which it keeps busy (an epoch on
// 4000 posts took 6.3 s on one core and 3.2 s on two).
std::pair<Model, Model> train_both(const std::string& name, const DataSplits& kept, const DataSplits& stripped,
                                   int epochs, uint64_t seed) {
    if (name == "textcnn") {
        Model with = train(name, kept, epochs, seed);
        return {std::move(with), train(name, stripped, epochs, seed)};
    }
    std::future<Model> without = std::async(std::launch::async, [&] { return train(name, stripped, epochs, seed); });
    Model with = train(name, kept, epochs, seed);
    return {std::move(with), without.get()};
}

// The words of a post with their relevance, in reading order. A sequence model's relevance is
// per position; a bag of words gives word w's relevance R_w, shared by its occurrences in the post.
std::vector<WordSpan> words_of(const Model& model, const DataSplits& news, int post, const std::vector<float>& r) {
    const std::string& text = news.test_texts[size_t(post)];
    return model.name == "bow-mlp" ? bag_word_spans(text, news.vocabulary, r) : word_spans(text, r);
}

// `posts` evenly spaced test posts (they come sorted by group).
std::vector<int> evenly_spaced(const DataSplits& news, int posts) {
    const int n = std::min(posts, news.test.count());
    std::vector<int> spaced;
    for (int k = 0; k < n; ++k) spaced.push_back(int(int64_t(k) * news.test.count() / n));
    return spaced;
}

// Where a post's header ends (its first blank line); 0 when the headers were removed.
size_t header_end(const Corpus& c, int post) {
    if (!c.headers) return 0;
    const std::string& text = c.data.test_texts[size_t(post)];
    size_t end = text.find("\n\n");
    return end == std::string::npos ? 0 : end;
}

struct HeaderUse {
    double accuracy = 0;
    double header_share = 0;  // of the positive relevance, on words of the header (mean over posts)
    double header_words = 0;  // the header's share of the words the model reads (mean over posts)
    std::map<std::string, double> by_word;  // positive relevance of each header word, summed over posts
};

// Explains the evenly spaced test posts with LRP-epsilon for the predicted class, all in one call.
HeaderUse header_use(Model& model, const Corpus& c, const std::vector<int>& spaced) {
    HeaderUse use;
    use.accuracy = evaluate(model, c.data.test).accuracy;
    const Explanation e =
        explain_in_chunks(model.net, gather_batch(c.data.test, spaced, model.input_shape), "lrp-epsilon", {});
    const size_t n = spaced.size(), row = e.relevance.numel() / n;
    for (size_t k = 0; k < n; ++k) {
        const int post = spaced[k];
        const std::vector<float> r(e.relevance.data() + k * row, e.relevance.data() + (k + 1) * row);
        const std::string& text = c.data.test_texts[size_t(post)];
        const std::vector<WordSpan> words = words_of(model, c.data, post, r);  // the words the model reads
        const size_t end = header_end(c, post);
        double positive = 0, in_header = 0, header_words = 0;
        for (const WordSpan& w : words) {
            const double v = std::max(0.0f, w.relevance);
            positive += v;
            if (w.offset < end) {
                in_header += v, header_words += 1;
                use.by_word[lowercase(text.substr(w.offset, w.length))] += v;
            }
        }
        if (positive > 0) use.header_share += in_header / positive / double(n);
        if (!words.empty()) use.header_words += header_words / double(words.size()) / double(n);
    }
    return use;
}

std::string top_words(const std::map<std::string, double>& by_word, size_t count) {
    std::vector<std::pair<double, std::string>> ranked;
    for (const auto& [word, v] : by_word) ranked.emplace_back(v, word);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string words;
    for (size_t k = 0; k < std::min(count, ranked.size()); ++k) words += (k ? ", " : "") + ranked[k].second;
    return words;
}

std::string spread(const std::vector<double>& v) {
    double lo = v[0], hi = v[0], sum = 0;
    for (double x : v) lo = std::min(lo, x), hi = std::max(hi, x), sum += x;
    char text[64];
    std::snprintf(text, sizeof text, "%.1f (%.1f-%.1f)", 100 * sum / double(v.size()), 100 * lo, 100 * hi);
    return text;
}

TextPanel panel(const std::string& heading, Model& model, const DataSplits& news, int post, const std::string& method,
                int target = -1) {
    Explanation e = explain(model.net, gather_batch(news.test, {post}, model.input_shape), method, for_class(target));
    const std::string& text = news.test_texts[size_t(post)];
    return {heading + " (explained: " + news.class_names[size_t(e.targets[0])] + ")", text,
            words_of(model, news, post, e.relevance.values())};
}

// The class the model predicts for each of the posts.
std::vector<int> predicted(Model& model, const DataSplits& news, const std::vector<int>& posts) {
    const Tensor x = gather_batch(news.test, posts, model.input_shape);
    return forward_scores(model.net, x, std::vector<int>(posts.size(), 0)).predicted;  // (logits of class 0 unused)
}

}  // namespace

int run(const Flags& flags) {
    const int epochs = flags.whole("epochs", 5, 1, 1000), text_epochs = flags.whole("text-epochs", 3, 1, 1000);
    const int seeds = flags.whole("seeds", 1, 1, 20), text_seeds = flags.whole("text-seeds", 1, 1, 20);
    const int posts = flags.whole("posts", 200, 1, 7532), limit = flags.whole("limit", 0, 0, 20000);
    const std::string out = flags.text("out", "runs/16_model_validation");
    make_folder(out);

    for (std::string name : {"bow-mlp", "textcnn"}) {
        const InputKind kind = name == "bow-mlp" ? InputKind::BagOfWords : InputKind::Sequence;
        // the two versions of the posts, read side by side
        std::future<Corpus> loading = std::async(std::launch::async, [&] { return load(kind, false, limit); });
        const Corpus kept = load(kind, true, limit), stripped = loading.get();
        const std::vector<int> spaced = evenly_spaced(kept.data, posts);
        std::vector<double> accuracy_kept, accuracy_stripped, share, words;
        const int runs = name == "bow-mlp" ? seeds : text_seeds;
        for (int seed = 1; seed <= runs; ++seed) {
            auto [with, without] =
                train_both(name, kept.data, stripped.data, name == "bow-mlp" ? epochs : text_epochs, uint64_t(seed));
            HeaderUse use = header_use(with, kept, spaced);
            accuracy_kept.push_back(use.accuracy);
            accuracy_stripped.push_back(evaluate(without, stripped.data.test).accuracy);
            share.push_back(use.header_share);
            words.push_back(use.header_words);
            std::printf("%s seed %d: test accuracy %.2f%% with headers, %.2f%% without; with headers, %.1f%% of the "
                        "positive LRP relevance lies on the header, which holds %.1f%% of the words read\n",
                        name.c_str(), seed, 100 * use.accuracy, 100 * accuracy_stripped.back(), 100 * use.header_share,
                        100 * use.header_words);
            if (seed > 1) continue;
            std::printf("  the header words with the most positive relevance over %d posts: %s\n", int(spaced.size()),
                        top_words(use.by_word, 15).c_str());

            // One post side by side: the model with headers and the model without, each on the text it reads.
            // The post: the first of the evenly spaced ones that the model with headers classifies right and
            // the model without headers wrong.
            const std::vector<int> by_with = predicted(with, kept.data, spaced),
                                   by_without = predicted(without, stripped.data, spaced);
            size_t chosen = 0;
            for (size_t k = 0; k < spaced.size(); ++k) {
                const int label = kept.data.test.labels[size_t(spaced[k])];
                if (by_with[k] == label && by_without[k] != label) {
                    chosen = k;
                    break;
                }
            }
            const int post = spaced[chosen];
            const int label = kept.data.test.labels[size_t(post)];
            std::printf("  test post %d (%s): with headers predicted %s, without predicted %s\n", post,
                        kept.data.class_names[size_t(label)].c_str(),
                        kept.data.class_names[size_t(by_with[chosen])].c_str(),
                        kept.data.class_names[size_t(by_without[chosen])].c_str());
            save_text_heatmaps(out + "/headers_" + name + ".html",
                               {panel(name + " trained with headers", with, kept.data, post, "lrp-epsilon", label),
                                panel(name + " trained without headers", without, stripped.data, post, "lrp-epsilon", label)},
                               name + " lrp-epsilon on test post " + std::to_string(post) + ", true class " +
                                   kept.data.class_names[size_t(label)]);

            // Sensitivity analysis and LRP on the same post, for its true class, by the text CNN without
            // headers (Samek et al. Fig. 2).
            if (name == "textcnn") {
                save_text_heatmaps(out + "/sensitivity_vs_lrp.html",
                                   {panel("sensitivity analysis", without, stripped.data, post, "sensitivity", label),
                                    panel("lrp-epsilon", without, stripped.data, post, "lrp-epsilon", label)},
                                   "textcnn (headers removed) on test post " + std::to_string(post) + ", true class " +
                                       stripped.data.class_names[size_t(label)]);
            }
        }
        std::printf("%s over %d seed(s), mean (min-max): test accuracy %s%% with headers, %s%% without; header share "
                    "of positive relevance %s%%, of the words read %s%%\n\n",
                    name.c_str(), runs, spread(accuracy_kept).c_str(), spread(accuracy_stripped).c_str(),
                    spread(share).c_str(), spread(words).c_str());
    }
    std::printf("wrote %s/headers_bow-mlp.html, headers_textcnn.html, sensitivity_vs_lrp.html\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) {
    return run_program("16_model_validation", argc, argv,
                       {"epochs", "text-epochs", "seeds", "text-seeds", "posts", "limit", "out"}, run);
}
