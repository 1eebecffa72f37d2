"""The readings' own definitions, found in their text and looked up forgivingly.

Definitions are sentences that define ("Emergence means that…", "dubbed 'representation
learning'"), recognised by the patterns in config.yml, plus each document's curated entries
and aliases (its data file, ``corpus/<document>.yml``) that point at a verbatim quote. A
lookup forgives case, plurals, British spelling, a Portuguese cognate's ending, a doubled
consonant, accents and typos, so "Homogenisation" and "emergnce" still land. A term no
entry knows is looked for in the text itself (``definitions.DefinitionFinder``, through
``Knowledge.define``).
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

from bot.core.corpus import Corpus, Passage
from bot.core.resources import CuratedGlossary
from bot.core.text import Analyzer, fold, sentence_lines, split_sentences, words


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    passage: Passage
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lookup:
    query: str
    entry: GlossaryEntry | None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    used_in: Passage | None = None  # not defined: the passage that uses the term most
    elsewhere: tuple[GlossaryEntry, ...] = ()  # other documents' definitions of it

    @property
    def found(self) -> bool:
        return self.entry is not None


HEAD_MATCH = 0.95  # a lookup's score when what was typed starts one term only


class DocumentDataError(ValueError):
    """A document's curated glossary does not fit the document (``document``: its id)."""

    def __init__(self, document: str, problem: str) -> None:
        super().__init__(problem)
        self.document = document


class Glossary:
    """Parameters
    ----------
    patterns : regular expressions with a named group ``term``, tried on every sentence.
    curated : each document's curated entries (by a quote of that document) and aliases,
        by document id.
    max_suggestions : how many near terms an unknown lookup offers.
    typo_cutoff : similarity (0-1) at which a near spelling counts as the term itself, the
        whole and each of its words.

    Attributes
    ----------
    entries_ : every entry, by term in alphabetical order.
    found_ : the entries ``with_found`` added (none when fitted).
    keys_ : each entry's term and aliases by ``key`` -> the entry.
    each_ : each term's ``key`` -> every document's own entry for it (its curated one, else
        the first its text defines by a pattern), one per document: ``entries_`` keeps the
        first found of them.
    names_ : each entry's term and aliases as words -> the entry (typos are matched here).
    """

    def __init__(self, patterns: Sequence[str], *,
                 curated: Mapping[str, CuratedGlossary] | None = None,
                 max_suggestions: int = 5, typo_cutoff: float = 0.8,
                 analyzer: Analyzer | None = None) -> None:
        self.patterns = patterns
        self.curated = curated or {}
        self.max_suggestions = max_suggestions
        self.typo_cutoff = typo_cutoff
        self.analyzer = analyzer or Analyzer()

    def fit(self, corpus: Corpus) -> Self:
        compiled = [re.compile(p, re.MULTILINE) for p in self.patterns]
        if any("term" not in c.groupindex for c in compiled):
            raise ValueError("glossary.patterns: every pattern needs a named group (?P<term>…)")
        found: dict[str, GlossaryEntry] = {}
        # Each document's own entry of a term, its curated one over one found by a pattern.
        each: dict[str, dict[str, GlossaryEntry]] = {}
        for passage in corpus.passages:
            lines = sentence_lines(passage.text)
            for pattern in compiled:
                for match in pattern.finditer(lines):
                    start = lines.rfind("\n", 0, match.start()) + 1
                    end = lines.find("\n", match.start())
                    sentence = lines[start:end if end >= 0 else len(lines)]
                    self._add(found, each, clean_term(match.group("term")), sentence, passage)
        present = {d.id for d in corpus.documents}  # another document's data touches nothing
        curated_here = {doc: c for doc, c in self.curated.items() if doc in present}
        for document, curated in curated_here.items():
            for term, quote in curated.entries:
                quoted = corpus.find(quote, document)
                if quoted is None:
                    raise DocumentDataError(document, f"glossary: entry {term!r}: quote not "
                                            "found in the document")
                sentence = next((s for s in split_sentences(quoted.text)
                                 if " ".join(words(quote)) in " ".join(words(s))), quote)
                self._add(found, each, term, sentence, quoted, curated=True)
        found_terms = [e.term for e in found.values()]
        for document, curated in curated_here.items():
            for term, names in curated.aliases.items():
                entry = found.get(self.key(term))
                if entry is None:
                    raise DocumentDataError(document, f"glossary: aliases of {term!r}: not a "
                                            "term of the glossary (terms: "
                                            f"{', '.join(sorted(found_terms))})")
                found[self.key(term)] = GlossaryEntry(entry.term, entry.definition,
                                                      entry.passage, entry.aliases + names)
        self.found_: tuple[GlossaryEntry, ...] = ()
        self.each_ = {key: tuple(by_document.values()) for key, by_document in each.items()}
        self._index(found.values())
        return self

    def each(self, name: str) -> tuple[GlossaryEntry, ...]:
        """Every document's own entry for a term (its curated one, else the first its text
        defines by a pattern): those of the name itself and, where it is another entry's
        alias, those of that entry's term too."""
        if not words(name):
            return ()
        entry = self.entry(name)
        keys = dict.fromkeys([self.key(name), *([self.key(entry.term)] if entry else [])])
        return tuple(dict.fromkeys(e for key in keys for e in self.each_.get(key, ())))

    def _index(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries_ = tuple(sorted(entries, key=lambda e: fold(e.term)))
        self.keys_: dict[str, GlossaryEntry] = {}
        self.names_: dict[str, GlossaryEntry] = {}
        for entry in self.entries_:
            for name in (entry.term, *entry.aliases):
                self.keys_.setdefault(self.key(name), entry)
                self.names_.setdefault(" ".join(words(name)), entry)

    def with_found(self, entries: Iterable[GlossaryEntry]) -> Glossary:
        """A copy that also knows the terms found defined in the readings' text (found
        once the index is built, so they are not in its field): lookups, suggestions and
        autocomplete offer them, and ``labels`` stays the fitted entries'. A term the
        glossary has keeps its entry."""
        known = set(self.keys_)
        found = []
        for entry in entries:
            if (key := self.key(entry.term)) not in known:
                known.add(key)
                found.append(entry)
        extended = copy.copy(self)
        extended.found_ = (*self.found_, *found)
        extended._index([*self.entries_, *found])
        return extended

    def _add(self, found: dict[str, GlossaryEntry], each: dict[str, dict[str, GlossaryEntry]],
             term: str, sentence: str, passage: Passage, curated: bool = False) -> None:
        """Keep the first definition of a term (``found``), and each document's first or
        curated one (``each``); "This means…" defines no term."""
        first = words(term)[:1]
        if not first or self.analyzer.term(first[0]) is None:
            return
        entry, key = GlossaryEntry(term, sentence, passage), self.key(term)
        found.setdefault(key, entry)
        by_document = each.setdefault(key, {})
        if curated or passage.document not in by_document:
            by_document[passage.document] = entry

    def key(self, name: str) -> str:
        """Case, accents, plural and the spellings ``Analyzer.root`` joins folded away."""
        return " ".join(self.analyzer.root(w) for w in words(name))

    def labels(self) -> dict[str, list[str]]:
        """Passage id -> the terms (and aliases) that passage defines, by the fitted
        entries (the index's second field holds them)."""
        labels: dict[str, list[str]] = {}
        found = set(map(id, self.found_))
        for entry in (e for e in self.entries_ if id(e) not in found):
            labels.setdefault(entry.passage.id, []).extend((entry.term, *entry.aliases))
        return labels

    @property
    def terms(self) -> list[str]:
        return [e.term for e in self.entries_]

    def entry(self, term: str) -> GlossaryEntry | None:
        """The entry for the term or one of its aliases, as typed (case, accents, plural
        and spelling aside), no near spelling."""
        return self.keys_.get(self.key(term)) if words(term) else None

    def lookup(self, query: str) -> Lookup:
        query = query.strip()
        entry = self.entry(query)
        if entry is not None:
            return Lookup(query, entry, 1.0)
        folded = " ".join(words(query))
        heads = [e for e in self.entries_
                 if folded and " ".join(words(e.term)).startswith(f"{folded} ")]
        if len(heads) == 1:  # "representation" for "Representation learning"
            return Lookup(query, heads[0], HEAD_MATCH)
        ranked = self._similar(folded)
        if ranked and ranked[0][0] >= self.typo_cutoff and self._word_for_word(
                folded, ranked[0][1]):
            return Lookup(query, self.names_[ranked[0][1]], ranked[0][0])
        suggestions = _unique(self.names_[n].term for _, n in ranked)
        return Lookup(query, None, ranked[0][0] if ranked else 0.0,
                      tuple(suggestions[: self.max_suggestions]))

    def complete(self, prefix: str, limit: int = 25) -> list[str]:
        """Terms for autocomplete: names starting with what was typed first, then names with
        a later word starting with it ("learn" offers "Transfer learning")."""
        typed = " ".join(words(prefix))
        starts: dict[str, None] = {}  # ordered sets of terms, in the glossary's order
        contains: dict[str, None] = {}
        for name, entry in self.names_.items():
            if name.startswith(typed):
                starts[entry.term] = None
            elif f" {typed}" in f" {name}":
                contains[entry.term] = None
        return [*starts, *(t for t in contains if t not in starts)][:limit]

    def _word_for_word(self, typed: str, name: str) -> bool:
        """Whether a near spelling is the term itself: as many words, each near its own
        (a slip, a plural, a British spelling); "masked language modelling" is not "causal
        language modelling", however alike the phrases."""
        typed_words, name_words = typed.split(), name.split()
        return len(typed_words) == len(name_words) and all(
            difflib.SequenceMatcher(None, a, b).ratio() >= self.typo_cutoff
            for a, b in zip(typed_words, name_words, strict=True))

    def _similar(self, folded: str) -> list[tuple[float, str]]:
        if not folded:
            return []
        scored = []
        for name in self.names_:
            ratio = difflib.SequenceMatcher(None, folded, name).ratio()
            if ratio >= 0.5:
                scored.append((ratio, name))
        return sorted(scored, key=lambda s: (-s[0], s[1]))


def clean_term(raw: str) -> str:
    term = re.sub(r"[*_\"“”'`]", "", raw).strip(" .,:;")
    return term[:1].upper() + term[1:] if term.islower() else term


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
