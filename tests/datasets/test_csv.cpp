// The CSV table reader on small files written here, every broken case with
// the line and column it names; and the tables by name (training/data.hpp):
// their stratified split and their standardisation.
#include <stdlib.h>

#include <cmath>
#include <filesystem>

#include "datasets/csv.hpp"
#include "fake_data.hpp"
#include "helpers.hpp"
#include "training/data.hpp"
#include "util/error.hpp"

using namespace gb;
using namespace gb::test;

namespace {

// The message read_table throws for a file holding `text`, or "" if it reads.
std::string refusal(const TempDir& dir, const std::string& text) {
    write(dir / "t.csv", text);
    try {
        read_table(dir / "t.csv");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a table is read with its feature names, sorted class names and labels", "[csv]") {
    TempDir dir;
    write(dir / "t.csv", "alpha,beta,class\n1.5,-2,dog\n0.25,3e2,cat\n7,+8,dog\n");
    Table t = read_table(dir / "t.csv");
    CHECK(t.feature_names == std::vector<std::string>{"alpha", "beta"});
    CHECK(t.class_names == std::vector<std::string>{"cat", "dog"});  // sorted, not in order of appearance
    CHECK(t.rows() == 3);
    CHECK(t.features() == 2);
    CHECK(t.values == std::vector<float>{1.5f, -2.0f, 0.25f, 300.0f, 7.0f, 8.0f});
    CHECK(t.labels == std::vector<int>{1, 0, 1});

    // \r\n line endings, a byte-order mark, blanks around cells, blank lines, no newline at the end: the same table
    write(dir / "crlf.csv", "\xEF\xBB\xBF" "alpha, beta ,class\r\n1.5,-2, dog\r\n\r\n0.25 ,3e2,cat\r\n7,+8,dog");
    Table same = read_table(dir / "crlf.csv");
    CHECK(same.feature_names == t.feature_names);
    CHECK(same.class_names == t.class_names);
    CHECK(same.values == t.values);
    CHECK(same.labels == t.labels);

    // the wine classes sort as numbered; 6 significant digits read back as the float nearest
    write(dir / "w.csv", "x,class\n9.899999,class_2\n0.006399,class_0\n1065,class_1\n");
    Table w = read_table(dir / "w.csv");
    CHECK(w.class_names == std::vector<std::string>{"class_0", "class_1", "class_2"});
    CHECK(w.labels == std::vector<int>{2, 0, 1});
    CHECK(w.values == std::vector<float>{9.899999f, 0.006399f, 1065.0f});
}

TEST_CASE("a broken table is refused naming the file, the line and the column", "[csv]") {
    TempDir dir;
    const std::string at = dir / "t.csv";
    CHECK(refusal(dir, "a,b,class\n1,2,x\n") == "");

    CHECK(refusal(dir, "a,b,class\n1,2,x\n3,,y\n") ==
          at + " line 3, column 2 (b): the cell is empty; every feature needs a value in every row (fill it in, or "
               "delete the row)");
    CHECK_THAT(refusal(dir, "a,b,class\n1,2,x\n3,4,\n"),
               Catch::StartsWith(at + " line 3, column 3 (class): the cell is empty; every row needs its class"));
    CHECK_THAT(refusal(dir, "a,b,class\nabc,2,x\n"),
               Catch::StartsWith(at + " line 2, column 1 (a): 'abc' is not a number"));
    CHECK_THAT(refusal(dir, "a,b,class\n1,2.5.1,x\n"), Catch::StartsWith(at + " line 2, column 2 (b): '2.5.1' is not"));
    CHECK_THAT(refusal(dir, "a,b,class\n1,nan,x\n"), Catch::StartsWith(at + " line 2, column 2 (b): 'nan' is not"));
    CHECK_THAT(refusal(dir, "a,b,class\n1,inf,x\n"), Catch::StartsWith(at + " line 2, column 2 (b): 'inf' is not"));
    CHECK_THAT(refusal(dir, "a,b,class\n1,1e40,x\n"),
               Catch::StartsWith(at + " line 2, column 2 (b): 1e40 is out of the range of a 32-bit float"));

    // too few and too many cells (a comma at the end is one more cell)
    CHECK_THAT(refusal(dir, "a,b,class\n1,2,x\n3,y\n"),
               Catch::StartsWith(at + " line 3, column 3 (class): the row ends after 2 cells, the header names 3"));
    CHECK_THAT(refusal(dir, "a,b,class\n1,2,x,\n"),
               Catch::StartsWith(at + " line 2, column 4: a cell past the 3 columns the header names; remove it"));

    // the header: `class` last, every column named once
    CHECK_THAT(refusal(dir, "a,b,c\n1,2,x\n"),
               Catch::StartsWith(at + " line 1, column 3: the last column is 'c', not 'class'"));
    CHECK_THAT(refusal(dir, "class,a,b\nx,1,2\n"),
               Catch::StartsWith(at + " line 1, column 1: 'class' must be the last column, it is column 1 of 3"));
    CHECK_THAT(refusal(dir, "a,,class\n1,2,x\n"), Catch::StartsWith(at + " line 1, column 2: the column has no name"));
    CHECK_THAT(refusal(dir, "a,a,class\n1,2,x\n"),
               Catch::StartsWith(at + " line 1, column 2: 'a' already names column 1; give each column its own name"));
    CHECK_THAT(refusal(dir, "class\nx\n"), Catch::StartsWith(at + " line 1, column 1: the header names no feature"));
    CHECK_THAT(refusal(dir, "a,b,class\n1,2,\"x\"\n"),
               Catch::StartsWith(at + " line 2, column 3 (class): a quote character; this reader takes plain "
                                      "comma-separated values without quoting"));

    // empty files, and a header without rows
    CHECK_THAT(refusal(dir, ""), Catch::StartsWith(at + " is empty") && Catch::Contains("run `make data` again"));
    CHECK_THAT(refusal(dir, "\r\n\n  \n"), Catch::StartsWith(at + " is empty"));
    CHECK_THAT(refusal(dir, "a,b,class\n\n"), Catch::StartsWith(at + " has a header but no rows"));

    CHECK_THROWS_WITH(read_table(dir / "absent.csv"),
                      "table file " + (dir / "absent.csv") + " not found; run `make data`, or set GLASSBOX_DATA to the "
                      "folder that holds tabular/");
}

namespace {
// Points GLASSBOX_DATA at a folder for the life of the object.
struct DataFolder {
    explicit DataFolder(const std::string& path) { setenv("GLASSBOX_DATA", path.c_str(), 1); }
    ~DataFolder() { unsetenv("GLASSBOX_DATA"); }
};
}  // namespace

TEST_CASE("a table by name is split by class, every 4th row to test, and standardised by the training rows", "[csv]") {
    TempDir dir;
    std::filesystem::create_directories(dir.path + "/tabular");
    // rows 0-7; classes a (rows 1 3 4 6 7) and b (rows 0 2 5); feature y is constant
    write(dir / "tabular/wine.csv", "x,y,class\n1,5,b\n2,5,a\n3,5,b\n4,5,a\n5,5,a\n6,5,b\n7,5,a\n8,5,a\n");
    DataFolder folder(dir.path);
    DataSplits d = load_data("wine", InputKind::Table);
    CHECK(d.name == "wine");
    CHECK(d.record() == "wine");
    CHECK(d.class_names == std::vector<std::string>{"a", "b"});
    // test: the 0th and 4th row of a (rows 1, 7), the 0th of b (row 0); train: the rest, in file order
    const TableFeatures& t = d.table;
    CHECK(t.test_rows == std::vector<int>{0, 1, 7});
    CHECK(t.train_rows == std::vector<int>{2, 3, 4, 5, 6});
    CHECK(d.test.labels == std::vector<int>{1, 0, 0});
    CHECK(d.train.labels == std::vector<int>{1, 0, 0, 1, 0});
    CHECK(d.train.example_size == 2);
    CHECK(d.train.classes == 2);
    CHECK(t.names == std::vector<std::string>{"x", "y"});
    // x on the training rows: 3..7, mean 5, population variance 2; y is constant: scale 1
    CHECK(t.mean == std::vector<float>{5.0f, 5.0f});
    CHECK(t.scale[0] == Approx(std::sqrt(2.0)));
    CHECK(t.scale[1] == 1.0f);
    CHECK(t.train_raw == std::vector<float>{3, 5, 4, 5, 5, 5, 6, 5, 7, 5});
    CHECK(t.test_raw == std::vector<float>{1, 5, 2, 5, 8, 5});
    CHECK(d.train.dense[0] == Approx(-2 / std::sqrt(2.0)));
    CHECK(d.train.dense[1] == 0.0f);
    CHECK(d.test.dense[4] == Approx(3 / std::sqrt(2.0)));
    float raw[2];
    t.to_raw(d.test.dense.data() + 4, raw);  // back to the file's units
    CHECK(raw[0] == Approx(8.0f));
    CHECK(raw[1] == 5.0f);

    // a limit keeps evenly spaced examples; the scaling still comes from the whole training split
    TextSettings two;
    two.train_limit = 2;
    DataSplits part = load_data("wine", InputKind::Table, 2, two);
    CHECK(part.table.train_rows == std::vector<int>{2, 4});
    CHECK(part.table.test_rows == std::vector<int>{0, 1});
    CHECK(part.train.count() == 2);
    CHECK(part.table.mean == t.mean);
    CHECK(part.table.train_raw == std::vector<float>{3, 5, 5, 5});

    CHECK_THROWS_WITH(load_data("wine", InputKind::Image), Catch::Contains("wine is a table of numeric features; "
                                                                           "use --model tab-mlp"));
    CHECK_THROWS_WITH(load_data("mnist", InputKind::Table), Catch::Contains("mnist holds images; use --data wine"));
    CHECK_THROWS_WITH(load_data("breast-cancer", InputKind::Table),
                      Catch::Contains("breast_cancer.csv not found; run `make data`"));
    write(dir / "tabular/wine.csv", "x,class\n1,a\n2,a\n");
    CHECK_THROWS_WITH(load_data("wine", InputKind::Table), Catch::Contains("holds one class only ('a')"));
}
