#include "explain/method.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "nn/text_layers.hpp"
#include "util/error.hpp"

namespace gb {

std::string family_name(Family family) {
    switch (family) {
        case Family::Gradient: return "gradient";
        case Family::PropagationRule: return "propagation-rule";
        case Family::Perturbation: return "perturbation";
        case Family::Surrogate: return "surrogate";
        case Family::Synthesis: return "synthesis";
        case Family::Extraction: return "extraction";
    }
    return "";
}

const std::vector<Family>& all_families() {
    static const std::vector<Family> families{Family::Gradient,  Family::PropagationRule, Family::Perturbation,
                                              Family::Surrogate, Family::Synthesis,       Family::Extraction};
    return families;
}

// ---- parameters --------------------------------------------------------------

namespace {

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// The number `text` if all of it is one finite number.
bool read_number(const std::string& text, double& v) {
    char* end = nullptr;
    v = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && std::isfinite(v);
}

std::vector<std::string> two_parts(const std::string& text) {
    size_t comma = text.find(',');
    if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos) return {};
    return {text.substr(0, comma), text.substr(comma + 1)};
}

}  // namespace

std::string Parameter::valid() const {
    switch (type) {
        case Type::Whole: return "a whole number from " + number_text(min) + " to " + number_text(max);
        case Type::Real: {
            std::string words;  // words a number parameter also takes, e.g. "mean"
            for (const std::string& c : choices) words += " or " + c;
            return "a number from " + number_text(min) + " to " + number_text(max) + words;
        }
        case Type::Interval:
            return "two numbers LOW,HIGH with " + number_text(min) + " <= LOW < HIGH <= " + number_text(max);
        case Type::Choice: {
            std::string list;
            for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
            return "one of " + list;
        }
    }
    return "";
}

void Parameter::check(const std::string& text) const {
    double v = 0, w = 0;
    bool ok = false;
    switch (type) {
        case Type::Whole: ok = read_number(text, v) && v == std::floor(v) && v >= min && v <= max; break;
        case Type::Real:
            ok = (read_number(text, v) && v >= min && v <= max) ||
                 std::find(choices.begin(), choices.end(), text) != choices.end();
            break;
        case Type::Interval: {
            std::vector<std::string> parts = two_parts(text);
            ok = parts.size() == 2 && read_number(parts[0], v) && read_number(parts[1], w) && min <= v && v < w && w <= max;
            break;
        }
        case Type::Choice:
            for (const std::string& c : choices) ok = ok || c == text;
            break;
    }
    if (!ok) throw Error("--" + name + " takes " + valid() + ", got '" + text + "'");
}

Parameter whole_parameter(std::string name, int fallback, int min, int max, std::string help) {
    return {std::move(name), Parameter::Type::Whole, std::to_string(fallback), double(min), double(max), {}, std::move(help)};
}
Parameter real_parameter(std::string name, std::string fallback, double min, double max, std::string help) {
    return {std::move(name), Parameter::Type::Real, std::move(fallback), min, max, {}, std::move(help)};
}
Parameter choice_parameter(std::string name, std::string fallback, std::vector<std::string> choices, std::string help) {
    return {std::move(name), Parameter::Type::Choice, std::move(fallback), 0, 0, std::move(choices), std::move(help)};
}
Parameter interval_parameter(std::string name, std::string fallback, double min, double max, std::string help) {
    return {std::move(name), Parameter::Type::Interval, std::move(fallback), min, max, {}, std::move(help)};
}

ExplainOptions& ExplainOptions::set(const std::string& name, const std::string& value) {
    parameters[name] = value;
    return *this;
}
ExplainOptions& ExplainOptions::set(const std::string& name, double value) { return set(name, number_text(value)); }

ExplainOptions for_class(int c) {
    ExplainOptions o;
    o.targets = {c};
    return o;
}

double Explanation::diagnostic(const std::string& name, size_t b) const {
    for (const Diagnostic& d : diagnostics)
        if (d.name == name) return d.values.at(b);
    throw Error(method + " reports no " + name);
}

// ---- what a method is given ----------------------------------------------------

namespace {

// The value of parameter `name` of the call's method, given or default, checked.
std::string value_of(const MethodCall& call, const std::string& name, Parameter::Type type) {
    const Parameter& p = call.method.parameter(name);
    if (p.type != type) throw Error(call.method.name + ": parameter " + name + " is read as another type");
    auto it = call.options.parameters.find(name);
    return it == call.options.parameters.end() ? p.fallback : it->second;
}

}  // namespace

int MethodCall::whole(const std::string& name) const {
    return std::atoi(value_of(*this, name, Parameter::Type::Whole).c_str());
}
float MethodCall::real(const std::string& name) const {
    return std::strtof(value_of(*this, name, Parameter::Type::Real).c_str(), nullptr);
}
std::string MethodCall::choice(const std::string& name) const { return value_of(*this, name, Parameter::Type::Choice); }
std::pair<float, float> MethodCall::interval(const std::string& name) const {
    std::vector<std::string> parts = two_parts(value_of(*this, name, Parameter::Type::Interval));
    return {std::strtof(parts[0].c_str(), nullptr), std::strtof(parts[1].c_str(), nullptr)};
}
std::string MethodCall::text(const std::string& name) const {
    return value_of(*this, name, method.parameter(name).type);
}
bool MethodCall::given(const std::string& name) const {
    method.parameter(name);
    return options.parameters.count(name) > 0;
}

std::string input_form_name(InputForm form) {
    switch (form) {
        case InputForm::Image: return "images";
        case InputForm::Words: return "word sequences";
        case InputForm::Features: return "feature vectors";
    }
    return "";
}

InputForm input_form(Sequential& net, const Tensor& x, const InputInfo& input) {
    if (net.size() > 0 && layer_kind(net[0]) == LayerKind::Embedding) return InputForm::Words;
    if (x.ndim() >= 3 || input.height > 0) return InputForm::Image;
    return InputForm::Features;
}

// ---- the descriptor ------------------------------------------------------------

const Parameter& Method::parameter(const std::string& name) const {
    for (const Parameter& p : parameters)
        if (p.name == name) return p;
    throw Error(this->name + " has no parameter " + name);
}

bool Method::takes(const std::string& name) const {
    for (const Parameter& p : parameters)
        if (p.name == name) return true;
    return false;
}

std::string Method::refuses(Sequential& net, const Tensor& x, const InputInfo& input) const {
    const InputForm form = input_form(net, x, input);
    bool known = false;
    std::string list;
    for (InputForm f : inputs) {
        known = known || f == form;
        list += (list.empty() ? "" : " and ") + input_form_name(f);
    }
    if (!known) return name + " explains " + list + "; this model reads " + input_form_name(form);
    const std::string why = refusal ? refusal(net, explainable_start(net), form, input) : "";
    return why.empty() ? "" : name + " " + why;
}

// ---- helpers for the run functions ---------------------------------------------------

Propagation walk(const MethodCall& call, const Rule& rule) {
    return propagate(call.net, call.x, call.targets, rule, call.options.trace, call.options.filter, call.stop);
}

Explanation explanation_of(const MethodCall& call, const Propagation& p) {
    Explanation e;
    e.method = call.method.name;
    e.targets = p.targets;
    const int C = p.logits.dim(1);
    for (size_t b = 0; b < p.targets.size(); ++b) e.logit.push_back(p.logits.values()[b * size_t(C) + size_t(p.targets[b])]);
    e.logits_row.assign(p.logits.data(), p.logits.data() + C);
    e.trace = p.trace;
    return e;
}

const std::vector<InputForm> kEveryInput{InputForm::Image, InputForm::Words, InputForm::Features};

Explanation signal_at_input(const MethodCall& call, const Rule& rule) {
    Propagation p = walk(call, rule);
    Explanation e = explanation_of(call, p);
    e.relevance = per_input(p.signal, call.stop);
    return e;
}

Explanation forward_explanation(const MethodCall& call) {
    Propagation p;
    p.logits = forward_until(call.net, call.x, call.net.size());
    p.targets = call.targets;
    return explanation_of(call, p);
}

Tensor per_input(const Tensor& r, size_t stop) {
    if (stop == 0) return r;
    const int B = r.dim(0), T = r.dim(1), E = r.dim(2);  // (B, T, E) -> (B, T)
    Tensor words(Shape{B, T});
    for (size_t k = 0; k < size_t(B) * T; ++k)
        for (int e = 0; e < E; ++e) words.values()[k] += r.values()[k * size_t(E) + size_t(e)];
    return words;
}

std::pair<int, int> image_size(const MethodCall& call) {
    if (call.options.input.height > 0) return {call.options.input.height, call.options.input.width};
    return {call.x.dim(-2), call.x.dim(-1)};
}

Tensor map_per_example(const MethodCall& call, int height, int width,
                       const std::function<std::vector<float>(size_t b, const Tensor& x_b)>& map_of) {
    const size_t B = size_t(call.x.dim(0)), per_example = call.x.numel() / B, plane = size_t(height) * size_t(width);
    Shape one = call.x.shape();
    one[0] = 1;
    Tensor relevance(call.x.shape());
    for (size_t b = 0; b < B; ++b) {
        const Tensor x_b(one, std::vector<float>(call.x.values().begin() + long(b * per_example),
                                                 call.x.values().begin() + long((b + 1) * per_example)));
        const std::vector<float> map = map_of(b, x_b);
        if (map.size() != plane)
            throw Error("a map of " + std::to_string(map.size()) + " values for images of " + std::to_string(height) +
                        " x " + std::to_string(width));
        for (size_t k = 0; k < per_example; ++k) relevance.values()[b * per_example + k] = map[k % plane];
    }
    return relevance;
}

Refusal walks_with(RuleFamily family) {
    return [family](Sequential& net, size_t stop, InputForm, const InputInfo&) -> std::string {
        for (size_t i = stop; i < net.size(); ++i)
            if (std::string why = unsupported(family, net[i]); !why.empty()) return why;
        return "";
    };
}

}  // namespace gb
