#!/usr/bin/env bash
# get-data.sh: fills the data folder ($GLASSBOX_DATA, default data/) with
# MNIST and 20 Newsgroups: copied from a local mirror ($DATA_MIRROR, default
# ../shared/data) when it has them, otherwise downloaded from their public
# sources. Every file is verified before it is put in place; a file already
# there and valid is left alone.
set -euo pipefail

dest=${GLASSBOX_DATA:-data}
mirror=${DATA_MIRROR:-../shared/data}

# MNIST is checked by the MD5 of the decompressed file (the official
# checksums: a re-compressed .gz still matches); 20 Newsgroups by SHA-256.
declare -A md5=(
    [mnist/train-images-idx3-ubyte.gz]=6bbc9ace898e44ae57da46a324031adb
    [mnist/train-labels-idx1-ubyte.gz]=a25bea736e30d166cdddb491f175f624
    [mnist/t10k-images-idx3-ubyte.gz]=2646ac647ad5339dbf082846283269ea
    [mnist/t10k-labels-idx1-ubyte.gz]=27ae3e4e09519cfbb04c329615203637
)
declare -A sha256=(
    [20newsgroups/20news-bydate.tar.gz]=572b1596eac50822f06fc30ca5a5370a08352cc63d78b727d562e2829d61231d
)
declare -A urls=(
    [mnist]="https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist http://yann.lecun.com/exdb/mnist"
    [20newsgroups]="http://qwone.com/~jason/20Newsgroups"
)

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
    if [ -f "$target" ] && valid "$target" "$key"; then
        echo "ok      $target"
        continue
    fi
    part="$target.part"
    got=""
    if [ -f "$mirror/$key" ]; then
        cp "$mirror/$key" "$part" && chmod 644 "$part"
        if valid "$part" "$key"; then got="copied from $mirror"; else echo "warning: $mirror/$key fails its checksum" >&2; fi
    fi
    if [ -z "$got" ]; then
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
        echo "       Put the file at $target by hand, or point DATA_MIRROR at a folder holding mnist/ and 20newsgroups/." >&2
        failed=1
    fi
done
exit $failed
