"""The bot's answer path and its peers, each as builder(passages) -> searcher(question).

Every searcher takes the raw question text, so query analysis is timed for all methods: the
bot's (fold, stop words, thesaurus, typo repair, stemming) and each peer's own tokenizer.
The bot is timed on its whole answer path (retrieve, abstain, pick the best sentence); the
peers return top-k passage indices only. Peers index the same text the bot indexes (passage
text plus heading path) and use their libraries' documented defaults plus English stop
words, with no stemming: they are what one would write in an afternoon, not tuned rivals.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

import numpy as np

from bot.config import Settings
from bot.core.corpus import Corpus, Document, Passage

Searcher = Callable[[str], object]
Builder = Callable[[Sequence[Passage]], Searcher]

METHODS = ("bot", "sklearn", "rank_bm25", "bm25s")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern


def indexed_text(passage: Passage) -> str:
    """What the bot indexes for a passage (text, then headings as a second field)."""
    return f"{passage.text} {' '.join(passage.path)}"


def top_indices(scores: np.ndarray, k: int) -> list[int]:
    """Best k indices, best first: the same selection step for the peers that lack one."""
    if scores.size <= k:
        return np.argsort(-scores, kind="stable").tolist()
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")].tolist()


def bench_settings(settings: Settings, passages: Sequence[Passage]) -> Settings:
    """The bot's settings, adjusted only where a corpus that is not the summary would make
    start-up refuse: a /risks section that does not exist, curated glossary quotes that are
    not in the text. Neither is on the answer path; retrieval and answer settings are kept."""
    sections = dict.fromkeys(p.section for p in passages)
    if settings.risks.section in sections:
        return settings
    return dataclasses.replace(
        settings,
        risks=dataclasses.replace(settings.risks, section=next(iter(sections))),
        corpus=dataclasses.replace(settings.corpus, glossary="bench-no-curated-glossary.yml"),
    )


def as_corpus(passages: Sequence[Passage]) -> Corpus:
    """Passages grouped back into documents, in order, as load_corpus would return them."""
    by_document: dict[str, list[Passage]] = {}
    for passage in passages:
        by_document.setdefault(passage.document, []).append(passage)
    return Corpus(tuple(
        Document(doc, doc, None, tuple(dict.fromkeys(p.section for p in ps)), tuple(ps))
        for doc, ps in by_document.items()
    ))


def bot_builder(settings: Settings) -> Builder:
    """The bot's answer path: build_answerer (question parser and index) on these passages,
    then Answerer.answer. The glossary and risk list, built besides it at start, are
    timed apart by startup_ms."""
    from bot.core.corpus import load_corrections
    from bot.core.knowledge import build_answerer

    corrections = load_corrections(settings.corpus_file(settings.corpus.corrections))

    def build(passages: Sequence[Passage]) -> Searcher:
        return build_answerer(bench_settings(settings, passages), passages,
                              corrections).answer

    return build


def startup_ms(settings: Settings, passages: Sequence[Passage]) -> float:
    """The bot's whole start on these passages: index, glossary and risk list."""
    import time

    from bot.core.knowledge import Knowledge

    start = time.perf_counter()
    Knowledge.from_corpus(bench_settings(settings, passages), as_corpus(passages))
    return (time.perf_counter() - start) * 1000


def sklearn_builder(k: int) -> Builder:
    """TfidfVectorizer; per query transform(), a sparse product and top-k.

    The matrix is stored term-major (transposed, CSR) so the product only walks the query
    terms' rows, which is how one would serve it; ``X @ q.T`` on the document-major matrix
    touches every stored weight and is several times slower on the large corpora.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    def build(passages: Sequence[Passage]) -> Searcher:
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        by_term = vectorizer.fit_transform([indexed_text(p) for p in passages]).T.tocsr()

        def search(question: str) -> list[int]:
            scores = (vectorizer.transform([question]) @ by_term).toarray().ravel()
            return top_indices(scores, k)

        return search

    return build


def simple_tokens(text: str, stop_words: frozenset[str]) -> list[str]:
    """scikit-learn's default tokenization, for rank_bm25 which brings none of its own."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in stop_words]


def rank_bm25_builder(k: int) -> Builder:
    """BM25Okapi over the same tokens scikit-learn would see; get_scores then top-k."""
    from rank_bm25 import BM25Okapi
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop = frozenset(ENGLISH_STOP_WORDS)

    def build(passages: Sequence[Passage]) -> Searcher:
        index = BM25Okapi([simple_tokens(indexed_text(p), stop) for p in passages])

        def search(question: str) -> list[int]:
            return top_indices(index.get_scores(simple_tokens(question, stop)), k)

        return search

    return build


def bm25s_builder(k: int) -> Builder:
    """bm25s with its own Tokenizer (stopwords="en"); the query is tokenized against the
    corpus vocabulary (update_vocab=False) and passed as ids to retrieve()."""
    import bm25s
    from bm25s.tokenization import Tokenizer

    def build(passages: Sequence[Passage]) -> Searcher:
        tokenizer = Tokenizer(stopwords="en")
        tokens = tokenizer.tokenize([indexed_text(p) for p in passages], return_as="tuple",
                                    show_progress=False)
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        kk = min(k, len(passages))

        def search(question: str) -> object:
            ids = tokenizer.tokenize([question], update_vocab=False, return_as="ids",
                                     show_progress=False)
            return retriever.retrieve(ids, k=kk, show_progress=False)

        return search

    return build


def builders(settings: Settings) -> dict[str, Builder]:
    """Every method, keyed as in the results; peers return as many passages as the bot."""
    k = settings.answer.top_k
    return {
        "bot": bot_builder(settings),
        "sklearn": sklearn_builder(k),
        "rank_bm25": rank_bm25_builder(k),
        "bm25s": bm25s_builder(k),
    }
