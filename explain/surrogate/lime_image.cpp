// lime_image.cpp: LIME's image explainer (lime_image.py's data_labels): the
// interpretable features are superpixels, a sample keeps each with
// probability 1/2, and the hidden ones show their mean (or a constant).
#include "explain/surrogate/lime_fit.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

LimeResult lime_image(const Scorer& score, const Tensor& x, int target, const Segmentation& segments, bool hide_mean,
                      float hide_value, const LimeSettings& settings) {
    const size_t plane = size_t(segments.height) * size_t(segments.width);
    if (x.dim(0) != 1 || plane == 0 || x.numel() % plane != 0)
        throw Error("lime: the segmentation covers " + std::to_string(segments.height) + " x " +
                    std::to_string(segments.width) + " pixels; the input " + shape_str(x.shape()) + " is not one such image");
    if (settings.samples < 2) throw Error("lime needs at least 2 samples, got " + std::to_string(settings.samples));
    const int N = settings.samples, F = segments.count;
    const size_t channels = x.numel() / plane;
    const std::vector<Region> regions = segment_regions(segments);
    // what a hidden superpixel shows, per channel: its mean value, or the constant
    std::vector<float> fudged(x.numel(), hide_value);
    if (hide_mean)
        for (size_t c = 0; c < channels; ++c)
            for (const Region& region : regions) {
                double sum = 0;
                for (int pixel : region) sum += x.values()[c * plane + size_t(pixel)];
                for (int pixel : region) fudged[c * plane + size_t(pixel)] = float(sum / double(region.size()));
            }
    // z': row 0 keeps every superpixel, the others keep each with probability 1/2
    Neighbourhood n;
    n.rows = N;
    n.features = F;
    n.data.assign(size_t(N) * size_t(F), 1.0);
    Rng rng(settings.seed);
    for (size_t k = size_t(F); k < n.data.size(); ++k) n.data[k] = double(rng.below(2));
    // z = h_x(z'): the image with the hidden superpixels filled in
    Shape shape = x.shape();
    shape[0] = N;
    Tensor inputs(shape);
    for (int row = 0; row < N; ++row) {
        float* image = inputs.values().data() + size_t(row) * x.numel();
        std::copy(x.values().begin(), x.values().end(), image);
        for (int f = 0; f < F; ++f)
            if (n.data[size_t(row) * size_t(F) + size_t(f)] == 0.0)
                for (size_t c = 0; c < channels; ++c)
                    for (int pixel : regions[size_t(f)]) image[c * plane + size_t(pixel)] = fudged[c * plane + size_t(pixel)];
    }
    n.distances = cosine_distances(n.data, N, F, 1.0);
    LimeResult r = fit_neighbourhood(std::move(n), score_in_chunks(score, inputs), target, 0.25, settings);
    for (int f = 0; f < F; ++f) r.feature_names.push_back("segment " + std::to_string(f));
    for (size_t k = 0; k < x.numel(); ++k) r.feature_of.push_back(segments.label[k % plane]);
    return r;
}

}  // namespace gb
