// extremal_perturbation.hpp: extremal perturbations (Fong, Patrick & Vedaldi
// 2019, "understanding deep networks via extremal perturbations and smooth
// masks"), as their reference implementation (TorchRay,
// torchray/attribution/extremal_perturbation.py) defines them.
//
//   m* = argmax_m  Phi(m) - lambda ||sort(m) - r_a||^2 / |m|
//
// over smooth masks m of a fixed area a (eq. 8 and 9 of the paper):
//   - m is made from a coarse parameter grid mbar (one value per `step`
//     pixels) by a smooth max-convolution (MaskGenerator below);
//   - Phi(m) is the explained logit of the image perturbed by m: where m = 1
//     the image is kept, where m = 0 it is blurred with sigma = max_blur, in
//     between a level of a blur pyramid (BlurPyramid); the "preserve" variant
//     maximises f(perturb(x, m)), the "delete" variant maximises
//     -f(perturb(x, 1 - m));
//   - r_a is the sorted mask of exactly area a (a fraction 1 - a of zeros,
//     then ones), so the penalty ranks the mask's values against it.
// The optimiser is the reference's: SGD with momentum 0.9 and dampening 0.9,
// learning rate 0.01, 800 iterations, mbar starting at 1 and clamped to [0, 1]
// after each step, lambda starting at 300 and growing by 1.0035 per iteration.
//
// Scaled to small images: the reference sizes (step 7, sigma 21, max_blur 20)
// are for 224 x 224 images; here every length is multiplied by side / 224 and
// step rounded to a whole pixel (at least 1), sigma = 3 step as in the
// reference: on 28 x 28 digits step 1, sigma 3, max_blur 2.5; on 56 x 56
// scenes step 2, sigma 6, max_blur 5. The reference's jitter (flipping the
// image left-right every other iteration) is left out: a mirrored digit is
// another shape.
#pragma once
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace gb {

// The blur pyramid of an image (C, H, W): level l of L is the image blurred
// by a Gaussian of sigma_l = (1 - l / (L - 1)) max_blur (zero padding, the
// kernel cut at ceil(4 sigma), as TorchRay's imsmooth); level L - 1 is the
// image itself. apply(m) reads each pixel at level m (L - 1), interpolating
// linearly between the two nearest levels.
class BlurPyramid {
public:
    BlurPyramid(const std::vector<float>& image, int channels, int height, int width, int levels = 8,
                float max_blur = 20.0f);
    int levels() const { return levels_; }
    const std::vector<float>& level(int l) const { return pyramid_.at(size_t(l)); }
    // mask (H, W) in [0, 1] -> the perturbed image (C, H, W)
    std::vector<float> apply(const std::vector<float>& mask) const;
    // d<g, apply(mask)>/d mask for an upstream gradient g (C, H, W) -> (H, W)
    std::vector<float> apply_backward(const std::vector<float>& mask, const std::vector<float>& g) const;

private:
    int levels_, channels_, height_, width_;
    std::vector<std::vector<float>> pyramid_;
};

// One image (C, H, W) blurred by a Gaussian of standard deviation sigma, as TorchRay's imsmooth.
std::vector<float> gaussian_blur(const std::vector<float>& image, int channels, int height, int width, float sigma);

// The smooth mask generator (TorchRay's MaskGenerator, softmax pooling):
//   m(u) = smax_k  w_k(u) mbar(i_k(u)),   smax_k z_k = sum_k z_k softmax(20 z)_k,
// where the K = (2 radius + 1)^2 grid points i_k(u) around pixel u each
// contribute their parameter weighted by the kernel
// w(u) = exp(-2 max(0, |u - p_k| / sigma - 1/2)^2) of the distance to their
// position p_k = margin + step i_k; clamped to [0, 1]. The full mask (shape_out)
// has a margin of sigma pixels on each side; the mask of the image is its crop.
class MaskGenerator {
public:
    // One generated mask with what its gradient needs: the pooled values before the clamp and, per pixel u,
    // the softmax weights s_k(u) (full pixels x K), so that the backward pass repeats no exponential.
    struct Pooled {
        std::vector<float> full, raw, softmax;
    };
    MaskGenerator(int height, int width, int step, float sigma);
    int in_height() const { return in_[0]; }
    int in_width() const { return in_[1]; }
    int out_height() const { return out_[0]; }
    int out_width() const { return out_[1]; }
    // mbar (in_height x in_width) -> the full mask (out_height x out_width)
    std::vector<float> generate(const std::vector<float>& mbar) const { return generate_pooled(mbar).full; }
    Pooled generate_pooled(const std::vector<float>& mbar) const {
        Pooled p;
        generate_pooled(mbar, p);
        return p;
    }
    void generate_pooled(const std::vector<float>& mbar, Pooled& into) const;  // reusing into's storage
    // the full mask's crop to the image (height x width)
    std::vector<float> crop(const std::vector<float>& full) const;
    // d<g, generate(mbar)>/d mbar for an upstream gradient g over the full mask
    std::vector<float> generate_backward(const std::vector<float>& mbar, const std::vector<float>& g) const {
        return generate_backward(mbar, generate_pooled(mbar), g);
    }
    std::vector<float> generate_backward(const std::vector<float>& mbar, const Pooled& pooled,
                                         const std::vector<float>& g) const;
    // adds the full-mask gradient of g given on the crop (height x width) into g_full
    void crop_backward(const std::vector<float>& g, std::vector<float>& g_full) const;

private:
    int height_, width_, padding_, radius_, margin_, K_;
    int in_[2], mid_[2], out_[2];
    std::vector<float> weight_;  // (out_h, out_w, K): w_k(u)
    // the parameter index (or -1 outside the grid) that component k reads at pixel u of the full mask
    std::vector<int> source_;
};

struct ExtremalSettings {
    std::vector<float> areas{0.1f};  // one mask per area, each in (0, 1)
    std::string variant = "preserve";  // or "delete"
    int iterations = 800;
    int levels = 8;
    int step = 0;          // 0: scaled from the reference (7 at 224 pixels)
    float sigma = 0;       // 0: 3 step
    float max_blur = 0;    // 0: scaled from the reference (20 at 224 pixels)
};

struct ExtremalResult {
    std::vector<std::vector<float>> masks;  // one per area, (H, W)
    std::vector<double> rewards;            // the final reward Phi(m) per area
    std::vector<double> mask_areas;         // the mean of each final full mask
    int step = 0;
    float sigma = 0, max_blur = 0;
};

// x (1, ...) holds one image of height x width (in every channel); target >= 0.
// gb::Error for an area outside (0, 1), an unknown variant, or a step larger than the image.
ExtremalResult extremal_perturbation(Sequential& net, const Tensor& x, int target, int height, int width,
                                     const ExtremalSettings& settings);

// The same for the B images of x (B, ...), one target each: every image keeps its own parameters, optimiser
// state, area constraint and blur pyramid; only the model's passes are shared, one batch of B perturbed images
// per iteration (the result is that of B separate calls, to rounding).
std::vector<ExtremalResult> extremal_perturbation_batch(Sequential& net, const Tensor& x, const std::vector<int>& targets,
                                                        int height, int width, const ExtremalSettings& settings);

}  // namespace gb
