#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>

#include "datasets/gzip.hpp"
#include "datasets/newsgroups.hpp"
#include "datasets/tar.hpp"
#include "datasets/text.hpp"
#include "util/error.hpp"

namespace gb {

namespace fs = std::filesystem;

const std::vector<std::string>& newsgroup_names() {
    static const std::vector<std::string> names = {
        "alt.atheism",           "comp.graphics",         "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
        "comp.sys.mac.hardware", "comp.windows.x",        "misc.forsale",            "rec.autos",
        "rec.motorcycles",       "rec.sport.baseball",    "rec.sport.hockey",        "sci.crypt",
        "sci.electronics",       "sci.med",               "sci.space",               "soc.religion.christian",
        "talk.politics.guns",    "talk.politics.mideast", "talk.politics.misc",      "talk.religion.misc"};
    return names;
}

// ---- scikit-learn's removal rules ----------------------------------------------
//
// A line-for-line reading of strip_newsgroup_header, strip_newsgroup_footer
// and strip_newsgroup_quoting in scikit-learn's
// sklearn/datasets/_twenty_newsgroups.py, applied (as there) to the posts
// decoded from Latin-1, so that one byte here is one Python character.

namespace {

// Python's str.isspace() on U+0000..U+00FF, which str.strip() removes.
bool is_space(char c) {
    auto b = static_cast<unsigned char>(c);
    return (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20) || b == 0x85 || b == 0xA0;
}

std::string_view strip(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// text.split("\n")
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    for (size_t start = 0;;) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            return lines;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

// "\n".join(lines[:count])
std::string join_lines(const std::vector<std::string_view>& lines, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        if (i) out += '\n';
        out += lines[i];
    }
    return out;
}

}  // namespace

// _before, _blankline, after = text.partition("\n\n"); return after
std::string strip_newsgroup_header(const std::string& text) {
    size_t blank = text.find("\n\n");
    return blank == std::string::npos ? std::string() : text.substr(blank + 2);
}

// lines = text.strip().split("\n"); walk back to the last line for which
// line.strip().strip("-") == ""; keep the lines before it if it is not line 0.
std::string strip_newsgroup_footer(const std::string& text) {
    std::vector<std::string_view> lines = split_lines(strip(text));
    auto separator = [](std::string_view line) {
        line = strip(line);
        return std::all_of(line.begin(), line.end(), [](char c) { return c == '-'; });
    };
    size_t line = lines.size() - 1;
    while (line > 0 && !separator(lines[line])) --line;
    return line > 0 ? join_lines(lines, line) : text;
}

// Drops the lines matched by _QUOTE_RE = (writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>)
std::string strip_newsgroup_quoting(const std::string& text) {
    auto quoting = [](std::string_view line) {
        for (std::string_view s : {"writes in", "writes:", "wrote:", "says:", "said:"})
            if (line.find(s) != std::string_view::npos) return true;
        for (std::string_view s : {"In article", "Quoted from", "|", ">"})
            if (starts_with(line, s)) return true;
        return false;
    };
    std::vector<std::string_view> lines = split_lines(text), kept;
    std::copy_if(lines.begin(), lines.end(), std::back_inserter(kept), [&](std::string_view l) { return !quoting(l); });
    return join_lines(kept, kept.size());
}

// ---- the loader ----------------------------------------------------------------

namespace {

struct Post {
    int label;
    std::string id, text;
};

int label_of(const std::string& group) {
    const auto& names = newsgroup_names();
    auto it = std::find(names.begin(), names.end(), group);
    return it == names.end() ? -1 : int(it - names.begin());
}

// The post as the options want it, in UTF-8.
std::string clean(std::string text, const NewsgroupsOptions& options) {
    if (options.remove_headers) text = strip_newsgroup_header(text);
    if (options.remove_footers) text = strip_newsgroup_footer(text);
    if (options.remove_quotes) text = strip_newsgroup_quoting(text);
    return latin1_to_utf8(text);
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot read " + path + "; check its permissions, or delete it and run `make data` again");
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

bool hidden(const std::string& name) { return name.empty() || name[0] == '.'; }

// <split_dir>/<group>/<id>: the folder must hold the 20 group folders and no other.
std::vector<Post> read_folder(const std::string& split_dir, const NewsgroupsOptions& options) {
    const std::string fix = "; extract 20news-bydate.tar.gz again, or delete " + split_dir + " to read the archive";
    std::vector<Post> posts;
    try {
        std::set<std::string> groups;
        for (const auto& entry : fs::directory_iterator(split_dir)) {
            std::string name = entry.path().filename().string();
            if (hidden(name) || !entry.is_directory()) continue;
            if (label_of(name) < 0)
                throw Error(split_dir + "/" + name + " is not one of the 20 newsgroups' folders" + fix);
            groups.insert(name);
        }
        for (const std::string& group : newsgroup_names())
            if (!groups.count(group))
                throw Error(split_dir + " has no folder " + group + " (it holds " + std::to_string(groups.size()) +
                            " of the 20 groups)" + fix);
        for (const std::string& group : groups)
            for (const auto& entry : fs::directory_iterator(split_dir + "/" + group)) {
                std::string id = entry.path().filename().string();
                if (hidden(id) || !entry.is_regular_file()) continue;  // odd entries are not posts
                posts.push_back({label_of(group), id, clean(read_file(entry.path().string()), options)});
            }
    } catch (const fs::filesystem_error& e) {
        throw Error("cannot list " + split_dir + " (" + e.what() + ")" + fix);
    }
    return posts;
}

// The entries <split>/<group>/<id> of the archive; others are ignored.
std::vector<Post> read_archive(const std::string& path, const std::string& split, const NewsgroupsOptions& options) {
    const std::string redo = "; delete it and run `make data` again";
    std::string bytes = read_file(path);
    if (is_gzip(bytes)) bytes = gunzip(bytes, path);
    std::vector<Post> posts;
    std::vector<int> per_group(newsgroup_names().size(), 0);
    for (const TarFile& file : read_tar(bytes, path)) {
        std::string_view name = file.name;
        if (starts_with(name, "./")) name.remove_prefix(2);
        if (!starts_with(name, split + "/")) continue;
        name.remove_prefix(split.size() + 1);
        size_t slash = name.find('/');
        if (slash == std::string_view::npos) continue;  // a file beside the group folders
        std::string group(name.substr(0, slash)), id(name.substr(slash + 1));
        if (hidden(group) || hidden(id) || id.find('/') != std::string::npos) continue;
        int label = label_of(group);
        if (label < 0) throw Error(path + " holds a group " + group + " that is not one of the 20 newsgroups" + redo);
        ++per_group[size_t(label)];
        posts.push_back({label, id, clean(std::string(file.bytes), options)});
    }
    for (size_t g = 0; g < per_group.size(); ++g)
        if (per_group[g] == 0) throw Error(path + " holds no posts of " + split + "/" + newsgroup_names()[g] + redo);
    return posts;
}

}  // namespace

Newsgroups load_newsgroups(const std::string& dir, bool train, const NewsgroupsOptions& options) {
    const std::string folder = dir + "/20newsgroups", split = train ? "20news-bydate-train" : "20news-bydate-test";
    const std::string split_dir = folder + "/" + split, archive = folder + "/20news-bydate.tar.gz";
    std::vector<Post> posts;
    if (fs::is_directory(split_dir))
        posts = read_folder(split_dir, options);
    else if (fs::exists(archive))
        posts = read_archive(archive, split, options);
    else
        throw Error("20 Newsgroups not found: neither " + archive + " nor the folder " + split_dir +
                    " exists; run `make data`, or set GLASSBOX_DATA to the folder that holds 20newsgroups/");

    // scikit-learn's load_files order: groups in label order, files by name.
    std::sort(posts.begin(), posts.end(),
              [](const Post& a, const Post& b) { return a.label != b.label ? a.label < b.label : a.id < b.id; });
    Newsgroups data;
    data.groups = newsgroup_names();
    for (Post& p : posts) {
        data.texts.push_back(std::move(p.text));
        data.labels.push_back(p.label);
        data.sources.push_back(split + "/" + data.groups[size_t(p.label)] + "/" + p.id);
    }
    return data;
}

}  // namespace gb
