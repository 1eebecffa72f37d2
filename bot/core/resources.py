"""The data files' contents, as the core takes them: plain, immutable, already checked.

The files themselves are read and validated once, by ``bot.loading``; nothing in the core
opens them. Language resources (the thesaurus, the field's jargon) hold for any reading; the
corrections and the curated glossary belong to the documents they were written for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Words = tuple[str, ...]
"""Folded words (``text.words`` joined by one space each), in order."""


def _frozen(table: Mapping[str, Words] | None = None) -> Mapping[str, Words]:
    return MappingProxyType(dict(table or {}))


@dataclass(frozen=True)
class Thesaurus:
    """Query-side vocabulary: per language, a member's word or phrase -> the reading's
    words; words that only frame a question; and, for a question that has nothing else
    ("what is the paper about?"), the reading's words for itself. Keys and targets are
    folded, words separated by one space; ``about_document`` keys are single words."""

    synonyms: Mapping[str, Mapping[str, Words]] = field(
        default_factory=lambda: MappingProxyType({}))
    ignore: frozenset[str] = frozenset()
    about_document: Mapping[str, Words] = field(default_factory=_frozen)

    def with_synonyms(self, other: Thesaurus) -> Thesaurus:
        """This thesaurus with another's synonyms added, language by language (the other's
        entry wins where both have a key)."""
        languages = dict.fromkeys([*self.synonyms, *other.synonyms])
        synonyms = {language: MappingProxyType({**self.synonyms.get(language, {}),
                                                **other.synonyms.get(language, {})})
                    for language in languages}
        return Thesaurus(MappingProxyType(synonyms), self.ignore, self.about_document)

    def merged(self) -> dict[str, Words]:
        """Every language's synonyms in one table (a later language's key wins)."""
        return {k: v for table in self.synonyms.values() for k, v in table.items()}


@dataclass(frozen=True)
class Jargon:
    """The field's vocabulary: words and phrases that name topics of machine learning. One
    that a question uses and the corpus does not is the sign of a question about something
    the notes do not cover."""

    entries: frozenset[str] = frozenset()  # folded, words separated by one space

    @staticmethod
    def token(entry: str) -> str:
        """The one word a phrase stands as in a question ("learning rate" ->
        "learningrate"), so that its words do not count as the corpus's words."""
        return entry.replace(" ", "")


@dataclass(frozen=True)
class CuratedGlossary:
    """Extra /define entries (a term and a verbatim quote of its defining sentence) and
    other names for any entry."""

    entries: tuple[tuple[str, str], ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen)


@dataclass(frozen=True)
class DocumentData:
    """What belongs to one document alone: its OCR slips (wrong -> right), fixed in its text,
    and its curated glossary, whose quotes are its sentences."""

    corrections: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    glossary: CuratedGlossary = field(default_factory=CuratedGlossary)
    # Members' words for this document's words, and its words for itself.
    synonyms: Thesaurus = field(default_factory=Thesaurus)


@dataclass(frozen=True)
class Resources:
    """Everything the data files say, in one value: the language resources, and each
    document's own data by document id."""

    thesaurus: Thesaurus = field(default_factory=Thesaurus)
    jargon: Jargon = field(default_factory=Jargon)
    documents: Mapping[str, DocumentData] = field(default_factory=lambda: MappingProxyType({}))

    def corrections_by_document(self) -> dict[str, Mapping[str, str]]:
        return {doc: data.corrections for doc, data in self.documents.items()}

    def question_thesaurus(self) -> Thesaurus:
        """The thesaurus questions go through: the general one, and every document's words
        for itself (used only for a question that names a document and nothing else)."""
        about = dict(self.thesaurus.about_document)
        for data in self.documents.values():
            about.update(data.synonyms.about_document)
        return Thesaurus(self.thesaurus.synonyms, self.thesaurus.ignore,
                         MappingProxyType(about))
