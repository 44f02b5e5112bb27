#include "nn/models.hpp"

#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "util/error.hpp"

namespace gb {

const std::vector<std::string>& model_names() {
    static const std::vector<std::string> names{"mlp", "lenet", "lenet-sum"};
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
    if (name == "lenet" || name == "lenet-sum") {
        // LeNet-5 (LeCun et al. 1998) with ReLU: 28x28 -> conv 5x5 (pad 2) -> 6@28x28 -> pool -> 6@14x14
        // -> conv 5x5 -> 16@10x10 -> pool -> 16@5x5 -> 120 -> 84 -> 10
        auto pool = [&]() -> std::unique_ptr<Module> {
            if (name == "lenet") return std::make_unique<MaxPool2d>(2, 2);
            return std::make_unique<SumPool2d>(2, 2);
        };
        m.input_shape = {1, 28, 28};
        m.net.emplace<Conv2d>(1, 6, 5, rng, 1, 2).emplace<ReLU>().add(pool());
        m.net.emplace<Conv2d>(6, 16, 5, rng).emplace<ReLU>().add(pool());
        m.net.emplace<Flatten>().emplace<Linear>(400, 120, rng).emplace<ReLU>();
        m.net.emplace<Linear>(120, 84, rng).emplace<ReLU>().emplace<Linear>(84, 10, rng);
        return m;
    }
    std::string known;
    for (auto& n : model_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown model '" + name + "'; choose one of: " + known);
}

}  // namespace gb
