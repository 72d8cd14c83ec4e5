"""The alternative measured against the grammar: a char n-gram classifier over folded text.

    .venv/bin/pip install scikit-learn   # not a dependency: only this comparison uses it
    .venv/bin/python -m bench.nlu_classifier

TF-IDF of character 2-5-grams (word-bounded) of the folded, short-form-expanded text,
then a logistic regression; trained on understanding/data/train.tsv, scored on test.tsv.
"""

from __future__ import annotations

import subprocess
import sys
import time

from bench.nlu import load
from understanding.text import tokens


def folded(text: str) -> str:
    """The text as the grammar sees it (folded, short forms expanded)."""
    return tokens(text).folded + (" ?" if "?" in text else "")


def main() -> None:
    """Train, score and time the classifier."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train, test = load("train"), load("test")
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        LogisticRegression(C=20.0, max_iter=2000),
    )
    started = time.perf_counter()
    model.fit([folded(t) for _, t, _ in train], [i for i, _, _ in train])
    fit = time.perf_counter() - started
    texts = [folded(t) for _, t, _ in test]
    started = time.perf_counter()
    guessed = list(model.predict(texts))
    per_message = (time.perf_counter() - started) * 1000 / len(texts)
    gold = [i for i, _, _ in test]
    right = sum(g == p for g, p in zip(gold, guessed, strict=True))
    as_reports = sum(p == "report" and g != "report" for g, p in zip(gold, guessed, strict=True))
    print(
        f"classifier: held-out intent accuracy {right / len(gold):.1%}, "
        f"non-reports taken as reports {as_reports}, fit {fit * 1000:.0f} ms, "
        f"{per_message:.2f} ms a message (batch)"
    )
    code = (
        "import time; t=time.perf_counter(); import sklearn.linear_model, "
        "sklearn.feature_extraction.text; print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(f"importing scikit-learn: {float(out.stdout) * 1000:.0f} ms (fresh process)")


if __name__ == "__main__":
    main()
