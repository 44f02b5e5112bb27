"""Golden values for CART's Gini importance and predictions: scikit-learn's
DecisionTreeClassifier on a small data set written with it.

Run: /usr/bin/python3 tests/golden/make_golden_cart.py
Writes tests/golden/cart_sklearn.txt:
  rows features classes
  the rows, one per line: features then the label
  importance (one value per feature), for max_depth 0 (unlimited) and 3
  leaves and depth of each tree
"""
import numpy as np
from sklearn.tree import DecisionTreeClassifier

rows, features = 120, 5


def make(seed):
    rng = np.random.RandomState(seed)
    x = np.round(rng.uniform(0, 1, size=(rows, features)), 4).astype(np.float32)
    # Class from features 0 and 1 (with a little label noise); 2..4 carry nothing.
    y = ((x[:, 0] > 0.5).astype(int) + (x[:, 1] > 0.3).astype(int))
    flip = rng.uniform(size=rows) < 0.08
    y[flip] = rng.randint(0, 3, size=flip.sum())
    return x, y


def without_ties(x, y):
    """True if no node has two equally good tests: scikit-learn breaks such ties by a random
    order of the features, so the tree must not depend on its random_state."""
    for depth in (None, 3):
        first = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(x, y).feature_importances_
        for state in range(1, 30):
            other = DecisionTreeClassifier(max_depth=depth, random_state=state).fit(x, y).feature_importances_
            if not np.array_equal(first, other):
                return False
    return True


seed = 7
while not without_ties(*make(seed)):
    seed += 1
x, y = make(seed)
print("data seed", seed)

with open("tests/golden/cart_sklearn.txt", "w") as f:
    f.write(f"{rows} {features} 3\n")
    for i in range(rows):
        f.write(" ".join(f"{v:.4f}" for v in x[i]) + f" {y[i]}\n")
    for depth in (None, 3):
        tree = DecisionTreeClassifier(criterion="gini", max_depth=depth, random_state=0).fit(x, y)
        f.write(" ".join(f"{v:.10f}" for v in tree.feature_importances_) + "\n")
        f.write(f"{tree.get_n_leaves()} {tree.get_depth()}\n")
