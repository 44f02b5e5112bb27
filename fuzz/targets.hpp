// targets.hpp: what each fuzzer does with one input, shared by the fuzzers
// (fuzz/<name>.cpp) and the unit test that replays every input they ever
// crashed on (fuzz/regressions/<name>/, tests/hardening/test_fuzz_regressions.cpp).
//
// Each function reads the bytes as glassbox reads a file of that kind and
// checks what it got. It may throw gb::Error (the input is refused, with a
// message) and nothing else; a broken promise of the reader (a token outside
// its text, a table whose sizes disagree) throws std::logic_error, which the
// fuzzer reports as a crash and the unit test as a failure.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "datasets/csv.hpp"
#include "datasets/gzip.hpp"
#include "datasets/idx.hpp"
#include "datasets/inflate.hpp"
#include "datasets/newsgroups.hpp"
#include "datasets/tar.hpp"
#include "datasets/text.hpp"
#include "nn/serialize.hpp"
#include "util/error.hpp"

namespace gb::fuzz {

inline void expect(bool promise, const char* what) {
    if (!promise) throw std::logic_error(std::string("fuzz: broken promise: ") + what);
}

// MNIST's IDX files, raw or gzip (datasets/idx.hpp).
inline void idx(const std::string& bytes) {
    IdxArray a = idx_from_bytes(bytes, "fuzz.idx");
    size_t n = 1;
    for (int d : a.dims) n *= size_t(d);
    expect(!a.dims.empty() && n == a.values.size(), "an IDX array holds the values its dimensions say");
}

// gzip (datasets/gzip.hpp) and the DEFLATE decoder under it (datasets/inflate.hpp):
// inputs with the gzip magic go through gunzip, the others straight to inflate.
inline void gzip(const std::string& bytes) {
    if (is_gzip(bytes)) {
        gunzip(bytes, "fuzz.gz");
        return;
    }
    std::string out;
    size_t used = inflate(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), out, "fuzz.deflate");
    expect(used <= bytes.size(), "inflate reads no more than it is given");
}

// tar archives (datasets/tar.hpp): every file is a view inside the archive; its bytes are read.
inline void tar(const std::string& archive) {
    unsigned sum = 0;
    for (const TarFile& f : read_tar(archive, "fuzz.tar")) {
        expect(f.bytes.data() >= archive.data() && f.bytes.data() + f.bytes.size() <= archive.data() + archive.size(),
               "a tar file's bytes lie inside the archive");
        for (char c : f.bytes) sum += static_cast<unsigned char>(c);
        expect(!f.name.empty(), "a tar file has a name");
    }
    volatile unsigned keep = sum;
    (void)keep;
}

// Model files: the .npz/zip reader and .npy headers (nn/npz.hpp) and the
// architecture record (nn/serialize.hpp). A model that loads also runs once
// on zeros of its input shape, when that is small: a record whose layers load
// but do not work together must end in a gb::Error too.
inline void model(const std::string& bytes) {
    Model m = model_from_bytes(bytes, "fuzz.npz");
    Shape shape{1};
    shape.insert(shape.end(), m.input_shape.begin(), m.input_shape.end());
    if (numel(shape) > 4096) return;
    m.net.set_training(false);
    m.net.forward(Tensor(shape));
}

// A 20 Newsgroups post as load_newsgroups cleans it (header, footer and quote
// removal; Latin-1 to UTF-8), then the tokenizer, a vocabulary and the
// encodings (datasets/text.hpp). The first byte chooses the removals, and
// whether the tokenizer sees the raw bytes (invalid UTF-8) instead.
inline void newsgroups(const std::string& bytes) {
    if (bytes.empty()) return;
    const unsigned options = static_cast<unsigned char>(bytes[0]);
    std::string post = bytes.substr(1);
    if (options & 1) post = strip_newsgroup_header(post);
    if (options & 2) post = strip_newsgroup_footer(post);
    if (options & 4) post = strip_newsgroup_quoting(post);
    std::string text = options & 8 ? post : latin1_to_utf8(post);
    for (const Token& t : tokenize(text))
        expect(t.length >= 2 && t.offset <= text.size() && t.length <= text.size() - t.offset,
               "a token lies inside its text");
    expect(lowercase(text).size() == text.size(), "lower case keeps the length");
    Vocabulary vocabulary = Vocabulary::build({text}, 1, 50);
    Sequences s = encode_sequences(vocabulary, {text, post}, 16);
    for (int id : s.ids) expect(id >= 0 && id < vocabulary.size(), "a word id is in the vocabulary");
    std::vector<BagOfWords> bags = bag_of_words(vocabulary, std::vector<std::string>{text});
    TermWeighting weighting = tfidf_weighting(bags, vocabulary.size());
    std::vector<float> row(size_t(vocabulary.size()));
    fill_dense_row(bags[0], weighting, row.data(), row.size());
}

// CSV tables (datasets/csv.hpp). read_table takes a path: the bytes go to a
// file of this process first.
inline void csv(const std::string& bytes) {
    struct Scratch {
        std::string path = "/tmp/glassbox-fuzz-" + std::to_string(getpid()) + ".csv";
        ~Scratch() { std::remove(path.c_str()); }
    };
    static const Scratch scratch;
    std::ofstream(scratch.path, std::ios::binary | std::ios::trunc) << bytes;
    Table t = read_table(scratch.path);
    expect(t.values.size() == size_t(t.rows()) * size_t(t.features()), "a table holds rows x features values");
    expect(!t.class_names.empty() && t.features() > 0, "a table has classes and features");
    for (int label : t.labels) expect(label >= 0 && size_t(label) < t.class_names.size(), "a label names a class");
}

}  // namespace gb::fuzz

// The body of every fuzzer: one target, gb::Error accepted.
#define GLASSBOX_FUZZER(target)                                                         \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {           \
        try {                                                                           \
            gb::fuzz::target(std::string(reinterpret_cast<const char*>(data), size));   \
        } catch (const gb::Error&) {                                                    \
        }                                                                               \
        return 0;                                                                       \
    }
