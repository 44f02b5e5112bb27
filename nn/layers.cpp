#include "nn/layers.hpp"

#include <sstream>

#include "util/error.hpp"

namespace gb {

Dropout::Dropout(float p, uint64_t seed) : p_(p), rng_(seed) {
    if (!(p >= 0.0f && p < 1.0f)) throw Error("Dropout: p must be in [0, 1), got " + std::to_string(p));
}

Tensor Dropout::forward(const Tensor& x) {
    if (!training_ || p_ == 0.0f) return x;
    Tensor mask(x.shape());  // 0 or 1 / (1 - p)
    for (float& m : mask.values()) m = rng_.uniform() < p_ ? 0.0f : 1.0f / (1.0f - p_);
    return mul(x, mask);
}

std::string Dropout::describe() const {
    std::ostringstream s;
    s << "Dropout " << p_;
    return s.str();
}

}  // namespace gb
