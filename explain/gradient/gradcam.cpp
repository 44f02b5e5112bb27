#include "explain/gradient/gradcam.hpp"

#include <algorithm>
#include <cmath>

#include "explain/method.hpp"
#include "explain/rules/relu_rules.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

namespace gb {

namespace {

// Where the feature maps A^k are: after the last Conv2d and its ReLU; net.size() if there is no Conv2d.
size_t feature_maps_at(Sequential& net) {
    for (size_t i = net.size(); i-- > 0;)
        if (dynamic_cast<Conv2d*>(&net[i])) {
            size_t at = i + 1;
            if (at < net.size() && dynamic_cast<ReLU*>(&net[at])) ++at;  // the maps after the ReLU
            return at;
        }
    return net.size();
}

// Refuses networks without a convolution, and layers after it that `family` does not cover.
Refusal needs_convolution(RuleFamily family) {
    return [family](Sequential& net, size_t, InputForm form, const InputInfo& input) -> std::string {
        const size_t at = feature_maps_at(net);
        if (at == net.size()) return "needs a convolutional layer, and this model has none (use a CNN such as lenet)";
        return walks_with(family)(net, at, form, input);
    };
}

}  // namespace

Tensor gradcam_map(Sequential& net, const Tensor& x, const std::vector<int>& targets) {
    const size_t stop = feature_maps_at(net);
    if (stop == net.size())
        throw Error("gradcam needs a convolutional layer, and this model has none (use a CNN such as lenet)");
    GradientRule gradient;
    Propagation p = propagate(net, x, targets, gradient, false, nullptr, stop);
    const Tensor &dA = p.signal, &A = p.activation;  // (B, K, h, w)
    const int B = A.dim(0), K = A.dim(1), h = A.dim(2), w = A.dim(3);
    const size_t plane = size_t(h) * w;
    Tensor L(Shape{B, h, w});
    for (int b = 0; b < B; ++b)
        for (int k = 0; k < K; ++k) {
            const size_t at = (size_t(b) * K + size_t(k)) * plane;
            double alpha = 0;  // alpha_k = mean of df/dA^k
            for (size_t i = 0; i < plane; ++i) alpha += dA.values()[at + i];
            alpha /= double(plane);
            for (size_t i = 0; i < plane; ++i) L.values()[size_t(b) * plane + i] += float(alpha) * A.values()[at + i];
        }
    for (float& v : L.values()) v = std::max(0.0f, v);  // L = ReLU(sum_k alpha_k A^k)
    return L;
}

Tensor upsample_bilinear(const Tensor& maps, int H, int W) {
    const int B = maps.dim(0), h = maps.dim(1), w = maps.dim(2);
    Tensor out(Shape{B, H, W});
    auto source = [](int dst, int from, int to) {  // the source coordinate of a pixel centre, clamped
        return std::clamp((dst + 0.5f) * float(from) / float(to) - 0.5f, 0.0f, float(from - 1));
    };
    for (int b = 0; b < B; ++b)
        for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j) {
                float y = source(i, h, H), x = source(j, w, W);
                int y0 = int(y), x0 = int(x), y1 = std::min(y0 + 1, h - 1), x1 = std::min(x0 + 1, w - 1);
                float dy = y - float(y0), dx = x - float(x0);
                const float* m = maps.data() + size_t(b) * h * w;
                float top = m[y0 * w + x0] * (1 - dx) + m[y0 * w + x1] * dx;
                float bottom = m[y1 * w + x0] * (1 - dx) + m[y1 * w + x1] * dx;
                out.values()[(size_t(b) * H + size_t(i)) * W + size_t(j)] = top * (1 - dy) + bottom * dy;
            }
    return out;
}

Tensor gradcam(Sequential& net, const Tensor& x, const std::vector<int>& targets) {
    Tensor map = gradcam_map(net, x, targets);
    if (x.ndim() != 4) throw Error("gradcam needs image inputs (B, C, H, W), got " + shape_str(x.shape()));
    const int C = x.dim(1), H = x.dim(2), W = x.dim(3);
    Tensor up = upsample_bilinear(map, H, W);
    Tensor r(x.shape());
    for (size_t k = 0; k < r.numel(); ++k) {
        size_t b = k / (size_t(C) * H * W), pixel = k % (size_t(H) * W);
        r.values()[k] = up.values()[b * size_t(H) * W + pixel];
    }
    return r;
}

Tensor guided_gradcam(Sequential& net, const Tensor& x, const std::vector<int>& targets) {
    Tensor cam = gradcam(net, x, targets);
    GuidedBackpropRule guided;
    Tensor r = propagate(net, x, targets, guided).signal;
    for (size_t k = 0; k < r.numel(); ++k) r.values()[k] *= cam.values()[k];
    return r;
}

Method gradcam_method() {
    Method m("gradcam", Family::Gradient, "Selvaraju et al. 2017, Grad-CAM",
             "ReLU(sum_k alpha_k A^k) at the last convolution, alpha_k the mean gradient of map k; upsampled");
    m.inputs = {InputForm::Image};
    m.refusal = needs_convolution(RuleFamily::Gradient);
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        e.relevance = gradcam(call.net, call.x, call.targets);
        return e;
    };
    return m;
}

Method guided_gradcam_method() {
    Method m = gradcam_method();
    m.name = "guided-gradcam";
    m.summary = "guided backprop times the upsampled Grad-CAM map";
    m.refusal = [](Sequential& net, size_t stop, InputForm form, const InputInfo& input) {
        std::string why = needs_convolution(RuleFamily::Gradient)(net, stop, form, input);
        return why.empty() ? walks_with(RuleFamily::ReluModified)(net, stop, form, input) : why;
    };
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        e.relevance = guided_gradcam(call.net, call.x, call.targets);
        return e;
    };
    return m;
}

}  // namespace gb
