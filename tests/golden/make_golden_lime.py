"""Golden values from lime itself for tests/explain/test_lime_base.cpp.

lime is not copied into glassbox, and is not a Debian package: get it first,
    git clone https://github.com/marcotcr/lime /tmp/lime
(made at commit fd7eb2e6f760619c29fca0187c07b82157601b32), then run
    /usr/bin/python3 tests/golden/make_golden_lime.py /tmp/lime/lime/lime_base.py
The argument may also be the clone's folder, or a bare git directory whose
HEAD:lime/lime_base.py is read. Needs Debian's python3-numpy, python3-scipy and
python3-sklearn (made with numpy 1.24.2, scipy 1.10.1, scikit-learn 1.2.1).

Three neighbourhoods, built as lime's explainers build them (fixed seeds):
  image:   binary rows over 10 superpixels, row 0 all ones (lime_image.data_labels),
           cosine distances, kernel width 0.25 (lime_image's default);
  text:    15 words, each row drops a random number of them (lime_text),
           cosine distances x 100, kernel width 25 (lime_text's default);
  tabular: 6 standardised continuous columns sampled around the mean
           (lime_tabular without discretisation), euclidean distances,
           kernel width 0.75 sqrt(6) (lime_tabular's default);
with a linear black box plus noise (the text one through a sigmoid, the
tabular one with a product term). For each, every feature selection and a few
num_features, LimeBase(kernel_fn).explain_instance_with_data's intercept,
ranked (feature, coefficient) list, score and local prediction. Files
(plain text, whitespace-separated, '#' lines are comments):
  lime_image.txt, lime_text.txt, lime_tabular.txt:
    neighbourhood ROWS FEATURES KERNEL_WIDTH
    data ROWS*FEATURES values   scores ROWS values   distances ROWS values
    fits COUNT, then COUNT lines:
    fit MODE NUM_FEATURES intercept X score X local_pred X ranked K FEATURE COEF ...
    knots M, then M lines of ALPHA and FEATURES coefficients: sklearn's
    lars_path(x, y, method='lasso') on the weighted, centred data that lime's
    lasso_path builds from the neighbourhood;
  lime_lars.txt: the same for a small correlated problem whose lasso path
    drops a feature: path ROWS FEATURES  x ROWS*FEATURES values  y ROWS values
    knots M ...
"""
import importlib.util
import os
import subprocess
import sys
import tempfile
import warnings
from functools import partial

import numpy as np
import sklearn.metrics
from sklearn.linear_model import lars_path

MODES = ["none", "forward_selection", "highest_weights", "lasso_path", "auto"]
OUT = os.path.dirname(os.path.abspath(__file__))


def load_lime_base(where):
    if os.path.isdir(where) and os.path.isfile(os.path.join(where, "lime", "lime_base.py")):
        where = os.path.join(where, "lime", "lime_base.py")
    if where.endswith(".py"):
        spec = importlib.util.spec_from_file_location("lime_base", where)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    # a git directory: import the file at HEAD
    text = subprocess.run(["git", "--git-dir=" + where, "show", "HEAD:lime/lime_base.py"],
                          check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "lime_base.py"), "wb") as f:
            f.write(text)
        return load_lime_base(os.path.join(folder, "lime_base.py"))


def kernel(d, kernel_width):  # lime's default kernel, as its explainers define it
    return np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2))


def image_neighbourhood():
    rs = np.random.RandomState(0)
    features, rows = 10, 60
    data = rs.randint(0, 2, rows * features).reshape((rows, features))
    data[0, :] = 1
    w = np.array([0.5, -0.45, 0.4, 0.38, -0.3, 0.28, 0.1, 0.35, -0.32, 0.2])
    scores = data @ w + 0.3 * rs.normal(size=rows)
    distances = sklearn.metrics.pairwise_distances(data, data[0].reshape(1, -1), metric="cosine").ravel()
    return data.astype(float), scores, distances, 0.25, [1, 2, 5, 8, 10]


def text_neighbourhood():
    rs = np.random.RandomState(14)
    features, rows = 15, 80
    data = np.ones((rows, features))
    for i, size in enumerate(rs.randint(1, features, rows - 1), start=1):
        data[i, rs.choice(range(features), size, replace=False)] = 0
    w = rs.normal(size=features) * (rs.uniform(size=features) < 0.6)
    scores = 1 / (1 + np.exp(-(data @ w - 0.5 + 0.5 * rs.normal(size=rows))))
    distances = sklearn.metrics.pairwise_distances(data, data[0].reshape(1, -1), metric="cosine").ravel() * 100
    return data, scores, distances, 25.0, [1, 3, 6, 8, 12]


def tabular_neighbourhood():
    rs = np.random.RandomState(3)
    features, rows = 6, 100
    mean, scale = rs.normal(size=features), rs.uniform(0.5, 2, size=features)
    instance = mean + scale * rs.normal(size=features)
    samples = rs.normal(0, 1, (rows, features)) * scale + mean
    samples[0] = instance
    data = (samples - mean) / scale
    distances = sklearn.metrics.pairwise_distances(data, data[0].reshape(1, -1), metric="euclidean").ravel()
    w = np.array([1.5, -0.8, 0.0, 0.4, -0.3, 0.9])
    scores = np.tanh(0.5 * (samples @ w)) + 0.3 * samples[:, 0] * samples[:, 1] + 0.2 * rs.normal(size=rows)
    return data, scores, distances, np.sqrt(features) * 0.75, [1, 2, 4, 6]


def values(v):
    return " ".join(repr(float(x)) for x in np.ravel(v))


def lime_weighted(data, scores, weights):  # what LimeBase.feature_selection's lasso_path hands to lars_path
    x = (data - np.average(data, axis=0, weights=weights)) * np.sqrt(weights[:, np.newaxis])
    y = (scores - np.average(scores, weights=weights)) * np.sqrt(weights)
    return x, y


def write_knots(out, name, x, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        alphas, _, coefs = lars_path(x, y, method="lasso")
    active = [int((c != 0).sum()) for c in coefs.T]
    print(f"  lasso path of {name}: nonzero coefficients at each knot {active}, {len(caught)} warnings")
    out.write(f"knots {len(alphas)}\n")
    for k in range(len(alphas)):
        out.write(f"{values([alphas[k]])} {values(coefs[:, k])}\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    lime_base = load_lime_base(sys.argv[1])
    cases = [("image", image_neighbourhood), ("text", text_neighbourhood), ("tabular", tabular_neighbourhood)]
    for name, make in cases:
        data, scores, distances, width, counts = make()
        rows, features = data.shape
        base = lime_base.LimeBase(partial(kernel, kernel_width=width), verbose=False)
        fits = []
        for mode in MODES:
            for k in counts:
                intercept, ranked, score, local_pred = base.explain_instance_with_data(
                    data, scores.reshape(-1, 1), distances, 0, k, feature_selection=mode)
                pairs = " ".join(f"{int(f)} {float(c)!r}" for f, c in ranked)
                fits.append(f"fit {mode} {k} intercept {float(intercept)!r} score {float(score)!r} "
                            f"local_pred {float(local_pred[0])!r} ranked {len(ranked)} {pairs}")
        with open(os.path.join(OUT, f"lime_{name}.txt"), "w") as out:
            out.write(f"# lime's LimeBase.explain_instance_with_data on the {name} neighbourhood, then sklearn's\n"
                      "# lars_path(x, y, method='lasso') on the data lime's lasso_path weighs; "
                      "made by make_golden_lime.py\n")
            out.write(f"neighbourhood {rows} {features} {float(width)!r}\n")
            out.write(f"data {values(data)}\nscores {values(scores)}\ndistances {values(distances)}\n")
            out.write(f"fits {len(fits)}\n" + "\n".join(fits) + "\n")
            write_knots(out, name, *lime_weighted(data, scores, kernel(distances, width)))
        print(f"lime_{name}.txt: {rows} x {features}, {len(fits)} fits")
    # A small correlated problem whose lasso path drops a feature (the first seed that gives one).
    for seed in range(100):
        rs = np.random.RandomState(seed)
        x = rs.normal(size=(20, 6)) @ (np.eye(6) + 0.8 * rs.normal(size=(6, 6)))
        y = x @ rs.normal(size=6) + 0.5 * rs.normal(size=20)
        _, _, coefs = lars_path(x, y, method="lasso")
        active = [(c != 0).sum() for c in coefs.T]
        if any(b < a for a, b in zip(active, active[1:])):
            break
    with open(os.path.join(OUT, "lime_lars.txt"), "w") as out:
        out.write("# sklearn's lars_path(x, y, method='lasso') on a problem whose path drops a feature "
                  f"(seed {seed});\n"
                  "# made by make_golden_lime.py\n")
        out.write(f"path {x.shape[0]} {x.shape[1]}\nx {values(x)}\ny {values(y)}\n")
        write_knots(out, "the drop problem", x, y)


if __name__ == "__main__":
    main()
