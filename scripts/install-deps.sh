#!/usr/bin/env bash
# install-deps.sh [bench]: installs the Debian packages glassbox needs, only
# those that are missing. With "bench", also PyTorch and NumPy for the
# reference benchmarks and golden-value scripts (never a dependency of the
# C++ library), torchvision for Zennit, OpenBLAS and GNU time.
set -euo pipefail

packages=(g++ make catch2 libstb-dev gnuplot-nox libgnuplot-iostream-dev
          libboost-iostreams-dev libboost-filesystem-dev libboost-system-dev)
if [ "${1:-}" = bench ]; then
    packages+=(python3 python3-torch python3-numpy python3-sklearn python3-torchvision libopenblas0-openmp time)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing missing packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "error: glassbox needs these Debian packages: ${missing[*]}" >&2
    echo "       install them as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; }; then
    echo "error: could not install ${missing[*]}; check the network or apt sources, then run:" >&2
    echo "       apt-get install ${missing[*]}" >&2
    exit 1
fi
