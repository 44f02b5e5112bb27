// newsgroups.hpp: 20 Newsgroups, "bydate" version (Ken Lang; split by date by
// Jason Rennie): 11314 training and 7532 test posts from 20 Usenet groups.
//
// Read from <dir>/20newsgroups/20news-bydate.tar.gz, or, if it exists, from
// the extracted folder <dir>/20newsgroups/20news-bydate-{train,test}/<group>/<id>.
// Posts come in the order of scikit-learn's load_files before its shuffle:
// by group, then by file name (as strings).
#pragma once
#include <string>
#include <vector>

namespace gb {

// What to cut from each post: scikit-learn's fetch_20newsgroups(remove=...).
struct NewsgroupsOptions {
    bool remove_headers = false;  // "headers"
    bool remove_footers = false;  // "footers": a signature block
    bool remove_quotes = false;   // "quotes": lines quoting another post
};

struct Newsgroups {
    std::vector<std::string> texts;    // the posts, UTF-8 (decoded from Latin-1)
    std::vector<int> labels;           // index into `groups`
    std::vector<std::string> groups;   // the 20 group names, sorted ("alt.atheism" ... "talk.religion.misc")
    std::vector<std::string> sources;  // where each post comes from, e.g. "20news-bydate-train/sci.space/60804"
    size_t size() const { return texts.size(); }
};

// The 20 group names in label order (sorted alphabetically, as in scikit-learn).
const std::vector<std::string>& newsgroup_names();

// Loads the training (train = true) or test split. Throws gb::Error if the
// data set is missing, if a group folder is missing or unknown, or if the
// archive is damaged. Empty posts and non-ASCII bytes are kept.
Newsgroups load_newsgroups(const std::string& dir, bool train, const NewsgroupsOptions& options = {});

// scikit-learn's three removal rules (sklearn/datasets/_twenty_newsgroups.py),
// on a raw post: Latin-1 bytes, one byte per character. load_newsgroups
// applies them in this order: header, footer, quoting.

// Everything up to and including the first blank line ("\n\n"); a post
// without one becomes empty.
std::string strip_newsgroup_header(const std::string& text);

// The signature block: everything from the last line (of the text with
// surrounding whitespace trimmed) that is empty or only hyphens once
// trimmed, provided that line is not the first one; else the text unchanged.
std::string strip_newsgroup_footer(const std::string& text);

// Lines that contain "writes in", "writes:", "wrote:", "says:" or "said:",
// or that start with "In article", "Quoted from", "|" or ">".
std::string strip_newsgroup_quoting(const std::string& text);

}  // namespace gb
