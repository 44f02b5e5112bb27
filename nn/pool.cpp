#include "nn/pool.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>

#include "nn/buffers.hpp"
#include "nn/ops.hpp"
#include "nn/parallel.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// The pooling geometry of x (B, C, H, W) with k x k windows moved by stride.
struct Windows {
    int batch, planes, H, W, k, stride, OH, OW;  // planes = batch * channels
    Shape out_shape() const { return {batch, planes / batch, OH, OW}; }
    size_t outputs() const { return size_t(planes) * OH * OW; }
    // Calls visit(o, j) for every output o and every flat input index j of
    // its window, with the planes spread over the threads (outputs of
    // different planes never share an input).
    template <typename Visit>
    void each(Visit visit) const {
        const int tasks = std::min(planes, 16);
        parallel_for(tasks, [&](int task) { each_in(planes * task / tasks, planes * (task + 1) / tasks, visit); });
    }
    template <typename Visit>
    void each_in(int first_plane, int end_plane, Visit& visit) const {
        size_t o = size_t(first_plane) * OH * OW;
        for (int plane = first_plane; plane < end_plane; ++plane)
            for (int i = 0; i < OH; ++i)
                for (int jj = 0; jj < OW; ++jj, ++o)
                    for (int u = 0; u < k; ++u) {
                        size_t row = (size_t(plane) * H + size_t(i * stride + u)) * W + size_t(jj * stride);
                        for (int v = 0; v < k; ++v) visit(o, row + size_t(v));
                    }
    }
};

Windows windows(const Tensor& x, int k, int stride, const char* op) {
    if (x.ndim() != 4) throw Error(std::string(op) + ": needs (B, C, H, W), got " + shape_str(x.shape()));
    if (k < 1 || stride < 1) throw Error(std::string(op) + ": kernel size and stride must be >= 1");
    int B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    if (H < k || W < k)
        throw Error(std::string(op) + ": a " + std::to_string(k) + "x" + std::to_string(k) +
                    " window does not fit an input of shape " + shape_str(x.shape()));
    return {B, B * C, H, W, k, stride, (H - k) / stride + 1, (W - k) / stride + 1};
}

// y = scale * sum of the window;  dx_j += scale * dy
Tensor scaled_sum_pool(const Tensor& x, int k, int stride, float scale, const char* op) {
    Windows w = windows(x, k, stride, op);
    std::vector<float> y(w.outputs(), 0.0f);
    const float* px = x.data();
    w.each([&](size_t o, size_t j) { y[o] += px[j]; });
    for (float& v : y) v *= scale;
    return make_result(op, w.out_shape(), std::move(y), {&x}, [x, w, scale](Node& self) {
        float* gx = x.node()->grad_buffer();
        const float* g = self.grad.data();
        w.each([&](size_t o, size_t j) { gx[j] += scale * g[o]; });
    });
}

// Switch buffers hold one index per output: 600 KB for LeNet's first pooling
// at batch 64. A new std::vector is zeroed, and a block that large comes
// fresh from the system at every training step, page by page (in LeNet's
// training, that cost as much as finding the maxima). So the buffers of
// switches nobody holds any more come back here and are handed out again,
// with stale contents: the pooling writes every element.
class SwitchBuffers {
public:
    std::vector<size_t> take(size_t n) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& buffer : kept_)
            if (buffer.size() == n) {
                std::vector<size_t> found = std::move(buffer);
                buffer = std::move(kept_.back());
                kept_.pop_back();
                return found;
            }
        return std::vector<size_t>(n);
    }
    void give_back(std::vector<size_t>&& buffer) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (kept_.size() < kKept) kept_.push_back(std::move(buffer));
    }

private:
    static constexpr size_t kKept = 8;  // two layers' switches, from a few steps
    std::mutex mutex_;
    std::vector<std::vector<size_t>> kept_;
};

SwitchBuffers& switch_buffers() {
    static SwitchBuffers* buffers = new SwitchBuffers;  // never destroyed: switches may die during static destruction
    return *buffers;
}

constexpr size_t kOutputsPerTask = 8192;

// The output of a max pooling: y = x[switch];  dx[switch] += dy. Windows
// overlap (stride < k) only within a group of `group` consecutive outputs
// (one plane, or one row), which read their own block of x; so the threads
// take whole groups and never add into the same input. A new gradient buffer
// is not zeroed in a pass of its own: each task zeroes its groups' blocks
// just before adding into them, while they are in cache.
Tensor max_result(const Tensor& x, Shape out_shape, std::vector<float> y, std::vector<size_t> argmax, size_t group,
                  const char* op, Switches* switches) {
    auto at = share_switches(std::move(argmax));
    if (switches) *switches = at;
    return make_result(op, std::move(out_shape), std::move(y), {&x}, [x, at, group](Node& self) {
        bool fresh;
        float* gx = x.node()->grad_buffer_to_fill(fresh);
        const float* g = self.grad.data();
        const size_t* from = at->data();
        const size_t groups = self.grad.size() / group;
        if (groups == 0) return;
        const size_t block = x.numel() / groups;  // the inputs of one group
        parallel_ranges(groups, kOutputsPerTask / group + 1, [&](size_t begin, size_t end) {
            if (fresh) std::fill(gx + begin * block, gx + end * block, 0.0f);
            for (size_t o = begin * group; o < end * group; ++o) gx[from[o]] += g[o];
        });
    });
}

// y = x[switch] for switches found elsewhere.
Tensor gather_max(const Tensor& x, Shape out_shape, std::vector<size_t> argmax, size_t group, const char* op,
                  Switches* switches) {
    std::vector<float> y = uninitialized_buffer(argmax.size());
    const float* px = x.data();
    parallel_ranges(y.size(), kOutputsPerTask, [&](size_t begin, size_t end) {
        for (size_t o = begin; o < end; ++o) y[o] = px[argmax[o]];
    });
    return max_result(x, std::move(out_shape), std::move(y), std::move(argmax), group, op, switches);
}

// One row of 2x2 windows, moved by `stride` along it: top and bottom are the
// two input rows, `at` the flat index of top[0]. The first maximum in
// reading order wins ties. The argmax is arithmetic on comparisons, not a
// branch: maxima fall anywhere, and a branch would be mispredicted half the
// time. The maximum itself is chosen by the same comparisons, so it is
// x[argmax] without a second pass that looks it up. With the stride fixed at
// compile time (the usual 2; 0 means the `stride` argument), the compiler
// can turn the loop into vector instructions, for the part of a row that
// fills whole vectors (LeNet's rows are 14 and 5 windows long, so much of
// the work stays scalar). This file is compiled with -fno-trapping-math
// (Makefile), without which GCC does not turn comparisons of floats into
// vector selections; no value changes.
template <int fixed_stride>
void max_2x2_row(const float* __restrict top, const float* __restrict bottom, size_t at, size_t W, int stride, int n,
                 size_t* __restrict argmax, float* __restrict y) {
    const int step = fixed_stride > 0 ? fixed_stride : stride;
    for (int j = 0; j < n; ++j) {
        const int c = j * step;
        const float top_left = top[c], top_right = top[c + 1], bottom_left = bottom[c], bottom_right = bottom[c + 1];
        const bool right_top = top_right > top_left, right_bottom = bottom_right > bottom_left;
        const float max_top = right_top ? top_right : top_left, max_bottom = right_bottom ? bottom_right : bottom_left;
        const bool below = max_bottom > max_top;
        argmax[j] = at + size_t(c) + size_t(below) * W + size_t(below ? right_bottom : right_top);
        y[j] = below ? max_bottom : max_top;
    }
}

}  // namespace

std::vector<size_t> switch_buffer(size_t n) { return switch_buffers().take(n); }

Switches share_switches(std::vector<size_t> argmax) {
    return Switches(new std::vector<size_t>(std::move(argmax)), [](const std::vector<size_t>* dying) {
        switch_buffers().give_back(std::move(*const_cast<std::vector<size_t>*>(dying)));
        delete dying;
    });
}

void max_pool_2x2_plane(const float* plane, int H, int W, size_t first, float* y, size_t* argmax) {
    const int OH = H / 2, OW = W / 2;
    for (int i = 0; i < OH; ++i) {
        const size_t row = size_t(2 * i) * W;
        max_2x2_row<2>(plane + row, plane + row + W, first + row, size_t(W), 2, OW, argmax + size_t(i) * OW,
                       y + size_t(i) * OW);
    }
}

// The index that a scan keeping the first strict maximum finds in row[0:n]
// (ties go to the first; a NaN never wins, unless it is row[0], where such a
// scan starts and stays). Done in two passes, which give the same index: the
// largest value, over 16 independent lanes that the compiler turns into
// vector instructions (a single scan waits on each comparison before the
// next), then the first position that holds it.
size_t first_argmax(const float* row, size_t n) {
    if (!(row[0] == row[0])) return 0;
    constexpr size_t kLanes = 16;
    float lane[kLanes];
    std::fill(lane, lane + kLanes, -std::numeric_limits<float>::infinity());
    size_t l = 0;
    for (; l + kLanes <= n; l += kLanes)
        for (size_t k = 0; k < kLanes; ++k) lane[k] = row[l + k] > lane[k] ? row[l + k] : lane[k];
    float max = row[0];
    for (float v : lane) max = v > max ? v : max;
    for (; l < n; ++l) max = row[l] > max ? row[l] : max;
    size_t best = 0;
    while (!(row[best] == max)) ++best;  // max is one of the values: found before n
    return best;
}

Tensor max_pool2d(const Tensor& x, int k, int stride, Switches* switches) {
    Windows w = windows(x, k, stride, "max_pool2d");
    std::vector<size_t> argmax = switch_buffer(w.outputs());
    std::vector<float> y = uninitialized_buffer(w.outputs());
    const float* px = x.data();
    const int tasks = std::min(w.planes, 16);
    auto argmax_any = [&](size_t corner) {  // the first maximum in reading order wins ties
        size_t best = corner;
        for (int u = 0; u < k; ++u)
            for (int v = 0; v < k; ++v) {
                size_t at = corner + size_t(u) * w.W + size_t(v);
                if (px[at] > px[best]) best = at;
            }
        return best;
    };
    parallel_for(tasks, [&](int task) {
        for (int plane = w.planes * task / tasks; plane < w.planes * (task + 1) / tasks; ++plane) {
            const size_t plane_start = size_t(plane) * w.H * w.W, plane_outputs = size_t(plane) * w.OH * w.OW;
            if (k == 2 && stride == 2) {
                max_pool_2x2_plane(px + plane_start, w.H, w.W, plane_start, y.data() + plane_outputs,
                                   argmax.data() + plane_outputs);
                continue;
            }
            for (int i = 0; i < w.OH; ++i) {
                const size_t row = plane_start + size_t(i * stride) * w.W, first = plane_outputs + size_t(i) * w.OW;
                size_t* out = argmax.data() + first;
                float* max = y.data() + first;
                if (k == 2) {
                    max_2x2_row<0>(px + row, px + row + w.W, row, size_t(w.W), stride, w.OW, out, max);
                } else {
                    for (int j = 0; j < w.OW; ++j) {
                        out[j] = argmax_any(row + size_t(j * stride));
                        max[j] = px[out[j]];
                    }
                }
            }
        }
    });
    return max_result(x, w.out_shape(), std::move(y), std::move(argmax), size_t(w.OH) * w.OW, "max_pool2d", switches);
}

Tensor sum_pool2d(const Tensor& x, int k, int stride) { return scaled_sum_pool(x, k, stride, 1.0f, "sum_pool2d"); }

Tensor avg_pool2d(const Tensor& x, int k, int stride) {
    return scaled_sum_pool(x, k, stride, 1.0f / float(k * k), "avg_pool2d");
}

// y = (sum_j |x_j|^p)^(1/p);  dy/dx_j = sign(x_j) |x_j|^(p-1) / y^(p-1)  (0 where y = 0)
// For L2 pooling (p = 2) the powers of single values are taken without std::pow,
// which was most of the time of a LeNet with L2 pooling: |x_j|^2 (the square of a
// float is exact in double) and (|x_j| / y)^1. Both are exact, and so is what
// glibc's pow returns for them (its error beyond the rounding is a few hundredths
// of a unit in the last place; checked for every float, and 2e8 random doubles).
Tensor lp_pool2d(const Tensor& x, float p, int k, int stride) {
    if (!(p >= 1.0f)) throw Error("lp_pool2d: p must be >= 1, got " + std::to_string(p));
    Windows w = windows(x, k, stride, "lp_pool2d");
    std::vector<double> sums(w.outputs(), 0.0);
    const float* px = x.data();
    const bool square = p == 2.0f;
    w.each([&](size_t o, size_t j) {
        const double a = std::fabs(double(px[j]));
        sums[o] += square ? a * a : std::pow(a, p);
    });
    std::vector<float> y(w.outputs());
    for (size_t o = 0; o < y.size(); ++o) y[o] = float(std::pow(sums[o], 1.0 / p));
    return make_result("lp_pool2d", w.out_shape(), std::move(y), {&x}, [x, w, p, square](Node& self) {
        float* gx = x.node()->grad_buffer();
        const float* px = x.data();
        w.each([&](size_t o, size_t j) {
            double yo = self.data[o], xj = px[j];
            if (yo == 0.0) return;
            const double t = std::fabs(xj) / yo;
            double d = (xj > 0 ? 1.0 : xj < 0 ? -1.0 : 0.0) * (square ? t : std::pow(t, p - 1.0));
            gx[j] += float(d * self.grad[o]);
        });
    });
}

Tensor max_last_axis(const Tensor& x, Switches* switches) {
    if (x.ndim() < 1 || x.dim(-1) < 1) throw Error("max over the last axis: empty input " + shape_str(x.shape()));
    size_t L = size_t(x.dim(-1)), rows = x.numel() / L;
    std::vector<size_t> argmax = switch_buffer(rows);
    const float* px = x.data();
    parallel_ranges(rows, 64, [&](size_t begin, size_t end) {
        for (size_t r = begin; r < end; ++r) argmax[r] = r * L + first_argmax(px + r * L, L);
    });
    Shape shape(x.shape().begin(), x.shape().end() - 1);
    return gather_max(x, shape, std::move(argmax), 1, "max_last_axis", switches);
}

}  // namespace gb
