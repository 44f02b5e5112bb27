// saliency.cpp: the saliency map of Simonyan, Vedaldi and Zisserman (2014),
// the gradient's magnitude, the largest over the colour channels:
//   M_ij = max_c |df/dx_cij|
// (the same map in every channel; on one-channel images, |df/dx_i|).
#include <algorithm>
#include <cmath>

#include "explain/method.hpp"

namespace gb {

Method saliency_method() {
    Method m("saliency", Family::Gradient, "Simonyan, Vedaldi, Zisserman 2014, deep inside convolutional networks",
             "M_ij = max_c |df/dx_cij|");
    m.inputs = {InputForm::Image};
    m.refusal = walks_with(RuleFamily::Gradient);
    m.propagates = true;  // one backward walk: --trace and --filter apply
    m.run = [](const MethodCall& call) {
        Propagation p = walk(call, GradientRule());
        Explanation e = explanation_of(call, p);
        const Tensor& g = p.signal;  // (B, C, H, W), or (B, H * W) for flat images
        const size_t B = size_t(g.dim(0)), C = g.ndim() == 4 ? size_t(g.dim(1)) : 1, plane = g.numel() / B / C;
        e.relevance = Tensor(g.shape());
        for (size_t b = 0; b < B; ++b)
            for (size_t i = 0; i < plane; ++i) {
                float largest = 0;
                for (size_t c = 0; c < C; ++c) largest = std::max(largest, std::fabs(g.values()[(b * C + c) * plane + i]));
                for (size_t c = 0; c < C; ++c) e.relevance.values()[(b * C + c) * plane + i] = largest;
            }
        return e;
    };
    return m;
}

}  // namespace gb
