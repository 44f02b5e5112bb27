#include "viz/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <unordered_map>

#include "datasets/text.hpp"
#include "util/error.hpp"
#include "viz/png.hpp"

namespace gb {
namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

}  // namespace

std::vector<WordSpan> word_spans(const std::string& text, const std::vector<float>& relevance) {
    std::vector<WordSpan> words;
    std::vector<Token> tokens = tokenize(text);
    for (size_t t = 0; t < tokens.size() && t < relevance.size(); ++t)
        words.push_back({tokens[t].offset, tokens[t].length, relevance[t]});
    return words;
}

std::vector<WordSpan> bag_word_spans(const std::string& text, const Vocabulary& vocabulary,
                                     const std::vector<float>& relevance) {
    const std::vector<Token> tokens = tokenize(text);
    const std::vector<int> ids = vocabulary.encode(text);  // one per token
    std::unordered_map<int, int> occurrences;
    for (int id : ids) ++occurrences[id];
    std::vector<WordSpan> words;
    for (size_t t = 0; t < tokens.size() && t < ids.size(); ++t) {
        const size_t id = size_t(ids[t]);
        const float r = id < relevance.size() ? relevance[id] / float(occurrences[ids[t]]) : 0.0f;
        words.push_back({tokens[t].offset, tokens[t].length, r});
    }
    return words;
}

namespace {

// The text with each word's background coloured by its relevance (as <pre> content).
std::string coloured(const std::string& text, const std::vector<WordSpan>& words) {
    float scale = 0.0f;
    for (const WordSpan& w : words) scale = std::max(scale, std::fabs(w.relevance));
    std::string body;
    size_t at = 0;
    for (const WordSpan& w : words) {
        if (w.offset < at || w.offset + w.length > text.size()) continue;
        body += escape(text.substr(at, w.offset - at));
        Rgb c = diverging(scale > 0 ? w.relevance / scale : 0.0f);
        char style[96];
        std::snprintf(style, sizeof style, "background:rgb(%d,%d,%d)", c.r, c.g, c.b);
        char tip[32];
        std::snprintf(tip, sizeof tip, "%.4g", double(w.relevance));
        body += std::string("<span style=\"") + style + "\" title=\"" + tip + "\">" +
                escape(text.substr(w.offset, w.length)) + "</span>";
        at = w.offset + w.length;
    }
    return body + escape(text.substr(std::min(at, text.size())));
}

void write_page(const std::string& path, const std::string& title, const std::string& style, const std::string& body) {
    std::ofstream f(path);
    if (!f) throw Error("cannot write " + path + ": check that the folder exists and is writable");
    f << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << escape(title) << "</title>\n"
      << "<style>body{font-family:sans-serif;" << style << "}"
         "pre{white-space:pre-wrap;font-family:monospace;line-height:1.6}span{padding:0 1px}</style></head>\n"
      << "<body><h3>" << escape(title) << "</h3>\n<p>red: evidence for the explained class, blue: against; "
      << "hover a word for its relevance</p>\n" << body << "</body></html>\n";
    if (!f.flush()) throw Error("writing " + path + " failed");
}

}  // namespace

void save_text_heatmap(const std::string& path, const std::string& text, const std::vector<WordSpan>& words,
                       const std::string& title) {
    write_page(path, title, "max-width:50em;margin:2em auto", "<pre>" + coloured(text, words) + "</pre>");
}

void save_text_heatmaps(const std::string& path, const std::vector<TextPanel>& panels, const std::string& title) {
    std::string body = "<table style=\"table-layout:fixed;width:100%\"><tr>";
    for (const TextPanel& p : panels) body += "<th>" + escape(p.heading) + "</th>";
    body += "</tr>\n<tr style=\"vertical-align:top\">";
    for (const TextPanel& p : panels) body += "<td><pre>" + coloured(p.text, p.words) + "</pre></td>";
    write_page(path, title, "margin:1em", body + "</tr></table>\n");
}

}  // namespace gb
