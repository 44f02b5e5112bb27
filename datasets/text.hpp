// text.hpp: from text to numbers: Latin-1 decoding, the tokenizer, the
// vocabulary, and two encodings of documents (id sequences for sequence
// models, sparse bags of words for the others).
//
// Texts are UTF-8 std::strings. Every token keeps its byte offset and length
// in the original text, so a per-token explanation can colour the very words
// a reader sees.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gb {

// ---- Latin-1 ----------------------------------------------------------------

// Each byte is one character U+0000..U+00FF; bytes >= 0x80 become two UTF-8 bytes.
std::string latin1_to_utf8(std::string_view latin1);

// ---- tokenizer ----------------------------------------------------------------
//
// scikit-learn's default token_pattern (?u)\b\w\w+\b on lower-cased text: a
// token is a maximal run of 2 or more word characters. Word characters are
// what Python 3's \w matches among U+0000..U+00FF: ASCII letters, digits and
// '_', and the Latin-1 letters and numerals (ª ² ³ µ ¹ º ¼ ½ ¾ À-Ö Ø-ö ø-ÿ).
// "café" is one token, as in scikit-learn on the Latin-1 posts; the run
// length counts characters, not bytes ("é" alone is no token). Characters
// above U+00FF and invalid UTF-8 bytes separate tokens.

struct Token {
    size_t offset = 0, length = 0;  // in bytes of the original UTF-8 text
};

std::vector<Token> tokenize(std::string_view text);

// Lower case for ASCII and Latin-1 letters (À-Þ except ×); other bytes are
// kept, so the byte length and token offsets do not change.
std::string lowercase(std::string_view text);

// The lower-cased tokens of `text`, in order.
std::vector<std::string> token_words(std::string_view text);

// ---- vocabulary ----------------------------------------------------------------
//
// Word ids: 0 is "<pad>", 1 is "<unk>" (any word not in the vocabulary), then
// the words kept from the training texts, most frequent first, equal counts
// in alphabetical (byte) order, so the same texts give the same ids.

class Vocabulary {
public:
    static constexpr int pad = 0, unknown = 1;

    Vocabulary();  // only <pad> and <unk>

    // Counts every token of `texts` (the training split only) and keeps the
    // words seen at least `min_count` times, at most `max_words` of them
    // (0: no limit; <pad> and <unk> are not counted).
    static Vocabulary build(const std::vector<std::string>& texts, int min_count = 1, size_t max_words = 0);

    // A vocabulary from its words in id order, after <pad> and <unk> (as saved with a model).
    static Vocabulary from_words(const std::vector<std::string>& words);

    int size() const { return int(words_.size()); }  // including <pad> and <unk>
    int id(const std::string& word) const;           // a lower-cased token; `unknown` if absent
    const std::string& word(int id) const;           // throws std::out_of_range for a bad id
    long count(int id) const { return counts_.at(size_t(id)); }  // in the training texts; 0 for <pad>, <unk>

    // The id of each token of `text` (as tokenize() finds them), unknown words as 1.
    std::vector<int> encode(std::string_view text) const;

private:
    void add(const std::string& word, long count);
    std::vector<std::string> words_;
    std::vector<long> counts_;
    std::unordered_map<std::string, int> ids_;
};

// ---- id sequences ----------------------------------------------------------------

// Documents as rows of exactly `length` ids: the first `length` tokens
// (longer documents are truncated at the end), then <pad> (0) up to `length`.
struct Sequences {
    int length = 0;            // ids per document
    std::vector<int> ids;      // documents x length, row-major
    std::vector<int> lengths;  // tokens per document before padding, each <= length
    size_t count() const { return lengths.size(); }
    const int* row(size_t document) const { return ids.data() + document * size_t(length); }
};

Sequences encode_sequences(const Vocabulary& vocabulary, const std::vector<std::string>& texts, int length);

// ---- bags of words ----------------------------------------------------------------

// One document as (word id, count) pairs sorted by id, without unknown words
// (as scikit-learn's CountVectorizer ignores words outside its vocabulary):
// columns 0 and 1 of a dense row are always zero.
using BagOfWords = std::vector<std::pair<int, int>>;

BagOfWords bag_of_words(const Vocabulary& vocabulary, std::string_view text);
// The same from word ids (a row of Sequences): <pad> and unknown words are left out.
BagOfWords bag_of_ids(std::vector<int> ids);
std::vector<BagOfWords> bag_of_words(const Vocabulary& vocabulary, const std::vector<std::string>& texts);

// For each word id, the number of documents that contain it.
std::vector<int> document_frequencies(const std::vector<BagOfWords>& documents, int vocabulary_size);

// scikit-learn's smooth idf: idf(w) = ln((1 + n) / (1 + df(w))) + 1 for n documents.
std::vector<float> inverse_document_frequencies(const std::vector<BagOfWords>& documents, int vocabulary_size);

// How a bag of words becomes a row of floats: tf(count) * idf[id], then
// optionally scaled to unit Euclidean length.
struct TermWeighting {
    enum Tf { counts, binary, sublinear } tf = counts;  // count, 1, or 1 + ln(count)
    std::vector<float> idf;                             // per word id; empty: no idf factor
    bool l2_normalize = false;
};

// scikit-learn's TfidfVectorizer defaults: counts x smooth idf (from `training`), L2-normalized.
TermWeighting tfidf_weighting(const std::vector<BagOfWords>& training, int vocabulary_size);

// Writes one document as a dense row of `width` floats (width >= the
// vocabulary size). Rows are filled on demand, a minibatch at a time: the
// corpus is never held as a dense documents x vocabulary matrix.
void fill_dense_row(const BagOfWords& document, const TermWeighting& weighting, float* row, size_t width);

// Rows for documents[indices[0]], documents[indices[1]], ...: out is indices.size() x width.
void fill_dense_rows(const std::vector<BagOfWords>& documents, const std::vector<int>& indices,
                     const TermWeighting& weighting, float* out, size_t width);

}  // namespace gb
