"""TF-IDF retrieval: scikit-learn learns the weights once, per-term arrays answer queries.

scikit-learn's ``transform()`` has a large fixed cost per call, so a question is never
vectorised by it. The fitted weights are kept by term instead (each term's passages and its
weight in each), and a question adds only its own terms' weights into a score buffer: the
scores are the cosine similarities scikit-learn's vectors would give (with pivoted length
normalisation, ``length_slope`` < 1, the passage side is normalised by length).

Fitting tokenises every passage once, analyses each distinct word once, and builds the
count matrix with array operations; scikit-learn's ``TfidfTransformer`` then learns the
idf. What the tokeniser saw (surface word -> term) is kept for typo repair.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import count
from typing import NamedTuple, Self

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from bot.core.text import Analyzer, indexed_words

# A term found in at least this share of the passages keeps a dense row, added to the
# scores whole: scattering into a large share of the rows is slower than one dense add.
# Below it a dense row costs more memory (one value per passage) than it saves time.
DENSE_SHARE = 1 / 4


class Hit(NamedTuple):
    """A retrieved passage."""

    row: int
    """Its position in the fitted sequence."""
    score: float
    """Cosine similarity to the question."""
    coverage: float
    """The share of the question's weight (squared, as in the norm) carried by terms the
    passage has, a term of the field's jargon counting ``jargon_weight`` times."""


class Retrieved(NamedTuple):
    """A question's best passages, and the vector that found them: the answer path picks
    the best passage's sentence with the same weights."""

    hits: list[Hit]
    weights: dict[str, float]
    norm: float


def query_weights(
    terms: Sequence[str], idf: Mapping[str, float], oov_idf: float, sublinear_tf: bool,
    added: Collection[str] = (), added_weight: float = 1.0,
) -> tuple[dict[str, float], float]:
    """TF-IDF weights of a question's terms and the vector's norm; the terms in ``added``
    (some of ``terms``: alternatives to the member's words) weigh ``added_weight`` times as
    much.

    A term the corpus never uses gets the largest idf there is: it is the most specific word
    of the question, and counting it in the norm lowers the score of questions that are mostly
    about something else. This is what lets one threshold refuse out-of-scope questions.
    """
    get = idf.get
    weights = {term: get(term, oov_idf) for term in terms}
    if len(weights) < len(terms):  # a repeated term: most questions have none
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        for term, n in counts.items():
            if n > 1:
                weights[term] *= 1.0 + math.log(n) if sublinear_tf else n
    for term in added:
        weights[term] *= added_weight
    return weights, math.hypot(*weights.values())


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Best first, passages with no score left out; ties keep document order.

    k passes of argmax, each taking the first maximum (so ties keep document order): a
    selection whose cost does not grow when most scores are zero, as argpartition's does.
    It stops at the first maximum that is no score. The scores are left as they were.
    """
    best: list[tuple[int, float]] = []
    for _ in range(min(k, scores.size)):
        i = int(scores.argmax())
        score = scores.item(i)
        if score <= 0.0:
            break
        best.append((i, score))
        scores[i] = -np.inf
    for i, score in best:
        scores[i] = score
    return best


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


def _weigh(counts: sparse.csc_matrix, transformer: TfidfTransformer) -> None:
    """What ``transformer.transform`` does to a count matrix (sublinear tf, then idf), in
    place on a term-major one: ``transform`` takes passage-major matrices only, and the
    round trip through one (a sorted copy, then back) costs several times the weighting."""
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
    jargon, jargon_weight : terms of the field's vocabulary (``query.jargon_terms``); one
        the corpus never uses weighs ``jargon_weight`` times any other unknown word (like
        ``unknown_weight``, that changes no ranking, only how far a question is from a
        refusal). One the corpus uses counts ``jargon_weight`` times in a passage's coverage: a
        question names its topic by it, so a passage without it ("which optimizer to
        fine-tune BERT with?" against a passage on BERT, where another speaks of
        optimizers) covers less of the question, and one with it more: the answer path
        ranks by score times coverage, so this does change its ranking.
    added_weight : what a question's alternative term (the thesaurus's addition to a
        member's word, ``retrieve``'s ``added``) weighs against the member's own words.

    Attributes
    ----------
    n_docs_ : int
        Passages fitted.
    columns_ : dict[str, int]
        Index term -> its column in the arrays below.
    idf_ : dict[str, float]
        Index term -> idf, as scikit-learn's ``TfidfTransformer`` learned it.
    oov_idf_ : float
        The weight of a question's term the corpus never uses.
    query_idf_ : dict[str, float]
        What a question's term weighs before its frequency: ``idf_`` for the corpus's terms,
        more than ``oov_idf_`` for the field's words the corpus lacks.
    indptr_ : ndarray of int64, shape (n_terms + 1,)
        Term ``j``'s entries in ``rows_`` and ``values_`` are ``indptr_[j]:indptr_[j + 1]``;
        a term with a dense row has none.
    rows_ : ndarray of int32
        Per term, in passage order, the passages that have it.
    values_ : ndarray of float64
        What the term adds to each of those passages' score when a question has it once:
        its length-normalised TF-IDF weight there times its idf (the question's weight
        for it), before the question's norm.
    dense_index_ : list[int]
        Per term, its row in ``dense_``, or -1 for a term kept in ``rows_``/``values_``.
    dense_ : ndarray of float64, shape (n_dense_terms, n_docs_)
        The same values for the terms found in at least ``DENSE_SHARE`` of the passages,
        one full row each (zero where a passage lacks the term).
    surface_words_ : dict[str, str]
        Every word the tokeniser met that is not a stop word -> its index term.
    """

    def __init__(self, analyzer: Analyzer, *, sublinear_tf: bool = True,
                 field_weight: float = 1.0, length_slope: float = 1.0,
                 unknown_weight: float = 1.0, jargon: Collection[str] = frozenset(),
                 jargon_weight: float = 1.0, added_weight: float = 1.0) -> None:
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.field_weight = field_weight
        self.length_slope = length_slope
        self.unknown_weight = unknown_weight
        self.jargon = jargon
        self.jargon_weight = jargon_weight
        self.added_weight = added_weight

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
                numbered.extend(map(number, indexed_words(text)))
                lengths.append(len(numbered) - before)
                if fields is not None:
                    known = field_ids.get(fields[i])
                    if known is None:
                        known = field_ids[fields[i]] = list(map(number,
                                                                indexed_words(fields[i])))
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
        # Built term-major at once: tocsc leaves each term's passages in order, so a
        # passage's repeats of a word are neighbours and are summed without the sort a
        # passage-major matrix needs.
        matrix = sparse.csr_matrix((weight, ids, indptr), shape=(n, len(columns))).tocsc()
        matrix.sum_duplicates()
        transformer = TfidfTransformer(sublinear_tf=self.sublinear_tf, norm=None).fit(matrix)
        _weigh(matrix, transformer)
        norms = np.sqrt(np.bincount(matrix.indices, matrix.data ** 2, minlength=n))
        divisor = (1.0 - self.length_slope) * norms.mean() + self.length_slope * norms
        divisor[divisor == 0.0] = 1.0
        matrix.data /= divisor[matrix.indices]
        terms = list(columns)
        self.n_docs_ = n
        self.columns_ = columns
        self.idf_ = dict(zip(terms, transformer.idf_.tolist(), strict=True))
        self.oov_idf_ = (math.log(1.0 + n) + 1.0) * self.unknown_weight
        self.query_idf_ = {**dict.fromkeys(self.jargon, self.oov_idf_ * self.jargon_weight),
                           **self.idf_}
        self._split_dense(matrix, transformer.idf_)
        self._scores = np.zeros(n)  # the score buffer every question reuses
        self.surface_words_ = {w: terms[j] for w, j in zip(surface, word_columns.tolist(),
                                                           strict=True) if j >= 0}
        return self

    def _split_dense(self, matrix: sparse.csc_matrix, idf: np.ndarray) -> None:
        """Per-term arrays of what each term adds to a passage's score (its weight there
        times its idf, the question's weight for it): a dense row for each term in at
        least ``DENSE_SHARE`` of the passages, the passages and values of every other."""
        n, n_terms = matrix.shape
        found_in = np.diff(matrix.indptr)
        adds = matrix.data * np.repeat(idf, found_in)
        dense_terms = np.flatnonzero(found_in >= max(DENSE_SHARE * n, 1))
        dense_index = np.full(n_terms, -1, dtype=np.int64)
        dense_index[dense_terms] = np.arange(dense_terms.size)
        entry_dense = np.repeat(dense_index, found_in)
        in_dense = entry_dense >= 0
        self.dense_ = np.zeros((dense_terms.size, n))
        self.dense_[entry_dense[in_dense], matrix.indices[in_dense]] = adds[in_dense]
        found_in[dense_terms] = 0
        self.indptr_ = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(found_in, out=self.indptr_[1:])
        self.rows_ = matrix.indices[~in_dense]
        self.values_ = adds[~in_dense]
        self.dense_index_ = dense_index.tolist()

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

    def _passages(self, j: int) -> np.ndarray:
        """The passages that have term ``j``, in order."""
        d = self.dense_index_[j]
        found: np.ndarray = (np.flatnonzero(self.dense_[d]) if d >= 0
                             else self.rows_[self.indptr_[j]:self.indptr_[j + 1]])
        return found

    def term_scores(self, term: str) -> np.ndarray:
        """What the term adds to every passage's score (``values_``), in passage order:
        zero where a passage lacks it."""
        j = self.columns_.get(term)
        if j is None:
            return np.zeros(self.n_docs_)
        d = self.dense_index_[j]
        if d >= 0:
            row: np.ndarray = self.dense_[d].copy()
            return row
        adds = np.zeros(self.n_docs_)
        start, end = self.indptr_[j], self.indptr_[j + 1]
        adds[self.rows_[start:end]] = self.values_[start:end]
        return adds

    def passages_with(self, terms: Iterable[str]) -> set[int]:
        """Passages (positions in the fitted sequence) that have every one of the terms, in
        their text or their field; none for no terms. The rarest term is read first."""
        columns = [self.columns_.get(term) for term in terms]
        if not columns or None in columns:
            return set()
        found = sorted((self._passages(j) for j in columns if j is not None), key=len)
        rows = set(found[0].tolist())
        for more in found[1:]:
            if not rows:
                break
            rows.intersection_update(more.tolist())
        return rows

    def retrieve(self, terms: Sequence[str], k: int, within: np.ndarray | None = None,
                 added: Collection[str] = ()) -> Retrieved:
        """The k best passages for a question's terms (``analyzer`` terms), best first;
        among the passages ``within`` marks (1.0; 0.0 leaves a passage out) when given.
        Terms in ``added`` are alternatives to the member's words, weighed
        ``added_weight``.

        Each term the corpus has adds its values into one score buffer: a dense row whole,
        other terms at their passages only. The best k are taken from the buffer, and for
        them alone the coverage is found.
        """
        weights, norm = query_weights(terms, self.query_idf_, self.oov_idf_, self.sublinear_tf,
                                      added, self.added_weight)
        if norm == 0.0 or k <= 0:
            return Retrieved([], weights, norm)
        columns, idf, dense_index, dense = self.columns_, self.idf_, self.dense_index_, self.dense_
        indptr, rows, values = self.indptr_, self.rows_, self.values_
        scores = self._scores
        # Per term the corpus has: its dense row or its passages, and its share of the
        # question's squared weight (a field's term counting jargon_weight times).
        found: list[tuple[np.ndarray | None, np.ndarray | None, float]] = []
        asked = norm * norm
        jargon, topic = self.jargon, self.jargon_weight
        for term, weight in weights.items():
            j = columns.get(term)
            if j is None:
                continue
            repeats = weight / idf[term]  # 1 unless repeated or added
            share = weight * weight
            if term in jargon:
                asked += share * (topic - 1.0)
                share *= topic
            d = dense_index[j]
            if d >= 0:
                row = dense[d]
                adds = row if repeats == 1.0 else row * repeats
                if found:
                    scores += adds
                else:  # the first term sets the buffer
                    np.copyto(scores, adds)
                found.append((row, None, share))
            else:
                start, end = indptr[j], indptr[j + 1]
                passages, adds = rows[start:end], values[start:end]
                if repeats != 1.0:
                    adds = adds * repeats
                if not found:
                    scores.fill(0.0)
                np.add.at(scores, passages, adds)
                found.append((None, passages, share))
        if found and within is not None:
            scores *= within
        best = top_k(scores, k) if found else []
        if not best:
            return Retrieved([], weights, norm)
        kept = np.array([i for i, _ in best], dtype=rows.dtype)
        covered = [0.0] * len(best)
        for row, passages, share in found:
            if row is not None:
                has = row.take(kept).tolist()
            else:
                assert passages is not None
                has = (passages.take(passages.searchsorted(kept), mode="clip") == kept).tolist()
            covered = [c + share if h else c for c, h in zip(covered, has, strict=True)]
        return Retrieved([Hit(i, score / norm, c / asked)
                          for (i, score), c in zip(best, covered, strict=True)],
                         weights, norm)

    def search(self, text: str, k: int) -> list[Hit]:
        return self.retrieve(self.analyzer(text), k).hits
