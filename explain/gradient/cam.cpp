#include "explain/gradient/cam.hpp"

#include "explain/gradient/gradcam.hpp"
#include "explain/method.hpp"
#include "explain/propagation.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

namespace gb {

namespace {

// Where global average pooling sits: the layer before the last one (a Dropout between them is skipped);
// net.size() if the network does not end that way.
size_t pooling_at(Sequential& net) {
    if (net.size() < 2 || !dynamic_cast<Linear*>(&net[net.size() - 1])) return net.size();
    size_t i = net.size() - 2;
    if (dynamic_cast<Dropout*>(&net[i]) && i > 0) --i;
    return dynamic_cast<GlobalAvgPool2d*>(&net[i]) ? i : net.size();
}

}  // namespace

std::string cam_refusal(Sequential& net) {
    if (pooling_at(net) < net.size()) return "";
    return "needs global average pooling right before the last linear layer, and this model has none "
           "(train one with --model allconv-gap; gradcam explains other CNNs)";
}

Tensor cam_map(Sequential& net, const Tensor& x, const std::vector<int>& targets) {
    const size_t at = pooling_at(net);
    if (at == net.size()) throw Error("cam " + cam_refusal(net));
    const Tensor A = forward_until(net, x, at);  // (B, K, h, w)
    const Tensor& w = dynamic_cast<Linear&>(net[net.size() - 1]).weight();  // (classes, K)
    const int B = A.dim(0), K = A.dim(1), h = A.dim(2), wd = A.dim(3), classes = w.dim(0);
    const size_t plane = size_t(h) * wd;
    Tensor M(Shape{B, h, wd});
    for (int b = 0; b < B; ++b) {
        const int c = targets.at(size_t(b));
        if (c < 0 || c >= classes) throw Error("cam: class " + std::to_string(c) + " is not one of the model's " +
                                               std::to_string(classes));
        for (int k = 0; k < K; ++k) {  // M_c = sum_k w_ck A^k
            const float wck = w.values()[size_t(c) * K + size_t(k)];
            const float* a = A.data() + (size_t(b) * K + size_t(k)) * plane;
            for (size_t i = 0; i < plane; ++i) M.values()[size_t(b) * plane + i] += wck * a[i];
        }
    }
    return M;
}

Method cam_method() {
    Method m("cam", Family::Gradient, "Zhou et al. 2016, learning deep features for discriminative localization",
             "sum_k w_ck A^k, the last linear layer's weights on the maps before global average pooling; upsampled");
    m.inputs = {InputForm::Image};
    m.refusal = [](Sequential& net, size_t, InputForm, const InputInfo&) { return cam_refusal(net); };
    m.run = [](const MethodCall& call) {
        Explanation e = forward_explanation(call);
        const Tensor& x = call.x;
        if (x.ndim() != 4) throw Error("cam needs image inputs (B, C, H, W), got " + shape_str(x.shape()));
        const int C = x.dim(1), H = x.dim(2), W = x.dim(3);
        const Tensor up = upsample_bilinear(cam_map(call.net, x, call.targets), H, W);
        e.relevance = Tensor(x.shape());  // the same map in every channel
        for (size_t k = 0; k < e.relevance.numel(); ++k)
            e.relevance.values()[k] = up.values()[k / (size_t(C) * H * W) * size_t(H) * W + k % (size_t(H) * W)];
        return e;
    };
    return m;
}

}  // namespace gb
