"""Answering a question with cited passages, or saying plainly that the summary is silent.

The answer is only ever the corpus's own text: the best passages and, highlighted, the
sentence of the best passage that shares most of the question's weight. When every passage
a reply shows scores under the calibrated threshold the answer is a refusal, still carrying
the candidates so tools (and the eval) can see how close it came.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple, Self

import numpy as np

from bot.core.corpus import Passage
from bot.core.dense import DenseIndex
from bot.core.index import Hit, TfidfRetriever
from bot.core.numbers import NumberQuestions
from bot.core.query import Query, QueryParser
from bot.core.text import (
    detect_language,
    has_words,
    indexed_words,
    split_sentences,
    words,
)

HEADING_MATCH_SHARE = 0.6
# The byline ("Author: …") is three words long, so any question that names the author, or
# only shares a name with them, finds it first; it answers only a question it covers whole.
BYLINE_COVERAGE = 0.9
# A question that asks for a number looks this many times further down the ranking, where a
# passage that gives a number may wait behind ones that only name what is asked about.
NUMBER_POOL = 3
# With an embedder, this many of each signal's best passages are ranked together.
DENSE_POOL = 10
# A passage of fewer words (a bare name in a list: "GPT", "RoBERTa") is found and answers
# only by its words: the embedder finds a bare name near many questions, and it says nothing.
# Found, it ranks at this share of its score: a passage that says something comes first.
MIN_WORDS_BY_MEANING = 3
BARE_WEIGHT = 0.5
# A figure's caption ("![Pretraining BERT with masked language modeling…](…)", "Figure 3:
# …") describes a picture a quote cannot show, in the words of the text that explains it:
# it ranks at this share of its mixed score, so that the text comes first where both say it.
CAPTION_WEIGHT = 0.5
_CAPTION = re.compile(r"!\[[^\]]|[*_]*(?i:figure|fig\.|figura)\s*\d+\s*[.:]")
# What a reader sees of a link or a figure is its text or caption, not its address.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<?https?://\S+")
# A document's language is told from this many of its first characters.
LANGUAGE_SAMPLE = 5000


def _says_little(text: str) -> bool:
    """Whether a passage says too little to answer by its meaning: fewer than
    ``MIN_WORDS_BY_MEANING`` words a reader sees (a bare name in a list, a link alone:
    "[Discussions](https://…)"), or questions only (an exercise, a question the notes ask
    before they answer it): the embedder finds those near many questions."""
    seen = _LINK.sub(r"\1", text) if "](" in text or "http" in text else text
    if not has_words(seen, MIN_WORDS_BY_MEANING):
        return True
    # "**Why?**" is a question; a sentence that ends quoting one ('…the following question:
    # "What's the average daily calorie intake?"') is not. (Most passages have no "?": the
    # sentences of a large corpus are not split at start for it.)
    return "?" in text and all(s.rstrip("*_ ").endswith("?") for s in split_sentences(text))


def _unit(values: np.ndarray) -> np.ndarray:
    """Values brought to 0-1 (min-max); all 1 when they are all equal."""
    low, high = float(values.min()), float(values.max())
    return np.ones_like(values) if high == low else (values - low) / (high - low)


class Status(StrEnum):
    ANSWERED = "answered"
    NOT_COVERED = "not_covered"
    EMPTY = "empty"
    NO_KEYWORDS = "no_keywords"
    TOO_LONG = "too_long"


class RankedPassage(NamedTuple):
    """A passage and the score that decides whether it answers; with an embedder, also the
    two signals behind it (what ``eval --calibrate`` fits the thresholds on)."""

    passage: Passage
    score: float
    lexical: float | None = None  # its TF-IDF score times its coverage of the question
    cosine: float | None = None  # the embedder's cosine to the question (for a passage of
    # several sentences, blended with its best sentence's), plus the offset for the
    # question's language and the passage's


class Answer(NamedTuple):
    """What the bot says to a question."""

    question: str
    status: Status
    passages: tuple[RankedPassage, ...] = ()
    best_sentence: str | None = None

    @property
    def answered(self) -> bool:
        return self.status is Status.ANSWERED


class Answerer:
    """Retrieve, abstain, highlight.

    Parameters
    ----------
    parser : maps questions onto corpus terms (fitted here on the corpus vocabulary).
    retriever : the TF-IDF index (fitted here on passage texts, headings as a second field).
    top_k : passages a reply shows, best first: the question is answered when one of
        them reaches ``min_score`` (``answer`` returns k of them, ranked at least this deep).
    min_score : score under which the summary is taken not to cover the question: the
        question is answered when one of the ``top_k`` passages a reply shows reaches it
        (the embedder may rank first a passage that says what a better-worded one does);
        calibrated on the dev splits (see config.yml). A
        passage's score is its retrieval score times its coverage of the question (the
        share of the question's weight its terms carry): a question about fine-tuning BERT
        on a GPU shares "GPU" with the hardware passage and scores well on it, and the
        words it asks about that the passage lacks are what show the summary does not
        answer it.
    max_question_chars : longer questions are refused before any work is done.
    numbers, number_weight : a question that asks for a number (``numbers.asks``) ranks a
        passage that gives none at ``number_weight`` times its score: naming what the
        question is about is not saying how many.
    dense, dense_weight, dense_min_score : an embedder's index of the passages (fitted
        here), the weight of its cosine against the lexical score in the ranking, and the
        cosine at which it alone is enough to answer.
    matched_dense_weight, matched_score : the cosine's weight instead when the best lexical
        score is at least ``matched_score``: where the question's words match a passage
        well, they lead the ranking; where they miss (a paraphrase, another language), the
        meaning does.
    cross_dense_weight : the cosine's weight (when higher) for a passage in another language
        than the question's, when no passage in that language scores ``matched_score``: the
        words such a passage shares with the question ("model", "use") are chance, unless
        the thesaurus translated the question into its words.
    latent_weight : the share of the ranking that the dense index's latent terms take
        (when it reads them), half from the lexical score's share and half from the
        cosine's: features of meaning matched word by word, in either of the two
        languages, between the words' exact match and the whole text's meaning.
    language_offsets : (the question's language, a passage's) -> added to the passage's
        cosine. The embedder scores a translation lower than the same meaning in one
        language, and two Portuguese texts higher than two English ones (measured in
        tests/data/README.md): without them a question across languages is refused more
        often, and an out-of-scope Portuguese question on Portuguese notes answered.
    document_parsers : document id -> a parser that reads questions with that document's
        own data too (its members' words for its words, its OCR slips); its reading of a
        question scores that document's passages only, so no other reading is touched.

    Attributes
    ----------
    passages_ : the indexed passages, in index order (rows).
    labels_ : passage id -> the terms it defines (the index's second field holds them).
    documents_ : each document parser, fitted, with its passages (1.0 for its rows).
    headings_ : each section's heading words and rows, for questions that name a section.
    bylines_ : rows of author lines, which answer only questions they cover whole.
    bare_ : rows of passages that say little (``_says_little``).
    rank_weights_ : each row's share of its mixed score in the ranking (``BARE_WEIGHT``
        for a bare one, ``CAPTION_WEIGHT`` for a figure's caption, else 1).
    languages_ : each row's language ("en", "pt"; "" when its document does not tell).
    offsets_ : a question's language -> each row's offset, where one is not 0.
    """

    def __init__(self, parser: QueryParser, retriever: TfidfRetriever, *, top_k: int = 3,
                 min_score: float = 0.1, max_question_chars: int = 1000,
                 numbers: NumberQuestions | None = None, number_weight: float = 1.0,
                 document_parsers: Mapping[str, QueryParser] | None = None,
                 dense: DenseIndex | None = None, dense_weight: float = 0.5,
                 dense_min_score: float = 0.86, matched_dense_weight: float | None = None,
                 matched_score: float = 1.0, cross_dense_weight: float | None = None,
                 latent_weight: float = 0.0,
                 language_offsets: Mapping[tuple[str, str], float] | None = None) -> None:
        self.parser = parser
        self.dense = dense
        self.dense_weight = dense_weight
        self.matched_dense_weight = (dense_weight if matched_dense_weight is None
                                     else matched_dense_weight)
        self.matched_score = matched_score
        self.cross_dense_weight = (dense_weight if cross_dense_weight is None
                                   else cross_dense_weight)
        self.latent_weight = latent_weight
        self.language_offsets = language_offsets or {}
        self.dense_min_score = dense_min_score
        self.document_parsers = document_parsers or {}
        self.retriever = retriever
        self.top_k = top_k
        self.min_score = min_score
        self.max_question_chars = max_question_chars
        self.numbers = numbers
        self.number_weight = number_weight

    def fit(self, passages: Sequence[Passage],
            labels: Mapping[str, Sequence[str]] | None = None) -> Self:
        """Index passages; headings, ``labels`` (passage id -> the terms the passage
        defines) and, for a list item, the paragraph that announced the list form a second
        field, so "what is X" finds where X is defined and "third ingredient" its item."""
        self.labels_ = labels or {}
        self.passages_ = tuple(passages)
        self.retriever.fit([p.text for p in passages], [self._field(p) for p in passages])
        if self.dense is not None:
            self.dense.fit([p.text for p in passages], [" › ".join(p.path) for p in passages])
        self._analysed: dict[int, tuple[list[str], list[str]]] = {}  # for _writes, in fit
        labelled = self._labelled()
        self.languages_ = self._languages(passages)
        # The words of documents not told to be English (the language the shipped index
        # stems; Portuguese, or a glossary whose function words do not tell), which a
        # question's words may meet by another language's stem or through the thesaurus
        # read backwards. When no document is English they are all the index's words,
        # which need no second reading (2.7 s on a 100k-passage corpus).
        others = self.languages_ != "en"
        foreign: Collection[str] = (
            self.retriever.surface_words_.keys() if others.all() else
            frozenset(w for p, other in zip(passages, others.tolist(), strict=True)
                      if other for w in words(p.text)))
        self.parser.fit(self.retriever.surface_words_, self.retriever.vocabulary, self._writes,
                        labelled, foreign)
        # Each document's own reading of questions, and the passages it scores.
        self.documents_: list[tuple[QueryParser, np.ndarray]] = []
        for document, parser in self.document_parsers.items():
            mine = np.array([float(p.document == document) for p in passages])
            if mine.any():
                parser.fit(self.retriever.surface_words_, self.retriever.vocabulary,
                           self._writes, labelled, foreign)
                self.documents_.append((parser, mine))
        del self._analysed
        self.headings_ = self._headings(passages)
        # Sentences are analysed when a passage is first the best one, not up front: on a
        # large corpus most passages never are, and their term sets would dominate memory.
        self._sentences = lru_cache(maxsize=4096)(self._sentences_uncached)
        self.bylines_ = frozenset(i for i, p in enumerate(passages) if p.kind == "byline")
        self.bare_ = frozenset(i for i, p in enumerate(passages) if _says_little(p.text))
        self.rank_weights_ = np.ones(len(passages))
        self.rank_weights_[[i for i, p in enumerate(passages)
                            if _CAPTION.match(p.text) is not None]] = CAPTION_WEIGHT
        self.rank_weights_[list(self.bare_)] = BARE_WEIGHT
        # Per language a question may be asked in, each row's offset, worked out once.
        self.offsets_: dict[str, np.ndarray] = {}
        for asked in {asked for asked, _ in self.language_offsets}:
            offsets = np.array([self.language_offsets.get((asked, language), 0.0)
                                for language in self.languages_], dtype=np.float32)
            if offsets.any():
                self.offsets_[asked] = offsets
        return self

    @staticmethod
    def _languages(passages: Sequence[Passage]) -> np.ndarray:
        """Each passage's language ("en", "pt"; "" when its function words do not tell):
        its document's, read over the document's first ``LANGUAGE_SAMPLE`` characters
        (function words are the commonest words, so a page tells as well as a book), and
        a short passage ("RAG") is in its document's language."""
        texts: dict[str, list[str]] = {}
        read: dict[str, int] = {}
        for passage in passages:
            if read.get(passage.document, 0) < LANGUAGE_SAMPLE:
                texts.setdefault(passage.document, []).append(passage.text)
                read[passage.document] = read.get(passage.document, 0) + len(passage.text)
        language = {doc: detect_language(" ".join(parts)[:LANGUAGE_SAMPLE]) or ""
                    for doc, parts in texts.items()}
        return np.array([language[p.document] for p in passages])

    def answer(self, question: str, k: int | None = None) -> Answer:
        k = self.top_k if k is None else k
        if len(question) > self.max_question_chars:
            return Answer(question, Status.TOO_LONG)
        if not question or question.isspace():
            return Answer(question, Status.EMPTY)
        tokens = words(question)
        terms = self.parser.terms(tokens)
        readings = [(parser.terms(tokens), mine) for parser, mine in self.documents_]
        if not terms.terms and not any(own.terms for own, _ in readings):
            by_heading = self._answer_by_heading(question, tokens, k)
            terms = Query([] if by_heading.answered else self.parser.about_document(tokens))
            if not terms.terms:  # nothing to ask about: the embedder alone does not answer it
                return by_heading
            readings = []  # the question names a document: its words for itself are all
        by_number = self.numbers is not None and self.numbers.asks(tokens)
        # Ranked as deep as a reply shows at least, which decides whether to answer, and a
        # number question as deep whatever k is: asking for fewer or more passages changes
        # neither the answer nor its first passages.
        shown = max(k, self.top_k)
        pool = max(shown, self.top_k * NUMBER_POOL) if by_number else shown
        dense = self.dense if self.dense is not None and self.dense.ready else None
        found = self._retrieve(terms, readings, pool if dense is None
                               else max(pool, DENSE_POOL))
        bylines = self.bylines_
        scored = [(hit.score * hit.coverage, hit.row) for hit, _ in found
                  if hit.coverage >= BYLINE_COVERAGE or hit.row not in bylines]
        if by_number:
            scored = self._weigh_numbers(scored)
        scored.sort(key=itemgetter(0), reverse=True)  # stable: ties keep retrieval order
        passages = self.passages_
        if dense is None:  # no embedder, or its passages not embedded yet
            ranked = tuple(RankedPassage(passages[i], score) for score, i in scored[:shown])
        else:
            jargon, known = self.retriever.jargon, self.retriever.columns_
            lacked = any(t in jargon and t not in known for t in terms.terms)
            fused = self._fuse(question, scored, lacked)[:shown]
            ranked = tuple(RankedPassage(passages[i], score, lexical, cosine)
                           for score, i, lexical, cosine in fused)
            scored = [(score, i) for score, i, _, _ in fused]
        if not ranked or self.decisive(ranked) < self.min_score:
            return Answer(question, Status.NOT_COVERED, ranked[:k])
        weights = next((w for hit, w in found if hit.row == scored[0][1]),
                       found[0][1] if found else {})
        best = self._best_sentence(scored[0][1], weights)
        return Answer(question, Status.ANSWERED, ranked[:k], best)

    def decisive(self, ranked: Sequence[RankedPassage]) -> float:
        """The score that decides whether to answer: the best of the ``top_k`` first
        passages, those a reply shows."""
        return max((r.score for r in ranked[:self.top_k]), default=0.0)

    def _fuse(self, question: str, scored: list[tuple[float, int]],
              lacked: bool = False) -> list[tuple[float, int, float, float]]:
        """The lexical candidates and the embedder's best, ranked by both scores, each
        brought to 0-1 over the candidates and weighed by ``dense_weight`` (or
        ``matched_dense_weight`` when the words match well; ``cross_dense_weight`` for the
        passages of another language that the words all miss), and the latent terms' scores
        brought to 0-1 too, at ``latent_weight``: (score, row, lexical score, cosine), best
        first. A passage's score becomes what decides the
        answer: its lexical score, or its cosine scaled so that ``dense_min_score`` meets
        ``min_score``, whichever is higher (for a passage that says little, ``bare_``: its
        lexical score alone, and it ranks at ``BARE_WEIGHT`` of its mixed score).

        ``lacked``: the question names a word of the field's jargon that no passage uses
        ("how many parameters does GPT-4 have?" on notes that stop at GPT-3). A passage in
        the question's language (every passage, when its function words do not tell its
        language: "kitten rest after lora run?") then decides by its lexical score alone:
        the embedder finds the notes near a question on a neighbouring topic, and the words
        show it is another. A passage in the other language keeps its cosine, since its
        words are not the question's words anyway."""
        assert self.dense is not None
        cosines = self.dense.scores(question)
        asked_in = detect_language(question)
        offsets = self.offsets_.get(asked_in or "")
        if offsets is not None:
            cosines = cosines + offsets
        lexical = {row: score for score, row in scored}
        pool = min(DENSE_POOL, cosines.size)  # the best few, without sorting them all
        best = np.argpartition(-cosines, pool - 1)[:pool] if pool else np.array([], dtype=int)
        best_dense = [int(r) for r in sorted(best.tolist(), key=lambda r: (-cosines[r], r))
                      if int(r) not in self.bylines_ and int(r) not in self.bare_]
        rows = list(dict.fromkeys([*lexical, *best_dense]))
        if not rows:
            return []
        raw = np.array([lexical.get(r, 0.0) for r in rows])
        lex, dense = _unit(raw), _unit(cosines[rows].astype(float))
        matched = max((score for score, _ in scored), default=0.0) >= self.matched_score
        weight = np.full(len(rows), self.matched_dense_weight if matched else self.dense_weight)
        if asked_in is not None:
            languages = self.languages_[rows]
            for language in set(languages.tolist()) - {"", asked_in}:
                theirs = languages == language
                if raw[theirs].max() < self.matched_score:
                    weight[theirs] = np.maximum(weight[theirs], self.cross_dense_weight)
        latent = self.dense.term_scores(question) if self.latent_weight else None
        if latent is None:
            fused = (1.0 - weight) * lex + weight * dense
        else:
            # Half the latent terms' share from each: 0.3 of the ranking when the words match
            # well leaves them 0.4 and the cosine 0.3. The three shares sum to 1, a share
            # too small to give its half being taken whole.
            share = self.latent_weight
            words_share = np.maximum(1.0 - weight - share / 2, 0.0)
            dense_share = np.maximum(weight - share / 2, 0.0)
            total = words_share + dense_share + share
            fused = (words_share * lex + dense_share * dense
                     + share * _unit(latent[rows].astype(float))) / total
        fused = fused * self.rank_weights_[rows]
        scale = self.min_score / self.dense_min_score
        ranked = []
        for i in sorted(range(len(rows)), key=lambda i: -fused[i]):  # stable: lexical first
            row = rows[i]
            lex_score, cosine = lexical.get(row, 0.0), float(cosines[row])
            meaning = (0.0 if row in self.bare_ or (lacked and asked_in in (
                None, self.languages_[row])) else cosine * scale)
            ranked.append((max(lex_score, meaning), row, lex_score, cosine))
        return ranked

    def _retrieve(self, terms: Query, readings: Sequence[tuple[Query, np.ndarray]],
                  k: int) -> list[tuple[Hit, Mapping[str, float]]]:
        """The k best passages, each with the question's weights that scored it: a
        document whose own data reads the question otherwise (``readings``: its terms and
        its passages) scores its passages with that reading, and the other passages keep
        the plain one."""
        found: list[tuple[Hit, Mapping[str, float]]] = []
        rest: np.ndarray | None = None  # the passages the plain reading scores
        for own, mine in readings:
            if own != terms:
                retrieved = self.retriever.retrieve(own.terms, k, mine, own.added)
                found += [(hit, retrieved.weights) for hit in retrieved.hits]
                rest = 1.0 - mine if rest is None else rest * (1.0 - mine)
        if rest is None:
            retrieved = self.retriever.retrieve(terms.terms, k, added=terms.added)
            return [(hit, retrieved.weights) for hit in retrieved.hits]
        if rest.any():  # passages outside every document that read the question again
            retrieved = self.retriever.retrieve(terms.terms, k, rest, terms.added)
            found += [(hit, retrieved.weights) for hit in retrieved.hits]
        found.sort(key=lambda pair: (-pair[0].score, pair[0].row))
        return found[:k]

    def _labelled(self) -> frozenset[str]:
        """Terms found only in ``labels_`` (the names a defined term is also known by),
        in no passage's text, headings or lead-in. Only passages that have the term are
        read, until one writes it."""
        analyze, passages = self.retriever.analyzer, self.passages_
        named = {term for names in self.labels_.values() for name in names
                 for term in analyze(name)}
        return frozenset(
            term for term in named
            if not any(term in analyze(" ".join((*p.path, p.lead, p.text)))
                       for p in map(passages.__getitem__,
                                    sorted(self.retriever.passages_with([term])))))

    def _writes(self, terms: Sequence[str]) -> bool:
        """Whether some passage's text or headings have these index terms one after another
        (each field on its own). Only the passages that have all of them are read."""
        wanted, n = list(terms), len(terms)
        analyze, analysed = self.retriever.analyzer, self._analysed
        for row in self.retriever.passages_with(terms):
            fields = analysed.get(row)
            if fields is None:
                passage = self.passages_[row]
                fields = analysed[row] = (analyze(passage.text), analyze(self._field(passage)))
            for found in fields:
                if any(found[i:i + n] == wanted for i in range(len(found) - n + 1)):
                    return True
        return False

    def _weigh_numbers(self, scored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        assert self.numbers is not None
        gives, passages, weight = self.numbers.gives_number, self.passages_, self.number_weight
        return [(score if gives(passages[i].text) else score * weight, i) for score, i in scored]

    @staticmethod
    def _headings(passages: Sequence[Passage]) -> list[tuple[frozenset[str], list[int]]]:
        sections: dict[tuple[str, ...], list[int]] = {}
        for i, passage in enumerate(passages):
            if passage.kind != "byline":
                sections.setdefault((passage.document, *passage.path), []).append(i)
        return [(frozenset(words(key[-1])), rows) for key, rows in sections.items()]

    def _answer_by_heading(self, question: str, tokens: Sequence[str], k: int) -> Answer:
        """A question made only of common words can still name a section ("what should we
        do?" for "What to do?"): answer with that section's first k passages when most of
        the heading's words, and at least two, are in the question. Their score is the
        share of the heading's words asked, not a retrieval score."""
        asked = set(tokens)
        best, best_share = None, 0.0
        for heading, rows in self.headings_:
            shared = len(heading & asked)
            share = shared / len(heading) if heading else 0.0
            if shared >= 2 and share > best_share:
                best, best_share = rows, share
        if best is None or best_share < HEADING_MATCH_SHARE:
            return Answer(question, Status.NO_KEYWORDS)
        ranked = tuple(RankedPassage(self.passages_[i], best_share) for i in best[:k])
        first_sentence = next(iter(self._sentences(best[0])), (None,))[0]
        return Answer(question, Status.ANSWERED, ranked, first_sentence)

    def _field(self, passage: Passage) -> str:
        return " ".join((*passage.path, *self.labels_.get(passage.id, ()), passage.lead))

    def _sentences_uncached(self, index: int) -> tuple[tuple[str, frozenset[str]], ...]:
        """The passage's sentences, each with its index terms. Every word of a passage was
        met when the index was fitted, so ``surface_words_`` gives its term (none for a stop
        word) without analysing it again."""
        term = self.retriever.surface_words_.get
        text = self.passages_[index].text
        return tuple((s, frozenset([t for w in indexed_words(s) if (t := term(w)) is not None]))
                     for s in split_sentences(text))

    def _best_sentence(self, index: int, weights: Mapping[str, float]) -> str | None:
        best, best_weight = None, 0.0
        for sentence, sentence_terms in self._sentences(index):
            weight = 0.0
            for term, w in weights.items():
                if term in sentence_terms:
                    weight += w
            if weight > best_weight:
                best, best_weight = sentence, weight
        return best
