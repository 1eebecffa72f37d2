"""The index against references: scikit-learn's own vectors, and its two scoring paths."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.core.index import (
    SMALL_CORPUS,
    TfidfRetriever,
    dense_coverage,
    dense_scores,
    query_weights,
    top_k,
)
from bot.core.text import Analyzer

WORDS = (
    "model", "data", "scale", "risk", "emergence", "learning", "deep", "transfer", "bias",
    "norm", "market", "cost", "train", "hardware", "transformer", "label", "token",
    "research", "industry", "academia",
)


def random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30))) for _ in range(n)]


def test_scores_equal_scikit_learn_cosine():
    texts = random_texts(60)
    analyzer = Analyzer()
    retriever = TfidfRetriever(analyzer, sublinear_tf=True).fit(texts)
    reference = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    matrix = reference.fit_transform(texts)
    for question in ("scale risk", "deep learning transfer", "market cost of hardware"):
        q = reference.transform([question])
        expected = (matrix @ q.T).toarray().ravel()
        hits = retriever.search(question, k=60)
        assert hits, question
        for index, score, _ in hits:
            assert score == pytest.approx(expected[index], abs=1e-9)
        assert len(hits) == int((expected > 0).sum())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_python_and_numpy_scoring_agree(seed):
    texts = random_texts(SMALL_CORPUS, seed)
    retriever = TfidfRetriever(Analyzer(), length_slope=0.4, unknown_weight=2.0,
                               jargon={"lora"}, jargon_weight=3.0).fit(texts)
    assert retriever.small_table_ is not None
    for question in ("scale risk", "bias bias norm unknownword", "token", "academia industry",
                     "lora scale", "lora lora"):
        terms = retriever.analyzer(question)
        small, weights, norm = retriever.retrieve(terms, 10)
        assert (weights, norm) == query_weights(terms, retriever.query_idf_,
                                                retriever.oov_idf_, True)
        ranked = top_k(dense_scores(weights, norm, retriever.columns_, retriever.matrix_), 10)
        large = dense_coverage(weights, norm, retriever.columns_, retriever.matrix_, ranked)
        assert [h[0] for h in small] == [h[0] for h in large]
        assert np.allclose([h[1:] for h in small], [h[1:] for h in large])
        assert all(0.0 < h[2] <= 1.0 + 1e-12 for h in small)


def test_top_k_large_path_keeps_ties_in_document_order():
    scores = np.zeros(5000)
    scores[[10, 20, 30, 4000]] = [0.5, 0.9, 0.5, 0.9]
    assert [i for i, _ in top_k(scores.copy(), 3)] == [20, 4000, 10]
    assert [i for i, _ in top_k(scores.copy(), 10)] == [20, 4000, 10, 30]


def test_unknown_words_lower_the_score_but_not_the_order():
    texts = random_texts(40)
    plain = TfidfRetriever(Analyzer()).fit(texts)
    strict = TfidfRetriever(Analyzer(), unknown_weight=3.0).fit(texts)
    a = plain.search("scale risk zzzunknown", 5)
    b = strict.search("scale risk zzzunknown", 5)
    assert [h[0] for h in a] == [h[0] for h in b]
    assert all(y[1] < x[1] for x, y in zip(a, b, strict=True))


def test_field_words_count_field_weight_times():
    texts = ["alpha beta", "gamma delta", "beta gamma"]
    fields = ["alpha", "", ""]
    weighted = TfidfRetriever(Analyzer(), field_weight=3.0, sublinear_tf=False).fit(texts, fields)
    plain = TfidfRetriever(Analyzer(), field_weight=1.0, sublinear_tf=False).fit(texts, fields)

    def weight(retriever, term):
        column = retriever.matrix_[:, retriever.columns_[term]].toarray().ravel()
        return column[0]

    # "alpha": once in the text and once in the field, so tf 1 + weight
    assert weight(weighted, "alpha") / weight(weighted, "beta") == pytest.approx(
        4 * weighted.idf_["alpha"] / weighted.idf_["beta"])
    assert weight(plain, "alpha") / weight(plain, "beta") == pytest.approx(
        2 * plain.idf_["alpha"] / plain.idf_["beta"])


def test_a_field_weighted_zero_is_ignored_not_broken():
    texts = ["alpha beta", "gamma delta", "beta gamma"]
    fields = ["delta", "alpha", ""]
    ignored = TfidfRetriever(Analyzer(), field_weight=0.0).fit(texts, fields)
    plain = TfidfRetriever(Analyzer()).fit(texts)
    for question in ("alpha", "beta gamma", "delta"):
        got, expected = ignored.search(question, 3), plain.search(question, 3)
        assert [h[0] for h in got] == [h[0] for h in expected]
        assert np.allclose([h[1:] for h in got], [h[1:] for h in expected])


def test_passages_that_tie_keep_document_order_on_both_scoring_paths():
    texts = ["alpha filler", "beta filler", "gamma filler"]  # alpha and beta weigh the same
    retriever = TfidfRetriever(Analyzer()).fit(texts)
    assert retriever.small_table_ is not None
    small, weights, norm = retriever.retrieve(retriever.analyzer("beta alpha"), 2)
    large = top_k(dense_scores(weights, norm, retriever.columns_, retriever.matrix_), 2)
    assert [h[0] for h in small] == [i for i, _ in large] == [0, 1]


def test_passages_with_every_term_in_text_or_field():
    texts = ["alpha beta", "alpha gamma", "delta"]
    retriever = TfidfRetriever(Analyzer()).fit(texts, ["", "", "alpha heading"])
    assert retriever.passages_with(["alpha"]) == {0, 1, 2}  # the third in its field only
    assert retriever.passages_with(["alpha", "beta"]) == {0}
    assert retriever.passages_with(["alpha", "unknown"]) == set()
    assert retriever.passages_with([]) == set()
