// html.hpp: a text heatmap as one self-contained HTML page: each word of the
// original text on a background from blue (against the class) through white
// to red (for it), as in Fig. 2B of Samek et al.'s review.
#pragma once
#include <string>
#include <vector>

#include "datasets/text.hpp"

namespace gb {

struct WordSpan {
    size_t offset = 0, length = 0;  // bytes of the text
    float relevance = 0;
};

// The words of `text` as tokenize() finds them (the order in which the text
// models read them), the t-th with relevance[t]; words past the end of
// `relevance` (truncated by the model) are left out.
std::vector<WordSpan> word_spans(const std::string& text, const std::vector<float>& relevance);

// The same for a bag-of-words model, whose relevance has one value per
// vocabulary id: every occurrence of word w gets R_w divided by the number of
// w's occurrences in the text, so that the words add up to the post's relevance.
std::vector<WordSpan> bag_word_spans(const std::string& text, const Vocabulary& vocabulary,
                                     const std::vector<float>& relevance);

// Writes the page; `title` names the predicted and the explained class.
// Throws gb::Error if the file cannot be written.
void save_text_heatmap(const std::string& path, const std::string& text, const std::vector<WordSpan>& words,
                       const std::string& title);

// Several coloured texts side by side on one page, one column each (e.g. one
// post explained by two methods or two models); each column is scaled to its
// own largest |relevance|.
struct TextPanel {
    std::string heading, text;
    std::vector<WordSpan> words;
};
void save_text_heatmaps(const std::string& path, const std::vector<TextPanel>& panels, const std::string& title);

}  // namespace gb
