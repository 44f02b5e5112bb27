#include "nn/models.hpp"

#include "nn/layers.hpp"
#include "util/error.hpp"

namespace gb {

const std::vector<std::string>& model_names() {
    static const std::vector<std::string> names{"mlp"};
    return names;
}

Model make_model(const std::string& name, uint64_t seed) {
    Rng rng(seed);
    Model m;
    m.name = name;
    if (name == "mlp") {
        m.input_shape = {784};
        m.net.emplace<Linear>(784, 300, rng).emplace<ReLU>();
        m.net.emplace<Linear>(300, 100, rng).emplace<ReLU>();
        m.net.emplace<Linear>(100, 10, rng);
        return m;
    }
    std::string known;
    for (auto& n : model_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown model '" + name + "'; choose one of: " + known);
}

}  // namespace gb
