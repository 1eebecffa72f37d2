"""Turning text into comparable terms.

Documents and questions go through the same steps (fold case and accents, split on anything
that is not a letter or digit, drop stop words, stem) so that "Homogenisation?" and
"homogenization" meet on one term. Questions get two extra steps that documents do not need:
thesaurus expansion (a student's word for the summary's word) and spelling correction
against the corpus vocabulary.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Runs of letters and runs of digits ("jul2022" is "jul" and "2022", "GPT-3" and "gpt3" are
# "gpt" and "3"), but one letter glued to digits is a name ("T5", "H100", "F1", "C4"; "T5s"
# is "t5" and a lone "s"): split apart, the letter would be dropped as too short and the
# number would match any number.
_WORD = re.compile(r"(?<![a-z0-9])[a-z][0-9]+(?=s?(?![a-z0-9]))|[a-z]+|[0-9]+")
_BRITISH_ENDINGS = (("ise", "ize"), ("ised", "ized"), ("ises", "izes"))
# Portuguese endings (folded) and the English ones of the same words: "latência" meets
# "latency", "informação" "information", "qualidade" "quality", "generativo" "generative",
# once the stemmer has cut both. A word keeps at least three letters before its ending and
# six in all, so that short words of either language stay as they are.
_COGNATE_ENDINGS = (
    ("coes", "tions"), ("cao", "tion"), ("encias", "ences"), ("encia", "ence"),
    ("ancias", "ances"), ("ancia", "ance"), ("dades", "ties"), ("dade", "ty"),
    ("aveis", "ables"), ("avel", "able"), ("iveis", "ibles"), ("ivel", "ible"),
    ("ismos", "isms"), ("ismo", "ism"), ("istas", "ists"), ("ista", "ist"), ("izar", "ize"),
    ("icos", "ics"), ("icas", "ics"), ("ico", "ic"), ("ica", "ic"),
    ("ivos", "ives"), ("ivas", "ives"), ("ivo", "ive"), ("iva", "ive"))
# A doubled consonant, which English writes where Portuguese writes one ("comunidade",
# "community"; "anotação", "annotation").
_DOUBLED = re.compile(r"([bcdfgklmnprstz])\1")
# The plural of an abbreviation of three letters or more with no vowel but, at most, its
# last letter ("LLMs", "GPUs", "LSTMs"): Snowball keeps its "s" (it drops one only after a
# vowel earlier in the word), so "LLM" and "LLMs" would be two terms.
_ABBREVIATION_PLURAL = re.compile(r"[^aeiouy]+[aeiou]?s")
# Combining marks of the Latin, Greek and Cyrillic scripts: what NFKD splits off accents.
_ACCENTS = re.compile("[" + "".join(
    re.escape(chr(c)) for start, end in ((0x0300, 0x0370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00),
                                         (0x20D0, 0x2100), (0xFE20, 0xFE30))
    for c in range(start, end) if unicodedata.combining(chr(c))) + "]+")


# An HTML character reference as Markdown reads one: named, decimal or hexadecimal, closed
# by ";" ("&para" in "weights&parameters" is no reference).
_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Emergência" and "emergencia" are one word. ASCII
    text has no accents to strip: it is only lower-cased, sparing the normalisation and
    the search for accents on most passages and questions."""
    if text.isascii():
        return text.lower()
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def _as_read(text: str) -> str:
    """The text with each HTML character reference as the character it stands for."""
    return _REFERENCE.sub(lambda m: html.unescape(m.group()), text) if "&" in text else text


# A comma between a number's groups of three digits ("1,000 tokens", "1,600,000"), which
# writes the same number as "1000".
_GROUPED = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


def _readable(text: str) -> str:
    """The text folded as its words are read: character references as their characters,
    a number's groups ("1,000") joined."""
    folded = fold(_as_read(text))
    return _GROUPED.sub("", folded) if "," in folded else folded


def words(text: str) -> list[str]:
    """The text's words, folded: runs of letters, runs of digits, and one letter glued to
    digits ("T5"); a number written in groups ("1,000") is one number. An HTML character
    reference is the character it stands for, as a reader of the Markdown sees it: "&lt;cls&gt;
    token" is the words "cls token", not "lt cls gt token"."""
    return _WORD.findall(_readable(text))


# Two words joined by a hyphen ("few-shot", "fine-tuning"); not a longer chain
# ("state-of-the-art", whose pairs "of-the", "the-art" are no terms).
_HYPHENATED = re.compile(r"(?<![a-z0-9-])([a-z]+)-([a-z]+)(?![a-z0-9-])")


def indexed_words(text: str) -> list[str]:
    """What the index keeps of a text: its ``words``, then each hyphenated pair written as
    one word ("few-shot" is also "fewshot"), a term of its own where the first word is
    often a stop word ("few-shot", "one-shot", "in-context") or the pair means more than
    its words do. A question's two words in a row meet it however they are written ("few
    shot", "fewshot"; ``QueryParser``), and so does a word the corpus writes closed ("fine
    tuning", "finetuning")."""
    folded = _readable(text)
    found = _WORD.findall(folded)
    if "-" in folded:
        found += [a + b for a, b in _HYPHENATED.findall(folded)]
    return found


def has_words(text: str, n: int) -> bool:
    """Whether the text has at least n of ``words``'s words; it reads only as far as the
    n-th."""
    return len(list(itertools.islice(_WORD.finditer(_readable(text)), n))) == n


def squash(text: str) -> str:
    """Folded, with runs of white space made one: how a quote is found in a passage."""
    return " ".join(fold(text).split())


def spelling(word: str) -> str:
    """One spelling for the forms of a word that stemming alone keeps apart: British
    -isation/-ise as American, a Portuguese cognate's ending as English's."""
    word = word.replace("isation", "ization")
    for british, american in _BRITISH_ENDINGS:
        if word.endswith(british):
            return word[: -len(british)] + american
    if len(word) >= 6:
        for portuguese, english in _COGNATE_ENDINGS:
            if word.endswith(portuguese) and len(word) - len(portuguese) >= 3:
                return word[: -len(portuguese)] + english
    return word


def undouble(text: str) -> str:
    """The text with each doubled consonant written once (``Analyzer.root`` does so in a
    word's stem)."""
    return _DOUBLED.sub(r"\1", text)


class Stemmer(Protocol):
    """A Snowball stemmer: PyStemmer's (C) or snowballstemmer's (pure Python)."""

    def stemWord(self, word: str) -> str: ...  # the libraries' name


def stemmer_for(language: str) -> Stemmer:
    """A Snowball stemmer without PyStemmer's own cache: its callers keep what they stem."""
    found: Stemmer = snowballstemmer.stemmer(language)
    if hasattr(found, "maxCacheSize"):
        found.maxCacheSize = 0
    return found


class Analyzer:
    """Word -> index term, shared by the index (fit) and the question path, so both meet on
    the same terms; calling it on a text gives the text's terms."""

    def __init__(self, language: str = "english") -> None:
        self.stop_words = frozenset(ENGLISH_STOP_WORDS)
        self._stemmer = stemmer_for(language)
        self.term = lru_cache(maxsize=65536)(self._term)

    def root(self, word: str) -> str:
        """The word's stem, ``spelling`` first, with a doubled consonant written once:
        "comunidade" and "community", "parot" and "parrot" meet. Before the stemmer, only
        short of a word's last five letters, where the stemmer needs doubled letters to cut
        English endings ("planning", "processes"); then in a stem of five letters or more,
        so that an abbreviation keeps its letters ("rnn" is RNN, not "rn")."""
        word = spelling(word)
        stem = self._stemmer.stemWord(undouble(word[:-5]) + word[-5:])
        return undouble(stem) if len(stem) >= 5 else stem

    def _term(self, word: str) -> str | None:
        if word in self.stop_words or (len(word) < 2 and not word.isdigit()):
            return None
        if (len(word) > 3 and _ABBREVIATION_PLURAL.fullmatch(word)
                and word[:-1] not in self.stop_words):  # not "gas", "dos"
            word = word[:-1]
        stem = self.root(word)
        return None if stem in self.stop_words else stem  # "whats" is "what"

    def __call__(self, text: str) -> list[str]:
        return [t for t in map(self.term, words(text)) if t is not None]


class Cues:
    """Phrases that make a question ask something of its own kind ("how many", "stand
    for"), found among the question's ``words``.

    Parameters
    ----------
    phrases : the cues, each of one word or more.
    key : the setting they come from, for the error a phrase with no word raises.
    """

    def __init__(self, phrases: Iterable[str], key: str) -> None:
        phrases = list(phrases)
        self.phrases = tuple(tuple(words(p)) for p in phrases)
        if not all(self.phrases):
            raise ValueError(f"{key}: each cue needs a word, got {phrases!r}")
        self._starts = frozenset(p[0] for p in self.phrases)

    def at(self, tokens: Sequence[str]) -> list[int]:
        """Where a cue starts among the question's words (none for most questions: one set
        operation tells)."""
        if self._starts.isdisjoint(tokens):
            return []
        return [i for i, token in enumerate(tokens) if token in self._starts
                for cue in self.phrases if tuple(tokens[i:i + len(cue)]) == cue]


# A sentence ends at its stop and the citation markers right after it ("...in 2016.[12]",
# "[citation needed]"), where white space and a capital, digit, quote or bracket follow;
# "et al.", "e.g." and "i.e." end no sentence ("[Vaswani et al. 2017]", "(i.e. 117M …)"),
# so the rare sentence that does end on one runs on into the next.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])(?<!\b(?i:et al)\.)(?<!\b(?i:e\.g)\.)"
                             r"(?<!\b(?i:i\.e)\.)((?:\[[^\[\]\n]{1,30}\])*)\s+"
                             r"(?=[\"'(\[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences as a reader sees them; the summary often chains clauses with ';'."""
    text = text.strip()
    sentences, start = [], 0
    for stop in _SENTENCE_BREAK.finditer(text):
        sentences.append(text[start:stop.end(1)])
        start = stop.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each of ``split_sentences``'s sentences stands in the text, (start, end) in
    order: a sentence the text writes twice is told apart by its place."""
    spans: list[tuple[int, int]] = []
    end = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, end)
        end = start + len(sentence)
        spans.append((start, end))
    return spans


def sentence_lines(text: str) -> str:
    """The text with one sentence per line, for patterns anchored at a sentence's start
    (``^`` with re.MULTILINE) to run over a whole passage at once."""
    return _SENTENCE_BREAK.sub("\\1\n", " ".join(text.split()))


# Function words that tell a short question's language: "o que é", "what is". Folded; each
# list leaves out the words the other language shares ("a", "e", "do", "no", "as").
_PORTUGUESE = frozenset(("o", "os", "que", "de", "da", "das", "dos", "em", "na", "nas",
                         "nos", "um", "uma", "para", "pra", "como", "por", "qual", "quais",
                         "nao", "com", "se", "mais", "ao", "isso", "esse", "essa", "sao",
                         "sobre", "entre", "porque", "quando", "onde", "quem", "tem"))
_ENGLISH = frozenset(("the", "is", "are", "what", "of", "to", "in", "how", "does", "why",
                      "which", "and", "for", "on", "with", "it", "this", "that", "who",
                      "when", "where", "can", "about", "between", "an", "whats"))
_PORTUGUESE_LETTERS = re.compile("[ãõçêâáéíóú]")


def detect_language(text: str) -> str | None:
    """"pt" or "en": which of the group's two languages a question is written in, by its
    function words (and Portuguese's letters); None when nothing tells ("RLHF?")."""
    found = words(text)
    portuguese = sum(w in _PORTUGUESE for w in found)
    portuguese += bool(_PORTUGUESE_LETTERS.search(text.casefold()))
    english = sum(w in _ENGLISH for w in found)
    if portuguese == english:
        return None
    return "pt" if portuguese > english else "en"


def language_of(text: str) -> str:
    """detect_language's answer, English when nothing tells."""
    return detect_language(text) or "en"
