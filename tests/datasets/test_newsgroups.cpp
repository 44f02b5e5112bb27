// The tar reader, the 20 Newsgroups loader and the text processing, on small
// corpora written here (as folders and as .tar.gz, broken ones included).
// The expected texts after removal were computed with scikit-learn's own
// strip_newsgroup_header / _footer / _quoting on the same strings.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "datasets/newsgroups.hpp"
#include "datasets/tar.hpp"
#include "datasets/text.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

using namespace gb;
using namespace gb::test;

namespace {

const std::vector<std::string> kGroups = {
    "alt.atheism",           "comp.graphics",         "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
    "comp.sys.mac.hardware", "comp.windows.x",        "misc.forsale",            "rec.autos",
    "rec.motorcycles",       "rec.sport.baseball",    "rec.sport.hockey",        "sci.crypt",
    "sci.electronics",       "sci.med",               "sci.space",               "soc.religion.christian",
    "talk.politics.guns",    "talk.politics.mideast", "talk.politics.misc",      "talk.religion.misc"};

// A reply with headers, a quote introduction, quoted lines, a Latin-1 "é"
// (byte 0xE9), look-alikes that stay, and a signature after "-- ".
const std::string kReply =
    "From: alice@example.com (Alice)\nSubject: Re: Orbits\nOrganization: Nowhere\n\n"
    "In article <1993Apr1.123@x.edu> bob@x.edu (Bob) writes:\n"
    "> Is LEO cheap?\n>> Older quote\n| pipe quote\n"
    "Launch costs are falling; caf\xe9 talk aside.\n"
    "\n"
    "Quoted from the FAQ\n"
    "Bob said: not relevant\n"
    "  > indented quote stays\n"
    "In Article case differs\n"
    "- -\n"
    "-- \n"
    "Alice \"Ad astra\"\n\n\n";

std::string plain_post(const std::string& group) {
    return "From: someone@" + group + "\nSubject: hi\n\nAbout " + group + ".\n";
}

// A corpus with one plain post per group and split (id 100 + group index),
// plus in the training split: the reply (sci.space/60001), an empty post
// (sci.space/9, after 60001 in string order) and a Latin-1 post (alt.atheism/7).
std::vector<std::pair<std::string, std::string>> corpus() {
    std::vector<std::pair<std::string, std::string>> files;
    for (std::string split : {"train", "test"})
        for (size_t g = 0; g < kGroups.size(); ++g)
            files.push_back(
                {"20news-bydate-" + split + "/" + kGroups[g] + "/" + std::to_string(100 + g), plain_post(kGroups[g])});
    files.push_back({"20news-bydate-train/sci.space/60001", kReply});
    files.push_back({"20news-bydate-train/sci.space/9", ""});
    files.push_back({"20news-bydate-train/alt.atheism/7", "Subject: caf\xe9\n\nCaf\xe9 na\xefve\n"});
    return files;
}

// The corpus as <dir>/20newsgroups/20news-bydate.tar.gz, with what real
// archives also hold: folder entries, a "./" name, a link, a stray file.
void write_archive(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<TarEntry> entries = {{"20news-bydate-train/", "", '5'}, {"20news-bydate-train/sci.space/", "", '5'}};
    for (const auto& [path, bytes] : files) entries.push_back({path, bytes});
    entries[3].name = "./" + entries[3].name;
    entries.push_back({"20news-bydate-train/sci.space/link", "", '2'});
    entries.push_back({"20news-bydate-train/README", "not a post"});
    std::filesystem::create_directories(dir.path + "/20newsgroups");
    write(dir / "20newsgroups/20news-bydate.tar.gz", gzip_bytes(tar_bytes(entries)));
}

// The corpus as extracted folders, with a hidden file and a sub-folder that are not posts.
void write_folders(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    write_tree(dir / "20newsgroups", files);
    write_tree(dir / "20newsgroups", {{"20news-bydate-train/sci.space/.DS_Store", "x"},
                                      {"20news-bydate-train/sci.space/sub/1", "x"},
                                      {"20news-bydate-train/README", "x"}});
}

std::vector<std::pair<std::string, std::string>> without(std::vector<std::pair<std::string, std::string>> files,
                                                         const std::string& prefix) {
    files.erase(
        std::remove_if(files.begin(), files.end(), [&](const auto& f) { return f.first.rfind(prefix, 0) == 0; }),
        files.end());
    return files;
}

// Recomputes the checksum of the 512-byte header at `at` (after a test edited it).
void fix_checksum(std::string& tar, size_t at) {
    tar.replace(at + 148, 8, 8, ' ');
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(tar[at + i]);
    char field[8];
    std::snprintf(field, sizeof field, "%06o", sum);
    tar.replace(at + 148, 7, std::string(field, 6) + '\0');
}

// One pax record "<length> key=value\n", where <length> counts the whole record.
std::string pax_record(const std::string& key, const std::string& value) {
    size_t body = key.size() + value.size() + 3, length = body + std::to_string(body).size();
    if (std::to_string(length).size() != std::to_string(body).size()) ++length;
    return std::to_string(length) + " " + key + "=" + value + "\n";
}

}  // namespace

// ---- tar ----------------------------------------------------------------

TEST_CASE("tar: regular files with ustar prefixes, GNU long names and pax paths", "[newsgroups]") {
    std::string long_name = "20news-bydate-train/" + std::string(120, 'a') + "/1";
    std::string tar = tar_bytes({
        {"dir/", "", '5'},
        {"dir/first", "one"},
        {"second", std::string(1000, 'x'), '0', "some/prefix"},
        {"dir/link", "", '2'},
        {long_name, "long"},
        {"empty", ""},
    });
    std::vector<TarFile> files = read_tar(tar, "t.tar");
    REQUIRE(files.size() == 4);
    CHECK(files[0].name == "dir/first");
    CHECK(files[0].bytes == "one");
    CHECK(files[1].name == "some/prefix/second");
    CHECK(files[1].bytes == std::string(1000, 'x'));
    CHECK(files[2].name == long_name);
    CHECK(files[2].bytes == "long");
    CHECK(files[3].name == "empty");
    CHECK(files[3].bytes.empty());

    // A pax header renames the next entry; a GNU base-256 size field is read.
    std::string path = "pax/" + std::string(150, 'p');
    std::string pax = pax_record("mtime", "1") + pax_record("path", path);
    std::string big = tar_bytes({{"PaxHeader", pax, 'x'}, {"short", "abc"}});
    size_t second = 512 + (pax.size() + 511) / 512 * 512;
    big.replace(second + 124, 12, std::string("\x80\0\0\0\0\0\0\0\0\0\0\x03", 12));
    fix_checksum(big, second);
    files = read_tar(big, "pax.tar");
    REQUIRE(files.size() == 1);
    CHECK(files[0].name == path);
    CHECK(files[0].bytes == "abc");
}

TEST_CASE("tar: truncated or corrupted archives are refused with the reason", "[newsgroups]") {
    std::string tar = tar_bytes({{"a", std::string(700, 'a')}, {"b", "bee"}});  // a at 0, b at 1536, end at 2560
    auto refused = [](const std::string& bytes, const std::string& reason) {
        CHECK_THROWS_WITH(read_tar(bytes, "news.tar"),
                          Catch::Contains("news.tar is a damaged tar archive (" + reason) &&
                              Catch::Contains("delete it and run `make data` again"));
    };
    refused(tar.substr(0, 1000), "truncated: the entry at byte 0 holds 700 bytes, only 488 remain");
    refused(tar.substr(0, 1536 + 100), "truncated inside the header at byte 1536");
    refused(tar.substr(0, 2560), "truncated: it ends without the end-of-archive block");
    refused(tar.substr(0, 1536), "truncated: it ends without the end-of-archive block");
    refused("", "truncated: it ends without the end-of-archive block");

    std::string flipped = tar;
    flipped[1536] = 'c';  // the name "b" becomes "c": the checksum no longer fits
    refused(flipped, "the header at byte 1536 has a wrong checksum");
    std::string size = tar;
    size.replace(124, 11, "0000000z700");
    fix_checksum(size, 0);
    refused(size, "the header at byte 0 has an unreadable size field");
    std::string huge = tar;
    huge.replace(124, 11, "77777777777");
    fix_checksum(huge, 0);
    refused(huge, "truncated: the entry at byte 0 holds 8589934591 bytes, only 3072 remain");
    refused(tar_bytes({{"PaxHeader", "99 path=x\n", 'x'}, {"a", "a"}}), "the pax header at byte 0 is malformed");
    refused(tar_bytes({{"PaxHeader", "9 pathx\n", 'x'}, {"a", "a"}}), "the pax header at byte 0 is malformed");

    // Garbage, and every kind of damage to a good archive, ends in gb::Error or a
    // result: never a crash or a hang.
    Rng rng(7);
    for (int trial = 0; trial < 300; ++trial) {
        std::string garbage(size_t(rng.below(3000)), '\0');
        for (char& c : garbage) c = char(rng.below(256));
        CHECK_THROWS_AS(read_tar(garbage, "garbage"), Error);
    }
    for (int trial = 0; trial < 3000; ++trial) {
        std::string damaged = tar.substr(0, size_t(rng.below(tar.size() + 1)));
        for (int k = 0; k < 3 && !damaged.empty(); ++k)
            damaged[size_t(rng.below(damaged.size()))] = char(rng.below(256));
        try {
            for (const TarFile& f : read_tar(damaged, "damaged"))
                CHECK(f.bytes.data() + f.bytes.size() <= damaged.data() + damaged.size());
        } catch (const Error&) {
        }
    }
}

// ---- scikit-learn's removal rules ----------------------------------------------------

TEST_CASE("headers, footers and quotes are removed as scikit-learn removes them", "[newsgroups]") {
    std::string h = strip_newsgroup_header(kReply);
    CHECK(h == kReply.substr(kReply.find("In article")));
    std::string f = strip_newsgroup_footer(h);
    CHECK(f ==
          "In article <1993Apr1.123@x.edu> bob@x.edu (Bob) writes:\n> Is LEO cheap?\n>> Older quote\n| pipe quote\n"
          "Launch costs are falling; caf\xe9 talk aside.\n\nQuoted from the FAQ\nBob said: not relevant\n"
          "  > indented quote stays\nIn Article case differs\n- -");
    CHECK(strip_newsgroup_quoting(f) ==
          "Launch costs are falling; caf\xe9 talk aside.\n\n  > indented quote stays\nIn Article case differs\n- -");

    // The header is everything up to the first "\n\n"; none, and nothing is left.
    CHECK(strip_newsgroup_header("Subject: x\n\nbody\n\nmore") == "body\n\nmore");
    CHECK(strip_newsgroup_header("no blank line at all\n").empty());
    CHECK(strip_newsgroup_header("Subject: x\r\n\r\nbody").empty());
    CHECK(strip_newsgroup_header("").empty());

    // The footer starts at the last line that is blank or only hyphens after
    // trimming Python's whitespace (0x1C and 0xA0 included), unless that is line 0.
    CHECK(strip_newsgroup_footer("body\n\n-- \nsig\n\n\n") == "body\n");
    CHECK(strip_newsgroup_footer("\n\n  \nbody line\nsecond") == "\n\n  \nbody line\nsecond");
    CHECK(strip_newsgroup_footer("body\nmore\n\xa0\nsig") == "body\nmore");
    CHECK(strip_newsgroup_footer("a\n- -\nb") == "a\n- -\nb");
    CHECK(strip_newsgroup_footer("  --  \nonly first\n") == "  --  \nonly first\n");
    CHECK(strip_newsgroup_footer("x\n \t\n") == "x\n \t\n");
    CHECK(strip_newsgroup_footer("one\n\x1c\ntwo") == "one");
    CHECK(strip_newsgroup_footer("a\n\x85---\nb") == "a");
    CHECK(strip_newsgroup_footer("").empty());

    CHECK(strip_newsgroup_quoting(
              "I said: yes\nkeep\n > indented\nwrites in the middle\n|x\nIn Article\nQuoted from\n>") ==
          "keep\n > indented\nIn Article");
    CHECK(strip_newsgroup_quoting("a\n\nb") == "a\n\nb");
    CHECK(strip_newsgroup_quoting("").empty());
}

// ---- the loader ----------------------------------------------------------------

TEST_CASE("20 Newsgroups loads the same from a .tar.gz and from extracted folders", "[newsgroups]") {
    CHECK(newsgroup_names() == kGroups);
    NewsgroupsOptions all;
    all.remove_headers = all.remove_footers = all.remove_quotes = true;
    for (bool archive : {true, false}) {
        INFO((archive ? "archive" : "folders"));
        TempDir dir;
        if (archive)
            write_archive(dir, corpus());
        else
            write_folders(dir, corpus());

        Newsgroups raw = load_newsgroups(dir.path, true);
        REQUIRE(raw.size() == 23);
        CHECK(raw.groups == kGroups);
        // Groups in label order, files by name as strings: "100" < "7", "114" < "60001" < "9".
        CHECK(raw.sources[0] == "20news-bydate-train/alt.atheism/100");
        CHECK(raw.sources[1] == "20news-bydate-train/alt.atheism/7");
        CHECK(raw.sources[15] == "20news-bydate-train/sci.space/114");
        CHECK(raw.sources[16] == "20news-bydate-train/sci.space/60001");
        CHECK(raw.sources[17] == "20news-bydate-train/sci.space/9");
        CHECK(raw.sources[22] == "20news-bydate-train/talk.religion.misc/119");
        CHECK(raw.labels ==
              std::vector<int>{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 14, 15, 16, 17, 18, 19});
        CHECK(raw.texts[0] == plain_post("alt.atheism"));
        CHECK(raw.texts[1] == "Subject: caf\xc3\xa9\n\nCaf\xc3\xa9 na\xc3\xafve\n");  // Latin-1 -> UTF-8
        CHECK(raw.texts[16] == latin1_to_utf8(kReply));
        CHECK(raw.texts[17].empty());

        Newsgroups clean = load_newsgroups(dir.path, true, all);
        REQUIRE(clean.size() == 23);
        CHECK(clean.sources == raw.sources);
        CHECK(clean.texts[0] == "About alt.atheism.\n");
        CHECK(clean.texts[1] == "Caf\xc3\xa9 na\xc3\xafve\n");
        CHECK(clean.texts[16] ==
              "Launch costs are falling; caf\xc3\xa9 talk aside.\n\n  > indented quote stays\nIn Article case "
              "differs\n- -");
        CHECK(clean.texts[17].empty());

        NewsgroupsOptions quotes;
        quotes.remove_quotes = true;
        CHECK(load_newsgroups(dir.path, true, quotes).texts[16] ==
              latin1_to_utf8("From: alice@example.com (Alice)\nSubject: Re: Orbits\nOrganization: Nowhere\n\n"
                             "Launch costs are falling; caf\xe9 talk aside.\n\n  > indented quote stays\n"
                             "In Article case differs\n- -\n-- \nAlice \"Ad astra\"\n\n\n"));

        Newsgroups test = load_newsgroups(dir.path, false, all);
        REQUIRE(test.size() == 20);
        CHECK(test.sources[14] == "20news-bydate-test/sci.space/114");
        CHECK(test.labels[19] == 19);
        CHECK(test.texts[19] == "About talk.religion.misc.\n");
    }
}

TEST_CASE("an extracted split folder wins over the archive", "[newsgroups]") {
    TempDir dir;
    write_archive(dir, corpus());
    write_folders(dir, without(corpus(), "20news-bydate-test/"));
    write(dir / "20newsgroups/20news-bydate-train/alt.atheism/100", "from the folder");
    CHECK(load_newsgroups(dir.path, true).texts[0] == "from the folder");
    CHECK(load_newsgroups(dir.path, false).texts[0] == plain_post("alt.atheism"));  // no test folder: the archive
}

TEST_CASE("a missing data set, group folder or group is a clear error", "[newsgroups]") {
    TempDir empty;
    CHECK_THROWS_WITH(load_newsgroups(empty.path, true),
                      Catch::Contains("20 Newsgroups not found") && Catch::Contains("run `make data`"));

    TempDir folders;
    write_folders(folders, corpus());
    std::filesystem::remove_all(folders.path + "/20newsgroups/20news-bydate-test/rec.autos");
    CHECK(load_newsgroups(folders.path, true).size() == 23);
    CHECK_THROWS_WITH(load_newsgroups(folders.path, false),
                      Catch::Contains("20news-bydate-test has no folder rec.autos (it holds 19 of the 20 groups)"));
    write_tree(folders / "20newsgroups", {{"20news-bydate-train/sci.fiction/1", "x"}});
    CHECK_THROWS_WITH(load_newsgroups(folders.path, true),
                      Catch::Contains("20news-bydate-train/sci.fiction is not one of the 20 newsgroups' folders"));

    TempDir missing;
    write_archive(missing, without(corpus(), "20news-bydate-train/sci.med/"));
    CHECK_THROWS_WITH(load_newsgroups(missing.path, true),
                      Catch::Contains("20news-bydate.tar.gz holds no posts of 20news-bydate-train/sci.med; delete it"));
    CHECK(load_newsgroups(missing.path, false).size() == 20);

    TempDir unknown;
    auto files = corpus();
    files.push_back({"20news-bydate-train/sci.fiction/1", "x"});
    write_archive(unknown, files);
    CHECK_THROWS_WITH(load_newsgroups(unknown.path, true),
                      Catch::Contains("holds a group sci.fiction that is not one of the 20 newsgroups"));
}

TEST_CASE("a truncated or corrupted 20 Newsgroups archive is refused", "[newsgroups]") {
    TempDir dir;
    write_archive(dir, corpus());
    const std::string path = dir / "20newsgroups/20news-bydate.tar.gz";
    std::ifstream in(path, std::ios::binary);
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    write(path, good.substr(0, good.size() / 2));  // a cut download
    CHECK_THROWS_WITH(load_newsgroups(dir.path, true), Catch::Contains(path + " is a damaged gzip file"));

    std::vector<TarEntry> entries;
    for (const auto& [name, bytes] : corpus()) entries.push_back({name, bytes});
    std::string tar = tar_bytes(entries);
    write(path, gzip_bytes(tar.substr(0, tar.size() - 1024 - 100)));  // a cut tar, gzipped intact
    CHECK_THROWS_WITH(load_newsgroups(dir.path, true), Catch::Contains(path + " is a damaged tar archive (truncated") &&
                                                           Catch::Contains("delete it and run `make data` again"));
    tar[512 * 6 + 20] ^= 0x01;  // inside the name of the fourth header
    write(path, gzip_bytes(tar));
    CHECK_THROWS_WITH(load_newsgroups(dir.path, true), Catch::Contains("the header at byte 3072 has a wrong checksum"));
}

TEST_CASE("the real 20 Newsgroups archive, if present, has 11314 + 7532 posts in 20 groups", "[newsgroups]") {
    if (!std::ifstream("data/20newsgroups/20news-bydate.tar.gz")) return;  // `make data` not run: nothing to check
    Newsgroups train = load_newsgroups("data", true), test = load_newsgroups("data", false);
    CHECK(train.size() == 11314);
    CHECK(test.size() == 7532);
    CHECK(train.groups.size() == 20);
    CHECK(train.sources[0] == "20news-bydate-train/alt.atheism/49960");  // scikit-learn's order before shuffling
    CHECK(std::count(train.labels.begin(), train.labels.end(), 0) == 480);
    CHECK(std::count(test.labels.begin(), test.labels.end(), 19) == 251);
}

// ---- text ----------------------------------------------------------------

TEST_CASE("the tokenizer finds scikit-learn's tokens with their byte offsets", "[text]") {
    // The same tokens as Python's re.finditer(r"(?u)\b\w\w+\b", text.lower()).
    std::string text = "Hello, w\u00f6rld! a b2 C3PO_x \u00e9 \u00e91 x\u20acy \u00bd\u00bd \u00d7\u00d7 "
                       "Stra\u00dfe \u00c9COLE";
    std::vector<Token> tokens = tokenize(text);
    std::vector<std::pair<size_t, size_t>> spans;
    for (const Token& t : tokens) spans.emplace_back(t.offset, t.length);
    CHECK(spans ==
          std::vector<std::pair<size_t, size_t>>{{0, 5}, {7, 6}, {17, 2}, {20, 6}, {30, 3}, {40, 4}, {50, 7}, {58, 6}});
    CHECK(token_words(text) == std::vector<std::string>{"hello", "w\u00f6rld", "b2", "c3po_x", "\u00e91",
                                                        "\u00bd\u00bd", "stra\u00dfe", "\u00e9cole"});
    CHECK(text.substr(tokens[7].offset, tokens[7].length) == "\u00c9COLE");  // the original, to colour
    CHECK(tokenize("").empty());
    CHECK(tokenize("a b c . !").empty());
    CHECK(token_words("x\xff\xfe\x61\x62\xc3") == std::vector<std::string>{"ab"});  // invalid UTF-8 separates
    CHECK(lowercase("\u00c0\u00c9\u00d6\u00d7\u00d8\u00de\u00df") == "\u00e0\u00e9\u00f6\u00d7\u00f8\u00fe\u00df");
    CHECK(latin1_to_utf8("caf\xe9 \xff!") == "caf\xc3\xa9 \xc3\xbf!");
}

TEST_CASE("the vocabulary keeps frequent training words, ties in alphabetical order", "[text]") {
    std::vector<std::string> texts = {"bb aa cc AA x", "cc bb dd", "aa ee ee"};  // aa 3, bb 2, cc 2, ee 2, dd 1
    Vocabulary all = Vocabulary::build(texts);
    CHECK(all.size() == 7);
    std::vector<std::string> words;
    for (int id = 0; id < all.size(); ++id) words.push_back(all.word(id));
    CHECK(words == std::vector<std::string>{"<pad>", "<unk>", "aa", "bb", "cc", "ee", "dd"});
    CHECK(all.count(2) == 3);
    CHECK(all.count(6) == 1);
    CHECK(all.count(Vocabulary::pad) == 0);

    Vocabulary v = Vocabulary::build(texts, 2);
    CHECK(v.size() == 6);
    CHECK(v.id("aa") == 2);
    CHECK(v.id("ee") == 5);
    CHECK(v.id("dd") == Vocabulary::unknown);
    CHECK(v.id("never") == Vocabulary::unknown);
    CHECK(v.id("AA") == Vocabulary::unknown);  // ids are for lower-cased tokens
    CHECK(v.word(1) == "<unk>");
    CHECK_THROWS_AS(v.word(6), std::out_of_range);

    Vocabulary small = Vocabulary::build(texts, 1, 2);
    CHECK(small.size() == 4);
    CHECK(small.word(3) == "bb");
    CHECK(small.encode("AA, dd bb!") == std::vector<int>{2, 1, 3});

    Vocabulary copy = Vocabulary::from_words({"aa", "bb", "cc", "ee"});
    CHECK(copy.encode("ee cc bb aa") == v.encode("ee cc bb aa"));
    CHECK_THROWS_AS(Vocabulary::from_words({"xx", "xx"}), Error);
    CHECK_THROWS_AS(Vocabulary::from_words({"<unk>"}), Error);
}

TEST_CASE("documents become padded id sequences and sparse bags of words", "[text]") {
    Vocabulary v = Vocabulary::build({"bb aa cc AA", "cc bb dd", "aa ee ee"}, 2);  // aa 2, bb 3, cc 4, ee 5
    Sequences s = encode_sequences(v, {"aa bb dd cc", "EE", "", "cc cc"}, 3);
    CHECK(s.count() == 4);
    CHECK(s.ids == std::vector<int>{2, 3, 1, 5, 0, 0, 0, 0, 0, 4, 4, 0});
    CHECK(s.lengths == std::vector<int>{3, 1, 0, 2});
    CHECK(s.row(3)[1] == 4);

    std::vector<BagOfWords> bags = bag_of_words(v, {"cc aa dd aa AA zz", "", "ee bb ee"});
    CHECK(bags[0] == BagOfWords{{2, 3}, {4, 1}});  // unknown words are left out
    CHECK(bags[1].empty());
    CHECK(bags[2] == BagOfWords{{3, 1}, {5, 2}});
    CHECK(document_frequencies(bags, v.size()) == std::vector<int>{0, 0, 1, 1, 1, 1});

    std::vector<float> row(6, -1.0f);
    fill_dense_row(bags[0], TermWeighting{}, row.data(), row.size());
    CHECK(row == std::vector<float>{0, 0, 3, 0, 1, 0});
    TermWeighting binary;
    binary.tf = TermWeighting::binary;
    fill_dense_row(bags[0], binary, row.data(), row.size());
    CHECK(row == std::vector<float>{0, 0, 1, 0, 1, 0});
    TermWeighting sublinear;
    sublinear.tf = TermWeighting::sublinear;
    fill_dense_row(bags[0], sublinear, row.data(), row.size());
    CHECK(row[2] == Approx(1.0 + std::log(3.0)));
    CHECK(row[4] == 1.0f);

    // TfidfVectorizer: idf = ln((1 + 3) / (1 + df)) + 1, df = 1 for each word here, then unit length.
    TermWeighting tfidf = tfidf_weighting(bags, v.size());
    CHECK(tfidf.idf[2] == Approx(std::log(2.0) + 1.0));
    CHECK(tfidf.idf[0] == Approx(std::log(4.0) + 1.0));
    std::vector<float> rows(3 * 6, -1.0f);
    fill_dense_rows(bags, {2, 1, 0}, tfidf, rows.data(), 6);
    CHECK(rows[3] == Approx(1.0 / std::sqrt(5.0)));  // document 2: (bb 1, ee 2) -> (1, 2) / sqrt 5
    CHECK(rows[5] == Approx(2.0 / std::sqrt(5.0)));
    CHECK(std::all_of(rows.begin() + 6, rows.begin() + 12, [](float x) { return x == 0.0f; }));  // the empty one
    CHECK(rows[12 + 2] == Approx(3.0 / std::sqrt(10.0)));  // document 0: (aa 3, cc 1)
    CHECK_THROWS_AS(fill_dense_row(bags[2], TermWeighting{}, row.data(), 5), std::out_of_range);
}
