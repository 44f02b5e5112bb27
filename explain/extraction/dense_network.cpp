#include "explain/extraction/dense_network.hpp"

#include <algorithm>

#include "nn/layers.hpp"
#include "nn/ops.hpp"
#include "util/error.hpp"

namespace gb {

DenseNetwork::DenseNetwork(Model& model) {
    Sequential& net = model.net;
    for (size_t i = 0; i < net.size(); ++i) {
        Module& m = net[i];
        if (auto* linear = dynamic_cast<Linear*>(&m)) {
            if (!layers_.empty() && !layers_.back().relu)
                throw Error("rule extraction reads networks of Linear layers with ReLU between them; layer " +
                            std::to_string(i) + " (" + m.describe() + ") follows a Linear layer without ReLU");
            DenseLayer d;
            d.in = linear->in_features(), d.out = linear->out_features();
            d.weight = linear->weight().values();
            d.bias = linear->bias().values();
            layers_.push_back(std::move(d));
        } else if (dynamic_cast<ReLU*>(&m)) {
            if (layers_.empty() || layers_.back().relu)
                throw Error("rule extraction reads networks of Linear layers with ReLU between them; layer " +
                            std::to_string(i) + " is a ReLU that does not follow a Linear layer");
            layers_.back().relu = true;
        } else if (!dynamic_cast<Dropout*>(&m)) {
            throw Error("rule extraction (DeepRED, CRED, pedagogical) reads multilayer perceptrons of Linear "
                        "and ReLU layers, and layer " + std::to_string(i) + " of " + model.name + " is " +
                        m.describe() + "; train an MLP (--model mlp or tab-mlp)");
        }
    }
    if (layers_.empty()) throw Error("the model has no Linear layer to extract rules from");
    if (layers_.back().relu)
        throw Error("the last layer of the network is a ReLU; rule extraction needs the output logits of a Linear layer");
}

Activations DenseNetwork::forward(const float* x, int rows) const {
    Activations a;
    a.rows = rows;
    a.units.push_back(inputs());
    a.values.emplace_back(x, x + size_t(rows) * size_t(inputs()));
    for (const DenseLayer& layer : layers_) {
        Tensor h(Shape{rows, layer.in}, a.values.back());
        Tensor w(Shape{layer.out, layer.in}, layer.weight), b(Shape{layer.out}, layer.bias);
        Tensor z = linear(h, w, b);  // (rows, out) = h W^T + b
        if (layer.relu) z = relu(z);
        a.units.push_back(layer.out);
        a.values.push_back(z.values());
    }
    return a;
}

namespace {

int argmax(const float* v, int n) { return int(std::max_element(v, v + n) - v); }

}  // namespace

std::vector<int> DenseNetwork::decisions(const float* x, int rows, int target_class) const {
    if (target_class < 0 || target_class >= outputs())
        throw Error("class " + std::to_string(target_class) + " is not an output of the network (0.." +
                    std::to_string(outputs() - 1) + ")");
    std::vector<int> out(static_cast<size_t>(rows));
    const int chunk = 4096;
    for (int start = 0; start < rows; start += chunk) {
        int n = std::min(chunk, rows - start);
        Activations a = forward(x + size_t(start) * size_t(inputs()), n);
        for (int i = 0; i < n; ++i)
            out[size_t(start + i)] = argmax(a.values.back().data() + size_t(i) * size_t(outputs()), outputs()) == target_class;
    }
    return out;
}

std::vector<char> DenseNetwork::relevant_inputs(const float* x, int rows, int target_class, int tolerance) const {
    // Setting x_j to 0 changes the first layer's pre-activations by -W[:, j] x_j: only the rows with
    // x_j != 0 change, and only from the first layer on.
    if (target_class < 0 || target_class >= outputs())
        throw Error("class " + std::to_string(target_class) + " is not an output of the network");
    const DenseLayer& first = layers_.front();
    std::vector<float> z(size_t(rows) * size_t(first.out));
    for (int i = 0; i < rows; ++i)
        for (int o = 0; o < first.out; ++o) {
            double s = first.bias[size_t(o)];
            for (int j = 0; j < first.in; ++j)
                s += double(first.weight[size_t(o) * size_t(first.in) + size_t(j)]) * x[size_t(i) * size_t(first.in) + size_t(j)];
            z[size_t(i) * size_t(first.out) + size_t(o)] = float(s);
        }
    // The decision from the first layer's pre-activations h on.
    std::vector<float> next;
    auto decide = [&](std::vector<float> h) {
        for (size_t k = 0;; ++k) {
            if (layers_[k].relu)
                for (float& a : h) a = std::max(a, 0.0f);
            if (k + 1 == layers_.size()) break;
            const DenseLayer& l = layers_[k + 1];
            next.assign(size_t(l.out), 0.0f);
            for (int o = 0; o < l.out; ++o) {
                float s = l.bias[size_t(o)];
                for (int p = 0; p < l.in; ++p) s += l.weight[size_t(o) * size_t(l.in) + size_t(p)] * h[size_t(p)];
                next[size_t(o)] = s;
            }
            h.swap(next);
        }
        return argmax(h.data(), int(h.size())) == target_class;
    };
    std::vector<char> base(static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i)
        base[size_t(i)] = decide(std::vector<float>(z.begin() + long(i) * first.out, z.begin() + long(i + 1) * first.out));
    std::vector<char> keep(size_t(first.in), 0);
    std::vector<float> h;
    for (int j = 0; j < first.in; ++j) {
        int changed = 0;
        for (int i = 0; i < rows && changed <= tolerance; ++i) {
            float v = x[size_t(i) * size_t(first.in) + size_t(j)];
            if (v == 0) continue;
            h.assign(z.begin() + long(i) * first.out, z.begin() + long(i + 1) * first.out);
            for (int o = 0; o < first.out; ++o) h[size_t(o)] -= first.weight[size_t(o) * size_t(first.in) + size_t(j)] * v;
            changed += decide(h) != bool(base[size_t(i)]);
        }
        keep[size_t(j)] = changed > tolerance;
    }
    return keep;
}

}  // namespace gb
