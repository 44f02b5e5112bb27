#include <fstream>

#include "helpers.hpp"
#include "viz/html.hpp"

using namespace gb;

TEST_CASE("a text heatmap colours each word and escapes the text", "[viz]") {
    test::TempDir dir;
    std::string text = "a <b> & good day";
    save_text_heatmap(dir / "t.html", text, {{8, 4, 1.0f}, {13, 3, -0.5f}}, "explained X");
    std::ifstream f(dir / "t.html");
    std::string html((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(html.find("a &lt;b&gt; &amp; <span style=\"background:rgb(255,0,0)\" title=\"1\">good</span> "
                    "<span style=\"background:rgb(128,128,255)\" title=\"-0.5\">day</span>") != std::string::npos);
    CHECK(html.find("<title>explained X</title>") != std::string::npos);
    CHECK_THROWS_WITH(save_text_heatmap(dir / "no/such/t.html", text, {}, ""), Catch::Contains("cannot write"));
    // the words as the tokenizer finds them, paired in order; a word past the relevance is left out
    std::vector<WordSpan> spans = word_spans("Hi, a good day!", {0.5f, -1.0f});
    REQUIRE(spans.size() == 2);
    CHECK((spans[0].offset == 0 && spans[0].length == 2 && spans[0].relevance == 0.5f));
    CHECK((spans[1].offset == 6 && spans[1].length == 4 && spans[1].relevance == -1.0f));
}

TEST_CASE("text heatmaps side by side: one column per panel, each scaled to itself", "[viz]") {
    test::TempDir dir;
    save_text_heatmaps(dir / "two.html", {{"sensitivity", "good day", {{0, 4, 2.0f}}}, {"lrp", "good <day>", {{6, 3, -0.5f}}}},
                       "one post, two methods");
    std::ifstream f(dir / "two.html");
    std::string html((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(html.find("<th>sensitivity</th><th>lrp</th>") != std::string::npos);
    CHECK(html.find("<span style=\"background:rgb(255,0,0)\" title=\"2\">good</span> day") != std::string::npos);
    CHECK(html.find("good &lt;<span style=\"background:rgb(0,0,255)\" title=\"-0.5\">day</span>&gt;") != std::string::npos);
    CHECK_THROWS_WITH(save_text_heatmaps(dir / "no/such/t.html", {}, ""), Catch::Contains("cannot write"));
}

TEST_CASE("a bag of words' relevance is shared by the occurrences of each word", "[viz]") {
    Vocabulary vocabulary = Vocabulary::from_words({"good", "day"});  // ids 2 and 3
    std::vector<float> relevance{0.0f, 0.5f, 3.0f, -1.0f};            // <pad>, <unk>, good, day
    std::vector<WordSpan> spans = bag_word_spans("Good day, good odd", vocabulary, relevance);
    REQUIRE(spans.size() == 4);
    CHECK((spans[0].offset == 0 && spans[0].length == 4 && spans[0].relevance == 1.5f));  // "good" twice: 3 / 2
    CHECK(spans[1].relevance == -1.0f);
    CHECK(spans[2].relevance == 1.5f);
    CHECK(spans[3].relevance == 0.5f);  // "odd": unknown, id 1
}
