"""Quiz items drawn from the reading itself, for active recall.

Every item is the reading's own words with one thing to recall, and the passage that holds
the answer to cite after it:

- ``define``: a definition the reading gives, its term blanked; the choices are terms the
  reading defines;
- ``blank``: a key sentence with a term blanked (each term the reading defines or of the
  field's vocabulary that the reading uses, one at a time); the choices are other terms of
  the same pool that agree with an "a" or "an" before the blank;
- ``section``: a sentence, and the section of its document that says it;
- ``risk``: a risk's description, and its title among the risks the reading lists.

An item is discarded when it could be ambiguous or give itself away: a distractor that
appears in the prompt or in the cited passage, or that the reading writes beside the blank's
neighbour; a section offered that speaks of the sentence's subject too, or that is only a
heading over others or a lead-in over a list of phrases; a word of the answer elsewhere in
the prompt; a sentence written twice, or one that cannot stand alone (a list's lead-in, a
fragment, half of a quote, one opening on "It" or "Ou seja"; for a blank or "which
section", a question or one pointing at "this" or "these").
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import NamedTuple, Self

from bot.core.corpus import Passage
from bot.core.glossary import GlossaryEntry
from bot.core.risks import Risk
from bot.core.text import Analyzer, fold, split_sentences, squash, words

BLANK = "____"
CHOICES = 4
SENTENCE_CHARS = (50, 300)  # a sentence shorter says too little, longer is a passage
COMMON_SHARE = 0.3  # a word in this share of the passages gives no answer away
# At most this many blanks have the same answer: a reading's own topic would otherwise be
# the answer to most of them, and guessing it would pay.
BLANKS_PER_ANSWER = 3
KINDS = ("define", "blank", "section", "risk")
# A section with less text of its own is a heading over others, or a note: a sentence of
# its subsections would be said by it too.
MIN_SECTION_CHARS = 200


class QuizItem(NamedTuple):
    key: str  # stable across restarts: what a member's schedule remembers
    kind: str  # one of KINDS
    prompt: str  # the blank, if any, is ____
    choices: tuple[str, ...]
    answer: str
    source: Passage


class QuizProgress(NamedTuple):
    """A member's answers to one section's items (kept by the store)."""

    section: str
    seen: int  # items answered at least once
    right: int
    wrong: int
    mastered: int  # items answered right often enough to come back only weeks later


class QuizMaker:
    """Parameters
    ----------
    analyzer : word -> index term (stems tell a distractor from the answer's own forms).

    Attributes
    ----------
    items_ : every item the reading gives, in reading order within each kind.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    def fit(self, passages: Sequence[Passage], glossary: Sequence[GlossaryEntry],
            risks: Sequence[Risk], jargon: Iterable[str] = ()) -> Self:
        """``jargon``: the field's words and phrases (folded), from the language resources."""
        passages = [p for p in passages if p.kind != "byline"]
        written = [words(p.text) for p in passages]
        self._pairs = {pair for found in written for pair in pairwise(found)}
        self._near = {pair for found in written for pair in _near_pairs(found)}
        terms = [set(self.analyzer(p.text)) for p in passages]  # each passage's index terms
        in_passages: Counter[str] = Counter()
        for passage_terms in terms:
            in_passages.update(passage_terms)
        self._everywhere = {t for t, n in in_passages.items()
                            if n >= COMMON_SHARE * len(passages)}
        definitions = tuple(self._definitions(glossary))
        sentences = _sentences(passages)
        self.items_ = (*definitions,
                       *self._blanks(passages, sentences, glossary, sorted(jargon),
                                     {item.prompt for item in definitions}),
                       *self._sections(passages, terms, sentences), *self._risks(risks))
        return self

    def items(self, topic: str | None = None) -> list[QuizItem]:
        """The items, or those about a topic: its words in the prompt, the answer or the
        cited passage's section."""
        if not topic or not words(topic):
            return list(self.items_)
        wanted = set(self.analyzer(topic)) or set(words(topic))
        return [item for item in self.items_
                if wanted <= set(self.analyzer(f"{item.prompt} {item.answer} "
                                               f"{' '.join(item.source.path)}"))]

    # -- the four kinds -------------------------------------------------------------------

    def _definitions(self, glossary: Sequence[GlossaryEntry]) -> Iterable[QuizItem]:
        terms = sorted({e.term for e in glossary}, key=fold)
        for entry in glossary:
            prompt = _blank_out(entry.definition, [entry.term])  # the term as the text has it
            if (prompt is None or len(words(prompt)) < 4  # the term alone: "**____**"
                    or self.gives_away(entry.term, prompt)  # not named, or twice
                    or not _whole(prompt) or not _stands_alone(prompt)):
                continue
            others = [t for t in terms if fold(t) != fold(entry.term)
                      and not self._appears(t, prompt) and not self._appears(t, entry.passage.text)]
            item = self._item("define", prompt, entry.term, others, entry.passage)
            if item is not None:
                yield item

    def _blanks(self, passages: Sequence[Passage], sentences: Sequence[tuple[Passage, str]],
                glossary: Sequence[GlossaryEntry], jargon: Sequence[str],
                asked: Collection[str]) -> Iterable[QuizItem]:
        """A sentence's terms, blanked one at a time: those the reading defines, and those
        of the field (the jargon list) that the reading uses. The choices come from the
        same pool, and agree with an "a" or "an" before the blank. ``asked``: the
        definitions' prompts, not asked twice."""
        times: Counter[str] = Counter()  # blanks with each answer so far
        defined = sorted({e.term for e in glossary}, key=_longest_first)
        field_words = sorted(self._as_the_reading_writes(jargon, passages),
                             key=_longest_first)
        for passage, sentence in sentences:
            for answer, pool in self._terms_in(sentence, (defined, field_words)):
                prompt = _blank_out(sentence, [answer])
                if (prompt is None or prompt in asked or self.gives_away(answer, prompt)
                        or not _stands_alone(prompt) or not _self_contained(prompt)
                        or _among_examples(prompt)):
                    continue
                own = set(self.analyzer(answer))
                others = [o for o in pool if not self._appears(o, passage.text)
                          and not own & set(self.analyzer(o))  # "context window", "length"
                          and not self._fits(o, prompt)
                          and _agrees(o, prompt) == _agrees(answer, prompt)
                          and _plural(o) == _plural(answer) and _shape(o) == _shape(answer)]
                item = self._item("blank", prompt, answer, others, passage)
                if item is not None and times[fold(answer)] < BLANKS_PER_ANSWER:
                    times[fold(answer)] += 1
                    yield item

    def _terms_in(self, sentence: str,
                  pools: Sequence[Sequence[str]]) -> list[tuple[str, Sequence[str]]]:
        """Each term of the pools the sentence names once (with its pool), longest first,
        none inside one already found ("learning" in "machine learning"); a term in two
        pools counts in the first."""
        found: list[tuple[str, Sequence[str]]] = []
        for pool in pools:
            for term in pool:
                if (_blank_out(sentence, [term]) is not None
                        and not any(self._same_word(term, t) or _inside(term, t)
                                    for t, _ in found)):
                    found.append((term, pool))
        return found

    def _sections(self, passages: Sequence[Passage], terms: Sequence[set[str]],
                  sentences: Sequence[tuple[Passage, str]]) -> Iterable[QuizItem]:
        """Which section says a sentence. Only sections with prose of their own are asked
        about or offered (a heading over others, with a line under it, is neither; nor a
        lead-in over a list of phrases), and only a sentence that stands alone (no "this"
        or "these" pointing elsewhere) and names no other section. The choices are
        other sections of its document that share none of the sentence's telling words
        (so none could say it too), never one that holds it or that it holds; a sentence
        with no telling word, only the document's own ("protect AI systems" in a lesson on
        AI security), is not asked. A document's opening, under its title, is about all of
        it: it is neither asked about nor offered."""
        paths: dict[str, dict[str, tuple[str, ...]]] = {}
        text: Counter[tuple[str, str]] = Counter()
        said: dict[tuple[str, str], set[str]] = {}
        # Sections with prose of their own, or a list of named things ("**Planning**: …",
        # "HuggingGPT - an agent…"): one that is only a lead-in and a list of phrases (a
        # lesson's goals, a quiz's options, the topics ahead) says again what others say.
        items: dict[tuple[str, str], list[bool]] = {}
        for p in passages:
            if p.kind == "item":
                items.setdefault((p.document, p.section), []).append(
                    _NAMED_ITEM.match(p.text) is not None)
        prose = {(p.document, p.section) for p in passages
                 if p.kind == "paragraph" and not p.text.rstrip().endswith(":")}
        prose |= {key for key, named in items.items() if sum(named) * 2 >= len(named)}
        for passage, passage_terms in zip(passages, terms, strict=True):
            if passage.path:  # under a heading: the opening under the title is about it all
                paths.setdefault(passage.document, {}).setdefault(passage.section,
                                                                  passage.path)
                text[passage.document, passage.section] += len(passage.text)
                said.setdefault((passage.document, passage.section), set()).update(
                    passage_terms)
        for document, sections in paths.items():
            for section in [s for s in sections if text[document, s] < MIN_SECTION_CHARS
                            or (document, s) not in prose]:
                del sections[section]
        # A word said in half of a document's sections (and three at least) is the
        # document's, not a section's topic.
        in_sections: Counter[tuple[str, str]] = Counter()
        for (document, section), section_terms in said.items():
            if section in paths.get(document, {}):
                in_sections.update((document, t) for t in section_terms)
        # Each section's telling heading words ("trust", "transpar"): a sentence that has
        # them all names that section.
        common = {document: max(3, len(sections) / 2) for document, sections in paths.items()}
        named = {(document, s): {t for t in self.analyzer(s)
                                 if in_sections[document, t] < common[document]}
                 for document, sections in paths.items() for s in sections}
        for passage, sentence in sentences:
            sections = paths.get(passage.document, {})
            if (passage.section not in sections
                    or self.gives_away(passage.section, sentence)
                    or not _self_contained(sentence)):
                continue
            sentence_terms = set(self.analyzer(sentence))
            telling = {t for t in sentence_terms
                       if in_sections[passage.document, t] < common[passage.document]}
            if not telling:  # every word of it is the document's: any section could say it
                continue
            if any(heading and heading <= sentence_terms
                   for other in sections if other != passage.section
                   and (heading := named[passage.document, other])):
                continue  # it names a section ("… for Trust and Transparency"): that one's
            others = [s for s, path in sections.items() if s != passage.section
                      and s not in passage.path and passage.section not in path
                      and not self.gives_away(s, sentence)
                      and not telling & said[passage.document, s]]
            item = self._item("section", sentence, passage.section, others, passage)
            if item is not None:
                yield item

    def _risks(self, risks: Sequence[Risk]) -> Iterable[QuizItem]:
        titles = [r.title for r in risks]
        for risk in risks:
            prompt = _blank_out(risk.text, [risk.title.removesuffix("…")])
            if (prompt is None or len(prompt) < len(BLANK) + 20  # a title and nothing else
                    or not _whole(prompt)):
                continue
            if self.gives_away(risk.title.removesuffix("…"), prompt):
                continue
            others = [t for t in titles if t != risk.title
                      and not self._appears(t.removesuffix("…"), risk.full_text)]
            item = self._item("risk", prompt, risk.title, others, risk.passage)
            if item is not None:
                yield item

    # -- helpers ----------------------------------------------------------------------------

    def _item(self, kind: str, prompt: str, answer: str, others: Sequence[str],
              source: Passage) -> QuizItem | None:
        """The item with three distractors chosen by its own seed (the same at every
        start), the choices in a shuffled order; None when there are not enough."""
        unique = list(dict.fromkeys(o for o in others if fold(o) != fold(answer)))
        if len(unique) < CHOICES - 1:
            return None
        key = f"{kind}:{source.id}:{hashlib.sha1(f'{prompt}|{answer}'.encode()).hexdigest()[:10]}"
        rng = random.Random(key)
        choices = [answer, *rng.sample(unique, CHOICES - 1)]
        rng.shuffle(choices)
        return QuizItem(key, kind, prompt, tuple(choices), answer, source)

    @staticmethod
    def _as_the_reading_writes(phrases: Iterable[str],
                               passages: Sequence[Passage]) -> list[str]:
        """The phrases (folded) the reading uses, each as it first writes it ("RAG")."""
        found: dict[str, str] = {}
        wanted = {tuple(words(p)): p for p in phrases if words(p)}
        longest = max((len(w) for w in wanted), default=0)
        for passage in passages:
            for sentence in split_sentences(passage.text):
                have = words(sentence)
                for n in range(1, longest + 1):
                    for i in range(len(have) - n + 1):
                        phrase = wanted.get(tuple(have[i:i + n]))
                        if phrase is not None and phrase not in found:
                            blanked = _blank_out(sentence, [phrase])
                            if blanked is not None:
                                found[phrase] = _as_written(sentence, blanked)
        return list(found.values())

    def gives_away(self, answer: str, prompt: str) -> bool:
        """Whether the prompt says a word of the answer (its stem: "tokenizer" gives away
        "Tokenization") beyond the blank, so that the answer can be matched, not
        recalled; a word the reading uses nearly everywhere ("foundation models" in a
        reading about them) tells nothing."""
        own = set(self.analyzer(answer)) - self._everywhere
        said = prompt.replace(BLANK, " ")
        return bool(own & set(self.analyzer(said))) or bool(
            _decades(answer) & _decades(said))  # "In 2017" names "Late-2010's"

    def _fits(self, word: str, prompt: str) -> bool:
        """Whether the reading writes the word next to the blank's neighbour somewhere
        ("conversational language" for "rely on ____ language"), or within a few words of
        the nearest word of substance beside the blank ("Hugging Face Chat Playground" for
        "the ____ Playground"): then it fits the blank too, and the item would have two
        answers."""
        before, _, after = prompt.partition(BLANK)
        own = words(word)
        if not own:
            return False
        left, right = words(before)[-1:], words(after)[:1]
        if ((left and (left[0], own[0]) in self._pairs)
                or (right and (own[-1], right[0]) in self._pairs)):
            return True
        stop = self.analyzer.stop_words
        left = [w for w in words(before) if w not in stop][-1:]
        right = [w for w in words(after) if w not in stop][:1]
        return bool((left and (left[0], own[0]) in self._near)
                    or (right and (own[-1], right[0]) in self._near))

    def _appears(self, phrase: str, text: str) -> bool:
        """Whether the phrase's terms stand in the text in a row."""
        terms = self.analyzer(phrase)
        wanted = terms or words(phrase)
        have = self.analyzer(text) if terms else words(text)
        n = len(wanted)
        return bool(wanted) and any(have[i:i + n] == wanted for i in range(len(have) - n + 1))

    def _same_word(self, one: str, other: str) -> bool:
        return self.analyzer(one) == self.analyzer(other) or fold(one) == fold(other)


def _as_written(sentence: str, prompt: str) -> str:
    """What the blank took out of the sentence, as the sentence writes it."""
    start = prompt.index(BLANK)
    return sentence[start:len(sentence) - (len(prompt) - start - len(BLANK))]


def _blank_out(text: str, names: Sequence[str]) -> str | None:
    """The text with its one mention of a name blanked (matched whole, case and accents
    aside); None when no name is mentioned, or one is mentioned twice: a second mention
    would give the answer away."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length: positions would not match
        return None
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w-]){re.escape(fold(name))}(?![\w-])")
        found = list(pattern.finditer(folded))
        if len(found) == 1:
            start, end = found[0].span()
            return text[:start] + BLANK + text[end:]
        if len(found) > 1:
            return None
    return None


def pick(items: Sequence[QuizItem], schedule: Mapping[str, tuple[int, float]], now: float,
         rng: random.Random) -> QuizItem | None:
    """The next item for a member with this Leitner schedule (item key -> (box, due)): one
    that is due, lowest box first (what was missed comes back first); else one never
    asked; else the one due soonest."""
    if not items:
        return None
    due = [i for i in items if i.key in schedule and schedule[i.key][1] <= now]
    if due:
        low = min(schedule[i.key][0] for i in due)
        return rng.choice([i for i in due if schedule[i.key][0] == low])
    new = [i for i in items if i.key not in schedule]
    if new:
        return rng.choice(new)
    return min(items, key=lambda i: (schedule[i.key][1], i.key))


def _sentences(passages: Sequence[Passage]) -> list[tuple[Passage, str]]:
    """Sentences worth asking about: of a sentence's length; whole (see ``_whole``); and
    written once in the reading (a sentence said twice has two answers)."""
    low, high = SENTENCE_CHARS
    found = [(p, s) for p in passages if p.kind in ("paragraph", "item")
             for s in split_sentences(p.text) if low <= len(s) <= high and _whole(s)]
    said = Counter(squash(s) for p in passages for s in split_sentences(p.text))
    return [(p, s) for p, s in found if said[squash(s)] == 1]


# How far apart two words may stand and still be read together ("Hugging Face Chat
# Playground": "face" and "playground").
NEAR = 3


def _near_pairs(found: Sequence[str]) -> Iterable[tuple[str, str]]:
    """Each word with each of the NEAR words after it."""
    for i, word in enumerate(found):
        for other in found[i + 1:i + 1 + NEAR]:
            yield word, other


def _inside(term: str, other: str) -> bool:
    """Whether the term's words stand in a row inside the other's."""
    inner, outer = words(term), words(other)
    n = len(inner)
    return any(outer[i:i + n] == inner for i in range(len(outer) - n + 1))


def _longest_first(term: str) -> tuple[int, str, str]:
    """Longer terms first (a phrase before its words), then alphabetically: the same order
    at every start, so the same items."""
    return -len(term), fold(term), term


# A sentence that opens on one of these points at another sentence: it is not a question
# about itself.
_POINTING = frozenset(("it", "this", "these", "they", "that", "those", "such", "here",
                       "there", "isso", "isto", "esse", "essa", "eles", "elas",
                       "seja",  # "Ou seja, …": "that is, …"
                       # connectives that carry on from the sentence before
                       "therefore", "thus", "hence", "however", "also", "additionally",
                       "furthermore", "moreover", "portanto", "assim", "contudo", "porem",
                       "entretanto", "alem", "tambem"))


_OPENING_MARKS = re.compile(r"^(?:[*`\"“‘'\s]|_(?=[^\W_]))+")


def _whole(sentence: str) -> bool:
    """A sentence a reader can take alone: it opens with a capital letter, its first words
    do not point back ("It", "Typically, this"), it does not end in a colon (a list's
    lead-in) or "et al.", is no quote, footnote, link or table row, and closes the marks
    it opens."""
    opening = words(sentence)[:3]  # "It", "This", and "Typically, this"
    first = _OPENING_MARKS.sub("", sentence)  # "**Turing Test**: …" opens on its term
    return ((first.startswith(BLANK) or first[:1].isupper())
            and not sentence.rstrip().endswith((":", "et al."))
            and not any(w in _POINTING for w in opening)
            and not any(mark in sentence for mark in ("|", "[^", "> ", ":pushpin:", "]("))
            and _balanced(sentence))


# Marks that come in pairs: emphasis (an underscore or asterisk at a word's edge), code,
# quotes.
_PAIRED = (re.compile(r"(?<!\w)_|_(?!\w)"), re.compile(r"\*\*"), re.compile(r"(?<!\*)\*(?!\*)"),
           re.compile("`"), re.compile('"'))


def _balanced(sentence: str) -> bool:
    """Whether every pair of marks the sentence opens it also closes: a sentence cut out of
    a quote or an emphasis ("The result is…_") is half of something."""
    return (all(len(mark.findall(sentence)) % 2 == 0 for mark in _PAIRED)
            and sentence.count("“") == sentence.count("”")
            and sentence.count("(") == sentence.count(")"))


# A list item that names what it describes: "**Planning**: …", "HuggingGPT - an agent…".
_NAMED_ITEM = re.compile(r"\s*(?:\*\*[^*]+\*\*|__[^_]+__|[A-Z][\w.+-]*(?: [\w.+-]+){0,4}"
                         r"(?:\s*[:–—]|\s+-\s))")


# Words that point at something the sentence does not show ("in this process", "these are").
_POINTING_ANYWHERE = frozenset(("this", "these", "those", "above", "below", "following",
                                "latter", "former", "here", "isso", "isto", "esse", "essa",
                                "esses", "essas", "este", "estes", "acima",
                                "abaixo", "seguinte", "seguintes", "desta", "deste", "destas",
                                "destes", "nesta", "neste", "nestas", "nestes", "dessa",
                                "desse", "nessa", "nesse", "disso", "nisso", "disto",
                                "nisto"))


def _self_contained(sentence: str) -> bool:
    """Whether the sentence says something by itself: nothing in it points at what is
    around it, and it is no question (a question leads into what follows it)."""
    return (not _POINTING_ANYWHERE.intersection(words(sentence))
            and not sentence.rstrip().endswith("?"))


# Words that announce examples ("such as", "e.g.", "incluem"): any sibling fits as well.
_EXAMPLE_CUES = re.compile(r"\b(?:such as|e g|for example|for instance|includ\w*|"
                           r"inclu\w*|por exemplo|exemplos? (?:de|d[oa]s?)|tais como)\b")
_LISTED = frozenset(("and", "or", "e", "ou", "nor"))


def _among_examples(prompt: str) -> bool:
    """Whether the blank is one of a list's items ("Alpaca, ____ and LLaMA") or comes
    soon after words that announce examples ("models such as ____"): another item of the
    same kind would fit it too."""
    before, _, after = prompt.partition(BLANK)
    last, next_ = words(before)[-1:], words(after)[:1]
    listed = (before.rstrip().endswith(",") or after.lstrip().startswith(",")
              or bool(_LISTED.intersection(last + next_)))
    return listed or _EXAMPLE_CUES.search(" ".join(words(before)[-8:])) is not None


def _stands_alone(prompt: str) -> bool:
    """Whether a blank can be filled from the sentence: not a word inside another token (a
    URL: "platform.____.com"), nor the letters of a name just spelled out before it
    ("Long Short-Term Memory (____)")."""
    before, _, after = prompt.partition(BLANK)
    inside = (before[-1:].isalnum() or before[-1:] in "./" or after[:1].isalnum()
              or after[:1] in "/" or (after[:1] == "." and after[1:2].isalnum()))
    return not inside and not (before.endswith("(") and after.startswith(")"))


def _shape(term: str) -> str:
    """What a term looks like, which tells its kind when nothing else does: an acronym
    ("RLHF", "LLMs"), a name in capitals ("GitHub Copilot", "OpenAI"), or a common term
    ("backpropagation", "prompt engineering"). A choice of another shape stands out."""
    letters = [c for c in term if c.isalpha()]
    if len(letters) >= 2 and sum(c.isupper() for c in letters) >= len(letters) - 1:
        return "acronym"
    if any(w[:1].isupper() for w in term.split()):
        return "name"
    return "term"


def _decades(text: str) -> set[str]:
    """The decades a text names by a year or a decade ("2017", "2010's", "1990s"): "201"."""
    return {m[:3] for m in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)}


def _plural(term: str) -> bool:
    """Whether a term is plural, by its last word ("Foundation models"): a choice of
    another number would not fit the sentence."""
    last = words(term)[-1:] or [""]
    return last[0].endswith("s") and not last[0].endswith(("ss", "is", "us"))


def _agrees(choice: str, prompt: str) -> bool | None:
    """For a blank after "a" or "an": whether the choice starts as that article needs (a
    vowel after "an"); None when no article stands before the blank."""
    before = words(prompt.partition(BLANK)[0])[-1:]
    if before not in (["a"], ["an"]):
        return None
    return fold(choice[:1]) in "aeiou"
