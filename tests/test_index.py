"""The index against references: scikit-learn's own vectors, and a brute-force cosine over a
dense matrix built term by term in plain Python."""

from __future__ import annotations

import math
import random
from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.core import index
from bot.core.index import Hit, TfidfRetriever, top_k
from bot.core.text import Analyzer

WORDS = (
    "model", "data", "scale", "risk", "emergence", "learning", "deep", "transfer", "bias",
    "norm", "market", "cost", "train", "hardware", "transformer", "label", "token",
    "research", "industry", "academia",
)
# Rare words, so a corpus has terms in a few passages beside terms in most of them.
RARE = tuple(f"rare{chr(97 + i)}{chr(97 + j)}" for i in range(6) for j in range(6))


def random_texts(n: int, seed: int = 7, vocabulary: tuple[str, ...] = WORDS) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 30)))
            for _ in range(n)]


def mixed_texts(n: int, seed: int) -> list[str]:
    """Common words in most passages, rare ones in a few, and some passages repeated word
    for word, so that their scores tie."""
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(WORDS[:6]) if rng.random() < 0.6 else rng.choice(RARE)
                      for _ in range(rng.randint(3, 20))) for _ in range(n)]
    for i in range(0, n - 5, 7):
        texts[i + 5] = texts[i]
    return texts


def brute_force(texts, fields, question, *, sublinear_tf, field_weight, length_slope,
                unknown_weight, jargon=frozenset(), jargon_weight=1.0):
    """Every passage's cosine score and coverage, from a dense passage x term matrix."""
    analyzer = Analyzer()
    counts = []
    for i, text in enumerate(texts):
        c = Counter({t: 1.0 * n for t, n in Counter(analyzer(text)).items()})
        if fields is not None and field_weight:
            for term in analyzer(fields[i]):
                c[term] += field_weight
        counts.append(c)
    n = len(texts)
    vocabulary = sorted(set().union(*counts))
    df = {t: sum(t in c for c in counts) for t in vocabulary}
    idf = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in vocabulary}  # sklearn's smooth idf
    matrix = np.array([[((1 + math.log(c[t])) if sublinear_tf else c[t]) * idf[t] if t in c
                         else 0.0 for t in vocabulary] for c in counts])
    norms = np.sqrt((matrix ** 2).sum(axis=1))
    divisor = (1 - length_slope) * norms.mean() + length_slope * norms
    matrix /= np.where(divisor == 0, 1.0, divisor)[:, None]
    oov = (math.log(1 + n) + 1) * unknown_weight
    asked = Counter(analyzer(question))
    weights = {t: idf.get(t, oov * jargon_weight if t in jargon else oov)
               * ((1 + math.log(m)) if sublinear_tf else m) for t, m in asked.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    vector = np.array([weights.get(t, 0.0) for t in vocabulary])
    scores = matrix @ vector / norm
    # a field's term the corpus has counts jargon_weight times in the coverage
    squares = np.array([weights.get(t, 0.0) ** 2 * (jargon_weight if t in jargon else 1.0)
                        for t in vocabulary])
    coverage = (matrix != 0) @ squares / (norm ** 2 + squares.sum()
                                          - sum(weights.get(t, 0.0) ** 2 for t in vocabulary))
    return scores, coverage


def assert_matches_brute_force(retriever, texts, fields, question, k, **settings):
    scores, coverage = brute_force(texts, fields, question, **settings)
    hits = retriever.search(question, k)
    # best first, ties in document order, passages with no score left out
    expected = sorted(np.flatnonzero(scores > 1e-12).tolist(), key=lambda i: -scores[i])[:k]
    assert [round(h.score, 9) for h in hits] == [round(scores[i], 9) for i in expected]
    for hit in hits:
        assert hit.score == pytest.approx(scores[hit.row], abs=1e-12), question
        assert hit.coverage == pytest.approx(coverage[hit.row], abs=1e-12), question
    tied = [(a.row, b.row) for a, b in pairwise(hits) if a.score == b.score]
    assert all(a < b for a, b in tied), question
    return hits


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
        for hit in hits:
            assert hit.score == pytest.approx(expected[hit.row], abs=1e-9)
        assert len(hits) == int((expected > 0).sum())


QUESTIONS = ("scale risk", "model model data", "bias bias norm unknownword", "rareaa",
             "rareab rarecd model", "lora scale", "lora lora", "rarezz unknownword",
             "learning rareff rareaa data rarebb")


DEFAULT_SHARE = index.DENSE_SHARE


@pytest.mark.parametrize("dense_share", [DEFAULT_SHARE, 0.0, 2.0],
                         ids=["default", "every-term-dense", "no-term-dense"])
@pytest.mark.parametrize("seed", [1, 2])
def test_scores_coverage_and_order_equal_a_brute_force_cosine(monkeypatch, dense_share, seed):
    monkeypatch.setattr(index, "DENSE_SHARE", dense_share)
    texts = mixed_texts(150, seed)
    fields = [f"{WORDS[i % 3]} rare{chr(97 + i % 6)}a" for i in range(len(texts))]
    settings = dict(sublinear_tf=True, field_weight=2.0, length_slope=0.4,
                    unknown_weight=2.0, jargon=frozenset({"lora", "scale"}),
                    jargon_weight=3.0)  # "scale" is the corpus's, "lora" is not
    retriever = TfidfRetriever(Analyzer(), **settings).fit(texts, fields)
    if dense_share == DEFAULT_SHARE:  # the default splits the terms between both kinds
        assert 0 < retriever.dense_.shape[0] < len(retriever.columns_)
    for question in QUESTIONS:
        for k in (1, 3, 9):
            assert_matches_brute_force(retriever, texts, fields, question, k, **settings)


def test_plain_term_frequency_without_fields_equals_brute_force():
    texts = mixed_texts(40, 3)
    settings = dict(sublinear_tf=False, field_weight=1.0, length_slope=1.0,
                    unknown_weight=1.0)
    retriever = TfidfRetriever(Analyzer(), **settings).fit(texts)
    for question in QUESTIONS:
        assert_matches_brute_force(retriever, texts, None, question, 5, **settings)


def test_a_question_is_scored_alone_whatever_was_asked_before():
    texts = mixed_texts(200, 4)
    retriever = TfidfRetriever(Analyzer()).fit(texts)
    fresh = {q: retriever.search(q, 5) for q in QUESTIONS}
    for question in reversed(QUESTIONS):
        retriever.search("model data scale risk rareaa rarebb", 50)  # fills the buffer
        assert retriever.search(question, 5) == fresh[question]


def test_repeated_passages_tie_in_document_order():
    texts = mixed_texts(150, 5)
    retriever = TfidfRetriever(Analyzer()).fit(texts)
    question = " ".join(Analyzer()(texts[0]))
    rows = [hit.row for hit in retriever.search(question, 3)]
    assert rows[:2] == [0, 5]  # texts[5] repeats texts[0]


def test_top_k_keeps_ties_in_document_order_and_leaves_the_scores():
    scores = np.zeros(5000)
    scores[[10, 20, 30, 4000]] = [0.5, 0.9, 0.5, 0.9]
    before = scores.copy()
    assert [i for i, _ in top_k(scores, 3)] == [20, 4000, 10]
    assert [i for i, _ in top_k(scores, 10)] == [20, 4000, 10, 30]
    assert np.array_equal(scores, before)
    assert top_k(np.zeros(3), 2) == []


def test_hits_are_named():
    retriever = TfidfRetriever(Analyzer()).fit(["alpha beta", "gamma"])
    assert retriever.search("alpha", 2) == [Hit(row=0, score=pytest.approx(0.7071067811865475),
                                                coverage=1.0)]


def test_unknown_words_lower_the_score_but_not_the_order():
    texts = random_texts(40)
    plain = TfidfRetriever(Analyzer()).fit(texts)
    strict = TfidfRetriever(Analyzer(), unknown_weight=3.0).fit(texts)
    a = plain.search("scale risk zzzunknown", 5)
    b = strict.search("scale risk zzzunknown", 5)
    assert [h.row for h in a] == [h.row for h in b]
    assert all(y.score < x.score for x, y in zip(a, b, strict=True))


def test_field_words_count_field_weight_times():
    texts = ["alpha beta", "gamma delta", "beta gamma"]
    fields = ["alpha", "", ""]
    weighted = TfidfRetriever(Analyzer(), field_weight=3.0, sublinear_tf=False).fit(texts, fields)
    plain = TfidfRetriever(Analyzer(), field_weight=1.0, sublinear_tf=False).fit(texts, fields)

    def weight(retriever, term):  # the passage's weight for the term, without the query's
        return retriever.term_scores(term)[0] / retriever.idf_[term]

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
        assert [h.row for h in got] == [h.row for h in expected]
        assert np.allclose([(h.score, h.coverage) for h in got],
                           [(h.score, h.coverage) for h in expected])


def test_passages_that_tie_keep_document_order():
    texts = ["alpha filler", "beta filler", "gamma filler"]  # alpha and beta weigh the same
    retriever = TfidfRetriever(Analyzer()).fit(texts)
    assert [h.row for h in retriever.search("beta alpha", 2)] == [0, 1]


@pytest.mark.parametrize("dense_share", [DEFAULT_SHARE, 0.0, 2.0])
def test_passages_with_every_term_in_text_or_field(monkeypatch, dense_share):
    monkeypatch.setattr(index, "DENSE_SHARE", dense_share)
    texts = ["alpha beta", "alpha gamma", "delta", "epsilon"] + ["filler"] * 20
    retriever = TfidfRetriever(Analyzer()).fit(texts, ["", "", "alpha heading"] + [""] * 21)
    assert retriever.passages_with(["alpha"]) == {0, 1, 2}  # the third in its field only
    assert retriever.passages_with(["alpha", "beta"]) == {0}
    assert retriever.passages_with(["alpha", "unknown"]) == set()
    assert retriever.passages_with([]) == set()
    assert retriever.passages_with([Analyzer().term("filler")]) == set(range(4, 24))


def test_retrieval_within_some_passages_scores_those_alone_as_over_all():
    import numpy as np

    texts = ["alpha beta", "alpha gamma", "beta gamma delta", "alpha alpha beta"]
    retriever = TfidfRetriever(Analyzer()).fit(texts)
    terms = Analyzer()("alpha beta")
    everything = {h.row: h.score for h in retriever.retrieve(terms, 4).hits}
    within = retriever.retrieve(terms, 4, within=np.array([0.0, 1.0, 1.0, 0.0])).hits
    assert [h.row for h in within] == [r for r in sorted(everything, key=lambda r: -everything[r])
                                       if r in (1, 2)]
    assert all(h.score == everything[h.row] for h in within)
    assert retriever.retrieve(terms, 4, within=np.zeros(4)).hits == []
