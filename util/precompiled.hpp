// The source of the precompiled header of the library, the command line and
// the tutorials (see the Makefile): the standard headers that most of their
// files include, directly or through the library's headers. Reading them
// takes a compiler about a second, nearly half the compile time of a typical
// file at -O3; precompiled, they are read once per build. Every file still
// includes what it uses, and builds the same without this header.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>
