#include "app/evaluation_report.hpp"

#include <cmath>
#include <cstdio>

#include "app/json.hpp"
#include "explain/evaluation/chunks.hpp"

namespace gb {
namespace {

std::string fixed(double v, int digits = 3) {
    if (std::isnan(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::vector<double> steps_axis(size_t n) {
    std::vector<double> x(n);
    for (size_t k = 0; k < n; ++k) x[k] = double(k);
    return x;
}

std::string json_array(const std::vector<std::string>& objects) {
    std::string s = "[";
    for (size_t k = 0; k < objects.size(); ++k) s += (k ? ", " : "") + objects[k];
    return s + "]";
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
}

}  // namespace

Report perturbation_report(const std::vector<MethodPerturbation>& results) {
    Report r;
    r.table = "| method | AOPC (MoRF) | AOPC (LeRF) | ABPC | accuracy after all MoRF steps | negative relevance |\n"
              "|---|---|---|---|---|---|\n";
    Panel morf{"most relevant first (MoRF)", "regions perturbed", "explained logit", {}, "top right"};
    Panel lerf{"least relevant first (LeRF)", "regions perturbed", "explained logit", {}, "bottom left"};
    std::vector<std::string> objects;
    for (const MethodPerturbation& m : results) {
        const bool random = is_random_baseline(m.method);
        r.table += "| " + m.method + " | " + fixed(m.morf.aopc()) + " | " + (random ? "-" : fixed(m.lerf.aopc())) + " | " +
                   (random ? "-" : fixed(abpc(m.morf, m.lerf))) + " | " + fixed(100 * m.morf.accuracy.back(), 1) +
                   "% | " + (random ? "-" : fixed(100 * m.negative_share, 1) + "%") + " |\n";
        JsonObject o;
        o.add("method", m.method).add("aopc_morf", m.morf.aopc()).add("morf", m.morf.score);
        o.add("morf_accuracy", m.morf.accuracy);
        if (!random) {
            o.add("aopc_lerf", m.lerf.aopc()).add("abpc", abpc(m.morf, m.lerf)).add("lerf", m.lerf.score);
            o.add("negative_share", m.negative_share);
        }
        objects.push_back(o.str());
        std::vector<double> x = steps_axis(m.morf.score.size());
        morf.series.push_back({m.method, x, m.morf.score, random});
        lerf.series.push_back({m.method, x, m.lerf.score, random});
    }
    r.json = json_array(objects);
    r.panels = {morf, lerf};
    return r;
}

Report word_deletion_report(const std::vector<MethodDeletion>& results) {
    Report r;
    r.table = "| method | accuracy (correct docs) after 1 / 5 / 10 / all deletions | accuracy (misclassified docs) after 1 / 5 / 10 / all |\n"
              "|---|---|---|\n";
    Panel correct{"correctly classified: most relevant words deleted", "words deleted", "accuracy (%)", {}, "top right"};
    Panel wrong{"misclassified: least relevant words deleted", "words deleted", "accuracy (%)", {}, "right center"};
    auto at = [](const std::vector<double>& curve) {
        std::string s;
        for (size_t k : {size_t(1), size_t(5), size_t(10), curve.size() - 1})
            s += (s.empty() ? "" : " / ") + (k < curve.size() ? fixed(100 * curve[k], 1) : std::string("-"));
        return s;
    };
    auto percent = [](std::vector<double> v) {
        for (double& x : v) x *= 100;
        return v;
    };
    std::vector<std::string> objects;
    for (const MethodDeletion& m : results) {
        r.table += "| " + m.method + " | " + at(m.correct) + " | " + at(m.wrong) + " |\n";
        JsonObject o;
        o.add("method", m.method).add("correct", m.correct).add("wrong", m.wrong);
        o.add("correct_documents", m.correct_documents).add("wrong_documents", m.wrong_documents);
        objects.push_back(o.str());
        const bool random = is_random_baseline(m.method);
        correct.series.push_back({m.method, steps_axis(m.correct.size()), percent(m.correct), random});
        wrong.series.push_back({m.method, steps_axis(m.wrong.size()), percent(m.wrong), random});
    }
    r.json = json_array(objects);
    r.panels = {correct, wrong};
    return r;
}

Report continuity_report(const std::vector<std::vector<ContinuityPath>>& paths) {
    Report r;
    r.table = "| method | max ||R(x')-R(x)||_1 / ||x'-x||_2 (mean over digits) | relative to mean ||R||_1 |\n|---|---|---|\n";
    Panel score{"the explained logit along the path (first digit)", "shift (pixels)", "f(x)", {}};
    Panel change{"how fast the map changes (first digit)", "shift (pixels)", "||dR||_1 / ||dx||_2, relative", {},
                 "outside right"};
    std::vector<std::string> objects;
    for (const std::vector<ContinuityPath>& method_paths : paths) {
        std::vector<double> max_ratio, relative;
        for (const ContinuityPath& p : method_paths) max_ratio.push_back(p.max_ratio), relative.push_back(p.relative_max_ratio);
        const ContinuityPath& first = method_paths.front();
        r.table += "| " + first.method + " | " + fixed(mean(max_ratio), 4) + " | " + fixed(mean(relative), 4) + " |\n";
        JsonObject o;
        o.add("method", first.method).add("max_ratio", mean(max_ratio)).add("relative_max_ratio", mean(relative));
        o.add("max_ratio_per_digit", max_ratio);
        objects.push_back(o.str());
        if (score.series.empty()) score.series.push_back({"f(x)", first.shift, first.score, false});
        std::vector<double> mid, rel;  // each step's ratio at the middle of its interval, over the mean ||R||_1
        double mass = 0;
        for (const std::vector<float>& m : first.maps)
            for (float v : m) mass += std::fabs(v) / double(first.maps.size());
        for (size_t k = 0; k < first.ratio.size(); ++k) {
            mid.push_back(0.5 * (first.shift[k] + first.shift[k + 1]));
            rel.push_back(mass > 0 ? first.ratio[k] / mass : 0.0);
        }
        change.series.push_back({first.method, mid, rel, false});
    }
    r.json = json_array(objects);
    r.panels = {score, change};
    return r;
}

Report sanity_report(const std::vector<MethodSanity>& results) {
    Report r;
    r.table = "| method | randomized from the top | Spearman | Spearman (abs) | SSIM |\n|---|---|---|---|---|\n";
    // cascading randomization: the three similarities, one panel each
    Panel ranks{"rank correlation", "layers randomized, from the output", "Spearman", {}, "outside right"};
    Panel magnitude{"rank correlation of |R|", "layers randomized, from the output", "Spearman (abs)", {}, "outside right"};
    Panel structure{"structural similarity of |R|", "layers randomized, from the output", "SSIM", {}, "outside right"};
    auto steps_json = [](const std::vector<SanityStep>& steps) {
        std::vector<std::string> objects;
        for (const SanityStep& s : steps) {
            JsonObject o;
            o.add("layer", s.layer).add("spearman", s.spearman).add("spearman_abs", s.spearman_abs).add("ssim", s.ssim);
            objects.push_back(o.str());
        }
        return json_array(objects);
    };
    std::vector<std::string> objects;
    for (const MethodSanity& m : results) {
        std::vector<double> x, rho, rho_abs, ssim;
        for (size_t k = 0; k < m.checks.cascading.size(); ++k) {
            const SanityStep& s = m.checks.cascading[k];
            r.table += "| " + m.method + " | " + std::to_string(k + 1) + " (" + s.layer + ") | " + fixed(s.spearman) +
                       " | " + fixed(s.spearman_abs) + " | " + fixed(s.ssim) + " |\n";
            x.push_back(double(k + 1));
            rho.push_back(s.spearman);
            rho_abs.push_back(s.spearman_abs);
            ssim.push_back(s.ssim);
        }
        JsonObject o;
        o.add("method", m.method).add_raw("cascading", steps_json(m.checks.cascading));
        o.add_raw("independent", steps_json(m.checks.independent));
        objects.push_back(o.str());
        ranks.series.push_back({m.method, x, rho, false});
        magnitude.series.push_back({m.method, x, rho_abs, false});
        structure.series.push_back({m.method, x, ssim, false});
    }
    r.json = json_array(objects);
    r.panels = {ranks, magnitude, structure};
    r.width = 1600;
    return r;
}

}  // namespace gb
