#include "datasets/text.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "util/error.hpp"

namespace gb {

// ---- Latin-1 ----------------------------------------------------------------

std::string latin1_to_utf8(std::string_view latin1) {
    std::string out;
    out.reserve(latin1.size() + latin1.size() / 16);
    for (char c : latin1) {
        auto b = static_cast<unsigned char>(c);
        if (b < 0x80) {
            out += c;
        } else {  // U+0080..U+00FF: 110000xx 10xxxxxx
            out += char(0xC0 | (b >> 6));
            out += char(0x80 | (b & 0x3F));
        }
    }
    return out;
}

// ---- tokenizer ----------------------------------------------------------------

namespace {

// Python 3's \w among U+0000..U+00FF (str.isalnum() or '_').
bool is_word_char(unsigned cp) {
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
    switch (cp) {
        case 0xAA: case 0xB2: case 0xB3: case 0xB5: case 0xB9: case 0xBA: case 0xBC: case 0xBD: case 0xBE:
            return true;
        default:
            return cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7;  // letters, without × and ÷
    }
}

// The character at text[at]: its code point and its length in bytes. Code
// points above U+00FF are reported as 0x100 (never a word character); an
// invalid byte counts as one character.
unsigned next_char(std::string_view text, size_t at, size_t& length) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned b = byte(at);
    length = 1;
    if (b < 0x80) return b;
    size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
    if (n == 0 || at + n > text.size()) return 0x100;
    for (size_t i = 1; i < n; ++i)
        if ((byte(at + i) & 0xC0) != 0x80) return 0x100;
    length = n;
    return n == 2 && b <= 0xC3 ? ((b & 0x1F) << 6) | (byte(at + 1) & 0x3F) : 0x100;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    size_t start = 0, chars = 0;  // the current run of word characters
    for (size_t at = 0, length = 0; at <= text.size(); at += length) {
        bool word = at < text.size() && is_word_char(next_char(text, at, length));
        if (word) {
            if (chars++ == 0) start = at;
            continue;
        }
        if (chars >= 2) tokens.push_back({start, at - start});
        chars = 0;
        if (at == text.size()) break;
    }
    return tokens;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (size_t i = 0; i < out.size(); ++i) {
        auto b = static_cast<unsigned char>(out[i]);
        if (b >= 'A' && b <= 'Z') {
            out[i] = char(b + 32);
        } else if (b == 0xC3 && i + 1 < out.size()) {  // U+00C0..U+00FF; À-Þ (not × = C3 97) -> à-þ
            auto next = static_cast<unsigned char>(out[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = char(next + 0x20);
            ++i;
        }
    }
    return out;
}

std::vector<std::string> token_words(std::string_view text) {
    std::vector<std::string> words;
    for (const Token& t : tokenize(text)) words.push_back(lowercase(text.substr(t.offset, t.length)));
    return words;
}

// ---- vocabulary ----------------------------------------------------------------

Vocabulary::Vocabulary() {
    add("<pad>", 0);
    add("<unk>", 0);
}

void Vocabulary::add(const std::string& word, long count) {
    if (!ids_.emplace(word, size()).second) throw Error("the word '" + word + "' is twice in the vocabulary");
    words_.push_back(word);
    counts_.push_back(count);
}

Vocabulary Vocabulary::build(const std::vector<std::string>& texts, int min_count, size_t max_words) {
    std::unordered_map<std::string, long> counts;
    for (const std::string& text : texts)
        for (std::string& w : token_words(text)) ++counts[std::move(w)];

    std::vector<std::pair<long, std::string>> kept;  // (count, word)
    for (auto& [word, count] : counts)
        if (count >= min_count) kept.emplace_back(count, word);
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;  // frequent first, then a-z
    });
    if (max_words > 0 && kept.size() > max_words) kept.resize(max_words);

    Vocabulary v;
    for (auto& [count, word] : kept) v.add(word, count);
    return v;
}

Vocabulary Vocabulary::from_words(const std::vector<std::string>& words) {
    Vocabulary v;
    for (const std::string& w : words) v.add(w, 0);
    return v;
}

int Vocabulary::id(const std::string& word) const {
    auto it = ids_.find(word);
    return it == ids_.end() ? unknown : it->second;
}

const std::string& Vocabulary::word(int id) const {
    if (id < 0 || id >= size())
        throw std::out_of_range("word id " + std::to_string(id) + " outside the vocabulary of " +
                                std::to_string(size()));
    return words_[size_t(id)];
}

std::vector<int> Vocabulary::encode(std::string_view text) const {
    std::vector<int> ids;
    for (const Token& t : tokenize(text)) ids.push_back(id(lowercase(text.substr(t.offset, t.length))));
    return ids;
}

// ---- id sequences ----------------------------------------------------------------

Sequences encode_sequences(const Vocabulary& vocabulary, const std::vector<std::string>& texts, int length) {
    if (length <= 0) throw std::invalid_argument("encode_sequences: length must be positive");
    Sequences s;
    s.length = length;
    s.ids.assign(texts.size() * size_t(length), Vocabulary::pad);
    for (size_t d = 0; d < texts.size(); ++d) {
        std::vector<int> ids = vocabulary.encode(texts[d]);
        size_t kept = std::min(ids.size(), size_t(length));
        std::copy(ids.begin(), ids.begin() + std::ptrdiff_t(kept), s.ids.begin() + std::ptrdiff_t(d * size_t(length)));
        s.lengths.push_back(int(kept));
    }
    return s;
}

// ---- bags of words ----------------------------------------------------------------

BagOfWords bag_of_words(const Vocabulary& vocabulary, std::string_view text) {
    return bag_of_ids(vocabulary.encode(text));
}

BagOfWords bag_of_ids(std::vector<int> ids) {
    std::sort(ids.begin(), ids.end());
    BagOfWords bag;
    for (int id : ids) {
        if (id == Vocabulary::unknown || id == Vocabulary::pad) continue;
        if (!bag.empty() && bag.back().first == id)
            ++bag.back().second;
        else
            bag.emplace_back(id, 1);
    }
    return bag;
}

std::vector<BagOfWords> bag_of_words(const Vocabulary& vocabulary, const std::vector<std::string>& texts) {
    std::vector<BagOfWords> bags;
    bags.reserve(texts.size());
    for (const std::string& text : texts) bags.push_back(bag_of_words(vocabulary, text));
    return bags;
}

std::vector<int> document_frequencies(const std::vector<BagOfWords>& documents, int vocabulary_size) {
    std::vector<int> df(size_t(vocabulary_size), 0);
    for (const BagOfWords& doc : documents)
        for (auto [id, count] : doc) ++df.at(size_t(id));
    return df;
}

std::vector<float> inverse_document_frequencies(const std::vector<BagOfWords>& documents, int vocabulary_size) {
    std::vector<int> df = document_frequencies(documents, vocabulary_size);
    std::vector<float> idf(df.size());
    double n = double(documents.size());
    for (size_t w = 0; w < df.size(); ++w) idf[w] = float(std::log((1.0 + n) / (1.0 + df[w])) + 1.0);
    return idf;
}

TermWeighting tfidf_weighting(const std::vector<BagOfWords>& training, int vocabulary_size) {
    TermWeighting w;
    w.idf = inverse_document_frequencies(training, vocabulary_size);
    w.l2_normalize = true;
    return w;
}

void fill_dense_row(const BagOfWords& document, const TermWeighting& weighting, float* row, size_t width) {
    std::fill(row, row + width, 0.0f);
    double squares = 0;
    for (auto [id, count] : document) {
        if (size_t(id) >= width)
            throw std::out_of_range("fill_dense_row: word id " + std::to_string(id) + " in a row of width " +
                                    std::to_string(width));
        double v = weighting.tf == TermWeighting::binary      ? 1.0
                   : weighting.tf == TermWeighting::sublinear ? 1.0 + std::log(double(count))
                                                              : double(count);
        if (!weighting.idf.empty()) v *= weighting.idf.at(size_t(id));
        row[id] = float(v);
        squares += v * v;
    }
    if (weighting.l2_normalize && squares > 0) {
        float scale = float(1.0 / std::sqrt(squares));
        for (auto [id, count] : document) row[id] *= scale;
    }
}

void fill_dense_rows(const std::vector<BagOfWords>& documents, const std::vector<int>& indices,
                     const TermWeighting& weighting, float* out, size_t width) {
    for (size_t i = 0; i < indices.size(); ++i)
        fill_dense_row(documents.at(size_t(indices[i])), weighting, out + i * width, width);
}

}  // namespace gb
