#include "nn/models.hpp"

#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"
#include "nn/lstm.hpp"
#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {

const std::vector<std::string>& model_names() {
    static const std::vector<std::string> names{"mlp",     "lenet",    "lenet-sum", "lstm",
                                                "textcnn", "textlstm", "bow-mlp",   "tab-mlp",
                                                "allconv-gap"};
    return names;
}

Model make_model(const std::string& name, uint64_t seed, const ModelSize& size) {
    Rng rng(seed);
    Model m;
    m.name = name;
    // Linear and ReLU through the hidden sizes, then a linear output layer.
    auto perceptron = [&](int inputs, std::vector<int> hidden, int classes) {
        for (int h : hidden)
            if (h < 1 || h > (1 << 16)) throw Error("a hidden layer needs 1 to 65536 units, got " + std::to_string(h));
        int in = inputs;
        for (int h : hidden) {
            m.net.emplace<Linear>(in, h, rng).emplace<ReLU>();
            in = h;
        }
        m.net.emplace<Linear>(in, classes, rng);
    };
    if (name == "mlp") {
        m.input_shape = {784};
        if (size.classes < 2) throw Error("model 'mlp' needs at least two classes");
        perceptron(784, size.hidden.empty() ? std::vector<int>{300, 100} : size.hidden, size.classes);
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
    if (name == "allconv-gap") {
        // fully convolutional, for CAM (Zhou et al. 2016): 1@HxW -> conv 3x3 (pad 1) -> 16 -> pool -> conv 3x3
        // -> 32 -> pool -> conv 3x3 -> 64 maps A^k of H/4 x W/4 -> global average pooling -> linear 64 -> 10.
        // No layer fixes the image size: trained on 28x28 digits, it scores larger scenes as they are. The
        // convolutions learn no bias, so black background gives zero maps and a digit on a larger canvas
        // keeps its features (their average shrinks with the canvas; a learnt bias would instead add
        // the background's features, which pull towards one class).
        m.input_shape = {1, 28, 28};
        m.net.emplace<Conv2d>(1, 16, 3, rng, 1, 1, false).emplace<ReLU>().emplace<MaxPool2d>(2, 2);
        m.net.emplace<Conv2d>(16, 32, 3, rng, 1, 1, false).emplace<ReLU>().emplace<MaxPool2d>(2, 2);
        m.net.emplace<Conv2d>(32, 64, 3, rng, 1, 1, false).emplace<ReLU>();
        m.net.emplace<GlobalAvgPool2d>().emplace<Linear>(64, 10, rng);
        return m;
    }
    if (name == "lstm") {
        // the 28 rows of a digit, top to bottom, as a sequence of 28-vectors -> LSTM (hidden 128) -> the last
        // hidden state -> linear
        m.input_shape = {28, 28};
        m.net.emplace<LSTM>(28, 128, rng).emplace<Linear>(128, 10, rng, Init::FanInUniform);
        return m;
    }
    if (name == "textcnn" || name == "textlstm" || name == "bow-mlp") {
        if (size.vocabulary < 3 || (name != "bow-mlp" && size.length < 1) || size.classes < 2)
            throw Error("model '" + name + "' needs a vocabulary, a document length and classes from its data");
    }
    if (name == "textcnn") {
        // Arras et al. (2017), after Kim (2014): word ids (T) -> embeddings (T, 64) -> a convolution over
        // H = 1 word (as in Arras et al.) with 512 filters -> ReLU -> max over time -> dropout -> linear
        m.input_shape = {size.length};
        m.net.emplace<Embedding>(size.vocabulary, 64, 0, rng).emplace<Transpose>(1, 2);
        m.net.emplace<Conv1d>(64, 512, 1, rng, Init::FanInUniform).emplace<ReLU>().emplace<MaxOverTime>();
        m.net.emplace<Dropout>(0.5f, seed + 1).emplace<Linear>(512, size.classes, rng, Init::FanInUniform);
        return m;
    }
    if (name == "textlstm") {
        // word ids (T) -> embeddings (T, 64) -> an LSTM (hidden 128) over the real words of each post (the
        // padding at the end is skipped) -> the last hidden state -> dropout -> linear
        m.input_shape = {size.length};
        auto lstm = std::make_unique<LSTM>(64, 128, rng);
        lstm->set_lengths_from_padding(true);
        m.net.emplace<Embedding>(size.vocabulary, 64, 0, rng).add(std::move(lstm));
        m.net.emplace<Dropout>(0.5f, seed + 1).emplace<Linear>(128, size.classes, rng, Init::FanInUniform);
        return m;
    }
    if (name == "bow-mlp") {
        // tf-idf bag of words -> 256 ReLU units -> dropout -> linear
        m.input_shape = {size.vocabulary};
        m.net.emplace<Linear>(size.vocabulary, 256, rng).emplace<ReLU>().emplace<Dropout>(0.5f, seed + 1);
        m.net.emplace<Linear>(256, size.classes, rng);
        return m;
    }
    if (name == "tab-mlp") {
        // standardised features -> 32 ReLU units -> 32 ReLU units -> linear
        if (size.features < 1 || size.classes < 2)
            throw Error("model 'tab-mlp' needs the number of features and at least two classes from its data; "
                        "train it with --data wine or --data breast-cancer");
        m.input_shape = {size.features};
        perceptron(size.features, size.hidden.empty() ? std::vector<int>{32, 32} : size.hidden, size.classes);
        return m;
    }
    std::string known;
    for (auto& n : model_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown model '" + name + "'; choose one of: " + known);
}

}  // namespace gb
