#include "explain/propagation.hpp"

#include <algorithm>

#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {

Tensor layer_gradient(const LayerPass& pass, const Tensor& upstream) {
    if (pass.output.shape() != upstream.shape())
        throw Error("propagation: layer " + pass.layer.describe() + " gives " + shape_str(pass.output.shape()) +
                    ", the signal has shape " + shape_str(upstream.shape()));
    Tensor input = pass.input, output = pass.output;
    input.zero_grad();
    output.zero_grad();
    output.backward(upstream.values());
    if (input.grad().empty()) return Tensor(input.shape());  // nothing flows back (e.g. a constant output)
    return Tensor(input.shape(), input.grad());
}

Tensor GradientRule::propagate(const LayerPass& pass, const Tensor& upstream) const {
    return layer_gradient(pass, upstream);
}

TraceStep trace_step(const std::string& layer, const Shape& shape, const std::vector<float>& signal) {
    TraceStep t{layer, shape, 0, 0, 0, signal};
    for (float v : signal) (v > 0 ? t.positive : t.negative) += v;
    t.sum = t.positive + t.negative;
    return t;
}

Tensor forward_until(Sequential& net, const Tensor& x, size_t stop) {
    InferenceScope inference(net);
    Tensor h = x.detach();
    for (size_t i = 0; i < stop; ++i) h = net[i].forward(h);
    return h.detach();
}

size_t explainable_start(Sequential& net) {
    for (size_t i = 0; i < net.size(); ++i)
        if (dynamic_cast<Embedding*>(&net[i])) return i + 1;
    return 0;
}

Propagation propagate(Sequential& net, const Tensor& x, std::vector<int> targets, const Rule& rule, bool trace,
                      const Filter* filter, size_t stop, size_t start) {
    stop = std::max(stop, start);
    InferenceScope inference(net);  // the walk needs only the signal, no weight gradients
    // 1. forward, recording each layer's input (each a leaf of its layer's graph)
    std::vector<LayerPass> passes;  // passes[i] for layers i >= start
    Tensor h = x.detach();
    for (size_t i = 0; i < net.size(); ++i) {
        if (i < start) {
            passes.push_back({i, net[i], Tensor(), Tensor()});
            continue;
        }
        Tensor input = h.detach().set_requires_grad();
        passes.push_back({i, net[i], input, net[i].forward(input)});
        h = passes.back().output;
    }
    h = h.detach();
    Propagation p;
    p.logits = h;
    if (h.ndim() != 2) throw Error("propagation: the network's output must be (batch, classes), got " + shape_str(h.shape()));
    const int B = h.dim(0), C = h.dim(1);
    if (targets.size() != size_t(B))
        throw Error("propagation: " + std::to_string(targets.size()) + " targets for a batch of " + std::to_string(B));
    // 2. the seed: one-hot on each example's explained logit
    Tensor signal(h.shape());
    for (int b = 0; b < B; ++b) {
        int& c = targets[size_t(b)];
        const float* row = h.data() + size_t(b) * C;
        if (c < 0) c = int(std::max_element(row, row + C) - row);
        if (c >= C)
            throw Error("target class " + std::to_string(c) + " does not exist; the model has classes 0-" +
                        std::to_string(C - 1));
        signal.values()[size_t(b) * C + size_t(c)] = rule.seeds_with_logit() ? row[c] : 1.0f;
    }
    p.targets = targets;
    if (trace) p.trace.push_back(trace_step("output", signal.shape(), signal.values()));
    if (filter && (filter->layer < stop || filter->layer >= net.size()))
        throw Error("filter: there is no layer " + std::to_string(filter->layer) + " to filter at; the network has layers " +
                    std::to_string(stop) + "-" + std::to_string(net.size() - 1));
    // 3. backwards through the layers
    for (size_t i = net.size(); i-- > stop;) {
        if (filter && filter->layer == i) {
            const size_t per_example = signal.numel() / size_t(B), units = size_t(signal.dim(1));
            const size_t per_unit = per_example / units;  // e.g. the H*W positions of a feature map
            std::vector<float> keep(units, 0.0f);
            for (int u : filter->units) {
                if (u < 0 || size_t(u) >= units)
                    throw Error("filter: layer " + std::to_string(i) + " (" + net[i].describe() + ") has units 0-" +
                                std::to_string(units - 1) + ", not " + std::to_string(u));
                keep[size_t(u)] = 1.0f;
            }
            for (size_t k = 0; k < signal.numel(); ++k) signal.values()[k] *= keep[k % per_example / per_unit];
        }
        const Rule& here = rule.at(passes[i]);
        require_support(here.name(), here.family(), net[i]);
        signal = here.propagate(passes[i], signal);
        if (trace) p.trace.push_back(trace_step(i == 0 ? "input" : "after " + net[i - 1].describe(), signal.shape(), signal.values()));
    }
    p.signal = signal;
    p.activation = passes[stop].input.detach();
    p.stopped_at = stop;
    return p;
}

}  // namespace gb
