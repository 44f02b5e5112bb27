// method.hpp: how a method describes itself to the catalogue, what it is
// told when it runs, and what it returns.
//
// A method is one descriptor: its name, family, paper, parameters (name,
// default, valid values, one-line help), the inputs and layers it supports,
// and the function that runs it. The command line, its usage text and
// `glassbox methods` are derived from the descriptors (catalogue.hpp).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "explain/layer_kinds.hpp"
#include "explain/propagation.hpp"
#include "nn/npz.hpp"

namespace gb {

// The families of the literature (README.md, "Adding a method"; `glassbox methods`
// lists the methods of each).
enum class Family { Gradient, PropagationRule, Perturbation, Surrogate, Synthesis, Extraction };
std::string family_name(Family family);  // "gradient", "propagation-rule", ...
const std::vector<Family>& all_families();

// One parameter of a method; its name is also the command line's flag (--name).
struct Parameter {
    enum class Type { Whole, Real, Choice, Interval };
    std::string name;
    Type type = Type::Real;
    std::string fallback;  // the default, as text; empty: derived from other parameters (see help)
    double min = 0, max = 0;           // Whole, Real; Interval: for both ends
    std::vector<std::string> choices;  // Choice; Real: words it takes besides numbers ("mean")
    std::string help;

    std::string valid() const;                  // "a number from 0 to 1e+06", "one of zero, mean"
    void check(const std::string& text) const;  // gb::Error "--name takes <valid>, got 'text'"
};
Parameter whole_parameter(std::string name, int fallback, int min, int max, std::string help);
Parameter real_parameter(std::string name, std::string fallback, double min, double max, std::string help);
Parameter choice_parameter(std::string name, std::string fallback, std::vector<std::string> choices, std::string help);
Parameter interval_parameter(std::string name, std::string fallback, double min, double max, std::string help);

// The values given for parameters, as text by name ({"epsilon", "0.5"}); a
// parameter not given takes its default. A method reads only its own.
using ParameterValues = std::map<std::string, std::string>;

// What is known of the input beyond its tensor.
struct InputInfo {
    int height = 0, width = 0;  // images given as flat rows: their size (0: the input's last two dimensions)
    bool bounded = false;       // the values lie in a known box (pixels in [0, 1]): zB at the first layer
    std::vector<float> mean;    // one mean training input: the baseline "mean" of taylor and integrated gradients
    std::vector<std::string> words;  // text: the word of every id, for methods that name words
    // tables: the training rows in the model's input space (rows x features), the
    // feature names, and raw = value * scale + mean, for methods that describe features
    std::vector<float> table_rows, table_mean, table_scale;
    std::vector<std::string> table_names;
};

// Everything an explanation is asked with. Methods take their own parameters
// from `parameters`; the rest applies to every method.
struct ExplainOptions {
    std::vector<int> targets;  // per example, or one for all; empty or -1: the predicted class
    ParameterValues parameters;
    InputInfo input;
    bool trace = false;              // propagation methods: the signal at every layer
    const Filter* filter = nullptr;  // propagation methods: keep only what flows through these units
    int translations = 0;            // images: the translation trick (explain.hpp)

    ExplainOptions& set(const std::string& name, const std::string& value);
    ExplainOptions& set(const std::string& name, double value);  // written so that it reads back exactly
};
// Options explaining class c (the predicted class when c < 0), the rest default.
ExplainOptions for_class(int c);

// A figure a method reports beside its map, one value per example.
struct Diagnostic {
    std::string name;  // e.g. "taylor_residual", "completeness_gap", "absorbed"
    std::vector<double> values;
};

struct Explanation {
    std::string method;
    Tensor relevance;               // the input's shape, or (B, T) for text
    std::vector<int> targets;       // the explained classes
    std::vector<float> logit;       // the explained logits f(x)
    std::vector<float> logits_row;  // all logits of the first example
    std::vector<Diagnostic> diagnostics;
    std::vector<std::pair<std::string, std::string>> notes;  // facts as text, e.g. ("selection", "auto")
    std::vector<std::pair<std::string, double>> terms;       // surrogates, first example: (feature, weight), largest first
    std::vector<TraceStep> trace;   // propagation methods: the signal at every layer
    std::vector<std::string> steps; // other methods: what they did, one line a step
    std::vector<NpyArray> saved;    // what a method computed on the way, for a reader to redo it elsewhere
    // The diagnostic `name` of example b; gb::Error if the method did not report it.
    double diagnostic(const std::string& name, size_t b = 0) const;
};

struct Method;
// What a method's run function is given: the network, the input, the
// classes to explain and its parameters, typed.
struct MethodCall {
    const Method& method;
    Sequential& net;
    const Tensor& x;                // (B, ...), as the network takes it (word ids for text)
    std::vector<int> targets;       // one per example; -1 (the predicted class) only for methods
                                    // that propagate, whose walk resolves it
    const ExplainOptions& options;
    size_t stop;                    // where a backward walk stops: 0, or after an Embedding (text)

    int whole(const std::string& name) const;
    float real(const std::string& name) const;
    std::string choice(const std::string& name) const;
    std::pair<float, float> interval(const std::string& name) const;
    std::string text(const std::string& name) const;  // as given, of any type (a number or a word)
    bool given(const std::string& name) const;  // set by the user, not defaulted
};

// The kinds of input a method can explain.
enum class InputForm { Image, Words, Features };
std::string input_form_name(InputForm form);  // "images", "word sequences", "feature vectors"
// Word ids (the network starts with an Embedding), images ((B, C, H, W), or
// flat rows of a known height x width), or else feature vectors.
InputForm input_form(Sequential& net, const Tensor& x, const InputInfo& input);

// "" if a method can explain this network and input, else why not, to follow
// the method's name ("does not apply to layer ...", "needs a convolutional
// layer ...", "explains feature vectors as a table: it needs ..."); `stop` as in MethodCall.
using Refusal = std::function<std::string(Sequential& net, size_t stop, InputForm form, const InputInfo& input)>;

struct Method {
    Method(std::string name, Family family, std::string paper, std::string summary)
        : name(std::move(name)), family(family), paper(std::move(paper)), summary(std::move(summary)) {}
    std::string name;
    Family family;
    std::string paper;    // "Simonyan et al. 2014", with the title's key words
    std::string summary;  // one line: what it computes
    std::vector<Parameter> parameters;
    std::vector<InputForm> inputs;  // the forms of input it explains
    Refusal refusal;                // empty: it explains every network of its inputs
    bool propagates = false;        // one backward walk: --trace and --filter apply
    bool has_steps = false;         // its trace is the steps it took (Explanation::steps)
    bool decomposes_logit = false;  // relevance sums to f(x) up to what biases and stabilisers absorb:
                                    // the diagnostic "absorbed" = f(x) - sum R is added
    std::function<Explanation(const MethodCall&)> run;

    const Parameter& parameter(const std::string& name) const;  // gb::Error if it has none of that name
    bool takes(const std::string& name) const;
    // Why the method cannot explain x with net, or "" if it can.
    std::string refuses(Sequential& net, const Tensor& x, const InputInfo& input) const;
};

// Helpers for the run functions.
// The backward walk of a propagation method, with the call's trace and filter.
Propagation walk(const MethodCall& call, const Rule& rule);
// An Explanation with the method, targets, logits and trace of a finished walk.
Explanation explanation_of(const MethodCall& call, const Propagation& p);
// The walk with `rule` and its signal at the input as the relevance (per word
// on text): the whole of a propagation method that needs nothing more.
Explanation signal_at_input(const MethodCall& call, const Rule& rule);
// Every form of input.
extern const std::vector<InputForm> kEveryInput;
// An Explanation with the method, targets and logits of a forward pass on
// call.x (for methods whose targets explain() resolved).
Explanation forward_explanation(const MethodCall& call);
// The relevance at the input as the user sees it: (B, T, E) at the embeddings
// -> (B, T), a word's relevance being the sum over its embedding dimensions.
Tensor per_input(const Tensor& r, size_t stop);
// The height and width of the images explained: the options' input size, else
// the last two axes of call.x.
std::pair<int, int> image_size(const MethodCall& call);
// Relevance shaped as call.x with one height x width map per example, the
// same in every channel: map_of(b, x_b) is the map of example b, given as a
// batch of one (for methods that optimise a mask per image).
Tensor map_per_example(const MethodCall& call, int height, int width,
                       const std::function<std::vector<float>(size_t b, const Tensor& x_b)>& map_of);
// The refusal of methods that walk the whole network with rules of `family`.
Refusal walks_with(RuleFamily family);

}  // namespace gb
