// models.hpp: the named architectures that `glassbox train --model NAME` builds.
//
//   mlp   784-300-100-10 with ReLU (other hidden sizes by ModelSize::hidden): the network of the LRP tutorials
//         (Montavon et al., heatmapping.org), on flattened 28x28 digits.
//   lenet       LeNet-5 with ReLU and max pooling, on 1x28x28 digits.
//   lenet-sum   the same with sum pooling, which the LRP papers recommend
//               for explanation (Montavon et al. 2018).
//   lstm        an LSTM (hidden size 128) reading a digit row by row, then
//               a linear layer on its last hidden state.
//   textcnn     the text CNN of Arras et al. (2017) on word ids: embedding,
//               one convolution over H = 1 word, ReLU, max over time,
//               dropout, linear.
//   textlstm    embedding, an LSTM over the words of each post (its padding
//               skipped), linear on the last hidden state.
//   bow-mlp     an MLP on tf-idf bags of words, the baseline.
//   allconv-gap three 3x3 convolutions with ReLU (two max poolings between),
//               global average pooling, linear: fully convolutional, so it
//               takes images of any size; the model of CAM (Zhou et al. 2016).
//   tab-mlp     features -> 32 -> 32 -> classes with ReLU, on the standardised
//               rows of a table (wine, breast-cancer).
#pragma once
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace gb {

struct Model {
    std::string name;   // "mlp"
    Shape input_shape;  // of one example, e.g. (784,)
    Sequential net;
    std::string data;   // what it was trained on, as the data loader records it ("mnist", ...)
};

// The sizes text and tabular models take from their data; image models ignore
// them. The defaults of classes and features are those of MNIST and wine;
// `glassbox train` always passes its data's.
struct ModelSize {
    int vocabulary = 0;  // words, including <pad> (id 0) and <unk>
    int length = 0;      // word ids per document (sequence models)
    int classes = 10;
    int features = 13;   // values per row of a table (tab-mlp)
    std::vector<int> hidden = {};  // mlp, tab-mlp: the hidden layers' sizes (empty: 300, 100 and 32, 32)
};

const std::vector<std::string>& model_names();
// Throws gb::Error naming the known models if `name` is not one of them.
Model make_model(const std::string& name, uint64_t seed, const ModelSize& size = {});

}  // namespace gb
