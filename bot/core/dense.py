"""A second signal beside TF-IDF: a sentence embedder's cosine between a question and each
passage, which meets a paraphrase that shares no word with the reading, and a Portuguese
question on an English reading. It only ranks and helps decide to answer; the answer is
still the reading's own passage, quoted verbatim.

A passage of several sentences is also read sentence by sentence: a question usually asks
what one sentence says, and the vector of a whole paragraph blurs it among the others.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from typing import Protocol, Self

import numpy as np

from bot.core.text import split_sentences

# A question's first characters the embedder reads: about 0.13 s on one core at 500, and a
# longer question is pasted text more than a question.
QUESTION_CHARS = 500

log = logging.getLogger(__name__)

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
    cache : keeps the passages' and sentences' vectors between starts, under the hash of
        the embedder's name and every text embedded (None: embedded at every start).
    background : passages the cache does not have are embedded on a thread of their own
        (a long reading takes minutes the first time: the bot starts and answers with
        TF-IDF alone meanwhile); ``ready`` says when they are done.

    Attributes
    ----------
    vectors_ : one unit vector per passage, in the fitted order (once ``ready``).
    sentence_vectors_ : one unit vector per sentence of each passage of several sentences,
        passage after passage (once ``ready``).
    split_ : the passages of several sentences (their positions).
    starts_ : where each of those passages' sentences start in ``sentence_vectors_``.
    """

    def __init__(self, embedder: Embedder, cache: VectorCache | None = None, *,
                 sentence_weight: float = 0.0, background: bool = False) -> None:
        self.embedder = embedder
        self.sentence_weight = sentence_weight
        self.cache = cache
        self.background = background
        self._ready = threading.Event()
        self._last: tuple[str, np.ndarray] | None = None  # the last question and its vector

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the passages are embedded (or the timeout); whether they are."""
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
        key = hashlib.sha256("\x00".join([self.embedder.name, *everything]).encode()
                             ).hexdigest()
        kept = None if self.cache is None else self.cache.load(key)
        if kept is not None and kept.shape[0] == len(everything):
            self._keep(kept, layout)
            return self
        if not self.background:
            self._embed(everything, layout, key)
            return self
        log.info("embedding %d passages (and %d sentences of theirs) in the background; "
                 "until they are done, answers come from TF-IDF alone", len(texts),
                 len(sentences))
        threading.Thread(target=self._embed_logged, args=(everything, layout, key),
                         name="embed", daemon=True).start()
        return self

    def _embed_logged(self, texts: Sequence[str], layout: _Layout, key: str) -> None:
        try:
            self._embed(texts, layout, key)
        except Exception:  # the embedder failed: TF-IDF alone goes on answering
            log.exception("embedding the passages failed; answers come from TF-IDF alone")
            return
        log.info("the passages are embedded: answers use the embedder too")

    def _embed(self, texts: Sequence[str], layout: _Layout, key: str) -> None:
        vectors = np.asarray(self.embedder.passages(texts), dtype=np.float32)
        self._keep(vectors, layout)
        if self.cache is not None:
            self.cache.save(key, vectors)

    def _keep(self, vectors: np.ndarray, layout: _Layout) -> None:
        """The vectors and where each passage's sentences are, set together."""
        passages, self.split_, self.starts_ = layout
        self.vectors_, self.sentence_vectors_ = vectors[:passages], vectors[passages:]
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
