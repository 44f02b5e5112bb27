#include "training/scenes.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

SceneKind scene_kind(const std::string& name) {
    if (name == "single") return SceneKind::Single;
    if (name == "same") return SceneKind::Same;
    if (name == "different") return SceneKind::Different;
    throw Error("unknown scene kind '" + name + "'; choose single (one digit), same (two digits of one class) or "
                "different (two or three digits of different classes)");
}

std::string scene_kind_name(SceneKind kind) {
    switch (kind) {
        case SceneKind::Single: return "single";
        case SceneKind::Same: return "same";
        case SceneKind::Different: return "different";
    }
    return "";
}

namespace {

// The tight box of a digit's pixels above 0, in its 28 x 28 cell.
Box ink_box(const float* digit) {
    Box b;
    b.top = b.left = 28, b.bottom = b.right = -1;
    for (int r = 0; r < 28; ++r)
        for (int c = 0; c < 28; ++c)
            if (digit[r * 28 + c] > 0) {
                b.top = std::min(b.top, r), b.bottom = std::max(b.bottom, r);
                b.left = std::min(b.left, c), b.right = std::max(b.right, c);
            }
    if (b.bottom < 0) b.top = b.left = 0, b.bottom = b.right = 27;  // a blank image: its whole cell
    return b;
}

bool apart(const Box& a, const Box& b, int gap) {
    return a.bottom + gap < b.top || b.bottom + gap < a.top || a.right + gap < b.left || b.right + gap < a.left;
}

}  // namespace

std::vector<Scene> make_scenes(const LabeledSet& mnist, const SceneSettings& s) {
    if (mnist.example_size != 784 || mnist.count() == 0)
        throw Error("MNIST scenes are made of 28 x 28 digits; the data given holds examples of " +
                    std::to_string(mnist.example_size) + " values");
    if (s.size < 28) throw Error("an MNIST scene's canvas must hold a digit: at least 28 pixels, got " +
                                 std::to_string(s.size));
    if (s.count < 0) throw Error("a negative number of scenes");
    std::vector<std::vector<int>> by_class(10);
    for (int i = 0; i < mnist.count(); ++i)
        if (mnist.labels[size_t(i)] >= 0 && mnist.labels[size_t(i)] < 10) by_class[size_t(mnist.labels[size_t(i)])].push_back(i);
    Rng rng(s.seed);
    std::vector<Scene> scenes;
    std::vector<float> digit(784);
    for (int n = 0; n < s.count; ++n) {
        // the digits: their classes first
        std::vector<int> classes;
        const int first = mnist.labels[size_t(rng.below(uint64_t(mnist.count())))];
        classes.push_back(first);
        if (s.kind == SceneKind::Same) classes.push_back(first);
        if (s.kind == SceneKind::Different) {
            const int more = 1 + int(rng.below(2));  // two or three digits in all
            while (int(classes.size()) < 1 + more) {
                const int c = int(rng.below(10));
                if (std::find(classes.begin(), classes.end(), c) == classes.end() && !by_class[size_t(c)].empty())
                    classes.push_back(c);
            }
        }
        std::vector<int> picked;  // one MNIST example per class listed
        for (int c : classes) {
            const std::vector<int>& pool = by_class[size_t(c)];
            int index;
            do index = pool[size_t(rng.below(pool.size()))];
            while (std::find(picked.begin(), picked.end(), index) != picked.end() && pool.size() > 1);
            picked.push_back(index);
        }
        // places them one after the other at random; if one finds no place, the scene starts over
        Scene scene;
        bool placed_all = false;
        for (int restart = 0; restart < 100 && !placed_all; ++restart) {
            scene = Scene();
            scene.size = s.size;
            scene.image.assign(size_t(s.size) * s.size, 0.0f);
            placed_all = true;
            for (size_t d = 0; d < picked.size() && placed_all; ++d) {
                mnist.fill(picked[d], digit.data());
                const Box cell = ink_box(digit.data());
                bool placed = false;
                for (int attempt = 0; attempt < 100 && !placed; ++attempt) {
                    const int top = int(rng.below(uint64_t(s.size - 28 + 1)));
                    const int left = int(rng.below(uint64_t(s.size - 28 + 1)));
                    Box box;
                    box.top = cell.top + top, box.left = cell.left + left, box.bottom = cell.bottom + top;
                    box.right = cell.right + left, box.label = classes[d];
                    if (!std::all_of(scene.boxes.begin(), scene.boxes.end(),
                                     [&](const Box& b) { return apart(b, box, s.gap); }))
                        continue;
                    for (int r = 0; r < 28; ++r)
                        for (int col = 0; col < 28; ++col) {
                            float& p = scene.image[size_t(r + top) * s.size + size_t(col + left)];
                            p = std::max(p, digit[size_t(r * 28 + col)]);
                        }
                    scene.boxes.push_back(box);
                    scene.digits.push_back(picked[d]);
                    placed = true;
                }
                placed_all = placed;
            }
        }
        if (!placed_all)
            throw Error("the digits of a " + scene_kind_name(s.kind) + " scene do not fit a " + std::to_string(s.size) +
                        " x " + std::to_string(s.size) + " canvas; take a larger one");
        scene.target = first;
        scenes.push_back(std::move(scene));
    }
    return scenes;
}

std::vector<PixelBox> Scene::target_boxes() const {
    std::vector<PixelBox> kept;
    for (const Box& b : boxes)
        if (b.label == target) kept.push_back(b);
    return kept;
}

LabeledSet scenes_as_set(const std::vector<Scene>& scenes) {
    LabeledSet set;
    set.classes = 10;
    if (scenes.empty()) return set;
    set.example_size = scenes[0].image.size();
    for (const Scene& s : scenes) {
        set.labels.push_back(s.target);
        set.dense.insert(set.dense.end(), s.image.begin(), s.image.end());
    }
    return set;
}

}  // namespace gb
