// matched_filter.hpp: the model a mask method must get right. An image of
// random black and white pixels; class 1's logit is a matched filter of its
// 8 x 8 square at rows 4..11, columns 14..21 (64 of 784 pixels),
// weight * sum over the square of (2 x_u - 1) x'_u, which blurring lowers;
// class 0's logit is 0.
#pragma once
#include <vector>

#include "nn/layers.hpp"
#include "util/random.hpp"

namespace gb::test {

struct MatchedFilter {
    static constexpr int H = 28, W = 28;
    std::vector<float> image;
    Sequential net;
    std::vector<bool> inside;  // the pixels of the square
};

inline MatchedFilter matched_filter(uint64_t seed, float weight) {
    MatchedFilter m;
    Rng rng(seed);
    m.image.resize(MatchedFilter::H * MatchedFilter::W);
    for (float& v : m.image) v = rng.uniform() < 0.5f ? 0.0f : 1.0f;
    m.net.emplace<Flatten>().emplace<Linear>(MatchedFilter::H * MatchedFilter::W, 2, rng);
    auto params = m.net.parameters();
    std::fill(params[0].second.values().begin(), params[0].second.values().end(), 0.0f);
    std::fill(params[1].second.values().begin(), params[1].second.values().end(), 0.0f);
    m.inside.assign(m.image.size(), false);
    for (int y = 4; y < 12; ++y)
        for (int x = 14; x < 22; ++x) {
            const size_t u = size_t(y * MatchedFilter::W + x);
            m.inside[u] = true;
            params[0].second.values()[m.image.size() + u] = weight * (2 * m.image[u] - 1);
        }
    return m;
}

}  // namespace gb::test
