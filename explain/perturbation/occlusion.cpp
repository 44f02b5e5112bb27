#include "explain/perturbation/occlusion.hpp"

#include <algorithm>

#include "explain/method.hpp"
#include "explain/perturbation/regions.hpp"
#include "util/error.hpp"

namespace gb {

Tensor occlusion(const Scorer& score, const Tensor& x, const std::vector<int>& targets, int height, int width,
                 int patch_height, int patch_width, int stride, float value) {
    const size_t B = size_t(x.dim(0)), per_example = x.numel() / B, plane = size_t(height) * width;
    if (patch_height < 1 || patch_width < 1 || stride < 1 || patch_height > height || patch_width > width ||
        per_example % plane != 0)
        throw Error("occlusion: a " + std::to_string(patch_height) + "x" + std::to_string(patch_width) +
                    " patch with stride " + std::to_string(stride) + " does not fit " + std::to_string(height) + "x" +
                    std::to_string(width) + " images of " + std::to_string(per_example) + " values");
    auto explained = [&](const Tensor& input) {  // f(input) for each example's target
        Tensor y = score(input);
        std::vector<float> f(B);
        for (size_t b = 0; b < B; ++b) f[b] = y.values()[b * size_t(y.dim(1)) + size_t(targets.at(b))];
        return f;
    };
    const std::vector<float> f_x = explained(x);
    Tensor r(x.shape()), covered(x.shape());
    for (const Region& patch : sliding_windows(height, width, patch_height, patch_width, stride)) {
        auto each_value = [&](auto fn) {  // every value of the patch, in every channel and example
            for (size_t b = 0; b < B; ++b)
                for (size_t c = 0; c < per_example / plane; ++c)
                    for (int pixel : patch) fn(b, b * per_example + c * plane + size_t(pixel));
        };
        Tensor occluded = x.detach();
        each_value([&](size_t, size_t k) { occluded.values()[k] = value; });
        const std::vector<float> f_occluded = explained(occluded);
        each_value([&](size_t b, size_t k) {
            r.values()[k] += f_x[b] - f_occluded[b];
            covered.values()[k] += 1.0f;
        });
    }
    for (size_t k = 0; k < r.numel(); ++k)
        if (covered.values()[k] > 0) r.values()[k] /= covered.values()[k];
    return r;
}

Method occlusion_method() {
    Method m("occlusion", Family::Perturbation,
             "Zeiler & Fergus 2014, visualizing and understanding convolutional networks",
             "the mean drop of f when a sliding patch hides the pixel (text: runs of up to 3 words)");
    m.parameters = {whole_parameter("patch", 4, 1, 1024, "side of the square patch (text: words in a run, at most 3)"),
                    whole_parameter("stride", 2, 1, 1024, "step between placements (text: 1)")};
    m.inputs = {InputForm::Image, InputForm::Words};
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        const Tensor& x = call.x;
        if (call.stop > 0) {  // text: a post is a 1 x T image of word ids, blanked with the padding id 0
            const int T = x.dim(1);
            e.relevance = occlusion(network_scorer(call.net), x, call.targets, 1, T, 1,
                                    std::min({call.whole("patch"), 3, T}), 1, 0.0f);
            return e;
        }
        int H = call.options.input.height, W = call.options.input.width;
        if (H == 0) H = x.dim(-2), W = x.dim(-1);
        const int patch = call.whole("patch");
        e.relevance = occlusion(network_scorer(call.net), x, call.targets, H, W, patch, patch, call.whole("stride"));
        return e;
    };
    return m;
}

}  // namespace gb
