"""The baseline the text models are measured against: a linear SVM on
sublinear tf-idf features (scikit-learn's LinearSVC and TfidfVectorizer),
on 20 Newsgroups (bydate split, 20 classes) read from the data folder's
archive, with headers, footers and quotes removed by scikit-learn's own
functions, and also with nothing removed.

usage: /usr/bin/python3 bench/svm_baseline.py
"""
import json
import os
import tarfile

from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer, strip_newsgroup_header,
                                                 strip_newsgroup_quoting)
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

data_dir = os.environ.get("GLASSBOX_DATA", "data")
archive = os.path.join(data_dir, "20newsgroups", "20news-bydate.tar.gz")


def load(strip):
    splits = {"train": ([], []), "test": ([], [])}
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
        groups = sorted({m.name.split("/")[1] for m in members})
        for m in members:
            split = "train" if m.name.startswith("20news-bydate-train") else "test"
            text = tar.extractfile(m).read().decode("latin-1")
            if strip:
                text = strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(text)))
            splits[split][0].append(text)
            splits[split][1].append(groups.index(m.name.split("/")[1]))
    return splits


results = {}
for name, strip in [("nothing removed", False), ("headers, footers, quotes removed", True)]:
    s = load(strip)
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    x_train = vectorizer.fit_transform(s["train"][0])
    svm = LinearSVC().fit(x_train, s["train"][1])
    accuracy = (svm.predict(vectorizer.transform(s["test"][0])) == s["test"][1]).mean()
    results[name] = float(accuracy)
    print(f"LinearSVC on sublinear tf-idf, {name}: test accuracy {100 * accuracy:.1f}%")
print(json.dumps({"benchmark": "svm_baseline", "test_accuracy": results}))
