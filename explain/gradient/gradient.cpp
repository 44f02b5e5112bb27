// gradient.cpp: the gradient of the explained logit f and the two maps read
// off it directly, by one backward walk with the chain rule at every layer.
//
//   gradient          R_i = df/dx_i          (Baehrens et al. 2010; Simonyan et al. 2014)
//   sensitivity       R_i = (df/dx_i)^2      (Baehrens et al. 2010; Simonyan et al. 2014)
//   gradient-x-input  R_i = x_i df/dx_i      (Shrikumar et al. 2016; on ReLU networks without
//                                             biases, equal to LRP-0)
//
// Text models are explained at their embeddings, summed per word.
#include "explain/method.hpp"

namespace gb {
namespace {

// A method whose relevance is relevance(g_i, x_i) of the gradient g and the input x.
Method read_off_gradient(std::string name, std::string paper, std::string summary, float (*relevance)(float, float)) {
    Method m(std::move(name), Family::Gradient, std::move(paper), std::move(summary));
    m.inputs = kEveryInput;
    m.refusal = walks_with(RuleFamily::Gradient);
    m.propagates = true;
    m.run = [relevance](const MethodCall& call) {
        Propagation p = walk(call, GradientRule());
        Explanation e = explanation_of(call, p);
        Tensor r = p.signal;
        if (relevance)
            for (size_t k = 0; k < r.numel(); ++k) r.values()[k] = relevance(r.values()[k], p.activation.values()[k]);
        e.relevance = per_input(r, call.stop);
        return e;
    };
    return m;
}

}  // namespace

Method gradient_method() {
    return read_off_gradient("gradient", "Baehrens et al. 2010; Simonyan et al. 2014", "R_i = df/dx_i", nullptr);
}

Method sensitivity_method() {
    return read_off_gradient("sensitivity", "Baehrens et al. 2010; Simonyan et al. 2014", "R_i = (df/dx_i)^2",
                             [](float g, float) { return g * g; });
}

Method gradient_x_input_method() {
    return read_off_gradient("gradient-x-input", "Shrikumar et al. 2016", "R_i = x_i df/dx_i",
                             [](float g, float x) { return g * x; });
}

}  // namespace gb
