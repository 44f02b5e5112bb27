#include "datasets/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "util/error.hpp"

namespace gb {
namespace {

// The file's bytes. A missing file points at `make data`, the way the other loaders do.
std::string read_bytes(const std::string& path) {
    errno = 0;
    std::ifstream f(path, std::ios::binary);
    if (!f && errno == ENOENT)
        throw Error("table file " + path + " not found; run `make data`, or set GLASSBOX_DATA to the folder "
                    "that holds tabular/");
    std::string why = errno ? std::string(" (") + std::strerror(errno) + ")" : "";
    if (!f) throw Error("cannot open table file " + path + why + "; check its permissions");
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) throw Error("cannot read table file " + path + "; is it a folder, or unreadable?");
    return bytes;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The cells of one line, split at every comma and trimmed.
std::vector<std::string_view> split_cells(std::string_view line) {
    std::vector<std::string_view> cells;
    for (size_t start = 0;;) {
        size_t comma = line.find(',', start);
        size_t length = comma == std::string_view::npos ? std::string_view::npos : comma - start;
        cells.push_back(trim(line.substr(start, length)));
        if (comma == std::string_view::npos) return cells;
        start = comma + 1;
    }
}

// Where a problem is: "wine.csv line 7, column 3 (ash)".
struct Place {
    const std::string& path;
    const std::vector<std::string>* names;  // the header's cells, once read
    std::string at(size_t line, size_t column) const {
        std::string s = path + " line " + std::to_string(line) + ", column " + std::to_string(column + 1);
        if (names && column < names->size()) s += " (" + (*names)[column] + ")";
        return s;
    }
};

void refuse_quotes(const Place& place, size_t line, const std::vector<std::string_view>& cells) {
    for (size_t c = 0; c < cells.size(); ++c)
        if (cells[c].find('"') != std::string_view::npos)
            throw Error(place.at(line, c) + ": a quote character; this reader takes plain comma-separated values "
                        "without quoting, so remove the quotes (a cell cannot hold a comma)");
}

float parse_number(const Place& place, size_t line, size_t column, std::string_view cell) {
    if (cell.empty())
        throw Error(place.at(line, column) + ": the cell is empty; every feature needs a value in every row "
                    "(fill it in, or delete the row)");
    std::string_view digits = cell.front() == '+' ? cell.substr(1) : cell;
    bool plain = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == 'e' || ch == 'E' || ch == '+';
    });
    float value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    bool whole = plain && end == digits.data() + digits.size();
    if (!whole || (error != std::errc() && error != std::errc::result_out_of_range))
        throw Error(place.at(line, column) + ": '" + std::string(cell) + "' is not a number; every column but the "
                    "last (class) holds numbers");
    if (error == std::errc::result_out_of_range || !std::isfinite(value))
        throw Error(place.at(line, column) + ": " + std::string(cell) + " is out of the range of a 32-bit float; "
                    "rescale that feature");
    return value;
}

}  // namespace

Table read_table(const std::string& path) {
    std::string bytes = read_bytes(path);
    if (bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);  // a UTF-8 byte-order mark

    Table t;
    std::vector<std::string> header, row_classes;
    Place place{path, nullptr};
    size_t line_number = 0;
    std::string_view rest(bytes);
    while (!rest.empty()) {
        size_t newline = rest.find('\n');
        std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
        ++line_number;
        if (trim(line).empty()) continue;  // blank lines (and the end of the last line) carry nothing
        std::vector<std::string_view> cells = split_cells(line);
        refuse_quotes(place, line_number, cells);

        if (header.empty()) {  // the header: feature names, then `class`
            for (size_t c = 0; c < cells.size(); ++c) {
                std::string name(cells[c]);
                if (name.empty())
                    throw Error(place.at(line_number, c) + ": the column has no name; the first line names every "
                                "column (the features, then class)");
                auto seen = std::find(header.begin(), header.end(), name);
                if (seen != header.end())
                    throw Error(place.at(line_number, c) + ": '" + name + "' already names column " +
                                std::to_string(seen - header.begin() + 1) + "; give each column its own name");
                if (name == "class" && c + 1 != cells.size())
                    throw Error(place.at(line_number, c) + ": 'class' must be the last column, it is column " +
                                std::to_string(c + 1) + " of " + std::to_string(cells.size()) + "; move it to the end");
                header.push_back(name);
            }
            if (header.back() != "class")
                throw Error(place.at(line_number, header.size() - 1) + ": the last column is '" + header.back() +
                            "', not 'class'; the header must end with the column `class` that names each row's class");
            if (header.size() < 2)
                throw Error(place.at(line_number, 0) + ": the header names no feature before class; a table needs "
                            "at least one feature column");
            t.feature_names.assign(header.begin(), header.end() - 1);
            place.names = &header;
            continue;
        }

        if (cells.size() > header.size())
            throw Error(place.at(line_number, header.size()) + ": a cell past the " + std::to_string(header.size()) +
                        " columns the header names; remove it (a comma at the end of a line makes an extra cell)");
        if (cells.size() < header.size())
            throw Error(place.at(line_number, cells.size()) + ": the row ends after " + std::to_string(cells.size()) +
                        " cells, the header names " + std::to_string(header.size()) +
                        "; every row needs a value for each feature and its class");
        for (size_t c = 0; c + 1 < cells.size(); ++c) t.values.push_back(parse_number(place, line_number, c, cells[c]));
        if (cells.back().empty())
            throw Error(place.at(line_number, cells.size() - 1) + ": the cell is empty; every row needs its class");
        row_classes.emplace_back(cells.back());
    }
    if (header.empty())
        throw Error(path + " is empty; a table needs a header line and rows (for the data sets of glassbox, "
                    "delete it and run `make data` again)");
    if (row_classes.empty())
        throw Error(path + " has a header but no rows; a table needs at least one row of values (for the data sets "
                    "of glassbox, delete it and run `make data` again)");

    t.class_names = row_classes;
    std::sort(t.class_names.begin(), t.class_names.end());
    t.class_names.erase(std::unique(t.class_names.begin(), t.class_names.end()), t.class_names.end());
    for (const std::string& name : row_classes)
        t.labels.push_back(
            int(std::lower_bound(t.class_names.begin(), t.class_names.end(), name) - t.class_names.begin()));
    return t;
}

}  // namespace gb
