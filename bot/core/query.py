"""From a member's question to the corpus's terms.

A question's words are mapped one by one (``word_map.WordMapper``: OCR slips, the
thesaurus, frame words, the field's jargon, typos), then phrases are read across them
(``phrases.PhraseMatcher``), and what is left goes through the index's analyzer. Words of
the field the corpus never uses (the jargon list: "LoRA", "learning rate") are kept as they
are, neither mapped nor "corrected": they are what shows a question is about something else.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import NamedTuple, Self

from bot.core.phrases import Key, Phrase, PhraseMatcher
from bot.core.resources import Jargon, Thesaurus, Words
from bot.core.spelling import TypoRepair
from bot.core.text import Analyzer, fold, stemmer_for, words
from bot.core.word_map import WordMapper

# Distinct question words kept analysed: stemming is most of what a question costs, and
# members repeat their words.
WORD_CACHE_SIZE = 1 << 16


def jargon_terms(jargon: Jargon, analyzer: Analyzer) -> frozenset[str]:
    """Index terms of the jargon's entries, a phrase as its one word."""
    return frozenset(t for e in jargon.entries if (t := analyzer.term(Jargon.token(e))))


class Word(NamedTuple):
    """A question word as the parser learned it."""

    terms: tuple[str, ...]  # the index terms it stands for
    key: str  # its phrase key (``QueryParser.key``)
    added: tuple[str, ...] = ()  # index terms the thesaurus adds to it


class Query(NamedTuple):
    """A question as index terms."""

    terms: list[str]
    """Its words' terms, and the alternatives the thesaurus adds, in order."""
    added: frozenset[str] = frozenset()
    """The terms that are only alternatives (no word of the question is that term):
    they count for less than the member's own words."""


class QueryParser:
    """Turns a question's words into index terms; fitted on the index's vocabulary.

    Parameters
    ----------
    analyzer : the index's word -> term.
    thesaurus, jargon, corrections : the data files' contents.
    spelling_correction, spelling_min_length : repair typos of words this long or longer.
    languages : the query languages (Snowball names), in which thesaurus keys also match by
        stem and jargon words by cognate.

    Attributes
    ----------
    words_ : the fitted ``WordMapper``.
    phrases_ : the fitted ``PhraseMatcher``: thesaurus phrases, corrections of several
        words, and jargon phrases the corpus lacks or never writes together.
    stemmers_ : one Snowball stemmer per query language.
    compounds_ : each word of the corpus -> its index term (``surface_words``, hyphenated
        pairs written as one word among them: ``text.indexed_words``), where a question's two
        words in a row are looked up joined.
    """

    def __init__(self, analyzer: Analyzer, *, thesaurus: Thesaurus | None = None,
                 jargon: Jargon | None = None, corrections: Mapping[str, str] | None = None,
                 spelling_correction: bool = True, spelling_min_length: int = 5,
                 languages: Sequence[str] = ("english",)) -> None:
        self.analyzer = analyzer
        self.thesaurus = thesaurus or Thesaurus()
        self.jargon = jargon or Jargon()
        self.corrections = corrections or {}
        self.spelling_correction = spelling_correction
        self.spelling_min_length = spelling_min_length
        self.languages = languages

    def fit(self, surface_words: Mapping[str, str], vocabulary: Mapping[str, float],
            writes: Callable[[Sequence[str]], bool] | None = None,
            labelled: Collection[str] = frozenset(),
            foreign_words: Collection[str] = frozenset()) -> Self:
        """``surface_words``: each word of the corpus -> its index term (for typo repair);
        ``vocabulary``: index term -> idf; ``writes(terms)``: whether the corpus has those
        terms one after another (a phrase); ``labelled``: terms of the vocabulary found only
        in the names a defined term is also known by (a glossary's aliases, Portuguese
        included), never in a passage's text or headings; ``foreign_words``: the words of
        documents not told to be English (Portuguese notes), which a word may meet by
        another language's stem or through the thesaurus read backwards."""
        stemmers = [(language, stemmer_for(language)) for language in self.languages]
        self.stemmers_ = [stemmer for _, stemmer in stemmers]
        corrections = {fold(k): fold(v) for k, v in self.corrections.items()}
        typos = None
        if self.spelling_correction:
            typos = TypoRepair(self.spelling_min_length).fit(
                {w: vocabulary[t] for w, t in surface_words.items()},
                [w for w in self.thesaurus.ignore if " " not in w])
        self.words_ = WordMapper(self.analyzer, thesaurus=self.thesaurus,
                                 corrections=corrections, stemmers=stemmers, typos=typos
                                 ).fit(vocabulary, jargon_terms(self.jargon, self.analyzer),
                                       self.jargon.entries, labelled,
                                       {w: surface_words[w] for w in foreign_words
                                        if w in surface_words})
        self._learned: dict[str, Word] = {}
        self.compounds_ = surface_words
        phrases = self._phrases(corrections, vocabulary, writes)
        synonyms, labelled = self.thesaurus.merged(), frozenset(labelled)

        def written(key: str, targets: Words) -> bool:
            """A thesaurus phrase the corpus writes as the member did: its words
            together in a passage, and not only among a defined term's other names."""
            own = self.analyzer(key)
            return (writes is not None and synonyms.get(key) == targets and bool(own)
                    and labelled.isdisjoint(own) and writes(own))

        matched = []
        for key, targets in phrases.items():
            # A phrase's targets are mapped as a question's words would be.
            mapped = [self._word(word) for word in " ".join(targets).split()]
            terms = tuple(t for word in mapped for t in (*word.terms, *word.added))
            keys = tuple(self.key(w) for w in key.split())
            if written(key, targets):  # the member's words stay; what the corpus has is added
                matched.append(Phrase(keys, tuple(t for t in terms if t in vocabulary), True))
            else:
                matched.append(Phrase(keys, terms))
        self.phrases_ = PhraseMatcher().fit(matched)
        return self

    def key(self, word: str) -> str:
        """A word's phrase key: each query language's stem in turn, so that "models" and
        "model" meet, and "modelos" and "modelo"."""
        for stemmer in self.stemmers_:
            word = stemmer.stemWord(word)
        return word

    def terms(self, tokens: Sequence[str]) -> Query:
        """Index terms of a question's words (``text.words(question)``)."""
        if len(self._learned) + len(tokens) >= WORD_CACHE_SIZE:
            self._learned.clear()
        learned = [self._learned.get(token) or self._word(token) for token in tokens]
        own, added = self.phrases_.terms([w.key for w in learned], [w.terms for w in learned],
                                         [w.added for w in learned])
        added += self._joined(tokens)
        if not added:
            return Query(own)
        return Query(own + added, frozenset(added).difference(own))

    def _joined(self, tokens: Sequence[str]) -> list[str]:
        """Terms of two words in a row that the corpus writes as one, hyphenated or closed
        ("few shot" for "few-shot", "fine tuning" for "finetuning"): the pair's own term,
        an alternative beside the member's words."""
        compounds = self.compounds_
        return [t for a, b in itertools.pairwise(tokens)
                if len(a) > 1 and len(b) > 1 and (t := compounds.get(a + b)) is not None]

    def spelled(self, text: str) -> str:
        """The text's words as the corpus spells them (typos repaired), for a term that is
        looked up rather than asked."""
        return " ".join(self.words_.spelled(w) for w in words(text))

    def about_document(self, tokens: Sequence[str]) -> list[str]:
        """Index terms for a question with no words of substance that names the document
        ("what is this paper about?", "sobre o que é o artigo?"): the reading's own words
        for itself, from the thesaurus's ``about_document``."""
        table, term = self.thesaurus.about_document, self.analyzer.term
        return [t for token in tokens for w in table.get(token, ()) for part in w.split()
                if (t := term(part)) is not None]

    def _word(self, word: str) -> Word:
        term = self.analyzer.term
        mapped = self.words_.map(word)
        learned = self._learned[word] = Word(
            tuple([t for w in mapped.words if (t := term(w)) is not None]), self.key(word),
            tuple([t for w in mapped.added if (t := term(w)) is not None]))
        return learned

    def _phrases(self, corrections: Mapping[str, str], vocabulary: Mapping[str, float],
                 writes: Callable[[Sequence[str]], bool] | None) -> dict[str, Words]:
        """Phrase -> the words it stands for. A jargon phrase is read as one word where the
        corpus lacks one of its words ("learning rate" in notes that never say "rate"), or
        has them all but never together ("model parallelism" in notes that say "model" and
        "parallelism"). Words inside a thesaurus phrase count as the corpus's: "zero shot
        learning" stays the curated "zero shot" plus "learning", but "rede neural
        recorrente" is more than the curated "rede neural"."""
        everything = self.thesaurus.merged()
        phrases = {k: v for k, v in everything.items() if " " in k}
        phrases.update({k: (v,) for k, v in corrections.items() if " " in k})
        curated = {tuple(self.key(w) for w in key.split()) for key in phrases}
        for entry in sorted(self.jargon.entries):
            entry_words = entry.split()
            if len(entry_words) < 2:
                continue
            inside = self._in_phrases(entry_words, curated)
            if any(not i and not self._covered(w, everything, vocabulary)
                   for w, i in zip(entry_words, inside, strict=True)):
                phrases[entry] = (Jargon.token(entry),)
            elif writes is not None and not any(inside):
                terms = self.analyzer(entry)
                if len(terms) > 1 and all(t in vocabulary for t in terms) and not writes(terms):
                    phrases[entry] = (Jargon.token(entry),)
        return phrases

    def _in_phrases(self, entry_words: Sequence[str], phrases: set[Key]) -> list[bool]:
        """For each word, whether it is part of one of ``phrases`` (keys) there."""
        keys = [self.key(w) for w in entry_words]
        inside = [False] * len(keys)
        for i in range(len(keys)):
            for j in range(i + 2, len(keys) + 1):
                if tuple(keys[i:j]) in phrases:
                    inside[i:j] = [True] * (j - i)
        return inside

    def _covered(self, word: str, thesaurus: Mapping[str, Words],
                 vocabulary: Mapping[str, float]) -> bool:
        """Whether the corpus (directly, or through the thesaurus: a translation whose words
        it has) has a word for it. A stop word counts as the corpus's; a lone letter that is
        not one does not ("gpt j" is not "gpt"); "taxa" is "rate", which notes that never
        say "rate" lack ("taxa de aprendizado" stays the field's one unknown term)."""
        ignore = self.thesaurus.ignore
        term = self.analyzer.term(word)
        if term is None:
            return len(word) > 1 or word in self.analyzer.stop_words or word in ignore
        if term in vocabulary or word in ignore:
            return True
        targets = thesaurus.get(word)
        return targets is not None and all(
            (t := self.analyzer.term(w)) is None or t in vocabulary
            for w in " ".join(targets).split())
