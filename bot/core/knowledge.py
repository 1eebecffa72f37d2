"""Everything the bot knows, built once from the settings and shared by every front end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.config import Settings
from bot.core.answer import Answer, Answerer
from bot.core.corpus import Corpus, Passage, load_corpus, load_corrections
from bot.core.glossary import CuratedGlossary, Glossary, Lookup
from bot.core.index import TfidfRetriever
from bot.core.numbers import NumberQuestions
from bot.core.query import Jargon, QueryParser, Thesaurus
from bot.core.risks import Risk, list_risks
from bot.core.text import Analyzer


@dataclass(frozen=True)
class Knowledge:
    settings: Settings
    corpus: Corpus
    answerer: Answerer
    glossary: Glossary
    risks: tuple[Risk, ...]
    corrections: Mapping[str, str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Knowledge:
        """Load and fit everything; any problem is a ConfigError naming the file at fault."""
        corrections = load_corrections(settings.corpus_file(settings.corpus.corrections))
        return cls.from_corpus(settings, load_corpus(settings.corpus.path, corrections),
                               corrections)

    @classmethod
    def from_corpus(cls, settings: Settings, corpus: Corpus,
                    corrections: Mapping[str, str] | None = None) -> Knowledge:
        """Fit on passages already in hand (the benchmark's synthetic corpora, tests)."""
        analyzer = Analyzer(settings.retrieval.stemmer)
        glossary = build_glossary(settings, corpus, analyzer)
        answerer = build_answerer(settings, corpus.passages, corrections, glossary.labels(),
                                  analyzer)
        risks = tuple(list_risks(corpus, settings.risks.section, settings.risks.title_words))
        return cls(settings, corpus, answerer, glossary, risks, corrections or {})

    def ask(self, question: str, k: int | None = None) -> Answer:
        return self.answerer.answer(question, k)

    def define(self, term: str) -> Lookup:
        return self.glossary.lookup(term)

    @property
    def sections(self) -> list[str]:
        """Sections that hold passages, in reading order: what the summary covers (the
        byline, under the title, is not a subject)."""
        return list(dict.fromkeys(p.section for p in self.corpus.passages
                                  if p.kind != "byline"))


def build_glossary(settings: Settings, corpus: Corpus,
                   analyzer: Analyzer | None = None) -> Glossary:
    """The /define glossary, fitted; its labels (the terms each passage defines) are part of
    the index's second field."""
    return Glossary(
        settings.glossary.patterns,
        curated=CuratedGlossary.load(settings.corpus_file(settings.corpus.glossary)),
        max_suggestions=settings.glossary.max_suggestions,
        typo_cutoff=settings.glossary.typo_cutoff,
        analyzer=analyzer or Analyzer(settings.retrieval.stemmer),
    ).fit(corpus)


def build_answerer(settings: Settings, passages: Sequence[Passage],
                   corrections: Mapping[str, str] | None = None,
                   labels: Mapping[str, Sequence[str]] | None = None,
                   analyzer: Analyzer | None = None) -> Answerer:
    """The answer path alone (question parser and index, fitted): what a question touches."""
    cs, rs, ans = settings.corpus, settings.retrieval, settings.answer
    analyzer = analyzer or Analyzer(rs.stemmer)
    jargon = Jargon.load(settings.corpus_file(cs.jargon))
    parser = QueryParser(
        analyzer,
        thesaurus=Thesaurus.load(settings.corpus_file(cs.thesaurus)),
        corrections=corrections,
        spelling_correction=rs.spelling_correction,
        spelling_min_length=rs.spelling_min_length,
        languages=rs.query_languages,
        jargon=jargon,
    )
    retriever = TfidfRetriever(analyzer, sublinear_tf=rs.sublinear_tf,
                               field_weight=rs.heading_weight, length_slope=rs.length_slope,
                               unknown_weight=rs.unknown_word_weight,
                               jargon=jargon.terms(analyzer), jargon_weight=rs.jargon_weight)
    return Answerer(
        parser,
        retriever,
        top_k=ans.top_k,
        min_score=ans.min_score,
        max_question_chars=ans.max_question_chars,
        numbers=NumberQuestions(ans.number_cues, ans.number_words) if ans.number_cues else None,
        number_weight=ans.number_weight,
    ).fit(passages, labels)
