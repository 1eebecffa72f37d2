"""The sentence of any reading that defines a term, found by the cues of a definition.

Patterns written for one reading miss another's style ("X is a…", "defining **X** as…",
"…sometimes referred to as the “X”", "_X_ is like…", "X é um…"). Here every sentence that
holds the term is scored by the signs a reader goes by, and the best one is the definition
if it shows enough of them:

- the term opens the sentence (after an article at most; or its main clause, after an
  introduction and a comma: "At a high level, the Transformer encoder is…"; or after a
  phrase of what it is for, "is" or "é" after the term: "The goal of the retriever is
  to…", "O objetivo do retriever é buscar…"), or the sentence says what the author means
  by it ("By memorization we mean…", "Entende-se por X…"): the sentence is about it;
- a copula follows the term ("is", "means", "é um", "significa"; a verb of what it is
  made of or for: "integrates", "consists of", "aims"): it says what the term is; fully
  when an article follows ("is a", "are the", "is also a", "is essentially a") or the
  copula is of several words ("is like", "são como", "consists of"), half otherwise ("are
  tokens that…", "integrates", "aims"), not at all before an adverb of negation, time,
  frequency or degree ("is not a", "are now the default", "são incrivelmente úteis"), or
  "also" without an article ("are also limited");
- an apposition follows the term ("RAG, a technique that…", "`RAG`, uma técnica",
  "HuggingGPT - an agent…"), or a relative clause that says what happens in it ("*masked
  language modeling*, in which the model…", "…, na qual"; right after a term set off,
  "that" or "que" too, of which it is the subject: "competent *generalists* that
  can…"), or what stands for it ("Knowledge distillation (KD)", "…from human feedback, or
  RLHF,", "in-context learning, i.e., …", "BERT (Bidirectional Encoder Representations
  from Transformers)"; one sign more when an apposition or a relative clause follows the
  abbreviation: "Next Sentence Prediction (NSP), in which pairs…", and when the term is
  the abbreviation written first and spelled out in the brackets after it, which is how a
  reading introduces it: "T5 (Text-to-Text Transfer Transformer) unifies…"), or a colon or dash
  after the term that opens a list item (a glossary's "- Perplexity: how surprised a model
  is…"), or an indefinite article after a name that opens one ("- D-Bot a database
  administrator that…"), or a relative clause with a copula and an indefinite article
  ("BERT, which is an encoder-only model, …"): the same, without a verb. Short brackets
  right after the term (a translation, a year) are read past: "Fine-tuning (ajuste fino)
  é o…";
- a word of defining stands near the term ("defining", "called", "referred", "chamado",
  "chamam"),
  and, for a word that names, the term comes right after it ("referred to as the X"): the
  sentence names it; so does a word that introduces a name right before the term ("the
  term X", "a.k.a. X"), one that gives the term's other name after it ("the long tail,
  also known as…"), and a word of defining right before the term with "as" after it ("we
  define X as…", "definimos X como…");
- the term is set off in bold, italics, code or quotes: the author introduces it;
- the sentence opens with the term, is the first of its section to use it, and the
  section's heading names it ("### Instruction Tuned LLMs" over "An Instruction Tuned LLM
  starts with…"): the section is about the term, and this is where it begins (of two
  sentences with as many signs, such a one wins over a list item that names the term).

An abbreviation the reading spells out ("Large Language Model (LLM)", "Mixture of Experts
(MoE)", "…, or RLHF,") is looked up in both forms. A term is matched by its words as
written, a plural, a spelling (British, a Portuguese cognate's) or one-letter slip aside
("tokens" is not "Tokenization"); a lead-in that is the term alone ("**Pruning**.") is
quoted with the sentence it introduces, and a sentence that names what the one before it says
("…the words before it. This is called *causal modeling*.") with that one. A term the
reading uses but does not define gets no definition, but the passage that uses it most.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple, Self

from bot.core.corpus import Passage
from bot.core.text import (
    Analyzer,
    Cues,
    detect_language,
    fold,
    sentence_spans,
    spelling,
    undouble,
    words,
)

# What each sign is worth.
OPENS, COPULA, CUE, NAMED, SET_OFF, HEADED, EXPLAINED = 2, 2, 2, 1, 1, 1, 1
# A word of defining counts when it stands this close to the term, before or after it.
CUE_REACH = 4
# A word of the term matches only a word of the text that begins as it does, doubled
# consonants written once (a plural, a British spelling, a one-letter slip or a stem changes
# the end of a word, not its start; a cognate's ending may change its fourth letter).
BEGINNING = 4
# The passages read for a term, in reading order: a definition comes early, and /define
# answers within Discord's three seconds on a corpus of any size.
MAX_PASSAGES = 200
_MARKS = "*_`\"“”'‘’"
# "Large Language Model (LLM)", "Retrieval-augmented generation, or RAG,": the abbreviation
# in brackets or after ", or", then up to six words right before it (looked for only where
# an abbreviation stands: a pattern that tries six words at every word of a reading takes
# seconds on a long one).
_ABBREVIATED = re.compile(r" \(([A-Z][A-Za-z]{1,7}?)s?\)|, or ([A-Z][A-Za-z]{1,7}?)s?[,.;:]")
_WORDS_BEFORE = re.compile(r"(?<![\w-])((?:[\w-]+ ){1,6})$")
# "BERT (Bidirectional Encoder Representations from Transformers)", 'DEPS ("Describe,
# Explain, Plan and Select")': the abbreviation (two capitals at least: "As (a sample)
# shows" spells nothing out; or a capital and a digit, "T5", "C4"), then the words it
# stands for in brackets.
_SPELLED_AFTER = re.compile(r"(?<![\w-])([A-Z][a-z]*[A-Z][A-Za-z]{0,6}?|[A-Z][2-9](?!\d))s? "
                            r"\([\"“']?([^()\"“”']{3,100}?)[\"”']?\)")
_WORDS_REACH = 300  # characters before the bracket that six words fit in
# A letter and a digit in an abbreviation: the letter that many times ("t5", "c4").
_REPEATED = re.compile(r"^([a-z])([2-9])$")
# Words an abbreviation may skip ("Reinforcement Learning from Human Feedback", "RLHF").
_SMALL_WORDS = frozenset(("of", "the", "and", "for", "from", "to", "in", "on", "with", "by",
                          "de", "da", "do", "dos", "das", "e", "em", "para", "com"))
# What sets off an apposition after a term: a comma, a colon or a dash.
_APPOSED = re.compile(rf"[{re.escape(_MARKS)}]*\s*(?:,|:|\s-|–|—)\s*")
# An apposition after an abbreviation explains the term when a relative word comes within
# this many of its words ("a method that…").
EXPLAIN_REACH = 12
_RELATIVE_WORDS = frozenset(("that", "which", "who", "whose", "que", "qual", "quais", "cujo",
                             "cuja"))
# The words that link two of a term's words ("mixture of experts", "modelagem de linguagem"),
# which a member may leave out.
_LINKING = frozenset(("of", "de", "do", "das", "dos"))
# What may stand between a word of naming and the name: "referred to as the X".
_LINKS = frozenset(("to", "as", "the", "a", "an", "de", "como", "o", "os", "um", "uma"))
# Words of naming that name only with "as" between ("known as X", "referred to as X",
# "conhecido como X"): without it they describe ("no known mechanisms", "known to the model").
_NAMES_AS = ("known", "referred", "conhecid")
_AS = frozenset(("as", "como"))
# What follows a term that a word of defining stands before, when it says what the term
# is defined as ("we define X as the…", "definimos X como…"): "as" or "como", not a
# comparison ("as well as", "as soon as").
_DEFINED_AS = re.compile(rf"[{re.escape(_MARKS)}]*\s+(?:as|como)\s+(?!(?:well|soon|much|long|far|"
                         r"good|many)\b)")
# Between a term's comma and a word of naming, what says the name is another of the term's:
# "X, also known as Y", "X, também conhecida como Y" (not "a mechanism, called Y", the name
# of what the sentence describes).
_ALSO = frozenset(("also", "tambem"))
# Right before the term, these name it ("the term X", "a.k.a. X"); right after it, these
# say what it stands for ("X (KD)", "X, i.e., …", "X, ou seja, …", "X, short for …").
_NAMES_NEXT = re.compile(r"(?:^|\s)(?:term|termo|expression|expressao|a\.?k\.?a\.?)"
                         rf"[\s{re.escape(_MARKS)}]*$")  # "long-term memory" names nothing
_STANDS_FOR = re.compile(rf"^[{re.escape(_MARKS)}]*\s*,?\s*\(?(?:i\.\s?e\.|ou seja|isto e|"
                         r"short for)[\s,]")
# What follows a term set off as a lead-in: "**Architecture**: …", "**Architecture:** …".
_LEAD_IN = re.compile(rf"^(?:[{re.escape(_MARKS)}]+\s*:|:[{re.escape(_MARKS)}]+)")
# What follows the term that opens a list item of a glossary: "- Perplexity: how surprised
# a model is…", "- Beam search - keeping the k best…".
_ITEM_LEAD_IN = re.compile(r"^\s*(?::|\s[-–—])\s")
# An indefinite article right after the name that opens a list item, no mark between.
_ITEM_ARTICLE = re.compile(r"^\s+(?:(an?)|um|uma)\s")  # "a": English only ("a partir de")
# A relative clause right after the term and a comma: "X, in which …", "X, na qual …".
_RELATIVE = re.compile(rf"^[{re.escape(_MARKS)}]*\s*,\s*(?:in\s+which(?!\s+case)|whereby|"
                       r"na\s+qual|no\s+qual|em\s+que(?!\s+pese))\s")  # "em que pese": "despite"
# A relative clause right after a term the author sets off, the term its subject:
# "competent *generalists* that can perform…", "*mudança de conceito*, que surge quando…"
# (set off, the term is the one the clause is about, not any noun before "that"); not one
# whose subject is another ("the *baseline* that the authors released").
_SET_OFF_RELATIVE = re.compile(
    rf"^[{re.escape(_MARKS)}]+\s*,?\s*(?:that|que)\s+(?!(?:the|a|an|this|these|those|we|"
    r"they|it|i|you|he|she|our|their|its|his|her|my|your|some|many|most|all|each|every|no|"
    r"o|os|as|um|uma|nos|eles|elas|ele|ela|eu|voce|voces|esse|essa|este|esta|isso|aquele|"
    r"aquela|seu|sua|seus|suas|nosso|nossa|muitos|muitas|alguns|algumas|cada|todos|todas)"
    r"\s)")
# A relative clause with a copula and an indefinite article right after the term and a
# comma: "BERT, which is an encoder-only model, …", "O RAG, que é uma técnica…".
_WHICH_IS = re.compile(rf"^[{re.escape(_MARKS)}]*\s*,\s*(?:(?:which|who)\s+(?:is|are|was|were)"
                       r"\s+an?|que\s+(?:e|sao)\s+(?:um|uma|uns|umas))\s")  # not "…is the part"
# What follows the term that "By" opens the sentence with when the sentence says what the
# author means by it: "By memorization we mean…", "Por destilação entendemos…".
_MEANT = re.compile(rf"^[{re.escape(_MARKS)}]*\s*,?\s*(?:(?:we|i)\s+mean(?!\s+to\b)|entendemos|"
                    r"entende-?\s*se|queremos\s+dizer|nos\s+referimos)\b")  # not "we mean to…"
# The word before the term in "By X we mean…", "Por X entendemos…".
_BY = (["by"], ["por"])
def _accented(phrase: str) -> re.Pattern[str]:
    """The phrase as a sentence writes it with its accents ("é o"), a whole word."""
    return re.compile(rf"(?<!\w){re.escape(unicodedata.normalize('NFC', phrase).lower())}(?!\w)")


def _writes(sentence: str, accented: re.Pattern[str]) -> bool:
    """Whether the sentence writes the words whose folded form it has as ``accented`` has
    them: a sentence that writes no accent at all may stand for either ("e" for "é")."""
    return sentence.isascii() or accented.search(
        unicodedata.normalize("NFC", sentence).lower()) is not None


# The verbs right after a term that a purpose opens the sentence with ("The goal of X is…");
# folded Portuguese ones as the sentence must write them.
_IS = frozenset(("is", "are", "was", "were"))
_IS_FOLDED = {"e": _accented("é"), "sao": _accented("são")}
# The words before a term that open a sentence on what is meant by it ("Entende-se por X").
_TAKEN_AS = ["entende", "se", "por"]
# Adverbs (folded) that a copula may stand before and still say what the term is ("is also
# a…", "is essentially a…", "é basicamente um…").
_SAYS_STILL = frozenset(("also", "basically", "essentially", "simply", "just", "merely",
                         "tambem", "basicamente", "essencialmente", "simplesmente", "apenas",
                         "meramente"))
# Of those, the ones that say so only with an article after them ("are also limited" says
# what else the term is like).
_ALSO = frozenset(("also", "tambem"))
# Adverbs of negation, time, frequency or degree (folded), and any other in -ly or -mente:
# right after a copula, they say what the term is not, is at times or is like ("is not a…",
# "are now the default", "is often a bottleneck", "são incrivelmente úteis").
_SAYS_OTHER = frozenset(("not", "never", "now", "still", "often", "usually", "typically",
                         "generally", "always", "sometimes", "very", "so", "too", "quite",
                         "rather", "nao", "nunca", "ja", "ainda", "sempre", "frequentemente",
                         "geralmente", "normalmente", "muito", "tao"))
# Brackets of at most this many words after a term are read past to what follows them.
BRACKET_WORDS = 8
# Brackets right after a term (folded, its marks aside).
_BRACKETED = re.compile(rf"^[{re.escape(_MARKS)}]*\s*\(([^()]{{3,100}})\)")
_ABBREVIATION = re.compile(rf"^[{re.escape(_MARKS)}]*\s*(?:\(\s*([a-z]{{2,9}}?)s?\s*\)"
                           r"|,\s*or\s+([a-z]{2,9}?)s?\s*[,.;:])")


class Place(NamedTuple):
    """A sentence of a passage that holds the term."""

    passage: Passage
    sentence: str  # with the sentence after it when it is the term alone (a lead-in)
    words: list[str]  # the sentence's words, folded
    start: int  # the term's first word among them
    end: int  # the word after its last
    quoted: str  # what a definition found here quotes (``_quoted``)


class Defined(NamedTuple):
    sentence: str
    passage: Passage
    score: int
    term: str  # as the sentence spells it


class SpelledOut(NamedTuple):
    """Where a reading spells an abbreviation out."""

    words: str  # the words it stands for, folded
    passage: Passage
    sentence: str  # the passage's sentence that spells it out


class DefinitionFinder:
    """Parameters
    ----------
    analyzer : the index's word -> term, so "agents" finds "agent".
    copulas : words that say what the term is, right after it ("is", "means", "é um",
        "is like").
    cues : beginnings of words of defining ("defin").
    naming : beginnings of words that name what follows them ("called", "referred",
        "chamad"): also cues, and one more sign when the term comes right after one.
    articles : words that may come before the term at a sentence's start ("the", "uma").
    introductions : phrases that, with a comma, introduce the clause a term opens ("as an
        example", "em resumo"): the term opens that clause as it would the sentence.
    purposes : phrases that, opening a sentence right before the term (an article at
        most around them), make it say what the term is for ("the goal of", "o objetivo
        de"): the term opens it as it would a sentence about it.
    min_score : the signs a sentence needs to count as a definition.

    Attributes
    ----------
    passages_ : the indexed passages, in index order.
    passages_with_ : index terms -> the passages (positions) that have them all: only
        those are read when a term is looked up.
    spelled_out_ : abbreviation (folded) -> where the reading first spells it out with
        initials that agree ("Large Language Model (LLM)", "BERT (Bidirectional Encoder
        Representations from Transformers)"): the words, the passage and the sentence.
    """

    def __init__(self, analyzer: Analyzer, *, copulas: Collection[str], cues: Sequence[str],
                 naming: Sequence[str], articles: Collection[str],
                 introductions: Iterable[str] = (), purposes: Iterable[str] = (),
                 min_score: int = 3) -> None:
        self.analyzer = analyzer
        # Longest first: "is like" is met before "is".
        self.copulas = tuple(sorted((tuple(words(c)) for c in copulas), key=len, reverse=True))
        # A copula written with an accent ("é o") folds to other words ("e o": "and the"):
        # a sentence that writes accents must write it so (notes typed without accents
        # write "e um" for both).
        self.accented = {tuple(words(c)): _accented(c) for c in copulas if fold(c) != c.lower()}
        self.naming = tuple(fold(c) for c in naming)
        self.cues = tuple(fold(c) for c in cues) + self.naming
        self.articles = frozenset(words(" ".join(articles)))
        self.introductions = frozenset(tuple(words(i)) for i in introductions)
        self.purposes = frozenset(tuple(words(p)) for p in purposes)
        self.min_score = min_score

    def fit(self, passages: Sequence[Passage],
            passages_with: Callable[[Sequence[str]], set[int]]) -> Self:
        self.passages_ = passages
        self.passages_with_ = passages_with
        self.spelled_out_: dict[str, SpelledOut] = {}
        for passage in passages:
            text = passage.text
            for found in _ABBREVIATED.finditer(text):
                short = fold(found.group(1) or found.group(2))
                before = _WORDS_BEFORE.search(
                    text[max(0, found.start() - _WORDS_REACH):found.start()] + " ")
                if short not in self.spelled_out_ and before is not None and (
                        spelled := _initials_fit(before.group(1), short)):
                    self._spells(short, spelled, passage, found.start())
            if " (" in text:
                for found in _SPELLED_AFTER.finditer(text):
                    short, spelled = fold(found.group(1)), " ".join(words(found.group(2)))
                    if short not in self.spelled_out_ and _initials_fit(
                            found.group(2), short) == spelled:
                        self._spells(short, spelled, passage, found.start())
        return self

    def _spells(self, short: str, spelled: str, passage: Passage, at: int) -> None:
        """Keep where the passage spells the abbreviation out (``at``: a character of it)."""
        text = passage.text
        spans = sentence_spans(text) or [(0, len(text))]
        start, end = next((span for span in spans if span[1] > at), spans[-1])
        self.spelled_out_[short] = SpelledOut(spelled, passage, text[start:end])

    def look_up(self, term: str, within: Sequence[Passage] | None = None
                ) -> tuple[Defined | None, Passage | None]:
        """The sentence that defines the term best, if one shows enough signs (among equals,
        a section's first that its heading names over a list item, else the first in
        reading order; an abbreviation is looked up spelled out too), and the
        passage that uses the term in the most sentences (the first among equals); only in
        the passages ``within``, when given (in their order, not the reading's)."""
        places = self._occurrences(term, within)
        best, _ = self._best([*places, *self._occurrences(self._spelled_out(term), within)])
        counts: dict[str, tuple[int, Passage]] = {}
        for passage in (place.passage for place in places):
            n, _ = counts.get(passage.id, (0, passage))
            counts[passage.id] = (n + 1, passage)
        used = max(counts.values(), key=lambda c: c[0])[1] if counts else None
        return best, used

    def look_up_each(self, term: str) -> dict[str, Defined]:
        """Document id -> the sentence of that document that defines the term best (as
        ``look_up`` chooses), in reading order; among the first ``MAX_PASSAGES`` passages
        that hold the term, as ``look_up`` reads."""
        _, each = self._best([*self._occurrences(term),
                              *self._occurrences(self._spelled_out(term))])
        return each

    def _best(self, places: Sequence[Place]) -> tuple[Defined | None, dict[str, Defined]]:
        """The best definition among the places, and each document's best."""
        best: Defined | None = None
        each: dict[str, Defined] = {}
        headed: set[tuple[str, ...]] = set()  # sections whose first use is already met
        for passage, sentence, found, start, end, quoted in places:
            if len(found) - (end - start) < 3:  # the term and hardly more: a label ("**RAG**")
                continue
            score = self._score(sentence, found, start, end,
                                item=passage.kind == "item" and passage.text.startswith(sentence))
            section = (passage.document, *passage.path)
            is_headed = False
            if section not in headed:
                headed.add(section)
                if self._opens(found, start) and self._names(
                        passage.path[-1] if passage.path else "", found[start:end]):
                    score += HEADED
                    is_headed = True
            if score < self.min_score:
                continue
            defined = Defined(quoted, passage, score,
                              _as_written(sentence, found[start:end]))
            # Of two with as many signs, where the section named for the term begins says
            # more than a list item that names it among others ("- _X_ = how…").
            if _better(defined, is_headed, best):
                best = defined
            if _better(defined, is_headed, each.get(passage.document)):
                each[passage.document] = defined
        return best, each

    def defined(self, terms: Iterable[str]) -> list[tuple[str, Defined]]:
        """The terms the reading defines, each with its definition (looked up as
        ``look_up`` does), one term per sentence, in the terms' order."""
        found: dict[str, tuple[str, Defined]] = {}
        for term in terms:
            best, _ = self.look_up(term)
            if best is not None and best.sentence not in found:
                found[best.sentence] = (term, best)
        return list(found.values())

    def _occurrences(self, term: str, within: Sequence[Passage] | None = None
                     ) -> list[Place]:
        """The place (``Place``) of each sentence where the term's words stand in a row as
        written (stop words between them aside, and a linking word the member left out:
        "mixture experts", ``_linked``; a plural or British spelling aside; where the
        sentence has the term both ways, as typed), in reading order (in the order of
        ``within``, when given). A sentence that is the term alone (a lead-in:
        "**Pruning**.") comes with the sentence after it."""
        wanted = self.analyzer(term)
        own = words(term)
        while own[1:] and own[0] in self.articles:  # "the Transformer" is "Transformer"
            own = own[1:]
        if not wanted:  # stop words alone ("top-k", "least to most"): word for word
            return self._written_places(own, within) if len(own) > 1 else []
        content = [w for w in own if self.analyzer.term(w) is not None]
        # Word for word as written, unless the analyzer reads the phrase otherwise than its
        # words: then by its terms alone.
        as_written = len(content) == len(wanted)
        # The analyzer keeps the plural of a two-letter abbreviation ("FMs", "LMs"; "LLMs"
        # it reads as "LLM"): a term asked in the plural meets the singular the reading
        # writes, without a final s on either side.
        singular = [_singular(t) for t in wanted]
        # Where the term's content words stand among its words ("mixture of experts": 0,
        # 2): the reading may link two the member typed side by side ("aprendizado zero
        # shot" for "aprendizado de zero-shot").
        at = [i for i, w in enumerate(own) if self.analyzer.term(w) is not None]
        if within is None:
            rows = set(self.passages_with_(wanted)) | set(self.passages_with_(singular))
            passages = [self.passages_[row] for row in sorted(rows)[:MAX_PASSAGES]]
        else:
            passages = list(within)
        # Only a text that holds each of the term's words' beginnings is analysed (a doubled
        # consonant written once on both sides, as the analyzer does: "parot", "parrot").
        beginnings = [undouble(_singular(w))[:BEGINNING] for w in content]
        places: list[Place] = []
        for passage in passages:
            if not _holds(undouble(fold(passage.text)), beginnings):
                continue
            spans = sentence_spans(passage.text)
            for k, (first, last) in enumerate(spans):
                sentence = passage.text[first:last]
                if not _holds(undouble(fold(sentence)), beginnings):
                    continue
                found = words(sentence)
                kept = [(i, t) for i, w in enumerate(found)
                        if (t := self.analyzer.term(w)) is not None]
                terms = [_singular(t) for _, t in kept]
                match: tuple[int, int] | None = None  # the term's span in the sentence
                for j in range(len(terms) - len(wanted) + 1):
                    run = kept[j:j + len(wanted)]
                    if terms[j:j + len(wanted)] != singular or (as_written and not all(
                            _same_word(found[i], w)
                            for (i, _), w in zip(run, content, strict=True))):
                        continue
                    start, end = _widen(found, run[0][0], run[-1][0] + 1, own, content)
                    if not as_written:
                        match = (start, end)
                        break
                    linked = _linked(found, [i for i, _ in run], at)
                    if linked is None or end - start - linked != len(own):
                        continue  # not "a prompt" for "same prompt"
                    if not linked:  # as the member typed it
                        match = (start, end)
                        break
                    match = match or (start, end)  # unless it stands as typed further on
                if match is None:
                    continue
                places.append(_place(passage, spans, k, found, own, *match))
        return places

    def _written_places(self, own: Sequence[str], within: Sequence[Passage] | None
                        ) -> list[Place]:
        """``_occurrences`` for a term the index has no word of, stop words alone
        ("top-k", "least to most"): each sentence that writes its words in a row, in the
        first ``MAX_PASSAGES`` passages that do (every passage is read: such terms are
        few; a regular expression of its words, unfolded, tells which to split)."""
        places: list[Place] = []
        passages = self.passages_ if within is None else within
        written = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, own))
                             + r"(?![^\W_])", re.IGNORECASE)
        found_in = 0
        for passage in passages:
            if written.search(passage.text) is None:
                continue
            spans = sentence_spans(passage.text)
            held = False
            for k, (first, last) in enumerate(spans):
                found = words(passage.text[first:last])
                start = next((j for j in range(len(found) - len(own) + 1)
                              if found[j:j + len(own)] == list(own)), None)
                if start is not None:
                    places.append(_place(passage, spans, k, found, own, start,
                                         start + len(own)))
                    held = True
            found_in += held
            if found_in == MAX_PASSAGES:
                break
        return places

    def _names_next(self, sentence: str, found: Sequence[str], cue: int) -> bool:
        """Whether a name follows the word of naming at ``cue``: "as", "como" or "de", an
        article, or a word set off ("also known as the…", "também chamada de…", "also called
        *X*"); not "also known for its cost", "also called once per query"."""
        if cue + 1 >= len(found):
            return False
        nxt = found[cue + 1]
        return nxt in _AS or nxt == "de" or nxt in self.articles or _set_off(sentence, [nxt])

    def _opens(self, found: Sequence[str], start: int) -> bool:
        """Whether the term opens the sentence (after an article at most)."""
        return start <= 1 and all(w in self.articles for w in found[:start])

    def _lead(self, found: Sequence[str], start: int) -> Sequence[str]:
        """The sentence's words before the term, without the articles right before it."""
        lead = found[:start]
        while lead and lead[-1] in self.articles:
            lead = lead[:-1]
        return lead

    def _opens_clause(self, before: str, found: Sequence[str], start: int) -> bool:
        """Whether the term opens the sentence's main clause, after one of the
        ``introductions`` and a comma ("As an example, ReAct combines…", "Em resumo, o
        RAG é…"; an article at most between)."""
        lead = self._lead(found, start)
        return (tuple(lead) in self.introductions
                and before.rstrip(_MARKS + " ").rsplit(",", 1)[-1].split() == list(
                    found[len(lead):start]))

    def _names(self, heading: str, term_words: Sequence[str]) -> bool:
        """Whether the heading's index terms hold the term's, in a row (a plural "s" aside:
        the stemmer leaves "LLMs" as it is)."""
        wanted = [_singular(t) for w in term_words if (t := self.analyzer.term(w)) is not None]
        have = [_singular(t) for t in self.analyzer(heading)]
        return bool(wanted) and any(have[i:i + len(wanted)] == wanted
                                    for i in range(len(have) - len(wanted) + 1))

    def _spelled_out(self, term: str) -> str:
        """The words an abbreviation stands for where the reading spells it out with
        initials that agree ("Large Language Model (LLM)"), first in reading order; ""
        otherwise."""
        spelled = self.spelled_out_.get(" ".join(words(term)))
        return "" if spelled is None else spelled.words

    def _for_what(self, sentence: str, found: Sequence[str], start: int, end: int) -> bool:
        """Whether the sentence says what the term is for: it opens with one of the
        ``purposes`` right before the term (an article at most around it) and "is", "are",
        "é" or "são" right after it ("The goal of the retriever is to…", "O objetivo de um
        *modelo de linguagem* é estimar…"); not "The role of attention in translation…"."""
        lead = self._lead(found, start)
        if tuple(lead[1:] if lead[:1] and lead[0] in self.articles else lead) not in (
                self.purposes):
            return False
        verb = found[end] if end < len(found) else ""
        # folded, "é" is "e" ("and"): the sentence must write it so ("é", not "e")
        return verb in _IS or (verb in _IS_FOLDED and _writes(sentence, _IS_FOLDED[verb]))

    def _score(self, sentence: str, found: Sequence[str], start: int, end: int,
               item: bool = False) -> int:
        """The signs the sentence shows (``item``: it opens a list item)."""
        term = found[start:end]
        before, after = _around(sentence, term)
        abbreviated, set_off = _abbreviates(after, term), _set_off(sentence, term)
        # "By X we mean…", "Por X entendemos…", "Entende-se por X…": what the author means
        meant = ((list(found[:start]) in _BY and _MEANT.match(after) is not None)
                 or list(found[:start]) == _TAKEN_AS)
        for_what = self._for_what(sentence, found, start, end)
        opens = (self._opens(found, start) or self._opens_clause(before, found, start)
                 or meant or for_what)
        score = OPENS if opens else 0
        # Brackets right after the term ("BERT (Bidirectional Encoder Representations from
        # Transformers) is a…", "Fine-tuning (ajuste fino) é o…", "BERT (2018) is…"): what
        # follows them follows the term, and words it stands for are a sign of their own.
        rest = end
        bracketed = (None if abbreviated or _STANDS_FOR.match(after) is not None
                     else _BRACKETED.match(after))
        inside = [] if bracketed is None else words(bracketed.group(1))
        if (bracketed is not None and len(inside) <= BRACKET_WORDS
                and list(found[end:end + len(inside)]) == inside):  # these brackets
            if len(term) == 1 and _initials_fit(bracketed.group(1), term[0]) == " ".join(inside):
                # they spell the term out, whole: the reading introduces it here
                score += COPULA + EXPLAINED
            after = after[bracketed.end():]
            rest += len(inside)
        copula = next((c for c in self.copulas if tuple(found[rest:rest + len(c)]) == c), None)
        if copula in self.accented and not _writes(sentence, self.accented[copula]):
            copula = None  # "O treinamento e a inferência usam…": "and the", no copula
        if copula is not None:
            after_copula = rest + len(copula)
            adverb = found[after_copula] if after_copula < len(found) else ""
            after_copula += adverb in _SAYS_STILL  # "is also a…"
            says_what = len(copula) > 1 or (after_copula < len(found)
                                            and found[after_copula] in self.articles)
            if _says_other(adverb) or (adverb in _ALSO and not says_what):
                pass  # "is not a…", "are also limited", "são incrivelmente úteis": none
            elif says_what:
                score += COPULA  # "is a…", "é um…", "is like…", "is also a…"
            else:
                score += 1  # "are tokens that…", "aims to…": half
        elif for_what:
            score += 1  # "O objetivo do X é buscar…": "é" alone is no copula elsewhere
        elif (_apposition(after, self.articles) or _STANDS_FOR.match(after) is not None
              or _WHICH_IS.match(after) is not None  # "X, which is a…"
              or meant
              or abbreviated  # "X, i.e., …", "X (KD)"
              # "**X**: what it is", "… using *X*: what it does"
              or (_LEAD_IN.match(after) is not None and set_off)
              or (_SET_OFF_RELATIVE.match(after) is not None and set_off)
              # "- X: what it is", a glossary's list
              or (item and start == 0 and (
                  _ITEM_LEAD_IN.match(after) is not None
                  # "- D-Bot a LLM-based database administrator that…": a name, not
                  # "- Build a front-end…", an instruction
                  or ((article := _ITEM_ARTICLE.match(after)) is not None
                      and (article.group(1) is None or detect_language(sentence) == "en")
                      and _is_name(_as_written(sentence, term)))))):
            score += COPULA
            # "Next Sentence Prediction (NSP), in which pairs…", "…Feedback (RLHF), a
            # concept…": a clause after the abbreviation says what the term is too.
            if abbreviated and _explains(_after_abbreviation(after)):
                score += EXPLAINED
        near = range(max(0, start - CUE_REACH), min(len(found), end + CUE_REACH))
        cue = next((i for i in near if found[i].startswith(self.cues)), None)
        if cue is not None:
            score += CUE
            names = found[cue].startswith(self.naming)
            between = found[cue + 1:start]
            if between[:1] == ["se"] and f"{found[cue]}-se" in fold(sentence):
                between = between[1:]  # "denomina-se X": the verb's own pronoun
            if (names and cue < start and all(w in _LINKS for w in between)
                    and (not _AS.isdisjoint(between)
                         or not found[cue].startswith(_NAMES_AS))):
                score += NAMED
            elif (names and after.lstrip(_MARKS + " ").startswith(",")
                  and (start == 0 or found[start - 1] in self.articles)  # not "entire X"
                  and cue == end + 1 and found[end] in _ALSO
                  and self._names_next(sentence, found, cue)):
                score += NAMED  # "X, also known as Y": its other name
            elif (not names and cue < start and all(w in _LINKS for w in between)
                  and _DEFINED_AS.match(after) is not None
                  and f"-{found[cue]}" not in fold(sentence)):  # not "user-defined X as"
                score += NAMED  # "we define X as…", "definimos X como…"
        elif _NAMES_NEXT.search(before) is not None:  # "the term X", "a.k.a. X"
            score += CUE + NAMED
        if set_off:
            score += SET_OFF
        return score


def _better(defined: Defined, headed: bool, best: Defined | None) -> bool:
    """Whether a definition wins over the best one so far: more signs, or as many where
    it opens the section its heading names (``headed``) and the best is a list item."""
    return best is None or defined.score > best.score or (
        defined.score == best.score and headed and best.passage.kind == "item"
        and defined.passage.kind != "item")


# A term the author sets off: up to four words in bold, italics or code, a letter first.
_SET_OFF_TERM = re.compile(r"(\*\*|__|\*|_|`)([^\W\d_][\w'’ -]{0,40}?\w)\1(?![\w*`])")


def set_off_terms(passages: Iterable[Passage], most: int = 200) -> list[str]:
    """The terms the reading sets off ("**Turing Test**", "`embeddings`"), each as first
    written, at most ``most``: the terms a reader is shown to be new. Code that is not
    words ("print_all") and spans of more than four words are not terms."""
    found: dict[str, str] = {}
    for passage in passages:
        for _, term in _SET_OFF_TERM.findall(passage.text):
            if len(term.split()) <= 4 and "_" not in term and not any(c.isdigit() for c in term):
                found.setdefault(fold(term), term)
                if len(found) >= most:
                    return list(found.values())
    return list(found.values())


def _holds(folded: str, beginnings: Sequence[str]) -> bool:
    return all(b in folded for b in beginnings)


def _initials_fit(long: str, short: str) -> str:
    """The longest tail of ``long``'s words whose initials, small words aside or not, spell
    ``short`` ("Large Language Model" for "llm", "Mixture of Experts" for "moe"; a
    hyphenated word gives one initial or one each: "Generative Pre-trained Transformer" for
    "gpt", "Parameter-Efficient Fine-Tuning" for "peft"; a letter and a digit are the letter
    that many times: "Colossal Clean Crawled Corpus" for "c4"); "" when none does."""
    short = _REPEATED.sub(lambda found: found.group(1) * int(found.group(2)), short)
    parts = [words(token) for token in long.split()]
    full = [w for part in parts for w in part]
    # Whether each word opens its hyphenated whole: "Generative Pre-trained Transformer" is
    # GPT, "Parameter-Efficient Fine-Tuning" PEFT.
    opening = [i == 0 for part in parts for i in range(len(part))]
    fits = [" ".join(full[-n:]) for n in range(len(full), 0, -1)
            if short in ("".join(w[0] for w in full[-n:] if w not in _SMALL_WORDS),
                         "".join(w[0] for w in full[-n:]),  # "Mixture of Experts (MoE)"
                         "".join(w[0] for w, first in zip(full[-n:], opening[-n:], strict=True)
                                 if first and w not in _SMALL_WORDS))]
    # Not a small word first when a shorter tail fits ("of probabilistic context-free
    # grammar (PCFG)"); "in-context learning (ICL)" needs its "in".
    return next((f for f in fits if f.split()[0] not in _SMALL_WORDS), fits[0] if fits else "")


def _written(term_words: Sequence[str]) -> str:
    """A pattern of the term's (folded) words as a text writes them: anything but a letter
    or digit between them ("self-supervised", "Large  Language Model")."""
    return r"[^\w]+".join(re.escape(w) for w in term_words)


def _singular(term: str) -> str:
    return term[:-1] if term.endswith("s") else term


def _as_written(sentence: str, term_words: Sequence[str]) -> str:
    """The term as the sentence spells it ("Large Language Model"), found by its folded
    words; the folded words where folding changed the sentence's length."""
    folded = fold(sentence)
    found = re.search(rf"\b{_written(term_words)}", folded)
    if found is None or len(folded) != len(sentence):
        return " ".join(term_words)
    return sentence[found.start():found.end()]


def _says_other(adverb: str) -> bool:
    """Whether a (folded) word right after a copula makes it say something other than what
    the term is: an adverb of negation, time, frequency or degree, or any other in -ly or
    -mente but those that still say what it is (``_SAYS_STILL``: "essentially")."""
    return adverb in _SAYS_OTHER or (adverb not in _SAYS_STILL and len(adverb) > 5
                                     and adverb.endswith(("ly", "mente")))


def _is_name(written: str) -> bool:
    """Whether a term as written is a name: a capital or a digit after its first letter
    ("D-Bot", "LangChain", "GPT-4"), or several words each capitalised ("Common Crawl");
    not a word or words capitalised because they open the sentence ("Build", "Fine tune").
    """
    parts = written.split()
    if len(parts) > 1:
        return all(p[:1].isupper() for p in parts)
    return any(c.isupper() or c.isdigit() for c in written[1:])


def _around(sentence: str, term_words: Sequence[str]) -> tuple[str, str]:
    """The folded sentence before and after the term's first mention."""
    folded = fold(sentence)
    found = re.search(rf"\b{_written(term_words)}\w*", folded)
    return (folded, "") if found is None else (folded[:found.start()], folded[found.end():])


def _apposition(after: str, articles: Collection[str]) -> bool:
    """Whether a comma, a dash or a colon and an article follow the term ("RAG, a
    technique…", "HuggingGPT - an agent…"), or a comma and a relative word that says what
    happens in it ("*masked language modeling*, in which the model…", "…, na qual")."""
    found = _APPOSED.match(after)
    first = None if found is None else re.match(r"\w+", after[found.end():])
    return ((first is not None and first.group() in articles)
            or _RELATIVE.match(after) is not None)


def _linked(found: Sequence[str], run: Sequence[int], at: Sequence[int]) -> int | None:
    """How many words the sentence links the term's content words with beyond those the
    term has: 0 (the same gaps in all: stop words between them aside), 1 (one linking word,
    "of", "de", where the member typed two words side by side: "mixture experts" for
    "mixture of experts"), or None for any other way of writing them apart."""
    gaps = [(b - a, d - c) for (a, b), (c, d)
            in zip(pairwise(run), pairwise(at), strict=True)]
    if sum(text for text, _ in gaps) == sum(typed for _, typed in gaps):
        return 0
    wider = [k for k, (text, typed) in enumerate(gaps) if text != typed]
    if len(wider) != 1 or gaps[wider[0]] != (2, 1):
        return None
    return 1 if found[run[wider[0]] + 1] in _LINKING else None


def _explains(after: str) -> bool:
    """Whether a clause that says what something is opens the text: a relative clause
    (``_RELATIVE``: ", in which…"), or an apposition with an indefinite article whose
    clause goes on in a relative word ("…, a concept co-authored by Google and OpenAI in
    2017, which allows…"); not "…, the biggest ones" or "…, a reward model and PPO" (a
    list)."""
    if _RELATIVE.match(after) is not None:
        return True
    found = _APPOSED.match(after)
    if found is None:
        return False
    clause = words(after[found.end():])[:EXPLAIN_REACH]
    return clause[:1] in (["a"], ["an"], ["um"], ["uma"]) and not _RELATIVE_WORDS.isdisjoint(
        clause[1:])


def _after_abbreviation(after: str) -> str:
    """What follows the abbreviation that ``after`` opens with ("(rlhf), a concept…" ->
    ", a concept…"; ", or rag, a technique…" -> ", a technique…")."""
    found = _ABBREVIATION.match(after)
    if found is None:
        return after
    end = found.end()
    return after[end - 1:] if after[end - 1] in ",.;:" else after[end:]


def _abbreviates(after: str, term_words: Sequence[str]) -> bool:
    """Whether brackets or ", or" right after the term hold its initials ("Knowledge
    distillation (KD)", "Large Language Models (LLMs)", "Retrieval-augmented generation, or
    RAG,"), small words aside or not; not "(v2)" or "(optional)"."""
    found = _ABBREVIATION.match(after)
    if found is None or len(term_words) < 2:
        return False
    initials = ("".join(w[0] for w in term_words if w not in _SMALL_WORDS),
                "".join(w[0] for w in term_words))
    short = found.group(1) or found.group(2)
    # Folded, a plural's "s" and a last letter "s" look alike: "(llms)", "(tos)".
    return short in initials or short + "s" in initials


def _same_word(written: str, asked: str) -> bool:
    """Whether a word of the text is the asked one: a plural ("LLMs", "memories"), a British
    or cognate spelling or, in a long word, a slip of one letter aside ("embedings"). The
    stemmer alone would take "tokens" for "Tokenization"."""
    a, b = spelling(written), spelling(asked)
    short, long = sorted((a, b), key=len)
    if a == b or long in (short + "s", short + "es"):
        return True
    if short.endswith("y") and long == short[:-1] + "ies":
        return True
    if len(short) < 5 or len(long) - len(short) > 1:
        return False
    if len(long) == len(short):  # one letter changed
        return sum(x != y for x, y in zip(long, short, strict=True)) == 1
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))  # one left out


def _widen(found: Sequence[str], start: int, end: int, own: Sequence[str],
           content: Sequence[str]) -> tuple[int, int]:
    """The term's span with its own stop words around its content words where the sentence
    has them too ("few-shot prompting": "few" is a stop word)."""
    lead = own.index(content[0]) if content and content[0] in own else 0
    trail = len(own) - 1 - own.index(content[-1]) if content and content[-1] in own else 0
    if lead and list(found[max(0, start - lead):start]) == list(own[:lead]):
        start -= lead
    if trail and list(found[end:end + trail]) == list(own[-trail:]):
        end += trail
    return start, end


# Words that open a sentence by pointing back to the one before: "This is called *X*",
# "Esses modelos são chamados de *X*" name what that sentence says.
_ANAPHORS = frozenset(("this", "these", "that", "those", "such", "it", "they", "isso", "isto",
                       "esse", "essa", "esses", "essas", "este", "esta", "estes", "estas",
                       "tal", "tais"))


def _place(passage: Passage, spans: Sequence[tuple[int, int]], at: int, found: list[str],
           own: Sequence[str], start: int, end: int) -> Place:
    """The place of the term (words ``start`` to ``end`` of ``found``, the words of the
    passage's sentence ``at``): a sentence that is the term alone (a lead-in,
    "**Pruning**.") with the sentence after it."""
    first, last = spans[at]
    if found == list(own) and at + 1 < len(spans):  # the term alone: a lead-in
        sentence = passage.text[first:spans[at + 1][1]]  # with the one after it
        return Place(passage, sentence, words(sentence), start, end, sentence)
    return Place(passage, passage.text[first:last], found, start, end,
                 _quoted(passage.text, spans, at))


def _quoted(text: str, spans: Sequence[tuple[int, int]], at: int) -> str:
    """What a definition in the text's sentence ``at`` (of its ``spans``) quotes: the
    sentence, and the one before it when it opens with a word that points back to that one
    (``_ANAPHORS``; as written, not folded: "Está" is no "esta"): what "this" names is what
    the sentence before says. Exactly the two, as the text writes them."""
    start, end = spans[at]
    opening = re.match(r"[\W_]*(\w+)", text[start:end])
    if at == 0 or opening is None or opening.group(1).lower() not in _ANAPHORS:
        return text[start:end]
    return text[spans[at - 1][0]:end]


def _set_off(sentence: str, term_words: Sequence[str]) -> bool:
    """Whether the term stands between marks of emphasis or quotation in the sentence."""
    marks = re.escape(_MARKS)
    return re.search(rf"[{marks}]\s*{_written(term_words)}\w*\s*[:.]?[{marks}]",
                     fold(sentence)) is not None  # "**Architecture:**", "**Pruning.**" too


class ExpansionQuestions:
    """Tells a question that asks what an abbreviation stands for ("what does RLHF stand
    for?", "bert is short for what", "DEPS é sigla de quê?") and the abbreviation.

    Parameters
    ----------
    cues : phrases that make a question ask for an expansion ("stand for", "sigla").
    """

    def __init__(self, cues: Iterable[str]) -> None:
        self.cues = Cues(cues, "answer.expansion_cues")

    def abbreviation(self, tokens: Sequence[str], known: Collection[str]) -> str | None:
        """The abbreviation a question (its ``text.words``) asks to expand: of its words in
        ``known`` (a plural's "s" aside), the nearest to one of the cues, when one is in it
        ("In AI, what does RLHF stand for?" asks about RLHF)."""
        at = self.cues.at(tokens)
        if not at:
            return None
        found = [(min(abs(i - j) for j in at), i, word) for i, token in enumerate(tokens)
                 for word in (token, _singular(token)) if word in known]
        return min(found)[2] if found else None


# What ends the term a question asks about: "what is an LLM, in simple words?"
_TERM_END = re.compile(r"[,;:?!()\[\]]|\.(?!\w)")  # not the point of "GPT-3.5"
# Words after a term that narrow what is asked about it: "RAG na prática", "attention in
# transformers" ("of", "de" join a term's own words: "mixture of experts").
_QUALIFYING = frozenset(("in", "on", "for", "with", "at", "inside", "within", "na", "no",
                         "nas", "nos", "em", "para", "com", "dentro"))
# The verb a question on how a term works ends its term with ("how does X work?").
_WORKS = frozenset(("work", "works"))
# At most this many words that say nothing come before the cue ("so", "ok so").
MAX_OPENING = 2


def _cue_end(asked: Sequence[str], start: int, cue: Sequence[str],
             fillers: Collection[str]) -> int | None:
    """Where the cue ends if it starts at ``start``, its words in order with at most one
    of the ``fillers`` between two of them ("what exactly is", "what even is", "o que
    exatamente é"); None if it does not start there."""
    at, skipped = start, False
    for i, cue_word in enumerate(cue):
        if at < len(asked) and asked[at] == cue_word:
            at += 1
        elif (i and not skipped and at + 1 < len(asked) and asked[at + 1] == cue_word
              and asked[at] in fillers):
            at, skipped = at + 2, True
        else:
            return None
    return at


class TermQuestions:
    """Tells a question that asks what a term is ("what is emergence?", "o que é RAG?") and
    the term it asks about: what follows the cue, up to the first punctuation, without a
    leading article or trailing words that are stop words or that the reading never uses
    ("llm agent" in "what is an llm agent in a nutshell?").

    Parameters
    ----------
    cues : phrases that open such a question ("what is", "o que é", "define").
    articles : words that may come before the term ("the", "uma").
    fillers : words that may stand inside a cue, one at most ("what exactly is").
    """

    def __init__(self, cues: Iterable[str], articles: Iterable[str],
                 fillers: Iterable[str] = ()) -> None:
        cues = list(cues)
        phrases = [tuple(words(c)) for c in cues]
        if not all(phrases):
            raise ValueError(f"answer.definition_cues: each cue needs a word, got {cues!r}")
        self.cues: dict[str, list[tuple[str, ...]]] = {}  # by their first word
        for cue in sorted(phrases, key=len, reverse=True):  # "what is meant by", "what is"
            self.cues.setdefault(cue[0], []).append(cue)
        self.articles = frozenset(words(" ".join(articles)))
        fillers = list(fillers)
        if any(len(words(f)) != 1 for f in fillers):
            raise ValueError(f"answer.definition_fillers: each filler is one word, got {fillers!r}")
        self.fillers = frozenset(w for f in fillers for w in words(f))

    def term(self, question: str, known: Callable[[str], bool]) -> str | None:
        """The term asked about, or None when the question does not ask what one is;
        ``known(word)``: whether the word is one of the reading's content words. The cue
        opens a clause, after a few words that say nothing ("so", "hey, what is…")."""
        clauses = [words(clause) for clause in _TERM_END.split(question)]
        for at, asked in enumerate(clauses):
            for start, word in enumerate(asked[:MAX_OPENING + 1]):
                end = next((e for c in self.cues.get(word, ())
                            if (e := _cue_end(asked, start, c, self.fillers)) is not None), None)
                if end is not None:
                    rest = asked[end:]
                    if not rest and at + 1 < len(clauses):  # "define: RAG"
                        rest = clauses[at + 1]
                    term = self._term(rest, known)
                    if term is not None:
                        return term
                    break  # "what is it, what is RAG?": another clause may ask
                if known(word):
                    break
        return None

    @staticmethod
    def narrower(term: str) -> list[str]:
        """The term, then the words before each word that qualifies it, the last first
        ("rag na pratica", "rag"; "attention in transformers", "attention"), each also
        without a last "work" ("how does X work?"): a question runs on past its term as
        often as not ("como funciona o RAG na prática?")."""
        found = term.split()
        candidates = []
        for cut in (found, *(found[:i] for i in range(len(found) - 1, 0, -1)
                             if found[i] in _QUALIFYING)):
            candidates.append(" ".join(cut))
            if len(cut) > 1 and cut[-1] in _WORKS:  # "how does X work (with Y)?"
                candidates.append(" ".join(cut[:-1]))
        return list(dict.fromkeys(candidates))

    def _term(self, rest: Sequence[str], known: Callable[[str], bool]) -> str | None:
        while rest and rest[0] in self.articles:
            rest = rest[1:]
        while rest and not known(rest[-1]):
            rest = rest[:-1]
        return " ".join(rest) or None
