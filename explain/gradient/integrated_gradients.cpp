// integrated_gradients.cpp: integrated gradients (Sundararajan, Taly, Yan
// 2017), by the right Riemann sum over m points of the straight path from
// the baseline x' to x:
//   R_i = (x_i - x'_i) * 1/m sum_{k=1..m} df/dx_i (x' + k/m (x - x')).
// Completeness says sum_i R_i = f(x) - f(x'); the gap f(x) - f(x') - sum_i R_i,
// which shrinks as m grows, is reported ("completeness_gap"). Text models
// are explained at their embeddings with x' = 0 (the padding's embedding),
// summed per word.
#include "explain/method.hpp"
#include "util/error.hpp"

namespace gb {

Method integrated_gradients_method() {
    Method m("integrated-gradients", Family::Gradient,
             "Sundararajan, Taly, Yan 2017, axiomatic attribution for deep networks",
             "(x - x') times the gradient averaged along the path from x' to x, with the completeness gap");
    m.parameters = {whole_parameter("samples", 50, 1, 100000, "steps of the Riemann sum along the path"),
                    choice_parameter("baseline", "zero", {"zero", "mean"}, "x': zero or the mean training input")};
    m.inputs = kEveryInput;
    m.refusal = walks_with(RuleFamily::Gradient);
    m.run = [](const MethodCall& call) {
        const int steps = call.whole("samples");
        const Tensor x = forward_until(call.net, call.x, call.stop);  // text: the embeddings
        const size_t B = size_t(x.dim(0)), per_example = x.numel() / B;
        const bool mean = call.stop == 0 && call.choice("baseline") == "mean";
        const std::vector<float>& baseline = call.options.input.mean;
        if (mean && baseline.size() != per_example)
            throw Error("integrated gradients: the baseline has " + std::to_string(baseline.size()) +
                        " values, an input has " + std::to_string(per_example) +
                        " (set the mean input of the data, InputInfo::mean)");
        auto base = [&](size_t i) { return mean ? baseline[i % per_example] : 0.0f; };
        GradientRule gradient;
        auto at = [&](const Tensor& point) {
            return propagate(call.net, point, call.targets, gradient, false, nullptr, call.stop, call.stop);
        };
        Tensor sum(x.shape());
        for (int k = 1; k <= steps; ++k) {  // sum_k df/dx (x' + k/m (x - x'))
            Tensor point(x.shape());
            for (size_t i = 0; i < x.numel(); ++i)
                point.values()[i] = base(i) + float(k) / float(steps) * (x.values()[i] - base(i));
            Tensor g = at(point).signal;
            for (size_t i = 0; i < sum.numel(); ++i) sum.values()[i] += g.values()[i];
        }
        Tensor r(x.shape());
        for (size_t i = 0; i < r.numel(); ++i) r.values()[i] = (x.values()[i] - base(i)) * sum.values()[i] / float(steps);
        Tensor origin(x.shape());
        for (size_t i = 0; i < x.numel(); ++i) origin.values()[i] = base(i);
        Propagation at_x = at(x), at_base = at(origin);
        Explanation e = explanation_of(call, at_x);
        const int C = at_x.logits.dim(1);
        Diagnostic gap{"completeness_gap", {}};  // f(x) - f(x') - sum_i R_i
        for (size_t b = 0; b < B; ++b) {
            double total = 0;
            for (size_t i = 0; i < per_example; ++i) total += r.values()[b * per_example + i];
            size_t c = b * size_t(C) + size_t(at_x.targets[b]);
            gap.values.push_back(float(double(at_x.logits.values()[c]) - at_base.logits.values()[c] - total));
        }
        e.diagnostics.push_back(gap);
        e.relevance = per_input(r, call.stop);
        return e;
    };
    return m;
}

}  // namespace gb
