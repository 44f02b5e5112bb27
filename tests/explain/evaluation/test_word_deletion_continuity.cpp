// Word deletion on a hand-built text CNN, explanation continuity on a
// linear model, where the answers are known.
#include <cmath>

#include "explain/evaluation/continuity.hpp"
#include "explain/evaluation/word_deletion.hpp"
#include "helpers.hpp"
#include "nn/layers.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// Word 2 is evidence for class 0 (embedding (2, 0)), word 3 for class 1
// (embedding (0, 1)); a convolution over one word passes the embedding on,
// max over time keeps the strongest of each, and the logits are those maxima.
Sequential voting_model() {
    Rng rng(1);
    Sequential net;
    net.emplace<Embedding>(4, 2, 0, rng).emplace<Transpose>(1, 2);
    net.emplace<Conv1d>(2, 2, 1, rng).emplace<ReLU>().emplace<MaxOverTime>().emplace<Linear>(2, 2, rng);
    std::vector<std::vector<float>> values{{0, 0, 0.1f, 0.1f, 2, 0, 0, 1},  // embeddings of ids 0-3
                                           {1, 0, 0, 1}, {0, 0},             // the convolution: identity
                                           {1, 0, 0, 1}, {0, 0}};            // the output: identity
    auto params = net.parameters();
    for (size_t k = 0; k < params.size(); ++k) params[k].second.values() = values[k];
    return net;
}

}  // namespace

TEST_CASE("words are ordered by relevance, padding left out", "[evaluation]") {
    std::vector<float> ids{5, 7, 0, 9, 0}, r{0.5, -1, 3, 2, 7};
    CHECK(word_order(r.data(), ids.data(), 5, true) == std::vector<int>{3, 0, 1});
    CHECK(word_order(r.data(), ids.data(), 5, false) == std::vector<int>{1, 0, 3});
}

TEST_CASE("deleting the deciding word flips a document's class", "[evaluation]") {
    Sequential net = voting_model();
    // document 0: "2 3 3" -> logits (2, 1): class 0. Document 1: "3 1" -> (0.1, 1): class 1.
    Tensor ids({2, 4}, {2, 3, 3, 0, 3, 1, 0, 0});
    // deleting: the 2 of doc 0 (now class 1: wrong), the 1 of doc 1 (still right); then a 3 of
    // doc 0 and the 3 of doc 1 (empty: a tie, class 0: wrong); then doc 0's last word (empty:
    // class 0, right again) while doc 1 has none left
    CHECK(deletion_curve(net, ids, {0, 1}, {{0, 1, 2}, {1, 0}}, 3) == std::vector<double>{1, 0.5, 0, 0.5});
    CHECK(deletion_curve(net, ids, {0, 1}, {{1, 2, 0}, {1}}, 2) == std::vector<double>{1, 1, 1});
    CHECK_THROWS_AS(deletion_curve(net, ids, {0}, {{0}}, 1), Error);
    CHECK_THROWS_AS(deletion_curve(net, ids, {0, 1}, {{7}, {0}}, 1), Error);

    // gradient x input for the true class finds the deciding word. Document 1, "3 1 1 1"
    // labelled 0, is classified 1; its least relevant word for class 0 is the 3 (relevance 0
    // against 0.1 at the first 1, the max over time), and deleting it makes class 0 win.
    std::vector<MethodDeletion> result =
        word_deletion(net, Tensor({2, 4}, {2, 3, 3, 0, 3, 1, 1, 1}), {0, 0}, {"gradient-x-input", "random"}, {}, 2, 1);
    REQUIRE(result.size() == 2);
    CHECK(result[0].correct == std::vector<double>{1, 0, 0});  // the 2 goes first: class 1 wins
    CHECK(result[0].wrong == std::vector<double>{0, 1, 1});    // the 3 goes first: class 0 wins
}

TEST_CASE("translation moves an image by whole and by fractional pixels", "[evaluation]") {
    std::vector<float> image{1, 2, 3, 4, 5, 6};  // 2 x 3
    CHECK(translate(image, 2, 3, 1.0f) == std::vector<float>{0, 1, 2, 0, 4, 5});
    CHECK(translate(image, 2, 3, -1.0f) == std::vector<float>{2, 3, 0, 5, 6, 0});
    CHECK(translate(image, 2, 3, 0.5f) == std::vector<float>{0.5, 1.5, 2.5, 2, 4.5, 5.5});
    CHECK(translate(image, 2, 3, 0.0f) == image);
}

TEST_CASE("continuity of a linear model: the gradient never jumps, gradient x input moves with the input", "[evaluation]") {
    Rng rng(3);
    Sequential net;
    net.emplace<Linear>(16, 2, rng);
    std::vector<float> image(16);
    for (float& v : image) v = rng.uniform();
    const std::vector<float>& w = net.parameters()[0].second.values();
    const int c = 1;
    ContinuityPath gradient = continuity(net, image, {16}, 4, 4, c, "gradient", {}, -1.0f, 1.0f, 5);
    CHECK(gradient.shift == std::vector<double>{-1, -0.5, 0, 0.5, 1});
    CHECK(gradient.max_ratio == 0.0);
    // R = w (.) x, so ||R(x') - R(x)||_1 / ||x' - x||_2 = sum_i |w_i d_i| / ||d||_2
    ContinuityPath gxi = continuity(net, image, {16}, 4, 4, c, "gradient-x-input", {}, -1.0f, 1.0f, 5);
    double worst = 0;
    for (size_t k = 0; k + 1 < 5; ++k) {
        std::vector<float> a = translate(image, 4, 4, float(gxi.shift[k])), b = translate(image, 4, 4, float(gxi.shift[k + 1]));
        double dr = 0, dx = 0;
        for (size_t i = 0; i < 16; ++i) {
            dr += std::fabs(w[16 * c + i] * (b[i] - a[i]));
            dx += double(b[i] - a[i]) * (b[i] - a[i]);
        }
        CHECK(gxi.ratio[k] == Approx(dr / std::sqrt(dx)).epsilon(1e-4));
        worst = std::max(worst, dr / std::sqrt(dx));
    }
    CHECK(gxi.max_ratio == Approx(worst).epsilon(1e-4));
    CHECK(gxi.score[2] == Approx(gxi.relevance_sum[2] + net.parameters()[1].second.values()[c]).epsilon(1e-4));
    CHECK_THROWS_AS(continuity(net, image, {16}, 4, 5, c, "gradient", {}, -1.0f, 1.0f, 5), Error);
    CHECK_THROWS_AS(continuity(net, image, {16}, 4, 4, c, "gradient", {}, -1.0f, 1.0f, 1), Error);
}
