// serialize.hpp: models as .npz files that NumPy and PyTorch read directly.
//
// The arrays are the model's state_dict: names and layouts as in PyTorch
// ("0.weight" of shape (out, in), "0.bias"), so that
//
//   z = numpy.load("mlp.npz")
//   net.load_state_dict({k: torch.from_numpy(z[k]) for k in z.files})
//
// works as it is. The architecture is recorded in the zip archive comment,
// which NumPy ignores, as lines of text:
//
//   glassbox-model 1
//   name mlp
//   data mnist
//   input 784
//   layer Linear 784 300
//   layer ReLU
//   ...
//
// (In Python: zipfile.ZipFile("mlp.npz").comment.decode().) load_model
// rebuilds the network from those lines alone and checks that every
// parameter is present with the right shape.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "nn/models.hpp"
#include "nn/module.hpp"

namespace gb {

void save_model(Model& model, const std::string& path);
// Throws gb::Error (one line: what is wrong, what to do) for a file that is
// not a glassbox model, a malformed record, a missing or misshapen
// parameter, or a NaN or infinite weight (naming the parameter).
Model load_model(const std::string& path);
// The same from the file's bytes; `what` names it in messages.
Model model_from_bytes(const std::string& bytes, const std::string& what);

// A layer from its describe() record, e.g. "Linear 784 300". Every field is
// parsed with checks (whole numbers in range, nothing left over), and a
// layer of more than `max_parameters` parameters is refused before it is
// allocated: load_model passes the number of values its file holds.
std::unique_ptr<Module> layer_from_record(const std::string& record, uint64_t max_parameters = uint64_t(1) << 28);

}  // namespace gb
