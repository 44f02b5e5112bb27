#include "nn/buffers.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "nn/parallel.hpp"

namespace gb {
namespace {

constexpr size_t kSmallBuffer = 16384;           // 64 KB: allocating that is cheap
constexpr size_t kKeptFloats = size_t(1) << 23;  // 32 MB, several training steps of LeNet

struct Kept {
    std::mutex mutex;
    std::unordered_map<size_t, std::vector<std::vector<float>>> by_size;
    size_t floats = 0;
};

Kept& kept() {
    static Kept* k = new Kept;  // never destroyed: nodes may die during static destruction
    return *k;
}

// A kept buffer of n floats, or an empty vector if there is none.
std::vector<float> take_kept(size_t n) {
    if (n < kSmallBuffer) return {};
    Kept& k = kept();
    std::lock_guard<std::mutex> lock(k.mutex);
    auto it = k.by_size.find(n);
    if (it == k.by_size.end() || it->second.empty()) return {};
    std::vector<float> buffer = std::move(it->second.back());
    it->second.pop_back();
    k.floats -= n;
    return buffer;
}

}  // namespace

std::vector<float> uninitialized_buffer(size_t n) {
    std::vector<float> buffer = take_kept(n);
    return buffer.empty() ? std::vector<float>(n) : std::move(buffer);
}

std::vector<float> zero_buffer(size_t n) {
    std::vector<float> buffer = take_kept(n);
    if (buffer.empty()) return std::vector<float>(n);  // new memory is zeroed already
    float* at = buffer.data();
    parallel_ranges(n, kSmallBuffer, [at](size_t begin, size_t end) { std::fill(at + begin, at + end, 0.0f); });
    return buffer;
}

void recycle(std::vector<float>&& buffer) {
    const size_t n = buffer.size();
    if (n < kSmallBuffer || buffer.capacity() != n) return;
    Kept& k = kept();
    std::lock_guard<std::mutex> lock(k.mutex);
    for (auto it = k.by_size.begin(); k.floats + n > kKeptFloats && it != k.by_size.end();) {
        if (it->first != n) {  // make room: free the buffers of other sizes
            k.floats -= it->first * it->second.size();
            it = k.by_size.erase(it);
        } else {
            ++it;
        }
    }
    if (k.floats + n > kKeptFloats) return;
    k.by_size[n].push_back(std::move(buffer));
    k.floats += n;
}

}  // namespace gb
