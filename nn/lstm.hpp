// lstm.hpp: the long short-term memory layer [Hochreiter & Schmidhuber 1997;
// Gers et al. 2000], in the formulation and with the weight layouts of
// torch.nn.LSTM. For each step t of a sequence x_1 .. x_T (h_0 = c_0 = 0):
//
//   i_t = sigmoid(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)    input gate
//   f_t = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)    forget gate
//   g_t = tanh   (W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)    candidate cell
//   o_t = sigmoid(W_io x_t + b_io + W_ho h_{t-1} + b_ho)    output gate
//   c_t = f_t * c_{t-1} + i_t * g_t
//   h_t = o_t * tanh(c_t)
//
// The four gates' weights are stacked in the order i, f, g, o:
//   w_ih = [W_ii; W_if; W_ig; W_io]  (4H, D)     w_hh = [W_hi; ...; W_ho]  (4H, H)
//   b_ih = [b_ii; ...; b_io]         (4H,)       b_hh = [b_hi; ...; b_ho]  (4H,)
// which are PyTorch's weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, so
// weights move between the two frameworks unchanged.
//
// Variable lengths (text): a batch of documents is padded to a common length
// T, and `lengths` gives each one's true length. A sequence is then read over
// its real steps only, as PyTorch does with pack_padded_sequence: steps
// t >= length are skipped (their output is 0, the state stays as it was), and
// in the reverse direction the sequence is read from step length-1 down to 0,
// so both directions of a bidirectional layer start on a real word.
#pragma once
#include <string>
#include <vector>

#include "nn/module.hpp"
#include "nn/tensor.hpp"
#include "util/random.hpp"

namespace gb {

// One direction of an LSTM over a batch, fused into one op (forward with one
// GEMM for the input projection of all steps and one per step for the
// recurrence; backward is backpropagation through time, likewise GEMM-based).
//   x: (B, T, D) batch-first; w_ih (4H, D), w_hh (4H, H), b_ih, b_hh (4H,)
//   lengths: B values in [0, T], or empty for "all T"
//   reverse: read each sequence backwards, from its last real step to step 0
// Returns every hidden state, y[b, t] = h_t: (B, T, H), 0 at padded steps.
Tensor lstm(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh,
            const std::vector<int>& lengths = {}, bool reverse = false);

// torch.nn.LSTM with one layer, batch_first=True, zero initial state.
//
//   input (B, T, input_size)
//   output, when last_only: the final hidden state, (B, H); bidirectional:
//           [h_fwd at the last real step, h_bwd at step 0] (B, 2H), which is
//           torch.cat([h_n[0], h_n[1]], 1)
//         else: every step's hidden state, (B, T, H) or (B, T, 2H) with the
//           forward half first, as PyTorch's output (0 at padded steps)
//
// Weights and biases start uniform in [-1/sqrt(H), 1/sqrt(H)], as in PyTorch,
// drawn from `rng` in state_dict order. Parameter names are nn.LSTM's:
// weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 and, when bidirectional,
// the same with the suffix _reverse.
//
// True lengths for padded text: either call forward(x, lengths), or, inside a
// Sequential, call set_lengths(lengths) before net.forward(x); the lengths
// then apply to every later forward until changed (set_lengths({}) means
// "every sequence is T long"). A batch whose size differs from the number of
// lengths is an error, so stale lengths cannot go unnoticed.
//
// Or, for a layer right after an Embedding whose padding row is zero,
// set_lengths_from_padding(true): each sequence's length is then read off the
// input itself, as the position after its last step that is not all zeros
// (padding ids sit at the end of a document and embed to zero vectors). This
// is how the text models use it: they stay plain Sequential stacks.
//
// describe(): "LSTM <input_size> <hidden_size>", followed by " bidirectional"
// when bidirectional, " sequence" when not last_only and " padded" when the
// lengths come from the padding, in that order, e.g. "LSTM 28 128" or
// "LSTM 300 128 bidirectional sequence".
class LSTM : public Module {
public:
    LSTM(int input_size, int hidden_size, Rng& rng, bool bidirectional = false, bool last_only = true);

    Tensor forward(const Tensor& x) override;  // with the lengths of set_lengths
    Tensor forward(const Tensor& x, const std::vector<int>& lengths);
    void set_lengths(std::vector<int> lengths) { lengths_ = std::move(lengths); }
    void set_lengths_from_padding(bool on) { lengths_from_padding_ = on; }
    // The lengths forward(x) uses for this input (empty: all T).
    std::vector<int> lengths_for(const Tensor& x) const;

    std::vector<NamedTensor> parameters() override;
    std::string describe() const override;

    int input_size() const { return input_size_; }
    int hidden_size() const { return hidden_size_; }
    bool bidirectional() const { return directions_.size() == 2; }
    bool last_only() const { return last_only_; }
    int output_size() const { return hidden_size_ * int(directions_.size()); }

private:
    struct Direction {
        Tensor w_ih, w_hh, b_ih, b_hh;
    };
    int input_size_, hidden_size_;
    bool last_only_;
    bool lengths_from_padding_ = false;
    std::vector<Direction> directions_;  // forward, then reverse
    std::vector<int> lengths_;
};

// Two small ops the layer is assembled with (each with its backward; public
// for the tests, tests/nn/test_lstm.cpp).
namespace detail {
// [a, b] along the last axis: (..., m) and (..., n) -> (..., m + n).
Tensor concat_last(const Tensor& a, const Tensor& b);
// y (B, T, H) -> (B, H): row b is y[b, steps[b]].
Tensor select_steps(const Tensor& y, const std::vector<int>& steps);
}  // namespace detail

}  // namespace gb
