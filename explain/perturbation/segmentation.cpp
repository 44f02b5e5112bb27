// segmentation.cpp: quickshift and SLIC as scikit-image 0.19 writes them
// (skimage/segmentation/_quickshift_cy.pyx, _slic.pyx, slic_superpixels.py,
// skimage/util/_regular_grid.py), loop for loop, in double precision, with
// their equations in the comments; and the grid of squares.
#include "explain/perturbation/segmentation.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {
namespace {

std::string str(double v) {  // a float as the user wrote it: 0.5, not 0.500000
    std::ostringstream out;
    return static_cast<std::ostringstream&>(out << v).str();
}

void check_image(const std::string& who, const float* image, int channels, int height, int width) {
    if (image == nullptr || channels < 1 || height < 1 || width < 1)
        throw Error(who + ": the image is empty (" + std::to_string(channels) + " channels, " + std::to_string(height) +
                    "x" + std::to_string(width) + "); give at least one channel and one pixel");
}

// Numbers the raw ids (roots, centres, components) in row-major order of first appearance.
Segmentation relabel(int height, int width, const std::vector<long>& raw) {
    Segmentation s{height, width, 0, std::vector<int>(raw.size())};
    std::map<long, int> number;
    for (size_t p = 0; p < raw.size(); ++p) s.label[p] = number.emplace(raw[p], int(number.size())).first->second;
    s.count = int(number.size());
    return s;
}

// (C, H, W) planes -> pixel-major features f[p * C + c] = scale * image[c][p], the layout of scikit-image's loops.
std::vector<double> pixel_major(const float* image, int C, int H, int W, double scale) {
    const long n = long(H) * W;
    std::vector<double> f(size_t(n) * C);
    for (long p = 0; p < n; ++p)
        for (int c = 0; c < C; ++c) f[size_t(p * C + c)] = double(image[c * n + p]) * scale;
    return f;
}

// ---- SLIC's steps (slic() is below quickshift) -------------------------------------------------------
// skimage.util.regular_grid((1, H, W), n): about n points spaced as evenly as the shape allows, as
// slice(start, None, step) per axis. Both image axes get s = (H W / n)^(1/2) (the depth axis, 1), unless
// the shorter one is shorter than s: it then takes its length, the longer one (its length) / n.
// start = s // 2, step = np.round(s) (ties to even, as nearbyint); n >= H W gives every pixel.
struct GridAxis {
    int start = 0, step = 1;
};
std::pair<GridAxis, GridAxis> regular_grid(int H, int W, long n) {
    if (double(H) * W <= double(n)) return {};
    double sy = std::pow(double(H) * W / double(n), 1.0 / 2), sx = sy;
    if (std::min(H, W) < sy) {
        if (H < W) sy = H, sx = W / double(n);
        else sx = W, sy = H / double(n);
    }
    auto axis = [](double step) { return GridAxis{int(std::floor(step / 2)), int(std::nearbyint(step))}; };
    return {axis(sy), axis(sx)};
}

// scipy.ndimage.gaussian_filter(mode='reflect', truncate=4) on the (1, H, W, C) image, axis by axis:
//   out_i = in_i w_0 + sum_{j=r..1} (in_{i-j} + in_{i+j}) w_j,
//   w_j = exp(-j^2 / (2 sigma^2)) / sum_{|j| <= r} exp(-j^2 / (2 sigma^2)),  r = int(4 sigma + 0.5),
// with reflecting edges (d c b a | a b c d | d c b a). The depth axis (length 1) is smoothed too, as
// scikit-image does: it multiplies by sum w = 1 up to rounding. (numpy's exp and sum round differently
// from std::exp and a loop, so the weights agree with scipy's to about 1e-16, not to the bit.)
void smooth(std::vector<double>& f, int C, int H, int W, double sigma) {
    const int r = int(4.0 * sigma + 0.5);
    std::vector<double> w(size_t(r) + 1);
    double total = 0;
    for (int j = -r; j <= r; ++j) total += std::exp(-0.5 / (sigma * sigma) * double(j * j));
    for (int j = 0; j <= r; ++j) w[size_t(j)] = std::exp(-0.5 / (sigma * sigma) * double(j * j)) / total;
    auto line = [&](size_t first, int n, size_t stride) {
        std::vector<double> in(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) in[size_t(i)] = f[first + size_t(i) * stride];
        auto at = [&](int i) {  // reflect: period 2n, the second half mirrored
            i = (i % (2 * n) + 2 * n) % (2 * n);
            return in[size_t(i < n ? i : 2 * n - 1 - i)];
        };
        for (int i = 0; i < n; ++i) {
            double s = in[size_t(i)] * w[0];
            for (int j = r; j >= 1; --j) s += (at(i - j) + at(i + j)) * w[size_t(j)];
            f[first + size_t(i) * stride] = s;
        }
    };
    for (size_t k = 0; k < f.size(); ++k) line(k, 1, 1);                           // depth
    for (int x = 0; x < W; ++x)
        for (int c = 0; c < C; ++c) line(size_t(x) * C + c, H, size_t(W) * C);     // rows
    for (int y = 0; y < H; ++y)
        for (int c = 0; c < C; ++c) line(size_t(y) * W * C + c, W, size_t(C));     // columns
}

// _enforce_label_connectivity_cython: scan the pixels in row-major order; a breadth-first search
// (4-neighbours, stopped at max_size pixels) collects each not yet visited connected component of
// one label; a component smaller than min_size takes the label of the last already labelled
// neighbour it met ("like in the original paper"), the others get the next new label.
std::vector<long> enforce_connectivity(const std::vector<long>& labels, int H, int W, long min_size, long max_size) {
    const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    std::vector<long> out(labels.size(), -1), queue(size_t(std::max(max_size, 1L)));
    long next_label = 0;
    for (long p = 0; p < long(labels.size()); ++p) {
        if (labels[size_t(p)] == -1 || out[size_t(p)] > -1) continue;
        long adjacent = next_label, size = 1, visited = 0;
        out[size_t(p)] = next_label;
        queue[0] = p;
        while (visited < size && size < max_size) {
            for (int i = 0; i < 4; ++i) {
                const long y = queue[size_t(visited)] / W + dy[i], x = queue[size_t(visited)] % W + dx[i];
                if (x < 0 || x >= W || y < 0 || y >= H) continue;
                const size_t q = size_t(y * W + x);
                if (labels[q] == labels[size_t(p)] && out[q] == -1) {
                    out[q] = next_label;
                    queue[size_t(size++)] = long(q);
                    if (size >= max_size) break;
                } else if (out[q] > -1 && out[q] != next_label)
                    adjacent = out[q];
            }
            ++visited;
        }
        if (size < min_size)
            for (long i = 0; i < size; ++i) out[size_t(queue[size_t(i)])] = adjacent;
        else
            ++next_label;
    }
    return out;
}
}  // namespace

// ---- quickshift (Vedaldi & Soatto 2008) --------------------------------------------------------------
// Every pixel p is a point x_p = (ratio * I_p, row_p, col_p) of the joint colour-space domain.
//   Parzen density:  E(p) = sum_{q in W(p)} exp(-||x_p - x_q||^2 / (2 kernel_size^2)) + n_p
//   link:            parent(p) = argmin_{q in W(p), E(q) > E(p)} ||x_p - x_q||,  d(p) = that distance
//   cut:             p is a root if no q qualifies or d(p) > max_dist; the trees are the segments.
// W(p) is the (2w+1)^2 window around p, w = ceil(3 kernel_size), clipped at the edges (for both
// sums, as scikit-image; the paper searches for the parent within max_dist). n_p ~ N(0, 1e-5^2)
// breaks ties between equal densities; scikit-image draws it from numpy's default_rng(seed), we
// from gb::Rng(seed), so segmentations agree only up to how exact ties are broken.
Segmentation quickshift(const float* image, int channels, int height, int width, float ratio, float kernel_size,
                        float max_dist, uint64_t seed) {
    check_image("quickshift", image, channels, height, width);
    if (!(kernel_size >= 1.0f))
        throw Error("quickshift: kernel_size must be >= 1 (as in scikit-image), got " + str(kernel_size));
    if (!(max_dist >= 0.0f)) throw Error("quickshift: max_dist must be >= 0, got " + str(max_dist));
    if (!(ratio >= 0.0f)) throw Error("quickshift: ratio must be >= 0, got " + str(ratio));
    const int C = channels, H = height, W = width, w = int(std::ceil(3.0 * double(kernel_size)));
    const std::vector<double> f = pixel_major(image, C, H, W, double(ratio));  // ratio * I_p
    const double inv_kernel_size_sqr = -0.5 / (double(kernel_size) * double(kernel_size));
    auto sq_dist = [&](int r, int c, int r2, int c2) {  // ||x_p - x_q||^2, colour then row and column
        const size_t p = size_t(r) * W + c, q = size_t(r2) * W + c2;
        double dist = 0;
        for (int k = 0; k < C; ++k) dist += (f[p * C + k] - f[q * C + k]) * (f[p * C + k] - f[q * C + k]);
        const double tr = r - r2, tc = c - c2;
        dist += tr * tr;
        return dist + tc * tc;
    };
    auto window = [&](int r, int c, auto visit) {  // visit(r2, c2) for every q in W(p), row-major
        for (int r2 = std::max(r - w, 0); r2 < std::min(r + w + 1, H); ++r2)
            for (int c2 = std::max(c - w, 0); c2 < std::min(c + w + 1, W); ++c2) visit(r2, c2);
    };
    std::vector<double> density(size_t(H) * W);
    Rng rng(seed);
    for (double& e : density) e = 1e-5 * double(rng.normal());  // n_p
    for (int r = 0; r < H; ++r)
        for (int c = 0; c < W; ++c)
            window(r, c, [&](int r2, int c2) {
                density[size_t(r) * W + c] += std::exp(sq_dist(r, c, r2, c2) * inv_kernel_size_sqr);
            });
    std::vector<long> parent(size_t(H) * W);
    for (int r = 0; r < H; ++r)
        for (int c = 0; c < W; ++c) {
            const size_t p = size_t(r) * W + c;
            double closest = DBL_MAX;
            parent[p] = long(p);
            window(r, c, [&](int r2, int c2) {
                if (!(density[size_t(r2) * W + c2] > density[p])) return;
                const double dist = sq_dist(r, c, r2, c2);
                if (dist < closest) closest = dist, parent[p] = long(r2) * W + c2;
            });
            if (std::sqrt(closest) > double(max_dist)) parent[p] = long(p);  // too far: p is a root
        }
    std::vector<long> root(parent.size());  // follow the links: each pixel takes its tree's root
    for (size_t p = 0; p < parent.size(); ++p)
        for (root[p] = long(p); parent[size_t(root[p])] != root[p];) root[p] = parent[size_t(root[p])];
    return relabel(H, W, root);
}

// ---- SLIC (Achanta et al. 2012) -----------------------------------------------------------------------
// Centres c_k = (y_k, x_k, colour_k) start on a regular grid of spacing S with colour 0. Each
// iteration assigns every pixel p within 2 S of a centre (per axis) to the centre of least
//   D = ((y_p - y_k)^2 + (x_p - x_k)^2) / S^2 + ||I_p - colour_k||^2 / m^2     (m = compactness),
// the square of the paper's D' = sqrt((d_c / m)^2 + (d_s / S)^2), ties to the first centre; then
// moves each centre to the mean of its pixels. Colours are first rescaled to [0, 1] over the whole
// image (and smoothed if sigma > 0). Finally enforce_connectivity merges fragments.
Segmentation slic(const float* image, int channels, int height, int width, int n_segments, float compactness,
                  int max_iter, float sigma) {
    check_image("slic", image, channels, height, width);
    if (n_segments < 1) throw Error("slic: n_segments must be >= 1, got " + std::to_string(n_segments));
    if (!(compactness > 0.0f)) throw Error("slic: compactness must be > 0, got " + str(compactness));
    if (max_iter < 1) throw Error("slic: max_iter must be >= 1, got " + std::to_string(max_iter));
    if (!(sigma >= 0.0f)) throw Error("slic: sigma must be >= 0, got " + str(sigma));
    const int C = channels, H = height, W = width;
    std::vector<double> f = pixel_major(image, C, H, W, 1.0);
    for (double v : f)
        if (!std::isfinite(v)) throw Error("slic: the image has a NaN or infinite value");
    const double low = *std::min_element(f.begin(), f.end()), high = *std::max_element(f.begin(), f.end()) - low;
    for (double& v : f) v = high != 0 ? (v - low) / high : v - low;  // rescale: (I - min) / max(I - min)
    // Seeds on regular_grid((1, H, W), n_segments); S = the largest step.
    const auto grid = regular_grid(H, W, n_segments);
    std::vector<std::vector<double>> centre;  // (z, y, x, colour...): z is 0, kept for scikit-image's layout
    for (int y = grid.first.start; y < H; y += grid.first.step)
        for (int x = grid.second.start; x < W; x += grid.second.step)
            centre.push_back({0.0, double(y), double(x)}), centre.back().resize(size_t(3 + C), 0.0);
    const long K = long(centre.size());
    const float step = float(std::max({1, grid.first.step, grid.second.step}));
    // The search windows use the grid of the actual number of centres, as _slic_cython.
    const auto window = regular_grid(H, W, K);
    const int wy = 2 * window.first.step, wx = 2 * window.second.step;
    if (sigma > 0) smooth(f, C, H, W, double(sigma));
    const double ratio = 1.0 / double(compactness);
    for (double& v : f) v *= ratio;  // I / m
    const double spatial_weight = 1.0 / double(step * step);  // 1 / S^2 (S a C float in _slic_cython)
    std::vector<long> nearest(size_t(H) * W, -1), count(static_cast<size_t>(K));
    std::vector<double> distance(size_t(H) * W);
    for (int it = 0; it < max_iter; ++it) {
        bool change = false;
        std::fill(distance.begin(), distance.end(), DBL_MAX);
        for (long k = 0; k < K; ++k) {  // assign pixels to centres
            const std::vector<double>& ck = centre[size_t(k)];
            const double cy = ck[1], cx = ck[2];
            if (std::isnan(cy)) continue;  // emptied centre: 0 / 0, its windows are empty in scikit-image too
            const long y_min = long(std::max(cy - wy, 0.0)), y_max = long(std::min(cy + wy + 1, double(H)));
            const long x_min = long(std::max(cx - wx, 0.0)), x_max = long(std::min(cx + wx + 1, double(W)));
            for (long y = y_min; y < y_max; ++y) {
                double dy = cy - double(y);
                dy *= dy;
                for (long x = x_min; x < x_max; ++x) {
                    double dx = cx - double(x);
                    dx *= dx;
                    double d = (dy + dx) * spatial_weight;  // (dz + dy + dx) / S^2 with dz = 0
                    const size_t p = size_t(y * W + x);
                    const double* colour = &f[p * C];
                    double dist_color = 0;
                    for (int c = 0; c < C; ++c) dist_color += (colour[c] - ck[3 + c]) * (colour[c] - ck[3 + c]);
                    d += dist_color;
                    if (distance[p] > d) nearest[p] = k, distance[p] = d, change = true;
                }
            }
        }
        if (!change) break;
        std::fill(count.begin(), count.end(), 0);  // move each centre to the mean of its pixels
        for (auto& ck : centre) std::fill(ck.begin(), ck.end(), 0.0);
        for (long p = 0; p < long(nearest.size()); ++p) {
            const long k = nearest[size_t(p)];
            if (k < 0) continue;  // never reached by a window (scikit-image would index out of bounds)
            std::vector<double>& ck = centre[size_t(k)];
            ++count[size_t(k)];
            ck[1] += double(p / W), ck[2] += double(p % W);
            for (int c = 0; c < C; ++c) ck[size_t(3 + c)] += f[size_t(p) * C + size_t(c)];
        }
        for (long k = 0; k < K; ++k)  // (an emptied centre becomes 0 / 0 = NaN, as in scikit-image)
            for (double& v : centre[size_t(k)]) v /= double(count[size_t(k)]);
    }
    const double segment_size = double(H) * double(W) / double(K);
    return relabel(H, W, enforce_connectivity(nearest, H, W, long(0.5 * segment_size), long(3 * segment_size)));
}

// ---- the grid ------------------------------------------------------------------------------------------
Segmentation grid_segmentation(int height, int width, int cell) {
    if (height < 1 || width < 1 || cell < 1)
        throw Error("grid_segmentation: need a non-empty image and cell >= 1, got " + std::to_string(height) + "x" +
                    std::to_string(width) + " with cell " + std::to_string(cell));
    const int columns = (width + cell - 1) / cell;
    std::vector<long> cellid(size_t(height) * width);
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j) cellid[size_t(i) * width + j] = long(i / cell) * columns + j / cell;
    return relabel(height, width, cellid);
}

std::vector<Region> segment_regions(const Segmentation& s) {
    const bool fits = s.label.size() == size_t(s.height) * size_t(s.width) && s.count >= 0 &&
                      std::all_of(s.label.begin(), s.label.end(), [&](int k) { return k >= 0 && k < s.count; });
    if (!fits)
        throw Error("segment_regions: not a segmentation (" + std::to_string(s.label.size()) + " labels for " +
                    std::to_string(s.height) + "x" + std::to_string(s.width) + " pixels, each must be in 0.." +
                    std::to_string(s.count - 1) + ")");
    std::vector<Region> regions(size_t(s.count));
    for (size_t p = 0; p < s.label.size(); ++p) regions[size_t(s.label[p])].push_back(int(p));
    return regions;
}

}  // namespace gb
