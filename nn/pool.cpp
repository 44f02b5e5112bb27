#include "nn/pool.hpp"

#include <cmath>
#include <memory>

#include "nn/ops.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// For each output position, the flat indices into x of its k x k window.
// windows: (B*C*OH*OW, k*k)
struct Windows {
    Shape out_shape;
    int size;  // k * k
    std::vector<size_t> index;
};

Windows windows(const Tensor& x, int k, int stride, const char* op) {
    if (x.ndim() != 4) throw Error(std::string(op) + ": needs (B, C, H, W), got " + shape_str(x.shape()));
    if (k < 1 || stride < 1) throw Error(std::string(op) + ": kernel size and stride must be >= 1");
    int B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    if (H < k || W < k)
        throw Error(std::string(op) + ": a " + std::to_string(k) + "x" + std::to_string(k) +
                    " window does not fit an input of shape " + shape_str(x.shape()));
    int OH = (H - k) / stride + 1, OW = (W - k) / stride + 1;
    Windows w{{B, C, OH, OW}, k * k, {}};
    w.index.reserve(size_t(B) * C * OH * OW * k * k);
    for (int plane = 0; plane < B * C; ++plane)
        for (int i = 0; i < OH; ++i)
            for (int j = 0; j < OW; ++j)
                for (int u = 0; u < k; ++u)
                    for (int v = 0; v < k; ++v)
                        w.index.push_back((size_t(plane) * H + size_t(i * stride + u)) * W + size_t(j * stride + v));
    return w;
}

// y = scale * sum of the window;  dx_j += scale * dy
Tensor scaled_sum_pool(const Tensor& x, int k, int stride, float scale, const char* op) {
    auto w = std::make_shared<Windows>(windows(x, k, stride, op));
    std::vector<float> y(numel(w->out_shape));
    for (size_t o = 0; o < y.size(); ++o) {
        float s = 0.0f;
        for (int t = 0; t < w->size; ++t) s += x.data()[w->index[o * size_t(w->size) + size_t(t)]];
        y[o] = scale * s;
    }
    return make_result(op, w->out_shape, std::move(y), {&x}, [x, w, scale](Node& self) {
        float* gx = x.node()->grad_buffer();
        for (size_t o = 0; o < self.grad.size(); ++o)
            for (int t = 0; t < w->size; ++t) gx[w->index[o * size_t(w->size) + size_t(t)]] += scale * self.grad[o];
    });
}

// y = x[switch];  dx[switch] += dy
Tensor gather_max(const Tensor& x, Shape out_shape, std::vector<size_t> argmax, const char* op,
                  std::vector<size_t>* switches) {
    std::vector<float> y(argmax.size());
    for (size_t o = 0; o < y.size(); ++o) y[o] = x.data()[argmax[o]];
    if (switches) *switches = argmax;
    auto at = std::make_shared<std::vector<size_t>>(std::move(argmax));
    return make_result(op, std::move(out_shape), std::move(y), {&x}, [x, at](Node& self) {
        float* gx = x.node()->grad_buffer();
        for (size_t o = 0; o < self.grad.size(); ++o) gx[(*at)[o]] += self.grad[o];
    });
}

}  // namespace

Tensor max_pool2d(const Tensor& x, int k, int stride, std::vector<size_t>* switches) {
    Windows w = windows(x, k, stride, "max_pool2d");
    std::vector<size_t> argmax(numel(w.out_shape));
    for (size_t o = 0; o < argmax.size(); ++o) {
        const size_t* idx = &w.index[o * size_t(w.size)];
        size_t best = idx[0];
        for (int t = 1; t < w.size; ++t)
            if (x.data()[idx[t]] > x.data()[best]) best = idx[t];  // the first maximum wins ties
        argmax[o] = best;
    }
    return gather_max(x, w.out_shape, std::move(argmax), "max_pool2d", switches);
}

Tensor sum_pool2d(const Tensor& x, int k, int stride) { return scaled_sum_pool(x, k, stride, 1.0f, "sum_pool2d"); }

Tensor avg_pool2d(const Tensor& x, int k, int stride) {
    return scaled_sum_pool(x, k, stride, 1.0f / float(k * k), "avg_pool2d");
}

// y = (sum_j |x_j|^p)^(1/p);  dy/dx_j = sign(x_j) |x_j|^(p-1) / y^(p-1)  (0 where y = 0)
Tensor lp_pool2d(const Tensor& x, float p, int k, int stride) {
    if (!(p >= 1.0f)) throw Error("lp_pool2d: p must be >= 1, got " + std::to_string(p));
    auto w = std::make_shared<Windows>(windows(x, k, stride, "lp_pool2d"));
    std::vector<float> y(numel(w->out_shape));
    for (size_t o = 0; o < y.size(); ++o) {
        double s = 0.0;
        for (int t = 0; t < w->size; ++t) s += std::pow(std::fabs(double(x.data()[w->index[o * size_t(w->size) + size_t(t)]])), p);
        y[o] = float(std::pow(s, 1.0 / p));
    }
    return make_result("lp_pool2d", w->out_shape, std::move(y), {&x}, [x, w, p](Node& self) {
        float* gx = x.node()->grad_buffer();
        for (size_t o = 0; o < self.grad.size(); ++o) {
            double yo = self.data[o];
            if (yo == 0.0) continue;
            for (int t = 0; t < w->size; ++t) {
                size_t j = w->index[o * size_t(w->size) + size_t(t)];
                double xj = x.data()[j];
                double d = (xj > 0 ? 1.0 : xj < 0 ? -1.0 : 0.0) * std::pow(std::fabs(xj) / yo, p - 1.0);
                gx[j] += float(d * self.grad[o]);
            }
        }
    });
}

Tensor max_last_axis(const Tensor& x, std::vector<size_t>* switches) {
    if (x.ndim() < 1 || x.dim(-1) < 1) throw Error("max over the last axis: empty input " + shape_str(x.shape()));
    size_t L = size_t(x.dim(-1)), rows = x.numel() / L;
    std::vector<size_t> argmax(rows);
    for (size_t r = 0; r < rows; ++r) {
        size_t best = r * L;
        for (size_t l = 1; l < L; ++l)
            if (x.data()[r * L + l] > x.data()[best]) best = r * L + l;
        argmax[r] = best;
    }
    Shape shape(x.shape().begin(), x.shape().end() - 1);
    return gather_max(x, shape, std::move(argmax), "max_last_axis", switches);
}

}  // namespace gb
