"""From a member's question to the corpus's terms.

Documents are clean; questions are not. Before analysis a question is mapped onto the
summary's own words: OCR slips it copied ("Al"), words the corpus never uses but a student
does (the thesaurus, Portuguese included), filler that only frames the question ("explain",
"summary"), and typos fixed against the corpus vocabulary (one edit away). Words of the
field the corpus never uses (the jargon list: "LoRA", "learning rate") are kept as they
are, neither mapped nor "corrected": they are what shows a question is about something
else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from bot.config import ConfigError, read_yaml_mapping
from bot.core.spelling import OneEditIndex
from bot.core.text import Analyzer, fold, stemmer_for, words


@dataclass(frozen=True)
class Thesaurus:
    """Query-side vocabulary data from corpus/thesaurus.yml: per language, a student's word
    or phrase -> the summary's words; words that only frame a question; and, for a question
    that has nothing else ("what is the paper about?"), the summary's words for itself."""

    synonyms: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    about_document: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> Thesaurus:
        data = read_yaml_mapping(path, keys={"synonyms", "ignore", "about_document"},
                                 text_only=True)
        languages = data.get("synonyms") or {}
        ignore = data.get("ignore") or []
        about = data.get("about_document") or {}
        if not isinstance(languages, dict) or not isinstance(ignore, list) or not all(
            isinstance(table, dict) for table in languages.values()
        ) or not isinstance(about, dict):
            raise ConfigError(f"{path}: 'synonyms' must map each language to a mapping of "
                              "words, 'ignore' must be a list and 'about_document' a mapping")
        synonyms = {str(language): _word_table(table, f"{path}: synonyms.{language}")
                    for language, table in languages.items()}
        about_document = _word_table(about, f"{path}: about_document")
        if any(" " in key or not key for key in about_document):
            raise ConfigError(f"{path}: about_document: each key must be one word")
        return cls(synonyms, frozenset(" ".join(words(str(w))) for w in ignore),
                   about_document)

    def merged(self) -> dict[str, tuple[str, ...]]:
        return {k: v for table in self.synonyms.values() for k, v in table.items()}


def _word_table(table: Mapping[object, object], where: str) -> dict[str, tuple[str, ...]]:
    """Folded keys -> folded target words, from a mapping of words to a word or a list."""
    entries = {}
    for key, value in table.items():
        targets = [value] if isinstance(value, str) else value
        if not isinstance(key, str) or not isinstance(targets, list) or not all(
            isinstance(t, str) for t in targets
        ):
            raise ConfigError(f"{where}: {key!r} must map to a word or a list of words")
        entries[" ".join(words(key))] = tuple(" ".join(words(t)) for t in targets)
    return entries


@dataclass(frozen=True)
class Jargon:
    """The field's vocabulary (corpus/jargon.yml): words and phrases that name topics of
    machine learning. One that a question uses and the corpus does not is the sign of a
    question about something the notes do not cover."""

    entries: frozenset[str] = frozenset()  # folded, words separated by one space

    @classmethod
    def load(cls, path: Path | None) -> Jargon:
        terms = read_yaml_mapping(path, keys={"terms"}, text_only=True).get("terms") or []
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise ConfigError(f"{path}: 'terms' must be a list of words or phrases")
        return cls(frozenset(" ".join(words(t)) for t in terms if words(t)))

    @staticmethod
    def token(entry: str) -> str:
        """The one word a phrase stands as in a question ("learning rate" ->
        "learningrate"), so that its words do not count as the corpus's words."""
        return entry.replace(" ", "")

    def terms(self, analyzer: Analyzer) -> frozenset[str]:
        """Index terms of the entries, for the retriever to weigh."""
        return frozenset(t for e in self.entries if (t := analyzer.term(self.token(e))))


MIN_STEM_MATCH_LENGTH = 5
WORD_CACHE_SIZE = 1 << 16  # distinct question words kept analysed


class QueryParser:
    """Turns a question into index terms; fitted on the index vocabulary for typo repair.

    Thesaurus keys match whole words, then (for words the corpus does not know) by stem, each
    language's keys with that language's stemmer, so one entry covers "universidade" and
    "universidades" and an English key is never reached through a Portuguese stem. Words to
    ignore match exactly: a stem would silence unrelated words ("paris" is not "para").
    """

    def __init__(self, analyzer: Analyzer, *, thesaurus: Thesaurus | None = None,
                 corrections: Mapping[str, str] | None = None, spelling_correction: bool = True,
                 spelling_min_length: int = 5, languages: Sequence[str] = ("english",),
                 jargon: Jargon | None = None) -> None:
        self.analyzer = analyzer
        self.thesaurus = thesaurus or Thesaurus()
        self.jargon = jargon or Jargon()
        self.corrections = corrections or {}
        self.spelling_correction = spelling_correction
        self.spelling_min_length = spelling_min_length
        self.languages = languages

    def fit(self, surface_words: Mapping[str, str], vocabulary: Mapping[str, float],
            writes: Callable[[Sequence[str]], bool] | None = None) -> QueryParser:
        """Index the thesaurus by stem and phrases by their first two words; learn the
        corpus's own words (surface word -> index term, as the retriever saw them) for typo
        repair. ``writes(terms)`` tells whether the corpus has those index terms one after
        another (a phrase)."""
        self.vocabulary_ = vocabulary
        self.stemmers_ = [stemmer_for(language) for language in self.languages]
        self._stemmed: tuple[str, list[str]] = ("", [])  # the last word _stems worked out
        everything = self.thesaurus.merged()
        self.corrections_ = {fold(k): fold(v) for k, v in self.corrections.items()}
        self.ignore_ = self.thesaurus.ignore
        self.synonyms_ = self._by_stem(everything)
        phrases = {k: v for k, v in everything.items() if " " in k}
        phrases.update({k: (v,) for k, v in self.corrections_.items() if " " in k})
        # A jargon phrase is read as one word where the corpus lacks one of its words
        # ("learning rate" in notes that never say "rate"), or has them all but never
        # together ("model parallelism" in notes that say "model" and "parallelism"). Words
        # inside a thesaurus phrase count as the corpus's: "zero shot learning" stays the
        # curated "zero shot" plus "learning", but "rede neural recorrente" is more than the
        # curated "rede neural".
        self.jargon_terms_ = self.jargon.terms(self.analyzer)
        self.jargon_stems_ = {stemmer.stemWord(e): e for e in sorted(self.jargon.entries)
                              if " " not in e and len(e) >= MIN_STEM_MATCH_LENGTH
                              for stemmer in self.stemmers_}
        curated = {tuple(self._loose(w) for w in key.split()) for key in phrases}
        for entry in sorted(self.jargon.entries):
            entry_words = entry.split()
            if len(entry_words) < 2:
                continue
            inside = self._in_phrases(entry_words, curated)
            if any(not i and not self._covered(w, everything)
                   for w, i in zip(entry_words, inside, strict=True)):
                phrases[entry] = (self.jargon.token(entry),)
            elif writes is not None and not any(inside):
                terms = self.analyzer(entry)
                if len(terms) > 1 and all(t in vocabulary for t in terms) and not writes(terms):
                    phrases[entry] = (self.jargon.token(entry),)
        # Phrases by the loose forms of their first two words, longest first: (loose forms,
        # the words the phrase stands for). "model" starts 14 phrases, and most questions say
        # "models": the pair is what narrows.
        by_pair: dict[tuple[str, ...], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for key, targets in sorted(phrases.items(), key=lambda kv: -len(kv[0].split())):
            loose = tuple(self._loose(w) for w in key.split())
            by_pair.setdefault(loose[:2], []).append((loose, targets))
        self.phrase_starts_ = frozenset(first for first, _ in by_pair)
        # Typo repair picks, among the corpus words one edit away, the one whose term is
        # most common (lowest idf).
        self.known_words_ = {w: vocabulary[t] for w, t in surface_words.items()
                             if len(w) >= self.spelling_min_length}
        # Then the words the thesaurus ignores, with a letter the typed word lacks: "happend"
        # is "happened", a word that only frames a question, not an unknown topic. Not with
        # a letter too many: that reads real words as frame words ("causal" is not "causa").
        self.frame_words_ = frozenset(
            w for w in self.ignore_
            if " " not in w and len(w) >= self.spelling_min_length and w not in self.known_words_)
        self.edits_ = OneEditIndex().fit(
            [*self.known_words_, *sorted(self.frame_words_)] if self.spelling_correction else [])
        # Questions repeat their words: stemming is most of the cost of a question, so each
        # word's terms are worked out once (per fitted parser) and kept, with its phrase key,
        # and that key again if a phrase (thesaurus, correction or jargon) can start with it.
        self._words: dict[str, tuple[tuple[str, ...], str, str | None]] = {}
        # What each phrase stands for, as terms: its targets' words, each mapped as a
        # question's word would be (so learned last, with everything _learn reads fitted).
        self.phrases_ = {pair: [(key, tuple(t for word in " ".join(targets).split()
                                             for t in self._learn(word)[0]))
                                for key, targets in entries]
                         for pair, entries in by_pair.items()}
        return self

    def _jargon_cognate(self, word: str) -> str | None:
        """The jargon word that this word is the same word as in another of the query
        languages ("perplexidade" is "perplexity", "quantização" "quantization"): both
        reduce to one stem under one of the languages' stemmers."""
        if len(word) < MIN_STEM_MATCH_LENGTH:
            return None
        for stem in self._stems(word):
            found = self.jargon_stems_.get(stem)
            if found is not None:
                return found
        return None

    def _stems(self, word: str) -> list[str]:
        """Each query language's stem of the word. Learning an unknown word asks for them
        up to three times (thesaurus, jargon, phrase key): the last word's are kept."""
        if self._stemmed[0] != word:
            self._stemmed = (word, [stemmer.stemWord(word) for stemmer in self.stemmers_])
        return self._stemmed[1]

    def _in_phrases(self, entry_words: Sequence[str],
                    phrases: set[tuple[str, ...]]) -> list[bool]:
        """For each word, whether it is part of one of ``phrases`` (loose forms) there."""
        loose = [self._loose(w) for w in entry_words]
        inside = [False] * len(loose)
        for i in range(len(loose)):
            for j in range(i + 2, len(loose) + 1):
                if tuple(loose[i:j]) in phrases:
                    inside[i:j] = [True] * (j - i)
        return inside

    def _covered(self, word: str, thesaurus: Mapping[str, tuple[str, ...]]) -> bool:
        """Whether the corpus (directly, or through the thesaurus) has a word for it. A stop
        word counts as the corpus's; a lone letter that is not one does not ("gpt j" is not
        "gpt")."""
        term = self.analyzer.term(word)
        if term is None:
            return len(word) > 1 or word in self.analyzer.stop_words or word in self.ignore_
        return term in self.vocabulary_ or word in thesaurus or word in self.ignore_

    def _by_stem(self, everything: Mapping[str, tuple[str, ...]]
                 ) -> list[dict[str, tuple[str, ...]]]:
        """One lookup table per matching level: the word itself (any language), then each
        language's stem of that language's keys."""
        single = {k: v for k, v in everything.items() if " " not in k}
        levels: list[dict[str, tuple[str, ...]]] = [single]
        for language, stemmer in zip(self.languages, self.stemmers_, strict=True):
            table = self.thesaurus.synonyms.get(language, {})
            levels.append({stemmer.stemWord(k): v for k, v in table.items() if " " not in k})
        return levels

    def _lookup(self, levels: list[dict[str, tuple[str, ...]]], word: str,
                known: bool) -> tuple[str, ...] | None:
        """Exact key first; stems only for unknown words long enough that a stem cannot
        stand for an unrelated short word ("car" is not "caro")."""
        if word in levels[0]:
            return levels[0][word]
        if known or len(word) < MIN_STEM_MATCH_LENGTH:
            return None
        for stem, table in zip(self._stems(word), levels[1:], strict=True):
            if stem in table:
                return table[stem]
        return None

    def _loose(self, word: str) -> str:
        """A word's phrase key: each query language's stem in turn, so that "models" and
        "model" meet, and "modelos" and "modelo"."""
        if not self.stemmers_:  # retrieval.query_languages: []
            return word
        last, stems = self._stemmed
        word = stems[0] if last == word and stems else self.stemmers_[0].stemWord(word)
        for stemmer in self.stemmers_[1:]:
            word = stemmer.stemWord(word)
        return word

    def about_document(self, tokens: Sequence[str]) -> list[str]:
        """Index terms for a question with no words of substance that names the document
        ("what is this paper about?", "sobre o que é o artigo?"): the summary's own words
        for itself, from the thesaurus's ``about_document``."""
        table, term = self.thesaurus.about_document, self.analyzer.term
        return [t for token in tokens for w in table.get(token, ()) for part in w.split()
                if (t := term(part)) is not None]

    def terms(self, tokens: Sequence[str]) -> list[str]:
        """Index terms of a question's words (``text.words(question)``)."""
        known = self._words
        if len(known) + len(tokens) >= WORD_CACHE_SIZE:
            # Emptied between questions, never inside one: the phrase check below reads
            # what was learned for each of this question's words.
            known.clear()
        # One pass: each word's terms, and whether it and the next are a phrase's first two
        # words (most questions hold a word that can start one, "data" or "de"; few hold a
        # phrase, and only those are read again). Each word is one lookup: the answer path
        # is timed in microseconds, mostly in lookups that miss the CPU caches.
        learn, pairs = self._learn, self.phrases_
        out: list[str] = []
        after = None  # the previous word's phrase key, if a phrase can start with it
        phrase = False
        for token in tokens:
            word_terms, loose, starter = known.get(token) or learn(token)
            out += word_terms
            if after is not None and (after, loose) in pairs:
                phrase = True
            after = starter
        return self._phrase_terms(tokens, out) if phrase else out

    def _learn(self, word: str) -> tuple[tuple[str, ...], str, str | None]:
        """A word's index terms, its phrase key, and that key again if a phrase starts with
        it (else None)."""
        term = self.analyzer.term
        word_terms = tuple([t for w in self._map_word(word) if (t := term(w)) is not None])
        loose = self._loose(word)
        entry = self._words[word] = (word_terms, loose,
                                     loose if loose in self.phrase_starts_ else None)
        return entry

    def _phrase_terms(self, tokens: Sequence[str], words_terms: list[str]) -> list[str]:
        """Terms of a question whose words (all learned, with ``words_terms`` their terms)
        may hold a phrase: a thesaurus phrase ("modelos de fundação") gives the summary's
        words' terms, a correction its fix's, a jargon phrase its one word's, as fitted.
        Phrases are read left to right."""
        known, phrases = self._words, self.phrases_
        entries = [known[token] for token in tokens]
        loose = [entry[1] for entry in entries]
        out: list[str] = []
        done = 0  # tokens before this one are in ``out``
        for at, pair in enumerate(pairwise(loose)):
            if at < done or pair not in phrases:
                continue
            for key, key_terms in phrases[pair]:
                if tuple(loose[at:at + len(key)]) == key:
                    for entry in entries[done:at]:
                        out += entry[0]
                    out += key_terms
                    done = at + len(key)
                    break
        if not done:  # two words that start a phrase, but not the whole phrase
            return words_terms
        for entry in entries[done:]:
            out += entry[0]
        return out

    def _map_word(self, word: str) -> Iterable[str]:
        word = self.corrections_.get(word, word)
        term = self.analyzer.term(word)
        known = term in self.vocabulary_
        if word in self.ignore_:
            return ()
        targets = self._lookup(self.synonyms_, word, known)
        if targets is not None:
            return (*((word,) if known else ()), *" ".join(targets).split())
        if not known and term in self.jargon_terms_:  # the field's word: not a typo
            return (word,)
        if not known and (cognate := self._jargon_cognate(word)):
            return (cognate,)
        if term is None or known or not self.spelling_correction:
            return (word,)
        fixed = self.correct(word)
        return () if fixed in self.frame_words_ else (fixed,)

    def correct(self, word: str) -> str:
        """For a word the corpus does not know: the corpus word one edit away, if there is
        one; else a word the thesaurus ignores (one that only frames a question) that the
        typed word lacks a letter of.

        A missing or extra letter is repaired from five letters on; a wrong or swapped
        letter only from seven, since in short words it turns one real word into another
        ("bread" is not a typo of "broad").
        """
        if len(word) < self.spelling_min_length:
            return word
        found = self.edits_.neighbours(word)
        known, longer = self.known_words_, len(word) + 1
        substitutes = len(word) >= self.spelling_min_length + 2
        fixes = [w for w in found if w in known and (substitutes or len(w) != len(word))]
        if fixes:
            return min(fixes, key=lambda w: (known[w], w))
        return min((w for w in found if w not in known and len(w) == longer), default=word)
