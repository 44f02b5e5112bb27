// The catalogue: every method runs on a small model of each kind it claims to
// support and is refused with a gb::Error on the others; its descriptor is
// complete; explaining leaves the network as it was.
#include <cmath>
#include <map>
#include <set>

#include "explain/catalogue.hpp"
#include "explain/explain.hpp"
#include "helpers.hpp"
#include "nn/models.hpp"
#include "util/error.hpp"

using namespace gb;

namespace {

// One example for the model: a digit-sized image, word ids, or a bag of words.
Tensor example_for(const Model& model, Rng& rng) {
    Shape shape{1};
    shape.insert(shape.end(), model.input_shape.begin(), model.input_shape.end());
    Tensor x(shape);
    const bool words = model.name == "textcnn" || model.name == "textlstm";
    for (float& v : x.values()) v = words ? float(1 + int(rng.uniform() * 29)) : rng.uniform();
    return x;
}

bool claims(const std::vector<std::string>& supported, const std::string& model) {
    for (const std::string& m : supported)
        if (m == model) return true;
    return false;
}

}  // namespace

TEST_CASE("every method runs on the models it claims and is refused cleanly on the others", "[catalogue]") {
    Rng rng(1);
    std::map<std::string, std::vector<std::string>> supported;  // method -> models it explained
    for (const std::string& name : model_names()) {
        Model model = make_model(name, 1, {30, 12, 4});
        const bool image = name == "mlp" || name == "lenet" || name == "lenet-sum" || name == "lstm" ||
                           name == "allconv-gap";
        ExplainOptions options;
        if (image) options.input.height = options.input.width = 28, options.input.bounded = true;
        options.set("samples", 2);  // smoothgrad, integrated gradients: quick
        options.set("masks", 20).set("iterations", 3);  // rise, extremal perturbation: quick
        Tensor x = example_for(model, rng);
        for (const Method& method : catalogue()) {
            INFO(method.name << " on " << name);
            if (!method.refuses(model.net, x, options.input).empty()) {
                CHECK_THROWS_AS(explain(model.net, x, method.name, options), Error);
                continue;
            }
            Explanation e = explain(model.net, x, method.name, options);
            Shape expected = x.shape();
            CHECK(e.relevance.shape() == expected);
            bool finite = true;
            for (float v : e.relevance.values()) finite = finite && std::isfinite(v);
            CHECK(finite);
            CHECK(e.targets.size() == 1);
            supported[method.name].push_back(name);
        }
    }
    // what the claims amount to, for a few methods whose reach is known
    CHECK(supported["gradient"] == model_names());
    CHECK(supported["gradcam"] == std::vector<std::string>{"lenet", "lenet-sum", "allconv-gap"});
    CHECK(supported["cam"] == std::vector<std::string>{"allconv-gap"});
    CHECK_FALSE(claims(supported["deconvnet"], "lstm"));
    CHECK(claims(supported["lrp-epsilon"], "lstm"));
    CHECK_FALSE(claims(supported["lrp-gamma"], "lstm"));
    CHECK(claims(supported["occlusion"], "textcnn"));
    CHECK_FALSE(claims(supported["occlusion"], "bow-mlp"));
    CHECK_FALSE(claims(supported["taylor"], "textcnn"));
}

TEST_CASE("every descriptor is complete, with valid defaults", "[catalogue]") {
    std::set<std::string> names;
    for (const Method& m : catalogue()) {
        INFO(m.name);
        CHECK(names.insert(m.name).second);  // names are unique
        CHECK(!m.paper.empty());
        CHECK(!m.summary.empty());
        CHECK(!m.inputs.empty());
        CHECK(m.run);
        for (const Parameter& p : m.parameters) {
            INFO(p.name);
            CHECK(!p.help.empty());
            if (!p.fallback.empty()) CHECK_NOTHROW(p.check(p.fallback));
        }
    }
    CHECK_THROWS_WITH(method_named("magic"), Catch::Contains("choose one of: gradient,"));
    const Method& smoothgrad = method_named("smoothgrad");
    CHECK_THROWS_WITH(smoothgrad.parameter("samples").check("0"), Catch::Contains("--samples takes a whole number from 1"));
    CHECK_THROWS_WITH(smoothgrad.parameter("noise").check("x"), Catch::Contains("got 'x'"));
    CHECK_THROWS_WITH(method_named("taylor").parameter("baseline").check("one"), Catch::Contains("one of zero, mean, search"));
}

TEST_CASE("explaining leaves the network as it was", "[catalogue]") {
    Model model = make_model("lenet", 2);
    Rng rng(3);
    Tensor x = example_for(model, rng);
    model.net.set_training(true);
    for (const char* method : {"gradient", "lrp", "occlusion", "smoothgrad", "gradcam"}) {
        INFO(method);
        explain(model.net, x, method, ExplainOptions().set("samples", 2));
        CHECK(model.net.training());
        for (auto& np : model.net.parameters()) CHECK(np.second.requires_grad());
    }
    CHECK_THROWS(explain(model.net, x, "lrp-epsilon", ExplainOptions().set("epsilon", "-1")));
    CHECK(model.net.training());
}
