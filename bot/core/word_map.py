"""One word of a question, mapped onto the words the corpus uses.

Documents are clean; questions are not. A member's word may be an OCR slip the reading
copied ("Al"), a word the reading never uses but a member does (the thesaurus, Portuguese
included), a word that only frames the question ("explain", "summary"), a word of the field
the corpus lacks ("LoRA", in any of the query languages), or a typo. Phrases are
``phrases.PhraseMatcher``'s; this module sees one word at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple, Self

from bot.core.resources import Thesaurus, Words
from bot.core.spelling import TypoRepair
from bot.core.text import Analyzer, Stemmer

# Stems match only words at least this long, so a stem cannot stand for an unrelated short
# word ("car" is not "caro").
MIN_STEM_MATCH_LENGTH = 5
# A stem matches a thesaurus key's only when it is this long and the word goes on past
# what it shares with the key by at most so many letters (an inflection's ending).
MIN_STEM, MAX_ENDING = 4, 4
# What an English word's forms add to what they share.
_ENGLISH_ENDINGS = frozenset(("", "s", "es", "d", "ed", "ing", "er", "ers"))


class Mapped(NamedTuple):
    """What a member's word stands for."""

    words: tuple[str, ...]
    """The word itself, or what replaces it (its fix, its translation); none for a frame
    word."""
    added: tuple[str, ...] = ()
    """Alternatives the thesaurus adds to a word the corpus knows, which count for less
    than the member's own word."""


class WordMapper:
    """A question's word -> the words it stands for (none for a frame word).

    Thesaurus keys match whole words, then (for words the corpus does not know) by stem,
    each language's keys with that language's stemmer, so one entry covers "universidade"
    and "universidades" and an English key is never reached through a Portuguese stem.
    Frame words match exactly: a stem would silence unrelated words ("paris" is not "para").
    A member's own word is kept when the corpus knows it; the thesaurus only adds to it,
    and what it adds is told apart (``Mapped.added``) so that it can weigh less. A
    translation the corpus has no word of (Portuguese notes: "treino" -> "training") gives
    way to the corpus's own word: the word's inflection there, or the corpus's word for the
    translation ("treinamento").

    Parameters
    ----------
    analyzer : word -> index term, as the index has them.
    thesaurus, corrections : the data files' synonyms, frame words and OCR slips (folded).
    stemmers : one per query language, in the thesaurus's language order.
    typos : repairs words the corpus does not know; None leaves them as typed.

    Attributes
    ----------
    vocabulary_ : the index's terms (term -> idf).
    labelled_ : those of its terms that only the other names of a defined term have: a
        word the corpus merely lists as a name is kept, but what the thesaurus says for it
        counts in full, as for a word the corpus does not write.
    exact_ : every language's single-word keys -> what they stand for, met as typed.
    levels_ : per language, the stem of each of its single-word keys -> those keys, with
        what they stand for, met by a word's stem (``_synonyms``).
    translations_ : index term of an English word -> (idf, the English word, a word of
        the notes in another language that the thesaurus translates as it, or an
        inflection of one): the thesaurus read backwards. Of those whose English the
        member's word inflects, the commonest stands for a word the corpus lacks, and
        joins one it has as an added word.
    inflections_ : per other query language, the stem of each word of the documents not
        told to be English (not a defined term's other names) -> those words with their
        terms: an unknown word meets the notes' inflection of it ("começam", "começar").
    jargon_terms_ : index terms of the field's single words: one the corpus lacks is kept as
        typed, never "repaired" into a corpus word.
    jargon_stems_ : stem -> jargon word, so that "perplexidade" is "perplexity".
    """

    def __init__(self, analyzer: Analyzer, *, thesaurus: Thesaurus, corrections: Mapping[str, str],
                 stemmers: Sequence[tuple[str, Stemmer]], typos: TypoRepair | None) -> None:
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.corrections = corrections
        self.stemmers = stemmers
        self.typos = typos

    def fit(self, vocabulary: Mapping[str, float], jargon_terms: Collection[str],
            jargon_words: Collection[str], labelled: Collection[str] = frozenset(),
            foreign_words: Mapping[str, str] | None = None) -> Self:
        """``labelled``: terms of the vocabulary found only in the other names of a defined
        term (``QueryParser.fit``); ``foreign_words``: the words of documents not told to be
        English (Portuguese notes) -> their terms."""
        self.vocabulary_ = vocabulary
        self.labelled_ = frozenset(labelled)
        single = {k: v for k, v in self.thesaurus.merged().items() if " " not in k}
        self.exact_ = single
        self.levels_: list[dict[str, list[tuple[str, Words]]]] = []
        for language, stemmer in self.stemmers:
            table = self.thesaurus.synonyms.get(language, {})
            stems: dict[str, list[tuple[str, Words]]] = {}
            for k, v in table.items():
                if " " not in k:
                    stems.setdefault(stemmer.stemWord(k), []).append((k, v))
            self.levels_.append(stems)
        # The words of documents not told to be English, by another language's stem:
        # "começam" meets the notes' "começar", which the index's stemmer keeps apart.
        foreign = foreign_words or {}
        self.inflections_: list[dict[str, list[tuple[str, str]]]] = []
        for _, stemmer in self.stemmers[1:]:
            inflections: dict[str, list[tuple[str, str]]] = {}
            for surface, term in foreign.items():
                if len(surface) >= MIN_STEM_MATCH_LENGTH and term not in self.labelled_:
                    inflections.setdefault(stemmer.stemWord(surface), []).append((surface, term))
            self.inflections_.append(inflections)
        # Those words again, by the term of their one-word English in the thesaurus (of a
        # key they inflect): a word the corpus lacks is read as the commonest that means
        # it, and a word it has is joined by it ("labels" and "rótulos", for an English
        # question on Portuguese notes, beside English ones or not).
        self.translations_: dict[str, list[tuple[float, str, str]]] = {}
        for (language, stemmer), inflections in zip(self.stemmers[1:], self.inflections_,
                                                    strict=True):
            for k, v in self.thesaurus.synonyms.get(language, {}).items():
                if " " in k or len(v) != 1 or " " in v[0]:
                    continue
                into = self.analyzer.term(v[0])
                written = dict([(k, foreign[k])] if k in foreign else [])
                if len(k) >= MIN_STEM_MATCH_LENGTH:  # and its inflections in the notes
                    written.update(_inflections_of(k, stemmer.stemWord(k), inflections))
                for surface, term in written.items():
                    if into is not None and into != term:
                        self.translations_.setdefault(into, []).append(
                            (vocabulary[term], v[0], surface))
        self.jargon_terms_ = frozenset(jargon_terms)
        self.jargon_stems_ = {stemmer.stemWord(w): w for w in sorted(jargon_words)
                              if " " not in w and len(w) >= MIN_STEM_MATCH_LENGTH
                              for _, stemmer in self.stemmers}
        return self

    def map(self, word: str) -> Mapped:
        """The words (folded) that stand for ``word`` in the corpus's vocabulary."""
        word = self.corrections.get(word, word)
        if word in self.thesaurus.ignore:
            return Mapped(())
        term = self.analyzer.term(word)
        known = term in self.vocabulary_
        stems = ([] if known or len(word) < MIN_STEM_MATCH_LENGTH
                 else [stemmer.stemWord(word) for _, stemmer in self.stemmers])
        targets = self._synonyms(word, stems)
        if targets is not None and known:  # the member's word, and what the corpus also says
            # (not the word again: a cognate's translation is its own term, "comunidade")
            also = tuple(w for w in " ".join(targets).split()
                         if (t := self.analyzer.term(w)) in self.vocabulary_ and t != term)
            return Mapped((word, *also)) if term in self.labelled_ else Mapped((word,), also)
        if targets is not None:
            english = " ".join(targets).split()
            if any((t := self.analyzer.term(w)) in self.vocabulary_ or t in self.jargon_terms_
                   for w in english):
                return Mapped(tuple(english))
            # The corpus has none of the translation's words (Portuguese notes, "treino" ->
            # "training"): the word's inflection there, unless the thesaurus reads that
            # otherwise, or the corpus's word for the translation ("treinamento").
            inflected = [w for w in self._inflected(word, stems[1:])
                         if self.exact_.get(w, targets) == targets]
            theirs = [found for w in english if (found := self._translated(w))]
            return Mapped(tuple(inflected[:1] or theirs or english))
        translated = self._translated(word) if term is not None else None
        if translated is not None:
            if not known:
                return Mapped((translated,))
            return (Mapped((word, translated)) if term in self.labelled_
                    else Mapped((word,), (translated,)))
        if not known:
            if term in self.jargon_terms_:  # the field's word: not a typo
                return Mapped((word,))
            cognate = next((c for stem in stems if (c := self.jargon_stems_.get(stem))), None)
            if cognate is not None:
                return Mapped((cognate,))
            inflected = self._inflected(word, stems[1:])
            if inflected:
                return Mapped((inflected[0],))
        if known or term is None or self.typos is None:
            return Mapped((word,))
        fixed = self.typos.correct(word)
        return Mapped(() if fixed in self.typos.frame_words_ else (fixed,))

    def spelled(self, word: str) -> str:
        """The word as the corpus spells it: a word the corpus does not know, repaired where
        one edit makes it one the corpus does ("tunned" -> "tuned"); else as typed."""
        term = self.analyzer.term(word)
        if term is None or term in self.vocabulary_ or self.typos is None:
            return word
        return self.typos.correct(word)

    def _inflected(self, word: str, stems: Sequence[str]) -> list[str]:
        """The corpus's words (of another language's passages) that inflect the word: the
        same stem in that language, of at least ``MIN_STEM`` letters, and neither word going
        on more than ``MAX_ENDING`` letters past what they share ("começam", "começar"; not
        "publicado", "publicidade"); the commonest first. ``stems``: the word's stem in
        each other language (none for a word too short to be matched by stem)."""
        found: list[tuple[float, str]] = []
        for stem, inflections in zip(stems, self.inflections_, strict=False):
            found += [(self.vocabulary_[term], surface)
                      for surface, term in _inflections_of(word, stem, inflections)]
        return [surface for _, surface in sorted(found)]

    def _translated(self, word: str) -> str | None:
        """The corpus's word (of another language's passages) that the thesaurus translates
        as this word: of those whose English is this word or an inflection of it, the
        commonest ("labels": "rótulos"; "customize" is not "customers": "clientes")."""
        found = [(idf, surface) for idf, english, surface
                 in self.translations_.get(self.analyzer.term(word) or "", ())
                 if _inflects(word, english)]
        return min(found)[1] if found else None

    def _synonyms(self, word: str, stems: Sequence[str]) -> Words | None:
        """Exact key first; then, for an unknown word long enough (``stems`` given), each
        language's stem, when it is at least ``MIN_STEM`` letters: of the keys with that
        stem, the one that begins as the word does the longest, if the word goes on at
        most ``MAX_ENDING`` letters past what they share. That is an inflection
        ("modelos", "chegou", "universidades"), not another word Snowball cuts as short
        ("generativa" and "genero" are both "gener", "media" and "medo" "med", English
        "comes" the "com" of "comando")."""
        if word in self.exact_:
            return self.exact_[word]
        if not stems:
            return None
        for stem, table in zip(stems, self.levels_, strict=True):
            if len(stem) < MIN_STEM:
                continue
            found = [(_shared(key, word), n, targets)
                     for n, (key, targets) in enumerate(table.get(stem, ()))]
            if found:
                shared, _, targets = max(found)  # the last of the longest
                if len(word) - shared <= MAX_ENDING:
                    return targets
        return None


def _inflections_of(word: str, stem: str, inflections: Mapping[str, list[tuple[str, str]]]
                    ) -> list[tuple[str, str]]:
    """The (word, term) pairs of ``inflections`` under the word's stem that inflect it:
    a stem of ``MIN_STEM`` letters at least, neither word going on more than
    ``MAX_ENDING`` letters past what the two share."""
    if len(stem) < MIN_STEM:
        return []
    return [(surface, term) for surface, term in inflections.get(stem, ())
            if max(len(word), len(surface)) - _shared(surface, word) <= MAX_ENDING]


def _inflects(word: str, english: str) -> bool:
    """Whether two English words are forms of one: past what they share, each goes on by
    an inflection's ending at most ("labels", "label"; "trained", "training"; not
    "customize", "customers", which one stem joins)."""
    n = _shared(word, english)
    return word[n:] in _ENGLISH_ENDINGS and english[n:] in _ENGLISH_ENDINGS


def _shared(a: str, b: str) -> int:
    """How many letters the two words begin with in common."""
    n = 0
    for x, y in zip(a, b, strict=False):  # as far as the shorter goes
        if x != y:
            break
        n += 1
    return n
