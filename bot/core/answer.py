"""Answering a question with cited passages, or saying plainly that the summary is silent.

The answer is only ever the corpus's own text: the best passages and, highlighted, the
sentence of the best passage that shares most of the question's weight. When the best score
is under the calibrated threshold the answer is a refusal, still carrying the candidates so
tools (and the eval) can see how close it came.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from bot.core.corpus import Passage
from bot.core.index import TfidfRetriever, query_weights
from bot.core.query import QueryParser
from bot.core.text import split_sentences, words


class Status(StrEnum):
    ANSWERED = "answered"
    NOT_COVERED = "not_covered"
    EMPTY = "empty"
    NO_KEYWORDS = "no_keywords"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class RankedPassage:
    passage: Passage
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    status: Status
    passages: tuple[RankedPassage, ...] = ()
    best_sentence: str | None = None

    @property
    def answered(self) -> bool:
        return self.status is Status.ANSWERED

    @property
    def top_score(self) -> float:
        return self.passages[0].score if self.passages else 0.0


class Answerer:
    """Retrieve, abstain, highlight.

    Parameters
    ----------
    parser : maps questions onto corpus terms (fitted here on the corpus vocabulary).
    retriever : the TF-IDF index (fitted here on passage texts, headings as a second field).
    top_k : passages returned, best first.
    min_score : cosine score under which the summary is taken not to cover the question;
        calibrated on the dev split of tests/data/questions.yml (see config.yml).
    max_question_chars : longer questions are refused before any work is done.
    """

    def __init__(self, parser: QueryParser, retriever: TfidfRetriever, *, top_k: int = 3,
                 min_score: float = 0.1, max_question_chars: int = 1000) -> None:
        self.parser = parser
        self.retriever = retriever
        self.top_k = top_k
        self.min_score = min_score
        self.max_question_chars = max_question_chars

    def fit(self, passages: Sequence[Passage]) -> Self:
        self.passages_ = tuple(passages)
        self.retriever.fit([p.text for p in passages], [" ".join(p.path) for p in passages])
        corpus_words = (w for p in passages for w in words(f"{p.text} {' '.join(p.path)}"))
        self.parser.fit(corpus_words, self.retriever.vocabulary)
        analyze = self.retriever.analyzer
        self.sentences_ = tuple(
            tuple((s, frozenset(analyze(s))) for s in split_sentences(p.text)) for p in passages
        )
        return self

    def answer(self, question: str, k: int | None = None) -> Answer:
        k = self.top_k if k is None else k
        if len(question) > self.max_question_chars:
            return Answer(question, Status.TOO_LONG)
        if not words(question):
            return Answer(question, Status.EMPTY)
        terms = self.parser.terms(question)
        if not terms:
            return Answer(question, Status.NO_KEYWORDS)
        hits = self.retriever.search_terms(terms, k)
        ranked = tuple(RankedPassage(self.passages_[h.index], h.score) for h in hits)
        if not ranked or ranked[0].score < self.min_score:
            return Answer(question, Status.NOT_COVERED, ranked)
        best = self._best_sentence(hits[0].index, terms)
        return Answer(question, Status.ANSWERED, ranked, best)

    def _best_sentence(self, index: int, terms: Sequence[str]) -> str | None:
        retriever = self.retriever
        weights, _ = query_weights(terms, retriever.idf_, retriever.oov_idf_, True)
        best, best_weight = None, 0.0
        for sentence, sentence_terms in self.sentences_[index]:
            weight = sum(w for t, w in weights.items() if t in sentence_terms)
            if weight > best_weight:
                best, best_weight = sentence, weight
        return best
