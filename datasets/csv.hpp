// csv.hpp: tables of numeric features with a class per row, as plain CSV
// (the UCI data sets in data/tabular/: wine.csv, breast_cancer.csv).
//
//   alcohol,malic_acid,...,proline,class      <- line 1: the feature names, then `class`
//   14.23,1.71,...,1065,class_0                <- one row per example
//
// The format this reader takes, and nothing more:
// - cells are separated by commas; there is no quoting or escaping, so a
//   name or value cannot hold a comma, and a quote character is an error;
// - the first line names the columns; the last column must be `class`, the
//   others are the features (at least one, each named, no name twice);
// - every other cell is a number as C++ reads a float ("14.23", "-0.5",
//   "1e-05", a leading '+' allowed; "nan" and "inf" are refused);
// - blanks around a cell, a UTF-8 byte-order mark, \r\n line endings and
//   blank lines are tolerated.
// Anything else (an empty cell, a word where a number belongs, a row with
// too few or too many cells, a missing or misplaced `class` column, an empty
// or missing file) is a gb::Error naming the file, the line and the column.
//
// Class names are sorted (byte order) and a label is its class's index in
// that order: class_0 < class_1 < class_2, benign < malignant. Sorting makes
// the labels independent of the order of the rows.
#pragma once
#include <string>
#include <vector>

namespace gb {

struct Table {
    std::vector<std::string> feature_names;  // the header without `class`
    std::vector<std::string> class_names;    // sorted; labels index into it
    std::vector<float> values;               // rows x features, row-major, in file order
    std::vector<int> labels;                 // one per row

    int rows() const { return int(labels.size()); }
    int features() const { return int(feature_names.size()); }
};

// Reads the table at `path`. Throws gb::Error as described above.
Table read_table(const std::string& path);

}  // namespace gb
