#include <algorithm>

#include "explain/sampling.hpp"
#include "util/error.hpp"

namespace gb {

// R_pixel = mean over the placements covering the pixel of f(x) - f(x with the patch set to `value`)
Tensor occlusion(Sequential& net, const Tensor& x, const std::vector<int>& targets, int height, int width, int patch,
                 int stride, float value) {
    return occlusion(net, x, targets, height, width, patch, patch, stride, value);
}

Tensor occlusion(Sequential& net, const Tensor& x, const std::vector<int>& targets, int height, int width,
                 int patch_height, int patch_width, int stride, float value) {
    const size_t B = size_t(x.dim(0)), per_example = x.numel() / B, plane = size_t(height) * width;
    if (patch_height < 1 || patch_width < 1 || stride < 1 || patch_height > height || patch_width > width ||
        per_example % plane != 0)
        throw Error("occlusion: a " + std::to_string(patch_height) + "x" + std::to_string(patch_width) +
                    " patch with stride " + std::to_string(stride) + " does not fit " + std::to_string(height) + "x" +
                    std::to_string(width) + " images of " + std::to_string(per_example) + " values");
    net.set_training(false);
    auto explained = [&](const Tensor& input) {  // f(input) for each example's target
        Tensor y = net.forward(input);
        std::vector<float> f(B);
        for (size_t b = 0; b < B; ++b) f[b] = y.values()[b * size_t(y.dim(1)) + size_t(targets.at(b))];
        return f;
    };
    const std::vector<float> f_x = explained(x);
    Tensor r(x.shape()), covered(x.shape());
    for (int top = 0; top + patch_height <= height; top += stride)
        for (int left = 0; left + patch_width <= width; left += stride) {
            Tensor occluded = x.detach();
            auto each_pixel = [&](auto fn) {  // every value of the patch, in every channel and example
                for (size_t b = 0; b < B; ++b)
                    for (size_t c = 0; c < per_example / plane; ++c)
                        for (int i = top; i < top + patch_height; ++i)
                            for (int j = left; j < left + patch_width; ++j)
                                fn(b, b * per_example + c * plane + size_t(i) * width + size_t(j));
            };
            each_pixel([&](size_t, size_t k) { occluded.values()[k] = value; });
            std::vector<float> f_occluded = explained(occluded);
            each_pixel([&](size_t b, size_t k) {
                r.values()[k] += f_x[b] - f_occluded[b];
                covered.values()[k] += 1.0f;
            });
        }
    for (size_t k = 0; k < r.numel(); ++k)
        if (covered.values()[k] > 0) r.values()[k] /= covered.values()[k];
    return r;
}

Tensor occlude_words(Sequential& net, const Tensor& ids, const std::vector<int>& targets, int patch, int stride) {
    // A post is a 1 x T image whose "pixels" are words and whose blank value is the padding id 0.
    return occlusion(net, ids, targets, 1, ids.dim(1), 1, std::min(patch, ids.dim(1)), stride, 0.0f);
}

}  // namespace gb
