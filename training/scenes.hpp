// scenes.hpp: MNIST scenes, pictures whose answer is known, for measuring
// where explanations point. MNIST test digits are pasted onto a larger black
// canvas (56 x 56 by default) at random places, their ink boxes at least
// `gap` pixels apart; a pixel where two 28 x 28 cells overlap takes the
// larger value. Three kinds, after the three kinds of picture of Song &
// Zhang's review of localization methods:
//   single     one digit
//   same       two digits of the same class
//   different  two or three digits of different classes
// Each scene records every digit's class and ink box (the tight box around
// its pixels above 0), and the class to explain: the first digit's. The same
// seed gives the same scenes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explain/evaluation/localization.hpp"
#include "training/data.hpp"

namespace gb {

// A digit's ink box (rows top..bottom, columns left..right) and its class.
struct Box : PixelBox {
    int label = 0;
};

enum class SceneKind { Single, Same, Different };
// "single", "same" or "different"; gb::Error naming the three for anything else.
SceneKind scene_kind(const std::string& name);
std::string scene_kind_name(SceneKind kind);

struct Scene {
    int size = 56;
    std::vector<float> image;  // size x size, values in [0, 1]
    std::vector<Box> boxes;    // one per digit
    std::vector<int> digits;   // the MNIST test example each digit came from
    int target = 0;            // the class to explain: the first digit's
    std::vector<PixelBox> target_boxes() const;  // the boxes of the digits of the target class
};

struct SceneSettings {
    SceneKind kind = SceneKind::Single;
    int count = 300;
    int size = 56;  // of the square canvas, at least 28
    int gap = 2;    // pixels between two digits' ink boxes
    uint64_t seed = 1;
};

// `count` scenes from the digits of `mnist` (28 x 28 images, e.g. the MNIST
// test split). gb::Error if the canvas is smaller than a digit, or if the
// digits do not fit after many tries (a canvas too small for three).
std::vector<Scene> make_scenes(const LabeledSet& mnist, const SceneSettings& settings);

// The scenes as a labeled set of size x size images (label: the target class).
LabeledSet scenes_as_set(const std::vector<Scene>& scenes);

}  // namespace gb
