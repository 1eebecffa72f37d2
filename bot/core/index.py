"""TF-IDF retrieval: scikit-learn learns the weights once, a postings table answers queries.

scikit-learn's ``transform()`` costs hundreds of microseconds per question on a corpus of
thirty passages, almost all of it overhead. The fitted matrix is therefore turned into a
term -> (passages, weights) table, and a question only touches the postings of its own terms:
the scores are the same cosine similarities scikit-learn would give.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

Postings = dict[str, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved passage: its position in the fitted sequence and its cosine score."""

    index: int
    score: float


def query_weights(
    terms: Sequence[str], idf: Mapping[str, float], oov_idf: float, sublinear_tf: bool
) -> tuple[dict[str, float], float]:
    """TF-IDF weights of a question's terms and the vector's norm.

    A term the corpus never uses gets the largest idf there is: it is the most specific word
    of the question, and counting it in the norm lowers the score of questions that are mostly
    about something else. This is what lets one threshold refuse out-of-scope questions.
    """
    weights = {}
    for term, count in Counter(terms).items():
        tf = 1.0 + math.log(count) if sublinear_tf else float(count)
        weights[term] = tf * idf.get(term, oov_idf)
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return weights, norm


def cosine_scores(weights: Mapping[str, float], norm: float, postings: Postings,
                  n_docs: int) -> np.ndarray:
    scores = np.zeros(n_docs)
    if norm == 0.0:
        return scores
    for term, weight in weights.items():
        entry = postings.get(term)
        if entry is not None:
            rows, values = entry
            scores[rows] += values * (weight / norm)
    return scores


def top_k(scores: np.ndarray, k: int) -> list[Hit]:
    """Best first; ties keep document order so results are stable across runs."""
    if k <= 0 or scores.size == 0:
        return []
    if scores.size > 4 * k:
        candidates = np.argpartition(-scores, k - 1)[:k]
    else:
        candidates = np.arange(scores.size)
    order = sorted(candidates.tolist(), key=lambda i: (-scores[i], i))[:k]
    return [Hit(i, float(scores[i])) for i in order if scores[i] > 0.0]


class TfidfRetriever:
    """Cosine TF-IDF over passages, with an optional second field (headings) weighted in.

    Parameters
    ----------
    analyzer : callable turning text into terms; the same one must analyse the questions.
    sublinear_tf : use 1 + log(tf), so a word repeated in a long paragraph does not dominate.
    field_weight : how much one occurrence in the second field counts against the text.
    length_slope : pivoted length normalisation (Singhal et al. 1996): 1.0 is plain cosine,
        lower values stop short passages from winning merely by being short.
    unknown_weight : a word the corpus never uses weighs this many times the rarest word it
        does use. It scales each question's scores as a whole, so it never changes a ranking:
        it only decides how far unknown words pull a question towards a refusal.
    """

    def __init__(self, analyzer: Callable[[str], list[str]], *, sublinear_tf: bool = True,
                 field_weight: float = 1.0, length_slope: float = 1.0,
                 unknown_weight: float = 1.0) -> None:
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.field_weight = field_weight
        self.length_slope = length_slope
        self.unknown_weight = unknown_weight

    def fit(self, texts: Sequence[str], fields: Sequence[str] | None = None) -> Self:
        if not texts:
            raise ValueError("cannot fit a retriever on no passages")
        counter = CountVectorizer(analyzer=self.analyzer)
        counts = counter.fit_transform(
            [f"{t} {f}" for t, f in zip(texts, fields, strict=True)] if fields else texts
        ).astype(np.float64)
        if fields:
            field_counts = CountVectorizer(
                analyzer=self.analyzer, vocabulary=counter.vocabulary_
            ).transform(fields)
            counts = counts + (self.field_weight - 1.0) * field_counts
            counts.data = np.maximum(counts.data, 0.0)
            counts.eliminate_zeros()
        transformer = TfidfTransformer(sublinear_tf=self.sublinear_tf, norm=None)
        raw = transformer.fit_transform(counts).tocsr()
        norms = np.sqrt(np.asarray(raw.multiply(raw).sum(axis=1)).ravel())
        pivot = norms.mean()
        divisor = (1.0 - self.length_slope) * pivot + self.length_slope * norms
        divisor[divisor == 0.0] = 1.0
        matrix = raw.multiply(1.0 / divisor[:, None]).tocsc()
        terms = counter.get_feature_names_out()
        self.n_docs_ = matrix.shape[0]
        self.idf_ = dict(zip(terms.tolist(), transformer.idf_.tolist(), strict=True))
        self.oov_idf_ = (math.log(1.0 + self.n_docs_) + 1.0) * self.unknown_weight
        self.postings_: Postings = {
            term: (
                matrix.indices[matrix.indptr[j]:matrix.indptr[j + 1]].copy(),
                matrix.data[matrix.indptr[j]:matrix.indptr[j + 1]].copy(),
            )
            for j, term in enumerate(terms.tolist())
        }
        return self

    @property
    def vocabulary(self) -> Mapping[str, float]:
        return self.idf_

    def search_terms(self, terms: Sequence[str], k: int) -> list[Hit]:
        weights, norm = query_weights(terms, self.idf_, self.oov_idf_, self.sublinear_tf)
        return top_k(cosine_scores(weights, norm, self.postings_, self.n_docs_), k)

    def search(self, text: str, k: int) -> list[Hit]:
        return self.search_terms(self.analyzer(text), k)
