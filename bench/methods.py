"""The bot's answer path and its peers, each as builder(passages) -> searcher(question).

Every searcher takes the raw question text, so query analysis is timed for all methods: the
bot's (fold, stop words, thesaurus, typo repair, stemming) and each peer's own tokenizer.
The bot is timed on its whole answer path (retrieve, abstain, pick the best sentence); the
peers return top-k passage indices only. The peers are ``bot.peers``'s, the ones
``python -m bot eval --peers`` scores, so speed and quality are measured on one
configuration: they index the same text the bot indexes (passage text plus heading path)
with their libraries' documented defaults, plus stop words and a stemmer where the eval's
peer has them. They are what one would write in an afternoon, not tuned rivals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from bot import peers
from bot.config import Settings
from bot.core.corpus import Corpus, Document, Passage
from bot.core.dense import Embedder
from bot.core.glossary import Glossary

Searcher = Callable[[str], object]
Builder = Callable[[Sequence[Passage]], Searcher]

# The bench's names for bot.peers' peers; MiniLM (the neural extra) is not timed.
PEERS = {"sklearn": "sklearn defaults", "rank_bm25": "rank_bm25 BM25Okapi",
         "bm25s": "bm25s (stemmed)"}
METHODS = ("bot", *PEERS)


def as_corpus(passages: Sequence[Passage]) -> Corpus:
    """Passages grouped back into documents, in order, as load_corpus would return them."""
    by_document: dict[str, list[Passage]] = {}
    for passage in passages:
        by_document.setdefault(passage.document, []).append(passage)
    return Corpus(tuple(
        Document(doc, doc, None, tuple(dict.fromkeys(p.section for p in ps)), tuple(ps))
        for doc, ps in by_document.items()
    ))


class BotBuilder:
    """The bot's answer path as the bot builds it (Knowledge.from_corpus): the answer path
    (question parser and index) and what it reads definitions with, on these passages, then
    Knowledge.ask, what a member's question gets. Without ``embedder``, TF-IDF alone; with
    it, the shipped configuration (its build embeds every passage: no vector cache is
    given, so none is kept between builds). The timed build includes the risk list and the
    definition finder.

    The index's second field holds the terms the glossary defines, so the glossary is fitted
    first, in ``prepare``, which the bench runs before the timed build: it is /define's work,
    not the index's (``startup_ms`` times the whole start, glossary and risk list too).
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        from bot.loading import load_resources

        self.settings = settings
        self.embedder = embedder
        self.resources = load_resources(settings)
        self._glossary: tuple[Sequence[Passage], Corpus, Glossary] | None = None

    def prepare(self, passages: Sequence[Passage]) -> None:
        from bot.core.knowledge import Knowledge

        corpus = as_corpus(passages)
        glossary = Knowledge.build_glossary(self.settings, corpus, self.resources.documents)
        self._glossary = (passages, corpus, glossary)

    def __call__(self, passages: Sequence[Passage]) -> Searcher:
        from bot.core.knowledge import Knowledge

        if self._glossary is None or self._glossary[0] is not passages:
            self.prepare(passages)
        assert self._glossary is not None
        _, corpus, glossary = self._glossary
        return Knowledge.from_glossary(self.settings, corpus, self.resources, glossary,
                                       self.embedder).ask

    def startup_ms(self, passages: Sequence[Passage]) -> float:
        """The bot's whole start on these passages: index, glossary and risk list."""
        import time

        from bot.core.knowledge import Knowledge

        start = time.perf_counter()
        Knowledge.from_corpus(self.settings, as_corpus(passages), self.resources)
        return (time.perf_counter() - start) * 1000


def peer_builder(build: peers.Builder, k: int) -> Builder:
    """A peer as the bench times it: built by ``bot.peers``, then its top k per question
    (the library's own top-k where it has one, else the bot's ``top_k``)."""

    def build_searcher(passages: Sequence[Passage]) -> Searcher:
        return partial(build(passages).top, k=k)

    return build_searcher


def builders(bot: BotBuilder) -> dict[str, Builder]:
    """Every method, keyed as in the results; peers return as many passages as the bot."""
    k = bot.settings.answer.top_k
    return {"bot": bot,
            **{method: peer_builder(peers.PEERS[name], k) for method, name in PEERS.items()}}
