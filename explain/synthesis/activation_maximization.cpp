#include "explain/synthesis/activation_maximization.hpp"

#include <algorithm>
#include <cmath>

#include "nn/ops.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {
namespace {

double squared_norm(const std::vector<float>& v) {
    double s = 0;
    for (float a : v) s += double(a) * a;
    return s;
}

// The layer whose output the score reads, checked.
int score_layer(const Sequential& net, const SynthesisOptions& o) {
    int last = int(net.size()) - 1;
    bool at_output = o.score == SynthesisScore::LogProbability || o.score == SynthesisScore::Logit;
    if (at_output || o.layer == -1) return last;
    if (o.layer < 0 || o.layer > last)
        throw Error("layer " + std::to_string(o.layer) + " does not exist: the model has layers 0 to " +
                    std::to_string(last));
    return o.layer;
}

// Picks the scored value out of a layer's output h (1, ...): a one-hot (or a
// feature map's 1/(H W) mask) times h, summed, so that the gradient flows.
Tensor pick(const Tensor& h, int unit, int layer, bool at_output) {
    int units = h.ndim() >= 2 ? h.dim(1) : 1;
    std::string range = " (0 to " + std::to_string(units - 1) + ")";
    if ((unit < 0 || unit >= units) && at_output)
        throw Error("class " + std::to_string(unit) + " does not exist: the model has " + std::to_string(units) +
                    " classes" + range);
    if (unit < 0 || unit >= units)
        throw Error("unit " + std::to_string(unit) + " does not exist: layer " + std::to_string(layer) + " has " +
                    std::to_string(units) + (h.ndim() > 2 ? " feature maps" : " units") + range);
    Tensor mask(h.shape());
    size_t per_unit = h.numel() / size_t(units);
    std::fill(mask.data() + size_t(unit) * per_unit, mask.data() + size_t(unit + 1) * per_unit, 1.0f / float(per_unit));
    return sum(mul(h, mask));
}

// One evaluation of J at the current variable v (an input, or a code).
struct Evaluation {
    double objective, score, probability, logit;
    std::vector<float> x, gradient;  // the input g(v) or v, and dJ/dv
};

Evaluation evaluate(Sequential& net, const Shape& input_shape, const SynthesisOptions& o, int layer,
                    const std::vector<float>& v) {
    Evaluation e;
    Tensor z, xg;
    if (o.generator) {
        z = Tensor(Shape{1, o.code_size}, v);
        z.set_requires_grad();
        xg = o.generator->forward(z);
        e.x = xg.values();
    } else {
        e.x = v;
    }
    Shape shape{1};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    Tensor x(shape, e.x);
    x.set_requires_grad();
    Tensor h = x, at_layer;
    for (size_t i = 0; i < net.size(); ++i) {
        h = net[i].forward(h);
        if (int(i) == layer) at_layer = h;
    }
    const Tensor& logits = h;  // (1, classes)
    int classes = logits.dim(-1);
    bool at_output = o.score == SynthesisScore::LogProbability || o.score == SynthesisScore::Logit;
    Tensor s;
    if (o.score == SynthesisScore::LogProbability) s = pick(log_softmax(logits), o.unit, layer, true);
    else if (o.score == SynthesisScore::Logit) s = pick(logits, o.unit, layer, true);
    else if (o.score == SynthesisScore::Unit) s = pick(at_layer, o.unit, layer, false);
    else {
        // - ||phi(x) - phi0||^2 / ||phi0||^2
        Tensor flat = reshape(at_layer, {1, -1});
        if (size_t(flat.numel()) != o.target.size())
            throw Error("the representation to invert has " + std::to_string(o.target.size()) + " values, layer " +
                        std::to_string(layer) + " gives " + std::to_string(flat.numel()));
        Tensor d = sub(flat, Tensor(Shape{1, int(o.target.size())}, o.target));
        s = scale(sum(mul(d, d)), float(-1.0 / std::max(squared_norm(o.target), 1e-12)));
    }
    s.backward();
    e.score = s.item();
    e.gradient = x.grad().empty() ? std::vector<float>(e.x.size(), 0.0f) : x.grad();
    double objective = e.score;
    // the class of interest at the output (class 0 when a hidden unit or a representation is scored)
    int c = at_output && o.unit < classes ? o.unit : 0;
    double top = *std::max_element(logits.data(), logits.data() + classes), total = 0;
    for (int k = 0; k < classes; ++k) total += std::exp(double(logits.data()[k]) - top);
    e.logit = logits.data()[c];
    e.probability = std::exp(e.logit - top) / total;

    if (o.expert) {  // + w_e log p(x)
        std::vector<float> g(e.x.size(), 0.0f);
        objective += o.expert_weight * o.expert(e.x, &g);
        for (size_t i = 0; i < g.size(); ++i) e.gradient[i] += o.expert_weight * g[i];
    }
    if (o.eta > 0) {  // - eta ||x - x0||^2
        for (size_t i = 0; i < e.x.size(); ++i) {
            float d = e.x[i] - o.anchor[i];
            objective -= double(o.eta) * d * d;
            e.gradient[i] -= 2 * o.eta * d;
        }
    }
    if (o.tv_weight > 0) objective -= o.tv_weight * total_variation(e.x, o.tv_height, o.tv_width, &e.gradient, -o.tv_weight);
    if (o.generator) {  // chain rule through g, then - lambda ||z||^2
        xg.backward(e.gradient);
        e.gradient = z.grad().empty() ? std::vector<float>(v.size(), 0.0f) : z.grad();
    }
    objective -= o.lambda * squared_norm(v);
    for (size_t i = 0; i < v.size(); ++i) e.gradient[i] -= 2 * o.lambda * v[i];
    e.objective = objective;
    return e;
}

}  // namespace

double total_variation(const std::vector<float>& x, int height, int width, std::vector<float>* gradient, float scale) {
    if (height < 1 || width < 1 || x.size() % (size_t(height) * size_t(width)) != 0)
        throw Error("total variation: " + std::to_string(x.size()) + " values are not planes of " +
                    std::to_string(height) + " x " + std::to_string(width));
    double tv = 0;
    size_t plane = size_t(height) * size_t(width);
    for (size_t p = 0; p < x.size(); p += plane)
        for (int i = 0; i < height; ++i)
            for (int j = 0; j < width; ++j) {
                size_t at = p + size_t(i) * size_t(width) + size_t(j);
                for (size_t next : {j + 1 < width ? at + 1 : at, i + 1 < height ? at + size_t(width) : at}) {
                    if (next == at) continue;
                    float d = x[next] - x[at];
                    tv += double(d) * d;
                    if (gradient) {
                        (*gradient)[next] += scale * 2 * d;
                        (*gradient)[at] -= scale * 2 * d;
                    }
                }
            }
    return tv;
}

std::vector<float> layer_output(Sequential& net, const Shape& input_shape, const std::vector<float>& x, int layer) {
    if (layer < 0 || layer >= int(net.size()))
        throw Error("layer " + std::to_string(layer) + " does not exist: the model has layers 0 to " +
                    std::to_string(int(net.size()) - 1));
    net.set_training(false);
    Shape shape{1};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    Tensor h(shape, x);
    for (int i = 0; i <= layer; ++i) h = net[size_t(i)].forward(h);
    return h.values();
}

Prototype synthesize(Sequential& net, const Shape& input_shape, const SynthesisOptions& o) {
    size_t inputs = numel(input_shape);
    if (net.size() == 0) throw Error("activation maximization needs a network with at least one layer");
    if (o.steps < 0 || !(o.lr > 0) || !(o.lambda >= 0)) throw Error("activation maximization needs steps >= 0, lr > 0 and lambda >= 0");
    int layer = score_layer(net, o);
    net.set_training(false);
    size_t size = inputs;
    if (o.generator) {
        if (o.code_size < 1) throw Error("a generator needs its code size");
        o.generator->set_training(false);
        Tensor probe = o.generator->forward(Tensor(Shape{1, o.code_size}));
        if (probe.numel() != inputs)
            throw Error("the generator makes inputs of " + std::to_string(probe.numel()) + " values, the model takes " +
                        std::to_string(inputs) + " (" + shape_str(input_shape) + "); use a generator trained for it");
        size = size_t(o.code_size);
    }
    if (o.eta > 0 && o.anchor.size() != inputs)
        throw Error("the local variant needs an example x0 of " + std::to_string(inputs) + " values");
    if (o.start == SynthesisStart::Mean && o.mean.size() != size)
        throw Error("the mean start needs " + std::to_string(size) + " values, got " + std::to_string(o.mean.size()));

    // the start: zero, the mean, or noise around the mean (or around 0)
    std::vector<float> v(size, 0.0f);
    if (o.start != SynthesisStart::Zero && o.mean.size() == size) v = o.mean;
    bool project = !o.generator && o.lo <= o.hi;
    if (o.start == SynthesisStart::Noise) {
        Rng rng(o.seed);
        for (float& a : v) a += o.noise * rng.normal();
    }
    if (project)
        for (float& a : v) a = std::clamp(a, o.lo, o.hi);

    Prototype p;
    for (int t = 0;; ++t) {
        Evaluation e = evaluate(net, input_shape, o, layer, v);
        if (o.trace) p.trace.push_back({t, e.objective, e.probability, std::sqrt(squared_norm(e.x))});
        if (t == o.steps) {
            p.input = e.x;
            p.objective = e.objective;
            p.score = e.score;
            p.probability = e.probability;
            p.logit = e.logit;
            break;
        }
        for (size_t i = 0; i < v.size(); ++i) {  // ascent, then the projection onto [lo, hi]
            v[i] += o.lr * e.gradient[i];
            if (project) v[i] = std::clamp(v[i], o.lo, o.hi);
        }
    }
    if (o.generator) p.code = v;
    return p;
}

std::vector<Prototype> synthesize_several(Sequential& net, const Shape& input_shape, SynthesisOptions options,
                                          int count) {
    std::vector<Prototype> all;
    uint64_t seed = options.seed;
    SynthesisStart first = options.start;
    for (int k = 0; k < count; ++k) {
        options.seed = seed + uint64_t(k);
        options.start = k == 0 ? first : SynthesisStart::Noise;
        all.push_back(synthesize(net, input_shape, options));
    }
    return all;
}

}  // namespace gb
