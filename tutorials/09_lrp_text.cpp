// Tutorial 09: LRP on text: the text CNN and the LSTM on 20 Newsgroups, the
// words of a post in red (for the class) and blue (against it), for the
// predicted class and for the runner-up. Read along with tutorials/09_lrp_text.md.
//
// usage: 09_lrp_text [--epochs N] [--limit N] [--out DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/program.hpp"
#include "explain/explain.hpp"
#include "training/loop.hpp"
#include "training/side_by_side.hpp"
#include "viz/html.hpp"

using namespace gb;

Model train(const std::string& name, const DataSplits& news, int epochs) {
    Model model = make_model(name, 1, {news.vocabulary.size(), news.text.length, news.train.classes});
    const float lr = name == "textcnn" ? 0.003f : 0.001f;
    Adam adam(parameter_tensors(model.net), lr);
    fit(model, adam, news.train, epochs);
    return model;
}

// The words with the largest (or most negative) relevance, as text.
std::string extreme_words(const Tensor& r, const Tensor& ids, const Vocabulary& vocabulary, bool most_positive) {
    std::vector<size_t> order(r.numel());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return most_positive ? r.values()[a] > r.values()[b] : r.values()[a] < r.values()[b];
    });
    std::string words;
    for (size_t k = 0, n = 0; k < order.size() && n < 6; ++k) {
        float v = r.values()[order[k]];
        if ((most_positive && v <= 0) || (!most_positive && v >= 0)) break;
        words += (words.empty() ? "" : ", ") + vocabulary.word(int(ids.values()[order[k]]));
        ++n;
    }
    return words.empty() ? "(none)" : words;
}

int run(const Flags& flags) {
    int epochs = flags.whole("epochs", 4, 1, 1000), limit = flags.whole("limit", 0, 0, 20000);
    std::string out = flags.text("out", "runs/09_lrp_text");
    make_folder(out);
    TextSettings text;
    text.train_limit = limit;
    DataSplits news = load_data("20news", InputKind::Sequence, limit, text);
    const int post = std::min(5, news.test.count() - 1);
    std::printf("test post %d, group %s:\n%s\n\n", post, news.class_names[size_t(news.test.labels[size_t(post)])].c_str(),
                news.test_texts[size_t(post)].substr(0, 400).c_str());
    // The two models train side by side, one per core: the LSTM's steps are small products that gain
    // little from a second core.
    const std::vector<std::string> names{"textcnn", "textlstm"};
    std::vector<Model> models(names.size());
    side_by_side(int(names.size()), [&](int k) { models[size_t(k)] = train(names[size_t(k)], news, epochs); });
    for (size_t k = 0; k < names.size(); ++k) {
        const std::string& name = names[k];
        Model& model = models[k];
        std::printf("%s, %d epochs: test accuracy %.2f%%\n", name.c_str(), epochs, 100 * evaluate(model, news.test).accuracy);
        Tensor ids = gather_batch(news.test, {post}, model.input_shape);
        // the predicted class and the runner-up
        model.net.set_training(false);
        Tensor logits = model.net.forward(ids);
        std::vector<int> ranked(size_t(logits.dim(1)));
        for (size_t c = 0; c < ranked.size(); ++c) ranked[c] = int(c);
        std::sort(ranked.begin(), ranked.end(), [&](int a, int b) { return logits.values()[size_t(a)] > logits.values()[size_t(b)]; });
        for (int rank : {0, 1}) {
            int c = ranked[size_t(rank)];
            Explanation e = explain(model.net, ids, "lrp-epsilon", for_class(c));
            std::printf("  %s (logit %.3f): for: %s; against: %s\n", news.class_names[size_t(c)].c_str(), e.logit[0],
                        extreme_words(e.relevance, ids, news.vocabulary, true).c_str(),
                        extreme_words(e.relevance, ids, news.vocabulary, false).c_str());
            // How much of the logit reaches the words, and how much of |R| lies on the post's last 20 words
            // (a recency effect: an LSTM's last state remembers its last inputs best).
            size_t words = 0;
            double sum = 0, mass = 0, last = 0;
            for (size_t t = 0; t < ids.numel(); ++t)
                if (ids.values()[t] != 0.0f) words = t + 1;
            for (size_t t = 0; t < words; ++t) {
                const double v = e.relevance.values()[t];
                sum += v, mass += std::fabs(v);
                if (t + 20 >= words) last += std::fabs(v);
            }
            std::printf("    the words receive %.3f of the logit %.3f (%.0f%%); the last 20 of its %zu words carry %.0f%% "
                        "of |relevance|\n", sum, e.logit[0], 100 * sum / e.logit[0], words, 100 * last / mass);
            std::string page = out + "/" + name + (rank == 0 ? "_predicted" : "_runner_up") + ".html";
            const std::string& text = news.test_texts[size_t(post)];
            save_text_heatmap(page, text, word_spans(text, e.relevance.values()),
                              name + " lrp-epsilon: explained " + news.class_names[size_t(c)] + (rank == 0 ? " (predicted)" : " (runner-up)") +
                                  ", true " + news.class_names[size_t(news.test.labels[size_t(post)])]);
        }
        std::printf("\n");
    }
    std::printf("wrote the pages to %s\n", out.c_str());
    return 0;
}

int main(int argc, char** argv) { return run_program("09_lrp_text", argc, argv, {"epochs", "limit", "out"}, run); }
