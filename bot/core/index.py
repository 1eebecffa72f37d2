"""TF-IDF retrieval: scikit-learn learns the weights once, a postings table answers queries.

scikit-learn's ``transform()`` costs hundreds of microseconds per question on a corpus of
thirty passages, almost all of it overhead. The fitted matrix is therefore kept column-wise
(term -> passages and weights), and a question only touches the postings of its own terms:
the scores are the cosine similarities scikit-learn's vectors would give (with pivoted
length normalisation, ``length_slope`` < 1, the passage side is normalised by length).

Fitting tokenises every passage once, analyses each distinct word once, and builds the
count matrix with array operations; scikit-learn's ``TfidfTransformer`` then learns the
idf. What the tokeniser saw (surface word -> term) is kept for typo repair.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import count
from typing import NamedTuple, Self, cast

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from bot.core.text import Analyzer, words

# Up to this many passages, score in plain Python rather than numpy: the crossover measured
# on the bench's corpora (both about 34 us at 100 passages; numpy 5x faster at 1k).
SMALL_CORPUS = 100


Hit = tuple[int, float, float]
"""A retrieved passage: its position in the fitted sequence, its score, and its coverage:
the share of the question's weight (squared, as in the norm) carried by terms the passage
has. A plain tuple: the answer path makes a few per question, and building a named tuple is
a Python-level call (about 0.2 us each, against 11 us for a whole answer)."""


class Retrieved(NamedTuple):
    """A question's best passages, and the vector that found them: the answer path picks
    the best passage's sentence with the same weights."""

    hits: list[Hit]
    weights: dict[str, float]
    norm: float


# tuple.__new__ builds the named tuple in C; its own constructor is a Python function (see
# answer._ranked_passage).
_retrieved = cast(Callable[[tuple[list[Hit], dict[str, float], float]], Retrieved],
                  partial(tuple.__new__, Retrieved))


def query_weights(
    terms: Sequence[str], idf: Mapping[str, float], oov_idf: float, sublinear_tf: bool
) -> tuple[dict[str, float], float]:
    """TF-IDF weights of a question's terms and the vector's norm.

    A term the corpus never uses gets the largest idf there is: it is the most specific word
    of the question, and counting it in the norm lowers the score of questions that are mostly
    about something else. This is what lets one threshold refuse out-of-scope questions.
    """
    get = idf.get
    weights = {term: get(term, oov_idf) for term in terms}
    return weights, weigh_repeats(terms, weights, sublinear_tf)


def weigh_repeats(terms: Sequence[str], weights: dict[str, float], sublinear_tf: bool) -> float:
    """Scale the weight of each term the question repeats by its frequency, in place, and
    return the vector's norm."""
    if len(weights) < len(terms):  # a repeated term: most questions have none
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            if count > 1:
                weights[term] *= 1.0 + math.log(count) if sublinear_tf else count
    return math.hypot(*weights.values())


def dense_scores(weights: Mapping[str, float], norm: float, columns: Mapping[str, int],
                 matrix: sparse.csc_matrix) -> np.ndarray:
    """Every passage's score, accumulated term by term over the CSC postings."""
    scores = np.zeros(matrix.shape[0])
    if norm == 0.0:
        return scores
    indptr, rows, values = matrix.indptr, matrix.indices, matrix.data
    for term, weight in weights.items():
        j = columns.get(term)
        if j is not None:
            start, end = indptr[j], indptr[j + 1]
            scores[rows[start:end]] += values[start:end] * weight
    scores /= norm
    return scores


def dense_coverage(weights: Mapping[str, float], norm: float, columns: Mapping[str, int],
                   matrix: sparse.csc_matrix, ranked: Sequence[tuple[int, float]]
                   ) -> list[Hit]:
    """The coverage of the few passages kept, from each term's sorted row list."""
    covered = np.zeros(len(ranked))
    if ranked:
        rows = np.array([row for row, _ in ranked])
        for term, weight in weights.items():
            j = columns.get(term)
            if j is not None:
                column = matrix.indices[matrix.indptr[j]:matrix.indptr[j + 1]]
                at = np.minimum(np.searchsorted(column, rows), column.size - 1)
                covered[column[at] == rows] += weight * weight
    return [(row, score, c / (norm * norm))
            for (row, score), c in zip(ranked, covered.tolist(), strict=True)]


Postings = dict[int, float]  # a term's passages (positions) and weights in them
SmallTable = Mapping[str, tuple[float, Postings | None]]


def sparse_retrieve(terms: Sequence[str], table: SmallTable, unknown: tuple[float, None],
                    sublinear_tf: bool, k: int) -> Retrieved:
    """The same weights and norm as query_weights, the same scores and order as
    dense_scores + top_k, and the same coverage as dense_coverage, in plain Python: on a few
    dozen passages the fixed cost of each numpy call is most of the work. ``table`` gives a
    term's query weight and its postings in one lookup (``unknown`` for a term it lacks),
    and only the passages that share a term with the question are touched. One function:
    on this path a call is 1% of the time."""
    weights: dict[str, float] = {}
    columns: list[tuple[str, Postings]] = []  # postings of the terms the corpus has
    get = table.get
    for term in terms:
        if term not in weights:
            weights[term], column = get(term, unknown)
            if column is not None:
                columns.append((term, column))
    norm = (math.hypot(*weights.values()) if len(weights) == len(terms)  # no repeats
            else weigh_repeats(terms, weights, sublinear_tf))
    if norm == 0.0 or k <= 0:
        return _retrieved(([], weights, norm))
    scores: dict[int, float] = {}
    score_of = scores.get
    found = []
    for term, column in columns:
        weight = weights[term]
        found.append((column, weight * weight))
        for row, value in column.items():
            scores[row] = score_of(row, 0.0) + value * weight
    ranked = sorted(scores)  # document order first, so that ties keep it
    ranked.sort(key=scores.__getitem__, reverse=True)  # a stable sort, even reversed
    asked = norm * norm
    hits = []
    for row in ranked[:k]:
        covered = 0.0
        for column, square in found:
            if row in column:
                covered += square
        hits.append((row, scores[row] / norm, covered / asked))
    return _retrieved((hits, weights, norm))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Tokenising a large corpus allocates millions of strings and no cycles; letting the
    garbage collector rescan them all the while doubles the build time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Best first, passages with no score left out; ties keep document order.

    k passes of argmax (each the first maximum, so ties keep document order) are several
    times faster than argpartition over a large array for the small k used.
    """
    n = scores.size
    if k <= 0 or n == 0:
        return []
    order, taken = [], []
    for _ in range(min(k, n)):
        i = int(np.argmax(scores))
        order.append(i)
        taken.append(scores[i])
        scores[i] = -np.inf
    scores[order] = taken
    return [(i, float(scores[i])) for i in order if scores[i] > 0.0]


def _weigh(counts: sparse.csc_matrix, transformer: TfidfTransformer) -> None:
    """What ``transformer.transform`` does to a count matrix (sublinear tf, then idf), in
    place on a term-major one: ``transform`` takes passage-major matrices only, and the
    round trip (a sorted passage-major copy, then back) took 0.34 s at 100k passages where
    the weighting takes 0.09 s."""
    if transformer.sublinear_tf:
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
    counts.data *= np.repeat(transformer.idf_, np.diff(counts.indptr))


class TfidfRetriever:
    """Cosine TF-IDF over passages, with an optional second field (headings) weighted in.

    Parameters
    ----------
    analyzer : its ``term(word)`` maps a word to its index term (or None for a stop word);
        the same analyzer must turn questions into terms.
    sublinear_tf : use 1 + log(tf), so a word repeated in a long paragraph does not dominate.
    field_weight : how much one occurrence in the second field counts against the text.
    length_slope : pivoted length normalisation (Singhal et al. 1996): 1.0 is plain cosine,
        lower values stop short passages from winning merely by being short.
    unknown_weight : a word the corpus never uses weighs this many times the idf a word in
        no passage would have (ln(1 + n) + 1, just above the rarest word's). It scales each
        question's scores as a whole, so it never changes a ranking: it only decides how
        far unknown words pull a question towards a refusal.
    jargon, jargon_weight : terms of the field's vocabulary (``query.Jargon.terms``); one
        the corpus never uses weighs ``jargon_weight`` times any other unknown word. Like
        ``unknown_weight``, it changes no ranking, only how far a question is from a refusal.
    """

    def __init__(self, analyzer: Analyzer, *, sublinear_tf: bool = True,
                 field_weight: float = 1.0, length_slope: float = 1.0,
                 unknown_weight: float = 1.0, jargon: Collection[str] = frozenset(),
                 jargon_weight: float = 1.0) -> None:
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.field_weight = field_weight
        self.length_slope = length_slope
        self.unknown_weight = unknown_weight
        self.jargon = jargon
        self.jargon_weight = jargon_weight

    def fit(self, texts: Sequence[str], fields: Sequence[str] | None = None) -> Self:
        if not texts:
            raise ValueError("cannot fit a retriever on no passages")
        n = len(texts)
        # Each passage's text and then its field, so a passage's words stay contiguous.
        parts = [texts] if fields is None else [texts, fields]
        # Distinct words are numbered as they are met (a missing key takes the next number)
        # and each passage's words are dropped as soon as they are numbered: millions of
        # short strings never live at once.
        surface: defaultdict[str, int] = defaultdict(count().__next__)
        number = surface.__getitem__
        numbered, lengths = array("i"), []
        field_ids: dict[str, list[int]] = {}  # passages of one section share their field
        with _collector_paused():
            for i, text in enumerate(texts):
                before = len(numbered)
                numbered.extend(map(number, words(text)))
                lengths.append(len(numbered) - before)
                if fields is not None:
                    known = field_ids.get(fields[i])
                    if known is None:
                        known = field_ids[fields[i]] = list(map(number, words(fields[i])))
                    numbered.extend(known)
                    lengths.append(len(known))
            columns, word_columns = self._vocabulary(surface)
        ids = word_columns[np.frombuffer(numbered, dtype=np.int32)]
        token_part = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        keep = ids >= 0  # stop words
        if fields is not None and self.field_weight == 0.0:  # a field that counts for nothing
            keep &= token_part % 2 == 0  # has no entries (a 0 would be log(0) under sublinear tf)
        ids, token_part = ids[keep], token_part[keep]
        rows = token_part // len(parts)
        if fields is None or self.field_weight == 1.0:
            weight = np.ones(ids.size)
        else:
            weight = np.where(token_part % 2 == 1, self.field_weight, 1.0)
        indptr = np.zeros(n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(rows, minlength=n))
        # Kept by term (the queries read a term's postings), and built that way at once:
        # tocsc leaves each term's passages in order, so a passage's repeats of a word are
        # neighbours and are summed without the sort a passage-major matrix needs.
        matrix = sparse.csr_matrix((weight, ids, indptr), shape=(n, len(columns))).tocsc()
        matrix.sum_duplicates()
        # Summing leaves the arrays as views of the longer ones they were (scipy copies only
        # when less than half is kept): 30 MB more kept alive at 100k passages.
        matrix.data, matrix.indices = matrix.data.copy(), matrix.indices.copy()
        transformer = TfidfTransformer(sublinear_tf=self.sublinear_tf, norm=None).fit(matrix)
        _weigh(matrix, transformer)
        norms = np.sqrt(np.bincount(matrix.indices, matrix.data ** 2, minlength=n))
        divisor = (1.0 - self.length_slope) * norms.mean() + self.length_slope * norms
        divisor[divisor == 0.0] = 1.0
        matrix.data /= divisor[matrix.indices]
        terms = list(columns)
        self.n_docs_ = matrix.shape[0]
        self.columns_ = columns
        self.idf_ = dict(zip(terms, transformer.idf_.tolist(), strict=True))
        self.oov_idf_ = (math.log(1.0 + self.n_docs_) + 1.0) * self.unknown_weight
        # What a question's term weighs before its frequency: known terms their idf, the
        # field's words the corpus lacks more than other unknown words (oov_idf_).
        self.query_idf_ = {**dict.fromkeys(self.jargon, self.oov_idf_ * self.jargon_weight),
                           **self.idf_}
        self.matrix_ = matrix
        self.small_table_: dict[str, tuple[float, Postings | None]] | None = None
        if self.n_docs_ <= SMALL_CORPUS:
            rows, values, bounds = (matrix.indices.tolist(), matrix.data.tolist(),
                                    matrix.indptr.tolist())
            postings = {
                term: dict(zip(rows[bounds[j]:bounds[j + 1]], values[bounds[j]:bounds[j + 1]],
                               strict=True))
                for term, j in columns.items()
            }
            self.small_table_ = {term: (weight, postings.get(term))
                                 for term, weight in self.query_idf_.items()}
        self.surface_words_ = {w: terms[j] for w, j in zip(surface, word_columns.tolist(),
                                                           strict=True) if j >= 0}
        return self

    def _vocabulary(self, surface: Iterable[str]) -> tuple[dict[str, int], np.ndarray]:
        """Index terms (term -> column) and each distinct word's column, in the order the
        words are numbered (-1: a stop word), each word analysed once however often it
        occurs."""
        term_of = self.analyzer.term
        columns: dict[str, int] = {}
        word_columns = [-1 if (term := term_of(word)) is None
                        else columns.setdefault(term, len(columns)) for word in surface]
        return columns, np.array(word_columns, dtype=np.int32)

    @property
    def vocabulary(self) -> Mapping[str, float]:
        """Index term -> idf."""
        return self.idf_

    def passages_with(self, terms: Iterable[str]) -> set[int]:
        """Passages (positions in the fitted sequence) that have every one of the terms, in
        their text or their field; none for no terms. The rarest term is read first."""
        indptr, indices = self.matrix_.indptr, self.matrix_.indices
        columns = [self.columns_.get(term) for term in terms]
        if not columns or None in columns:
            return set()
        rows: set[int] | None = None
        for j in sorted(columns, key=lambda j: indptr[j + 1] - indptr[j]):
            found = indices[indptr[j]:indptr[j + 1]].tolist()
            rows = set(found) if rows is None else rows.intersection(found)
            if not rows:
                break
        return rows or set()

    def retrieve(self, terms: Sequence[str], k: int) -> Retrieved:
        """The k best passages for a question's terms (``analyzer`` terms), best first."""
        if self.small_table_ is not None:
            return sparse_retrieve(terms, self.small_table_, (self.oov_idf_, None),
                                   self.sublinear_tf, k)
        weights, norm = query_weights(terms, self.query_idf_, self.oov_idf_, self.sublinear_tf)
        ranked = top_k(dense_scores(weights, norm, self.columns_, self.matrix_), k)
        return Retrieved(dense_coverage(weights, norm, self.columns_, self.matrix_, ranked),
                         weights, norm)

    def search(self, text: str, k: int) -> list[Hit]:
        return self.retrieve(self.analyzer(text), k).hits
