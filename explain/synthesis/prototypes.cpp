#include "explain/synthesis/prototypes.hpp"

#include <cmath>
#include <limits>

#include "util/error.hpp"

namespace gb {

Variant variant_named(const std::string& name) {
    if (name == "am") return Variant::L2;
    if (name == "am-expert") return Variant::Expert;
    if (name == "am-generator") return Variant::Generator;
    throw Error("unknown activation maximization variant '" + name + "'; choose am, am-expert or am-generator");
}

std::string variant_name(Variant v) {
    return v == Variant::L2 ? "am" : v == Variant::Expert ? "am-expert" : "am-generator";
}

SynthesisOptions variant_options(Variant v) {
    // Measured on the mlp of tutorial 13 (98.53%): with these, every class's prototype of every variant
    // reaches p >= 0.99 (tutorial 13 prints the figures).
    SynthesisOptions o;
    o.score = SynthesisScore::LogProbability;
    o.start = SynthesisStart::Zero;
    if (v == Variant::L2) {
        o.lambda = 0.001f;
        o.lr = 1.0f;
        o.steps = 200;
    } else if (v == Variant::Expert) {
        // the RBM's gradient (reconstruction - x) / sigma^2 is large: a small weight lets the class term win
        o.lambda = 0.001f;
        o.lr = 1.0f;
        o.steps = 400;
        o.expert_weight = 0.01f;
        o.start = SynthesisStart::Mean;  // from the mean digit: strokes the RBM knows; from 0, broken rings
    } else {
        o.lambda = 0.05f;  // on z: keeps the code where the prior N(0, I) puts digits
        o.lr = 0.1f;
        o.steps = 200;
        o.noise = 1.0f;    // starts from noise in code space are samples of the prior
    }
    return o;
}

LogDensity rbm_log_density(const Rbm& rbm) {
    return [&rbm](const std::vector<float>& x, std::vector<float>* gradient) {
        if (x.size() != size_t(rbm.visible()))
            throw Error("the expert has " + std::to_string(rbm.visible()) + " visible units, the input " +
                        std::to_string(x.size()) + " values");
        std::vector<float> dF(x.size(), 0.0f);
        double f = rbm.free_energy(x.data(), gradient ? dF.data() : nullptr);
        if (gradient)
            for (size_t i = 0; i < x.size(); ++i) (*gradient)[i] -= dF[i];  // d log p / dx = - dF / dx
        return -f;
    };
}

std::pair<int, double> nearest_example(const std::vector<float>& examples, size_t size, const std::vector<float>& x) {
    if (size == 0 || x.size() != size || examples.size() % size != 0)
        throw Error("nearest example: an input of " + std::to_string(x.size()) + " values against examples of " +
                    std::to_string(size));
    int best = -1;
    double best_d2 = std::numeric_limits<double>::infinity();
    for (size_t e = 0; e * size < examples.size(); ++e) {
        const float* row = examples.data() + e * size;
        double d2 = 0;
        for (size_t i = 0; i < size && d2 < best_d2; ++i) d2 += double(row[i] - x[i]) * (row[i] - x[i]);
        if (d2 < best_d2) best_d2 = d2, best = int(e);
    }
    return {best, std::sqrt(best_d2)};
}

}  // namespace gb
