"""Everything the bot knows, fitted once from the settings, the data files' contents and
the corpus, and shared by every front end. Files are read by ``bot.loading``."""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.config import Settings
from bot.core.answer import Answer, Answerer, RankedPassage, Status
from bot.core.corpus import Corpus, Passage
from bot.core.definitions import (
    DefinitionFinder,
    ExpansionQuestions,
    TermQuestions,
    set_off_terms,
)
from bot.core.dense import DenseIndex, Embedder, LatentTerms, VectorCache
from bot.core.gaps import Gap, group_questions
from bot.core.glossary import HEAD_MATCH, Glossary, GlossaryEntry, Lookup, clean_term
from bot.core.index import TfidfRetriever
from bot.core.numbers import NumberQuestions
from bot.core.query import QueryParser, jargon_terms
from bot.core.quiz import QuizMaker
from bot.core.resources import DocumentData, Resources, Thesaurus
from bot.core.risks import Risk, list_risks
from bot.core.text import Analyzer, squash, words

# A definition that announces a list is shown with at most this many of its items.
MAX_LISTED = 10
# A question that asks what a term is finds the passage that defines it among this many of
# the answer path's best (or anywhere, in the glossary).
DEFINITION_POOL = 10
# A term typed in the other language is looked up in at most this many translations, and
# translated part by part only when it has at most this many parts.
MAX_TRANSLATIONS = 12
MAX_PARTS = 4
# /define shows, beside the definition it found, those of at most this many other
# documents: a group that reads several texts sees how each defines the term.
MAX_ELSEWHERE = 2


@dataclass(frozen=True)
class Knowledge:
    settings: Settings
    corpus: Corpus
    answerer: Answerer
    glossary: Glossary
    definitions: DefinitionFinder
    risks: tuple[Risk, ...]
    resources: Resources
    term_questions: TermQuestions  # tells "what is X?" and its X
    expansion_questions: ExpansionQuestions  # tells "what does X stand for?" and its X

    @classmethod
    def from_corpus(cls, settings: Settings, corpus: Corpus,
                    resources: Resources | None = None,
                    embedder: Embedder | None = None, *,
                    embed_in_background: bool = False,
                    vectors: VectorCache | None = None) -> Knowledge:
        """Fit everything on a corpus in hand; bad data is a ValueError."""
        resources = resources or Resources()
        glossary = cls.build_glossary(settings, corpus, resources.documents)
        return cls.from_glossary(settings, corpus, resources, glossary, embedder,
                                 embed_in_background=embed_in_background, vectors=vectors)

    @staticmethod
    def build_glossary(settings: Settings, corpus: Corpus,
                       documents: Mapping[str, DocumentData] | None = None) -> Glossary:
        """The /define glossary, fitted; its labels (the terms each passage defines) are
        part of the index's second field."""
        gs = settings.glossary
        analyzer = Analyzer(settings.retrieval.stemmer)
        return Glossary(
            gs.patterns,
            curated={doc: data.glossary for doc, data in (documents or {}).items()},
            max_suggestions=gs.max_suggestions,
            typo_cutoff=gs.typo_cutoff,
            analyzer=analyzer,
        ).fit(corpus)

    @classmethod
    def from_glossary(cls, settings: Settings, corpus: Corpus, resources: Resources,
                      glossary: Glossary, embedder: Embedder | None = None, *,
                      embed_in_background: bool = False,
                      vectors: VectorCache | None = None) -> Knowledge:
        """Fit the answer path and the risk list around a fitted glossary
        (``embed_in_background`` and ``vectors``, the embedder's cache: see DenseIndex)."""
        answerer = build_answerer(settings, corpus.passages, resources, glossary.labels(),
                                  glossary.analyzer, embedder,
                                  embed_in_background=embed_in_background, vectors=vectors)
        rs = settings.risks
        risks = tuple(list_risks(corpus, rs.headings, rs.title_words, rs.handling))
        gs = settings.glossary
        definitions = DefinitionFinder(
            glossary.analyzer, copulas=gs.copulas, cues=gs.cues, naming=gs.naming,
            articles=gs.articles, introductions=gs.introductions,
            purposes=gs.purposes,
            min_score=gs.min_signs).fit(answerer.passages_, answerer.retriever.passages_with)
        term_questions = TermQuestions(settings.answer.definition_cues, gs.articles,
                                       settings.answer.definition_fillers)
        expansion_questions = ExpansionQuestions(settings.answer.expansion_cues)
        return cls(settings, corpus, answerer, glossary, definitions, risks, resources,
                   term_questions, expansion_questions)

    def ask(self, question: str, k: int | None = None) -> Answer:
        """The answer path's answer, with two kinds of question answered where the reading
        says what they ask. One that asks what an abbreviation stands for ("what does RLHF
        stand for?") and names one a reading spells out gets that sentence first, answered
        even where the answer path would refuse (``_expansion``). When the question asks
        what a term is ("what is an LLM agent, in a nutshell?") and the answer path answers
        it, the passage that defines the term comes first with its definition highlighted:
        the glossary's entry for the very term (or one of its aliases), else the sentence
        among the answer path's best ``DEFINITION_POOL`` passages that shows the signs
        /define goes by. The sentence that says what the term is answers, however many
        passages use the term more; whether to answer, and the other passages, are the
        answer path's."""
        k = self.answerer.top_k if k is None else k
        known, analyzer = self.answerer.retriever.columns_, self.glossary.analyzer
        term = (self.term_questions.term(question, lambda w: analyzer.term(w) in known)
                if len(question) <= self.answerer.max_question_chars else None)
        # A question on a term is ranked DEFINITION_POOL deep at once, the passages its
        # definition is looked for in; the reply keeps the first k.
        deep = self.answerer.answer(question, max(k, DEFINITION_POOL) if term else k)
        wider = deep.passages
        answer = deep._replace(passages=wider[:k])
        expanded = self._expansion(deep, k)
        if expanded is not None:
            return expanded
        if term is None or not answer.answered or not answer.passages:
            return answer
        ranked = {r.passage.id: r for r in wider}
        best = [r.passage for r in wider]
        # "como funciona o RAG na prática?": "rag na pratica", else "rag"
        for asked in self.term_questions.narrower(term):
            entry = self.glossary.entry(asked)
            if entry is not None:
                passage, sentence = entry.passage, entry.definition
                break
            defined, _ = self.definitions.look_up(asked, within=best)
            if defined is not None:
                passage, sentence = defined.passage, defined.sentence
                break
        else:
            return answer
        first = ranked.get(passage.id, RankedPassage(passage, 0.0))
        rest = [r for r in answer.passages if r.passage.id != passage.id]
        # The first passage carries the score that decided to answer (the best of those
        # the reply shows), so that it still decides with the passages reordered.
        decided = self.answerer.decisive(wider)
        shown = (first._replace(score=max(first.score, decided)), *rest)
        return answer._replace(passages=shown[:len(answer.passages)],
                               best_sentence=sentence if sentence in passage.text else None)

    def _expansion(self, answer: Answer, k: int) -> Answer | None:
        """A question that asks what an abbreviation stands for ("what does RLHF stand
        for?") is answered by the sentence that spells it out, first, whether or not the
        answer path would answer: where the reading spells it out is the answer. None for
        any other question, or an abbreviation no reading spells out."""
        if answer.status not in (Status.ANSWERED, Status.NOT_COVERED):
            return None
        spelled_out = self.definitions.spelled_out_
        short = self.expansion_questions.abbreviation(words(answer.question), spelled_out)
        if short is None:
            return None
        _, passage, sentence = spelled_out[short]
        ranked = {r.passage.id: r for r in answer.passages}
        first = ranked.get(passage.id, RankedPassage(passage, 0.0))
        rest = [r for r in answer.passages if r.passage.id != passage.id]
        top = max(first.score, self.answerer.min_score, self.answerer.decisive(answer.passages))
        shown = (first._replace(score=top), *rest)
        return answer._replace(status=Status.ANSWERED,
                               passages=shown[:k],
                               best_sentence=sentence)

    def define(self, term: str) -> Lookup:
        """What /define shows for the term (``_look_up``), and how other documents define
        it (``_elsewhere``); a definition that announces a list ("…follows a few criteria,
        such as:") comes with the list's items, which are what it says."""
        lookup = self._look_up(term)
        entry = lookup.entry
        if entry is None:
            return lookup
        elsewhere = self._elsewhere(term, lookup) if len(self.corpus.documents) > 1 else ()
        return dataclasses.replace(lookup, entry=self._with_items(entry),
                                   elsewhere=tuple(map(self._with_items, elsewhere)))

    def _with_items(self, entry: GlossaryEntry) -> GlossaryEntry:
        """The entry, with the items of the list its definition announces (ending in ":")."""
        items = self.listed(entry.passage, entry.definition)
        if not items:
            return entry
        return dataclasses.replace(entry, definition=with_items(entry.definition, items))

    def listed(self, passage: Passage, announcing: str | None = None) -> tuple[Passage, ...]:
        """The items (at most ``MAX_LISTED``) of the list that the passage announces: it
        ends in ":" (or is one bold line), and the items right after it have that as their
        lead. ``announcing``: the passage's sentence that must announce them (a
        definition), its whole text by default. A lead-in alone ("O modelo é composto por
        dois blocos:") says nothing without them."""
        text = (passage.text if announcing is None else announcing).rstrip("*_ ")
        if not text.endswith(":") and (announcing is not None
                                       or not passage.text.startswith(("**", "__"))):
            return ()
        passages = self.answerer.passages_
        at = self._rows.get(id(passage), len(passages))
        items: list[Passage] = []
        for after in passages[at + 1:at + 1 + MAX_LISTED]:
            if after.kind != "item" or not after.lead or not text.endswith(after.lead):
                break
            items.append(after)
        return tuple(items)

    def _look_up(self, term: str) -> Lookup:
        """The lexicon's entry for the term (or a near spelling's), else the sentence of
        the reading that defines it, else the passage that uses it most. An entry found by
        another of its names (a translation: "ajuste fino" for "Fine-tuning") yields to a
        reading that defines the very words typed; an entry found in the text itself is
        taken at once only for the term exactly, the text being searched for a near
        spelling as it was for the entry."""
        lexicon = self.lexicon
        lookup = lexicon.lookup(term)
        key, entry = lexicon.key, lookup.entry
        by_alias = entry is not None and key(term) != key(entry.term) and key(term) in map(
            key, entry.aliases)
        in_text = any(entry is e for e in lexicon.found_)
        at_once = lookup.score >= (1.0 if in_text else HEAD_MATCH)
        if lookup.found and at_once and not by_alias:
            return lookup
        defined, used_in = self.definitions.look_up(term)
        if by_alias and defined is None and lookup.score >= HEAD_MATCH:
            return lookup
        spelled = self.answerer.parser.spelled(term)
        if defined is None and used_in is None and spelled != " ".join(words(term)):
            defined, used_in = self.definitions.look_up(spelled)  # "instruction tunned llm"
        if defined is None and not lookup.found:
            for translated in self._translations(term):
                other = lexicon.lookup(translated)
                if other.found and other.score >= 1.0:
                    return dataclasses.replace(other, query=lookup.query)
                defined, also_used = self.definitions.look_up(translated)
                used_in = used_in or also_used
                if defined is not None:
                    break
        if defined is not None:
            entry = GlossaryEntry(clean_term(defined.term), defined.sentence, defined.passage)
            return Lookup(lookup.query, entry, 1.0)
        if lookup.found:
            return lookup
        return dataclasses.replace(lookup, used_in=used_in)

    def _elsewhere(self, term: str, lookup: Lookup) -> tuple[GlossaryEntry, ...]:
        """The definitions of the term in other documents than the entry's: each
        document's own glossary entry (curated, or found by a pattern), else a sentence
        that shows the signs /define goes by (``DefinitionFinder.look_up_each``); for the
        entry's names, translated into the group's other language too, and for the term as
        typed when the entry is the very term (not a near spelling: "representation" is no
        name of "Representation learning"). One per document, none quoting what another
        shows, at most ``MAX_ELSEWHERE``, in reading order."""
        entry = lookup.entry
        assert entry is not None
        typed = [term] if lookup.score >= 1.0 else []
        key = self.glossary.key

        def unique(found: list[str]) -> list[str]:
            return list({key(n): n for n in found if words(n)}.values())

        # What the term is called: as typed (when it is the entry's very term), as the entry
        # names it, and translated. Its aliases, written for one document's members to type,
        # only find other documents' own entries of the term.
        names = unique([*typed, entry.term,
                        *(t for n in [*typed, entry.term] for t in self._translations(n))])
        found: dict[str, GlossaryEntry] = {}
        shown = {squash(entry.definition)}

        def keep(candidate: GlossaryEntry) -> None:
            document, quote = candidate.passage.document, squash(candidate.definition)
            if document != entry.passage.document and document not in found and (
                    quote not in shown):
                found[document] = candidate
                shown.add(quote)

        for name in unique([*names, *entry.aliases]):  # documents' own entries first
            for other in self.glossary.each(name):
                keep(other)
        for name in names:
            for defined in self.definitions.look_up_each(name).values():
                keep(GlossaryEntry(clean_term(defined.term), defined.sentence, defined.passage))
        order = {d.id: i for i, d in enumerate(self.corpus.documents)}
        return tuple(sorted(found.values(), key=lambda e: order.get(e.passage.document, 0))
                     )[:MAX_ELSEWHERE]

    def _translations(self, term: str) -> list[str]:
        """The term in the group's other language, by the thesaurus: its own entry's words
        ("ajuste fino": "fine tuning") and the entries that stand for its words ("foundation
        model": "modelo de fundação"), for a reading in the other language. A term no entry
        stands for whole is translated part by part, each part the longest run of its
        words an entry has, in the order typed and the other way round: English puts the
        modifier first and Portuguese last ("self-supervised learning": "aprendizado
        autossupervisionado"). At most ``MAX_TRANSLATIONS`` are tried, of a term of at most
        ``MAX_PARTS`` parts."""
        forward, by_meaning = self._thesaurus_both_ways

        def entries(run: str) -> list[str]:
            return [*forward.get(run, ()), *by_meaning.get(self.glossary.key(run), ())]

        typed = " ".join(words(term))
        whole = entries(typed)
        if whole:
            return whole
        parts: list[list[str]] = []
        found, start = typed.split(), 0
        if len(found) > 2 * MAX_PARTS:  # no term is that long; parts are a word or two
            return []
        while start < len(found):
            for end in range(len(found), start, -1):
                options = entries(" ".join(found[start:end]))
                if options:
                    break
            else:
                options, end = [found[start]], start + 1  # no entry: the word as typed
            parts.append(options)
            start = end
        if not 2 <= len(parts) <= MAX_PARTS or all(len(p) == 1 and p[0] in found
                                                   for p in parts):
            return []
        translations: list[str] = []
        for chosen in itertools.product(*parts):
            for candidate in (" ".join(chosen), " ".join(reversed(chosen))):
                if candidate not in translations:
                    translations.append(candidate)
                    if len(translations) == MAX_TRANSLATIONS:
                        return translations
        return translations

    @functools.cached_property
    def _rows(self) -> dict[int, int]:
        """Each indexed passage (by identity: two documents may share a passage id) -> its
        row in the index."""
        return {id(p): i for i, p in enumerate(self.answerer.passages_)}

    @functools.cached_property
    def _thesaurus_both_ways(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The thesaurus read both ways: a phrase -> what it stands for, and what phrases
        stand for (``glossary.key`` of their words) -> the phrases."""
        forward: dict[str, list[str]] = {}
        by_meaning: dict[str, list[str]] = {}
        for phrase, targets in self.resources.thesaurus.merged().items():
            if targets:
                meaning = " ".join(targets)
                forward[phrase] = [meaning]
                by_meaning.setdefault(self.glossary.key(meaning), []).append(phrase)
        return forward, by_meaning

    @functools.cached_property
    def lexicon(self) -> Glossary:
        """The glossary and the terms the readings set off or head a section with and
        define in their text: what /define looks up, suggests and completes, and what the
        quiz asks. Found when first needed (a reading with thousands of headings takes
        seconds, which a question or a command-line call never waits for); the Discord
        bot finds them in the background at start, with the quiz's items."""
        return self.glossary.with_found(defined_in_text(self.answerer.passages_,
                                                        self.definitions))

    def complete(self, prefix: str, limit: int = 25) -> list[str]:
        """Terms for autocomplete, without waiting: the lexicon's once it is found, the
        glossary's until then (``cached_property`` keeps it in the instance's dict)."""
        ready: Glossary | None = self.__dict__.get("lexicon")
        return (ready or self.glossary).complete(prefix, limit)

    @functools.cached_property
    def quiz(self) -> QuizMaker:
        """The quiz's items from the reading (made when first asked for: on a long reading
        it takes a moment, and a group that never quizzes never pays it). Its definitions
        are the glossary's, the terms found defined in the readings included."""
        return QuizMaker(self.answerer.retriever.analyzer).fit(
            self.answerer.passages_, self.lexicon.entries_, self.risks,
            self.resources.jargon.entries)

    def gaps(self, asked: Sequence[tuple[str, float]]) -> list[Gap]:
        """Unanswered questions (text, when asked) grouped by what they ask about."""
        parser = self.answerer.parser
        return group_questions(asked, lambda text: parser.terms(words(text)).terms)

    @property
    def sections(self) -> list[str]:
        """Sections that hold passages, in reading order: what the reading covers (the
        byline, under the title, is not a subject, nor a list of references)."""
        return list(dict.fromkeys(p.section for p in self.answerer.passages_
                                  if p.kind != "byline"))


def with_items(text: str, items: Sequence[Passage]) -> str:
    """A text with the items of the list it announces under it, one "- " line each: how a
    definition, a reply and "Whole paragraph" show a lead-in."""
    return "\n".join((text, *(f"- {item.text}" for item in items)))


def defined_in_text(passages: Sequence[Passage],
                    definitions: DefinitionFinder) -> list[GlossaryEntry]:
    """The terms the readings set off (bold, italics, code) or head a section with, that
    they define in a style ``definitions`` knows: what /define suggests and completes
    beside the glossary, and what the quiz asks. A single common word ("Examples",
    "_domain_") is a topic, not a term: a term of one word is a name or an abbreviation
    ("ReAct", "RLHF"); an introduction ("**For example**,") is a phrase, not a term, and
    so are stop words alone ("**And so on**"; /define still finds "top-k" asked for)."""
    def is_term(candidate: str) -> bool:
        found = words(candidate)
        if not definitions.analyzer(candidate) or tuple(found) in definitions.introductions:
            return False
        return len(found) in (2, 3, 4) or (
            len(found) == 1 and any(c.isupper() or c.isdigit() for c in candidate[1:]))

    candidates = [t for t in (*set_off_terms(passages), *dict.fromkeys(
        p.section for p in passages)) if is_term(t)]
    return [GlossaryEntry(term, d.sentence, d.passage)
            for candidate, d in definitions.defined(candidates)
            if (term := clean_term(candidate))]


def build_answerer(settings: Settings, passages: Sequence[Passage],
                   resources: Resources | None = None,
                   labels: Mapping[str, Sequence[str]] | None = None,
                   analyzer: Analyzer | None = None,
                   embedder: Embedder | None = None, *,
                   embed_in_background: bool = False,
                   vectors: VectorCache | None = None) -> Answerer:
    """The answer path alone (question parser and index, fitted): what a question touches."""
    rs, ans = settings.retrieval, settings.answer
    resources = resources or Resources()
    analyzer = analyzer or Analyzer(rs.stemmer)
    references = [words(h) for h in settings.corpus.reference_headings]
    passages = [p for p in passages if not any(_names(h, references) for h in p.path)]
    if not passages:
        raise ValueError("corpus.reference_headings: every passage is under a heading of "
                         "references, so there is nothing to answer from")

    def parser(thesaurus: Thesaurus, corrections: Mapping[str, str]) -> QueryParser:
        return QueryParser(analyzer, thesaurus=thesaurus, jargon=resources.jargon,
                           corrections=corrections,
                           spelling_correction=rs.spelling_correction,
                           spelling_min_length=rs.spelling_min_length,
                           languages=rs.query_languages)

    general = resources.question_thesaurus()
    retriever = TfidfRetriever(analyzer, sublinear_tf=rs.sublinear_tf,
                               field_weight=rs.heading_weight, length_slope=rs.length_slope,
                               unknown_weight=rs.unknown_word_weight,
                               jargon=jargon_terms(resources.jargon, analyzer),
                               jargon_weight=rs.jargon_weight,
                               added_weight=rs.added_word_weight)
    return Answerer(
        parser(general, {}),
        retriever,
        top_k=ans.top_k,
        min_score=ans.min_score,
        max_question_chars=ans.max_question_chars,
        numbers=NumberQuestions(ans.number_cues, ans.number_words) if ans.number_cues else None,
        number_weight=ans.number_weight,
        # A document's own synonyms and OCR slips read questions for its passages only.
        document_parsers={doc: parser(general.with_synonyms(data.synonyms), data.corrections)
                          for doc, data in resources.documents.items()
                          if data.synonyms.synonyms or data.corrections},
        dense=None if embedder is None else DenseIndex(
            embedder, vectors, sentence_weight=rs.sentence_weight,
            background=embed_in_background,
            terms=embedder if rs.latent_weight and isinstance(embedder, LatentTerms) else None),
        dense_weight=rs.dense_weight,
        matched_dense_weight=rs.matched_dense_weight,
        matched_score=rs.matched_score,
        cross_dense_weight=rs.cross_dense_weight,
        latent_weight=rs.latent_weight,
        language_offsets={("pt", "en"): rs.offset_pt_en, ("en", "pt"): rs.offset_en_pt,
                          ("pt", "pt"): rs.offset_pt_pt},
        dense_min_score=ans.dense_min_score,
    ).fit(passages, labels)


def _names(heading: str, phrases: Sequence[Sequence[str]]) -> bool:
    """Whether one of the phrases' words stand together in the heading ("Further reading
    and references" has "references")."""
    found = words(heading)
    return any(list(phrase) == found[i:i + len(phrase)]
               for phrase in phrases if phrase for i in range(len(found) - len(phrase) + 1))
