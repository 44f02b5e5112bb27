#!/usr/bin/env bash
# get-data.sh: fills the data folder ($GLASSBOX_DATA, default data/) with
# MNIST, 20 Newsgroups and two UCI tables (wine, breast cancer): copied from a
# local mirror ($DATA_MIRROR, default ../shared/data) when it has them,
# otherwise downloaded from their public sources. Every file is verified
# before it is put in place; a file already there and valid is left alone.
set -euo pipefail

dest=${GLASSBOX_DATA:-data}
mirror=${DATA_MIRROR:-../shared/data}

# MNIST is checked by the MD5 of the decompressed file (the official
# checksums: a re-compressed .gz still matches); 20 Newsgroups and the tables
# by SHA-256 (of the mirror's files).
declare -A md5=(
    [mnist/train-images-idx3-ubyte.gz]=6bbc9ace898e44ae57da46a324031adb
    [mnist/train-labels-idx1-ubyte.gz]=a25bea736e30d166cdddb491f175f624
    [mnist/t10k-images-idx3-ubyte.gz]=2646ac647ad5339dbf082846283269ea
    [mnist/t10k-labels-idx1-ubyte.gz]=27ae3e4e09519cfbb04c329615203637
)
declare -A sha256=(
    [20newsgroups/20news-bydate.tar.gz]=572b1596eac50822f06fc30ca5a5370a08352cc63d78b727d562e2829d61231d
    [tabular/wine.csv]=d36a29e284f8d726d01de988f3cbd056c22b02d9c15a01e72273e26373faf97d
    [tabular/breast_cancer.csv]=ae20440c1e8a33b8d044e874c53122ba7807d19bf5324656b0520c3653017b93
)
declare -A urls=(
    [mnist]="https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist http://yann.lecun.com/exdb/mnist"
    [20newsgroups]="http://qwone.com/~jason/20Newsgroups"
)

# The tables come from UCI in UCI's own layout (no header; wine: the class
# 1-3 first; breast cancer: an id, M or B, then the 30 features) and are
# converted to the mirror's CSV: a header of feature names, the values as
# distributed (in %.15g, so ".28" becomes "0.28"), the class name last. A
# converted file need not match the mirror's checksum, so a table is also
# accepted when its header, row count, cells per row and class names are right.
declare -A table_url=(
    [tabular/wine.csv]=https://archive.ics.uci.edu/ml/machine-learning-databases/wine/wine.data
    [tabular/breast_cancer.csv]=https://archive.ics.uci.edu/ml/machine-learning-databases/breast-cancer-wisconsin/wdbc.data
)
declare -A table_rows=([tabular/wine.csv]=178 [tabular/breast_cancer.csv]=569)
declare -A table_classes=([tabular/wine.csv]="class_0 class_1 class_2" [tabular/breast_cancer.csv]="malignant benign")
measures="radius texture perimeter area smoothness compactness concavity concave_points symmetry fractal_dimension"
declare -A table_header=(
    [tabular/wine.csv]="alcohol,malic_acid,ash,alcalinity_of_ash,magnesium,total_phenols,flavanoids,nonflavanoid_phenols,proanthocyanins,color_intensity,hue,od280/od315_of_diluted_wines,proline,class"
    [tabular/breast_cancer.csv]="$(for m in $measures; do printf 'mean_%s,' "$m"; done
                                   for m in $measures; do printf '%s_error,' "$m"; done
                                   for m in $measures; do printf 'worst_%s,' "$m"; done)class"
)

convert_table() {  # convert_table RAW KEY: prints the CSV
    echo "${table_header[$2]}"
    case $2 in
        tabular/wine.csv)  # class (1-3), 13 features
            awk -F, '{ sub(/\r$/, "") } NF {
                if ($1 !~ /^[123]$/) { print "unknown wine class " $1 " on line " NR > "/dev/stderr"; exit 1 }
                for (i = 2; i <= NF; i++) printf "%.15g,", $i; print "class_" ($1 - 1) }' "$1" ;;
        tabular/breast_cancer.csv)  # id, diagnosis (M/B), 30 features
            awk -F, '{ sub(/\r$/, "") } NF {
                if ($2 != "M" && $2 != "B") { print "unknown diagnosis " $2 " on line " NR > "/dev/stderr"; exit 1 }
                for (i = 3; i <= NF; i++) printf "%.15g,", $i; print ($2 == "M" ? "malignant" : "benign") }' "$1" ;;
    esac
}

table_layout_ok() {  # table_layout_ok FILE KEY: the header, the rows, the cells per row, the class names
    [ "$(head -n 1 "$1")" = "${table_header[$2]}" ] || return 1
    awk -F, -v rows="${table_rows[$2]}" -v classes=" ${table_classes[$2]} " '
        NR == 1 { cells = NF; next }
        { n++; if (NF != cells || index(classes, " " $NF " ") == 0) bad = 1
          for (i = 1; i < NF; i++) if ($i !~ /^-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/) bad = 1 }
        END { exit !(n == rows && !bad) }' "$1"
}

valid() {  # valid FILE KEY
    if [ -n "${md5[$2]:-}" ]; then
        [ "$(gzip -dc "$1" 2>/dev/null | md5sum | cut -d' ' -f1)" = "${md5[$2]}" ]
    else
        [ "$(sha256sum "$1" | cut -d' ' -f1)" = "${sha256[$2]}" ]
    fi
}

download() {  # download URL FILE
    if command -v curl >/dev/null 2>&1; then curl -fsSL --connect-timeout 20 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then wget -q --timeout=20 -O "$2" "$1"
    else return 1; fi
}

failed=0
for key in "${!md5[@]}" "${!sha256[@]}"; do
    target="$dest/$key"
    mkdir -p "$(dirname "$target")"
    if [ -f "$target" ] && { valid "$target" "$key" || { [ -n "${table_url[$key]:-}" ] && table_layout_ok "$target" "$key"; }; }; then
        echo "ok      $target"
        continue
    fi
    part="$target.part"
    got=""
    if [ -f "$mirror/$key" ]; then
        cp "$mirror/$key" "$part" && chmod 644 "$part"
        if valid "$part" "$key"; then got="copied from $mirror"; else echo "warning: $mirror/$key fails its checksum" >&2; fi
    fi
    if [ -z "$got" ] && [ -n "${table_url[$key]:-}" ]; then
        url=${table_url[$key]}
        if download "$url" "$part.raw"; then
            if convert_table "$part.raw" "$key" >"$part" && table_layout_ok "$part" "$key"; then
                got="downloaded from $url and converted"
            else
                echo "warning: $url did not convert to ${table_rows[$key]} rows of $(head -n 1 "$part" | tr ',' '\n' | wc -l) cells with the classes ${table_classes[$key]}" >&2
            fi
        fi
        rm -f "$part.raw"
    elif [ -z "$got" ]; then
        for base in ${urls[${key%%/*}]}; do
            url="$base/$(basename "$key")"
            if download "$url" "$part" && valid "$part" "$key"; then got="downloaded from $url"; break; fi
        done
    fi
    if [ -n "$got" ]; then
        mv "$part" "$target"
        echo "ok      $target ($got)"
    else
        rm -f "$part"
        echo "error: could not get $key: no valid copy in the mirror $mirror and no download succeeded." >&2
        echo "       Put the file at $target by hand, or point DATA_MIRROR at a folder holding mnist/, 20newsgroups/ and tabular/." >&2
        failed=1
    fi
done

# Unpacked copies, which every program reads without decompressing them again
# (a second or more per run): MNIST's idx files beside their .gz twins, and
# the two 20 Newsgroups split folders beside the archive. Each is written
# under a temporary name and moved into place only when complete.
for key in "${!md5[@]}"; do
    archive="$dest/$key" raw="$dest/${key%.gz}"
    [ -f "$archive" ] || continue
    [ -f "$raw" ] && [ "$(md5sum <"$raw" | cut -d' ' -f1)" = "${md5[$key]}" ] && continue
    if gzip -dc "$archive" >"$raw.part" && [ "$(md5sum <"$raw.part" | cut -d' ' -f1)" = "${md5[$key]}" ]; then
        mv "$raw.part" "$raw" && echo "ok      $raw (unpacked)"
    else
        rm -f "$raw.part"; echo "error: could not unpack $archive" >&2; failed=1
    fi
done
news="$dest/20newsgroups"
declare -A posts=([20news-bydate-train]=11314 [20news-bydate-test]=7532)
if [ -f "$news/20news-bydate.tar.gz" ]; then
    for split in "${!posts[@]}"; do
        [ -d "$news/$split" ] && [ "$(find "$news/$split" -type f | wc -l)" -eq "${posts[$split]}" ] && continue
        rm -rf "$news/$split" "$news/$split.part"
        mkdir -p "$news/$split.part"
        if tar -xzf "$news/20news-bydate.tar.gz" -C "$news/$split.part" "$split" 2>/dev/null &&
           [ "$(find "$news/$split.part/$split" -type f | wc -l)" -eq "${posts[$split]}" ]; then
            mv "$news/$split.part/$split" "$news/$split" && rm -rf "$news/$split.part" && echo "ok      $news/$split (unpacked)"
        else
            rm -rf "$news/$split.part"; echo "error: could not unpack $split from $news/20news-bydate.tar.gz" >&2; failed=1
        fi
    done
fi
exit $failed
