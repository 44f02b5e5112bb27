// The LSTM: the fused op against a slow step-by-step reference built from the
// primitive ops, finite-difference gradient checks, the layer, and golden
// values from PyTorch (tests/golden/make_golden_lstm.py).
#include <array>

#include "helpers.hpp"
#include "nn/lstm.hpp"
#include "nn/npz.hpp"
#include "nn/ops.hpp"
#include "util/error.hpp"

using namespace gb;
using test::check_gradients;
using test::random_tensor;
using Inputs = std::vector<Tensor>;

namespace {

void require_close(const std::vector<float>& got, const std::vector<float>& want, const std::string& what,
                   float tolerance = 1e-5f) {
    REQUIRE(got.size() == want.size());
    for (size_t k = 0; k < got.size(); ++k) {
        INFO(what << "[" << k << "]: got " << got[k] << ", want " << want[k]);
        CHECK(std::fabs(got[k] - want[k]) <= tolerance);
    }
}

// Rows [row0, row0 + rows) of a 2-D or 1-D tensor, as a new leaf that requires a gradient.
Tensor rows_of(const Tensor& t, int row0, int rows) {
    size_t width = t.ndim() == 2 ? size_t(t.dim(1)) : 1;
    Shape shape = t.ndim() == 2 ? Shape{rows, t.dim(1)} : Shape{rows};
    std::vector<float> v(t.data() + row0 * width, t.data() + (row0 + rows) * width);
    return Tensor(shape, v).set_requires_grad();
}

// The LSTM of lstm.hpp written out literally: one sequence and one step at a
// time, with linear, add, mul, sigmoid and tanh of ops.hpp, and the stacked
// weights split into one (W_i*, W_h*, b_i*, b_h*) per gate. Each (b, t) input
// is a leaf of its own.
struct ReferenceLstm {
    int B, T, D, H;
    std::vector<int> lengths;
    std::vector<Tensor> x;                    // [b * T + t]: (1, D)
    std::array<std::array<Tensor, 4>, 4> w;   // w[gate] = {W_i, W_h, b_i, b_h}, gates i, f, g, o
    std::vector<Tensor> h;                    // [b * T + t]: (1, H), undefined at padded steps

    ReferenceLstm(const Tensor& x_all, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                  const Tensor& b_hh, std::vector<int> lens, bool reverse)
        : B(x_all.dim(0)), T(x_all.dim(1)), D(x_all.dim(2)), H(w_hh.dim(1)), lengths(std::move(lens)) {
        if (lengths.empty()) lengths.assign(size_t(B), T);
        for (int k = 0; k < B * T; ++k)
            x.push_back(Tensor(Shape{1, D}, std::vector<float>(x_all.data() + k * D, x_all.data() + (k + 1) * D))
                            .set_requires_grad());
        for (int g = 0; g < 4; ++g)
            w[size_t(g)] = {rows_of(w_ih, g * H, H), rows_of(w_hh, g * H, H), rows_of(b_ih, g * H, H),
                            rows_of(b_hh, g * H, H)};
        h.resize(size_t(B * T));
        for (int b = 0; b < B; ++b) {
            Tensor h_t(Shape{1, H}), c_t(Shape{1, H});  // h_0 = c_0 = 0
            int len = lengths[size_t(b)];
            for (int s = 0; s < len; ++s) {
                int t = reverse ? len - 1 - s : s;
                auto pre = [&](int g) {  // W_i* x_t + b_i* + W_h* h_{t-1} + b_h*
                    auto& [wi, wh, bi, bh] = w[size_t(g)];
                    return linear(x[size_t(b * T + t)], wi, bi) + linear(h_t, wh, bh);
                };
                Tensor i = sigmoid(pre(0)), f = sigmoid(pre(1)), g = tanh(pre(2)), o = sigmoid(pre(3));
                c_t = f * c_t + i * g;
                h_t = o * tanh(c_t);
                h[size_t(b * T + t)] = h_t;
            }
        }
    }

    // y (B, T, H) with zeros at padded steps
    std::vector<float> output() const {
        std::vector<float> y(size_t(B * T * H), 0.0f);
        for (int k = 0; k < B * T; ++k)
            if (h[size_t(k)].defined()) std::copy_n(h[size_t(k)].data(), H, y.begin() + k * H);
        return y;
    }

    // Backward of L = sum_{b,t} upstream[b, t] . h[b, t] (upstream (B, T, H)).
    void backward(const std::vector<float>& upstream) {
        Tensor loss = Tensor::scalar(0.0f);
        for (int k = 0; k < B * T; ++k)
            if (h[size_t(k)].defined()) {
                Tensor u(Shape{1, H}, std::vector<float>(upstream.begin() + k * H, upstream.begin() + (k + 1) * H));
                loss = loss + sum(h[size_t(k)] * u);
            }
        loss.backward();
    }

    std::vector<float> grad_x() const {
        std::vector<float> g(size_t(B * T * D), 0.0f);
        for (int k = 0; k < B * T; ++k)
            if (!x[size_t(k)].grad().empty()) std::copy_n(x[size_t(k)].grad().data(), D, g.begin() + k * D);
        return g;
    }
    // The gradient of a stacked parameter (0: w_ih, 1: w_hh, 2: b_ih, 3: b_hh): the gates' gradients one after another.
    std::vector<float> grad_param(int which) const {
        std::vector<float> g;
        for (auto& gate : w) {
            const Tensor& p = gate[size_t(which)];
            std::vector<float> part = p.grad().empty() ? std::vector<float>(p.numel(), 0.0f) : p.grad();
            g.insert(g.end(), part.begin(), part.end());
        }
        return g;
    }
};

struct LstmCase {
    int B, T, D, H;
    std::vector<int> lengths;
    bool reverse;
};

std::string describe_case(const LstmCase& c) {
    std::string s = "B " + std::to_string(c.B) + ", T " + std::to_string(c.T) + ", D " + std::to_string(c.D) +
                    ", H " + std::to_string(c.H) + (c.reverse ? ", reverse" : "") + ", lengths";
    for (int len : c.lengths) s += " " + std::to_string(len);
    return s;
}

const NpzArchive& golden_lstm() {
    static const NpzArchive archive = read_npz("tests/golden/torch_lstm.npz");
    return archive;
}

Tensor golden_array(const std::string& name) {
    const NpyArray* a = golden_lstm().find(name);
    INFO(name);
    REQUIRE(a != nullptr);
    return Tensor(a->shape, a->values);
}

}  // namespace

TEST_CASE("the fused lstm op equals the step-by-step reference: outputs and all gradients", "[lstm]") {
    std::vector<LstmCase> cases{
        {3, 5, 3, 4, {}, false},
        {3, 5, 3, 4, {}, true},
        {4, 5, 3, 4, {2, 5, 0, 4}, false},  // unsorted, with an empty sequence
        {4, 5, 3, 4, {2, 5, 1, 4}, true},
        {20, 4, 5, 6, {}, false},  // enough rows for the steps to be split over threads
        {20, 6, 5, 6, {6, 1, 3, 6, 2, 5, 4, 6, 6, 2, 1, 3, 5, 6, 4, 4, 2, 6, 1, 3}, true},
        {64, 3, 8, 32, {}, false},  // large enough for the GEMMs to use threads too
    };
    Rng rng(10);
    for (const LstmCase& c : cases) {
        INFO(describe_case(c));
        Tensor x = random_tensor({c.B, c.T, c.D}, rng), w_ih = random_tensor({4 * c.H, c.D}, rng),
               w_hh = random_tensor({4 * c.H, c.H}, rng), b_ih = random_tensor({4 * c.H}, rng),
               b_hh = random_tensor({4 * c.H}, rng);
        Tensor y = lstm(x, w_ih, w_hh, b_ih, b_hh, c.lengths, c.reverse);
        ReferenceLstm ref(x, w_ih, w_hh, b_ih, b_hh, c.lengths, c.reverse);
        REQUIRE(y.shape() == Shape{c.B, c.T, c.H});
        require_close(y.values(), ref.output(), "y");

        Tensor upstream = random_tensor({c.B, c.T, c.H}, rng, false);
        y.backward(upstream.values());
        ref.backward(upstream.values());
        require_close(x.grad(), ref.grad_x(), "dx");
        require_close(w_ih.grad(), ref.grad_param(0), "dw_ih");
        require_close(w_hh.grad(), ref.grad_param(1), "dw_hh");
        require_close(b_ih.grad(), ref.grad_param(2), "db_ih");
        require_close(b_hh.grad(), ref.grad_param(3), "db_hh");
    }
}

TEST_CASE("lstm: saturated gates still match the reference; NaN is not hidden; reruns are identical", "[lstm]") {
    // Weights 10 times larger: pre-activations up to about +-40, where the
    // kernel's exp and tanh must agree with std::exp and std::tanh.
    Rng rng(17);
    const int B = 3, T = 4, D = 3, H = 4;
    auto big = [&](Shape shape) {
        Tensor t = random_tensor(std::move(shape), rng);
        for (float& v : t.values()) v *= 10.0f;
        return t;
    };
    Tensor x = random_tensor({B, T, D}, rng), w_ih = big({4 * H, D}), w_hh = big({4 * H, H}), b_ih = big({4 * H}),
           b_hh = big({4 * H});
    Tensor y = lstm(x, w_ih, w_hh, b_ih, b_hh, {4, 2, 3});
    ReferenceLstm ref(x, w_ih, w_hh, b_ih, b_hh, {4, 2, 3}, false);
    require_close(y.values(), ref.output(), "y");
    Tensor upstream = random_tensor({B, T, H}, rng, false);
    y.backward(upstream.values());
    ref.backward(upstream.values());
    require_close(x.grad(), ref.grad_x(), "dx");
    require_close(w_hh.grad(), ref.grad_param(1), "dw_hh");

    // The same call again (its scratch buffers now hold old values) gives the same bits.
    Tensor other = lstm(random_tensor({7, 6, D}, rng), w_ih, w_hh, b_ih, b_hh);  // other sizes in between
    CHECK(lstm(x, w_ih, w_hh, b_ih, b_hh, {4, 2, 3}).values() == y.values());

    // A NaN input spoils its own sequence from that step on, and nothing else.
    x.values()[size_t((0 * T + 1) * D)] = NAN;
    Tensor spoiled = lstm(x, w_ih, w_hh, b_ih, b_hh, {4, 2, 3});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t) {
            INFO("b " << b << ", t " << t);
            float v = spoiled.values()[size_t((b * T + t) * H)];
            CHECK(std::isnan(v) == (b == 0 && t >= 1));
        }
}

TEST_CASE("the fused lstm op passes the finite-difference gradient check", "[lstm][gradcheck]") {
    std::vector<LstmCase> cases{
        {2, 4, 3, 3, {}, false},
        {2, 4, 3, 3, {}, true},
        {3, 4, 3, 3, {2, 4, 3}, false},
        {3, 4, 3, 3, {2, 4, 3}, true},
    };
    Rng rng(11);
    for (const LstmCase& c : cases) {
        INFO(describe_case(c));
        auto f = [&c](const Inputs& in) { return lstm(in[0], in[1], in[2], in[3], in[4], c.lengths, c.reverse); };
        Inputs inputs{random_tensor({c.B, c.T, c.D}, rng), random_tensor({4 * c.H, c.D}, rng),
                      random_tensor({4 * c.H, c.H}, rng), random_tensor({4 * c.H}, rng),
                      random_tensor({4 * c.H}, rng)};
        check_gradients(f, inputs);
        // Only some inputs requiring a gradient: data x, frozen biases.
        inputs[0].set_requires_grad(false);
        inputs[3].set_requires_grad(false);
        check_gradients(f, inputs);
        CHECK(inputs[0].grad().empty());
    }
}

TEST_CASE("lstm: padding changes nothing, reverse reads the real steps backwards, shapes are checked", "[lstm]") {
    Rng rng(12);
    const int T = 5, D = 3, H = 4;
    Tensor w_ih = random_tensor({4 * H, D}, rng), w_hh = random_tensor({4 * H, H}, rng),
           b_ih = random_tensor({4 * H}, rng), b_hh = random_tensor({4 * H}, rng);
    Tensor x = random_tensor({1, T, D}, rng, false);
    // The first 3 steps of x, alone and reversed in time.
    Tensor x3(Shape{1, 3, D}, std::vector<float>(x.data(), x.data() + 3 * D)), x3_reversed(Shape{1, 3, D});
    for (int t = 0; t < 3; ++t) std::copy_n(x.data() + t * D, D, x3_reversed.data() + (2 - t) * D);

    Tensor padded = lstm(x, w_ih, w_hh, b_ih, b_hh, {3}), alone = lstm(x3, w_ih, w_hh, b_ih, b_hh);
    Tensor backwards = lstm(x, w_ih, w_hh, b_ih, b_hh, {3}, true), flipped = lstm(x3_reversed, w_ih, w_hh, b_ih, b_hh);
    for (int t = 0; t < T; ++t)
        for (int j = 0; j < H; ++j) {
            INFO("t " << t << ", j " << j);
            float pad = padded.values()[size_t(t * H + j)], back = backwards.values()[size_t(t * H + j)];
            if (t >= 3) {  // padding: zeros
                CHECK(pad == 0.0f);
                CHECK(back == 0.0f);
                continue;
            }
            CHECK(pad == alone.values()[size_t(t * H + j)]);
            CHECK(back == flipped.values()[size_t((2 - t) * H + j)]);  // step t is the reverse pass's step 2 - t
        }

    CHECK_THROWS_WITH(lstm(Tensor(Shape{2, 5}), w_ih, w_hh, b_ih, b_hh),
                      Catch::Contains("lstm: input of shape (2, 5) is not (batch, time, features)"));
    CHECK_THROWS_WITH(lstm(Tensor(Shape{2, 5, 4}), w_ih, w_hh, b_ih, b_hh),
                      Catch::Contains("input of shape (2, 5, 4) does not fit weight_ih of shape (16, 3)"));
    CHECK_THROWS_WITH(lstm(x, w_ih, Tensor(Shape{16, 3}), b_ih, b_hh),
                      Catch::Contains("weight_hh of shape (16, 3) does not fit weight_ih of shape (16, 3); need "
                                      "(4H, H) = (16, 4)"));
    CHECK_THROWS_WITH(lstm(x, Tensor(Shape{15, 3}), w_hh, b_ih, b_hh), Catch::Contains("is not (4H, D)"));
    CHECK_THROWS_WITH(lstm(x, w_ih, w_hh, Tensor(Shape{12}), b_hh), Catch::Contains("bias of shape (12,)"));
    CHECK_THROWS_WITH(lstm(x, w_ih, w_hh, b_ih, b_hh, {2, 3}), Catch::Contains("2 lengths for a batch of 1"));
    CHECK_THROWS_WITH(lstm(x, w_ih, w_hh, b_ih, b_hh, {6}), Catch::Contains("length 6 is outside [0, 5]"));
}

TEST_CASE("the layer's helper ops: concat_last and select_steps", "[lstm][gradcheck]") {
    Tensor a(Shape{2, 2}, {1, 2, 3, 4}), b(Shape{2, 1}, {5, 6});
    CHECK(detail::concat_last(a, b).values() == std::vector<float>{1, 2, 5, 3, 4, 6});
    CHECK(detail::concat_last(a, b).shape() == Shape{2, 3});
    CHECK_THROWS_WITH(detail::concat_last(a, Tensor(Shape{3, 1})),
                      Catch::Contains("concat_last: shapes (2, 2) and (3, 1) do not concatenate"));
    Tensor y(Shape{2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    CHECK(detail::select_steps(y, {2, 0}).values() == std::vector<float>{4, 5, 6, 7});
    CHECK_THROWS_WITH(detail::select_steps(y, {3, 0}), Catch::Contains("step 3 out of range"));
    CHECK_THROWS_WITH(detail::select_steps(y, {0}), Catch::Contains("1 steps for input of shape (2, 3, 2)"));

    Rng rng(13);
    check_gradients([](const Inputs& in) { return detail::concat_last(in[0], in[1]); },
                    {random_tensor({2, 3, 4}, rng), random_tensor({2, 3, 2}, rng)});
    check_gradients([](const Inputs& in) { return detail::concat_last(in[0], in[1]); },
                    {random_tensor({3, 2}, rng, false), random_tensor({3, 5}, rng)});
    // Steps 1 and 1 again from other rows, and a row whose step is 0.
    check_gradients([](const Inputs& in) { return detail::select_steps(in[0], {1, 0, 1}); },
                    {random_tensor({3, 2, 4}, rng)});
}

TEST_CASE("LSTM layer: PyTorch's parameter names, shapes and init, the record, output shapes", "[lstm]") {
    Rng rng(14);
    LSTM layer(28, 16, rng);
    CHECK(layer.describe() == "LSTM 28 16");
    auto params = layer.parameters();
    REQUIRE(params.size() == 4);
    CHECK(params[0].first == "weight_ih_l0");
    CHECK(params[0].second.shape() == Shape{64, 28});
    CHECK(params[1].first == "weight_hh_l0");
    CHECK(params[1].second.shape() == Shape{64, 16});
    CHECK(params[2].first == "bias_ih_l0");
    CHECK(params[3].first == "bias_hh_l0");
    CHECK(params[3].second.shape() == Shape{64});
    for (auto& [name, p] : params) {
        INFO(name);
        CHECK(p.requires_grad());
        float lo = 1.0f, hi = -1.0f;
        for (float v : p.values()) lo = std::min(lo, v), hi = std::max(hi, v);
        CHECK(lo >= -0.25f);  // U(-1/sqrt(16), 1/sqrt(16)), and the whole range is used
        CHECK(hi <= 0.25f);
        CHECK(hi - lo > 0.4f);
    }
    Rng same(14);  // the same seed gives the same weights
    CHECK(LSTM(28, 16, same).parameters()[1].second.values() == params[1].second.values());

    Tensor x = random_tensor({5, 7, 28}, rng, false);
    CHECK(layer.forward(x).shape() == Shape{5, 16});
    Rng rng2(15);
    LSTM bi(28, 16, rng2, true, false);
    CHECK(bi.describe() == "LSTM 28 16 bidirectional sequence");
    CHECK(LSTM(28, 16, rng2, true).describe() == "LSTM 28 16 bidirectional");
    CHECK(LSTM(28, 16, rng2, false, false).describe() == "LSTM 28 16 sequence");
    CHECK(bi.output_size() == 32);
    CHECK(bi.forward(x).shape() == Shape{5, 7, 32});
    std::vector<std::string> names;
    for (auto& np : bi.parameters()) names.push_back(np.first);
    CHECK(names == std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse",
                                            "bias_hh_l0_reverse"});

    // Lengths: given to forward, or set beforehand (for a layer inside a Sequential).
    std::vector<int> lengths{7, 3, 1, 5, 7};
    Tensor h = layer.forward(x, lengths);
    layer.set_lengths(lengths);
    CHECK(layer.forward(x).values() == h.values());
    Tensor full = LSTM(28, 16, same = Rng(14), false, false).forward(x, lengths);  // the same weights
    for (int b = 0; b < 5; ++b)  // the final state is the output at the last real step
        for (int j = 0; j < 16; ++j)
            CHECK(h.values()[size_t(b * 16 + j)] == full.values()[size_t((b * 7 + lengths[size_t(b)] - 1) * 16 + j)]);
    CHECK_THROWS_WITH(layer.forward(random_tensor({2, 7, 28}, rng)), Catch::Contains("5 lengths for a batch of 2"));
    layer.set_lengths({});
    CHECK(layer.forward(random_tensor({2, 7, 28}, rng)).shape() == Shape{2, 16});
    CHECK_THROWS_WITH(layer.forward(random_tensor({2, 7, 27}, rng)),
                      Catch::Contains("LSTM: input of shape (2, 7, 27) does not fit; need (batch, time > 0, 28)"));
    CHECK_THROWS_AS(LSTM(0, 16, rng), Error);
}

TEST_CASE("the bidirectional LSTM layer passes the gradient check, inputs and parameters", "[lstm][gradcheck]") {
    for (bool last_only : {true, false})
        for (std::vector<int> lengths : {std::vector<int>{}, std::vector<int>{3, 1, 4}}) {
            INFO("last_only " << last_only << ", " << lengths.size() << " lengths");
            Rng rng(16);
            LSTM layer(3, 3, rng, true, last_only);
            Inputs inputs{random_tensor({3, 4, 3}, rng)};
            for (auto& p : parameter_tensors(layer)) inputs.push_back(p);
            check_gradients([&](const Inputs& in) { return layer.forward(in[0], lengths); }, inputs);
        }
}

TEST_CASE("the bidirectional LSTM matches PyTorch on a packed batch of different lengths", "[lstm][golden]") {
    // Two layers with PyTorch's weights: one returns the output, one h_n.
    Rng rng(0);
    LSTM sequence(3, 4, rng, true, false), last(3, 4, rng, true, true);
    for (LSTM* layer : {&sequence, &last})
        for (auto& [name, p] : layer->parameters()) p.values() = golden_array(name).values();
    Tensor x = golden_array("x").set_requires_grad();
    std::vector<int> lengths;
    Tensor lengths_as_floats = golden_array("lengths");
    for (float v : lengths_as_floats.values()) lengths.push_back(int(v));
    const int B = 3, H = 4;

    Tensor output = sequence.forward(x, lengths), h = last.forward(x, lengths);
    require_close(output.values(), golden_array("output").values(), "output");
    // PyTorch's h_n is (2, B, H); the layer gives [h_n[0], h_n[1]] as (B, 2H).
    Tensor h_n = golden_array("h_n"), r_h = golden_array("r_h");
    std::vector<float> h_n_cat(size_t(B * 2 * H)), r_h_cat(size_t(B * 2 * H));
    for (int d = 0; d < 2; ++d)
        for (int b = 0; b < B; ++b)
            for (int j = 0; j < H; ++j) {
                h_n_cat[size_t(b * 2 * H + d * H + j)] = h_n.values()[size_t((d * B + b) * H + j)];
                r_h_cat[size_t(b * 2 * H + d * H + j)] = r_h.values()[size_t((d * B + b) * H + j)];
            }
    require_close(h.values(), h_n_cat, "h_n");

    // L = sum(output * r_out) + sum(h_n * r_h): the two terms' gradients add up.
    output.backward(golden_array("r_out").values());
    h.backward(r_h_cat);
    require_close(x.grad(), golden_array("grad.x").values(), "grad.x");
    auto last_params = last.parameters();
    auto sequence_params = sequence.parameters();
    for (size_t k = 0; k < sequence_params.size(); ++k) {
        const std::string& name = sequence_params[k].first;
        std::vector<float> total = sequence_params[k].second.grad();
        REQUIRE(total.size() == last_params[k].second.grad().size());
        for (size_t e = 0; e < total.size(); ++e) total[e] += last_params[k].second.grad()[e];
        require_close(total, golden_array("grad." + name).values(), "grad." + name);
    }
}

TEST_CASE("an LSTM reading its lengths off the zero padding equals one given the lengths", "[lstm]") {
    Rng rng(11);
    LSTM given(3, 4, rng), padded(3, 4, rng);
    auto a = given.parameters(), b = padded.parameters();
    for (size_t i = 0; i < a.size(); ++i) b[i].second.values() = a[i].second.values();
    padded.set_lengths_from_padding(true);
    Tensor x(Shape{3, 5, 3});
    for (float& v : x.values()) v = rng.uniform(-1, 1);
    const std::vector<int> lengths{5, 2, 0};
    for (int b = 0; b < 3; ++b)  // zero every step past each sequence's length, as an Embedding's padding row does
        for (int t = lengths[size_t(b)]; t < 5; ++t)
            for (int d = 0; d < 3; ++d) x.values()[size_t((b * 5 + t) * 3 + d)] = 0.0f;
    CHECK(padded.forward(x).values() == given.forward(x, lengths).values());
    CHECK(padded.describe() == "LSTM 3 4 padded");
}
