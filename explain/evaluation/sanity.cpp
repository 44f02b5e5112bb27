#include "explain/evaluation/sanity.hpp"

#include <cmath>

#include "explain/evaluation/chunks.hpp"
#include "explain/evaluation/similarity.hpp"
#include "util/random.hpp"

namespace gb {
namespace {

// Keeps a copy of every parameter of a network and puts it back when it goes.
class SavedParameters {
public:
    explicit SavedParameters(Sequential& net) : params_(parameter_tensors(net)) {
        for (Tensor& p : params_) values_.push_back(p.values());
    }
    void restore() {
        for (size_t k = 0; k < params_.size(); ++k) params_[k].values() = values_[k];
    }
    ~SavedParameters() { restore(); }

private:
    std::vector<Tensor> params_;
    std::vector<std::vector<float>> values_;
};

}  // namespace

void randomize_parameters(Module& layer, Rng& rng) {
    for (auto& [name, p] : layer.parameters()) {
        double mean = 0, square = 0;
        for (float v : p.values()) mean += v, square += double(v) * v;
        mean /= double(p.numel());
        const double sd = std::sqrt(std::max(0.0, square / double(p.numel()) - mean * mean));
        for (float& v : p.values()) v = float(mean + sd * rng.normal());
    }
}

SanityChecks sanity_checks(Sequential& net, const Tensor& x, const std::string& method, const ExplainOptions& options,
                           uint64_t seed, int height, int width) {
    const size_t B = size_t(x.dim(0));
    Explanation original = explain_in_chunks(net, x, method, options);
    ExplainOptions same_classes = options;
    same_classes.targets = original.targets;
    const size_t row = original.relevance.numel() / B, pixels = size_t(height) * size_t(width);
    SavedParameters saved(net);
    SanityChecks checks;
    for (bool cascading : {true, false}) {
        Rng rng(seed);
        std::vector<SanityStep>& steps = cascading ? checks.cascading : checks.independent;
        for (size_t i = net.size(); i-- > 0;) {
            if (net[i].parameters().empty()) continue;
            if (!cascading) saved.restore();
            randomize_parameters(net[i], rng);
            Explanation random = explain_in_chunks(net, x, method, same_classes);
            SanityStep step;
            step.layer = std::to_string(i) + ": " + net[i].describe();
            for (size_t b = 0; b < B; ++b) {
                auto at = [&](const Explanation& e) {
                    const float* r = e.relevance.data() + b * row;
                    return std::vector<float>(r, r + row);
                };
                std::vector<float> a = at(original), r = at(random), abs_a = a, abs_r = r;
                for (float& v : abs_a) v = std::fabs(v);
                for (float& v : abs_r) v = std::fabs(v);
                step.spearman += spearman(a, r) / double(B);
                step.spearman_abs += spearman(abs_a, abs_r) / double(B);
                step.ssim += pixels > 0 && pixels == row
                                 ? ssim(normalized_magnitude(a), normalized_magnitude(r), height, width) / double(B)
                                 : std::nan("");  // not an image
            }
            steps.push_back(step);
        }
        saved.restore();
    }
    return checks;
}

}  // namespace gb
