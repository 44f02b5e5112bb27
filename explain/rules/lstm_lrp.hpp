// lstm_lrp.hpp: LRP through an LSTM (Arras, Montavon, Müller, Samek 2017,
// "Explaining recurrent neural network predictions in sentiment analysis"),
// one direction, relevance given at the last hidden state. Two steps:
// record the forward pass (h, c and the gates of every time step), then go
// back one time step at a time:
//
//   h_t = o_t * tanh(c_t)             signal-take-all: R(c_t) += R(h_t) (the gate o gets none)
//   c_t = f_t * c_{t-1} + i_t * g_t   linear rule: R(c_{t-1}) = f c_{t-1} / c_t R(c_t),
//                                     R(g_t) = i g / c_t R(c_t)  (the gates get none)
//   g_t = tanh(z_g)                   R(z_g) = R(g_t)
//   z_g = W_ig x_t + W_hg h_{t-1} + b_g   linear rule with epsilon and bias factor delta:
//       R_j = (z_jk + (epsilon sign(z_k) + delta b_k) / N) / (z_k + epsilon sign(z_k)) R_k, N = D + H
//
// With delta = 1 the bias's share is spread over the inputs, so the words and
// h_0 (which is 0) receive all of R but what epsilon absorbs.
#pragma once
#include <vector>

#include "nn/tensor.hpp"

namespace gb {

class LSTM;

// Relevance R_out (B, H) at the last hidden state back to the inputs x
// (B, T, D), and, per sequence, what reached the initial state h_0 = c_0 = 0
// (with bias factor 1 and epsilon 0, words + initial = R_out).
struct LstmRelevance {
    Tensor inputs;
    std::vector<double> initial;
};
LstmRelevance lstm_relevance(LSTM& lstm, const Tensor& x, const Tensor& R_out, float epsilon, float bias_factor);

}  // namespace gb
