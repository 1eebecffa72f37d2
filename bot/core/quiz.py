"""Quiz items drawn from the reading itself, for active recall.

Every item is the reading's own words with one thing to recall, and the passage that holds
the answer to cite after it:

- ``define``: a definition the reading gives, its term blanked; the choices are terms the
  reading defines;
- ``blank``: a key sentence with a content word blanked (a term the reading defines where the
  sentence has one, else its most specific word that the reading uses more than once); the
  choices are words of the same kind (numbers, names, or words with the same ending) from
  elsewhere in the reading;
- ``section``: a sentence, and the section of its document that says it;
- ``risk``: a risk's description, and its title among the risks the reading lists.

An item is discarded when it could be ambiguous: a distractor that appears in the prompt or
in the cited passage, a sentence found in more than one place, a blank whose answer is not
the only spelling of it in the sentence.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, Self

from bot.core.corpus import Passage
from bot.core.glossary import GlossaryEntry
from bot.core.risks import Risk
from bot.core.text import Analyzer, fold, split_sentences, squash, words

BLANK = "____"
CHOICES = 4
SENTENCE_CHARS = (50, 300)  # a sentence shorter says too little, longer is a passage
WORD_MIN = 5  # a blanked word is at least this long: "model" yes, "data" no
# A word is a concept of the reading when it is in at least two passages, but not so common
# that it would fit anywhere.
COMMON_SHARE = 0.3
_WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|\d[\d.,]*\d|\d")
KINDS = ("define", "blank", "section", "risk")


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
        self._texts = [squash(p.text) for p in passages]
        self._pairs = {pair for p in passages
                       for pair in zip(words(p.text), words(p.text)[1:], strict=False)}
        document_frequency: Counter[str] = Counter()
        for passage in passages:
            document_frequency.update(set(self.analyzer(passage.text)))
        limit = max(2, int(COMMON_SHARE * len(passages)))
        self._concepts = {t for t, n in document_frequency.items() if 2 <= n <= limit}
        self._idf = {t: len(passages) / n for t, n in document_frequency.items()}
        names: set[str] = set()  # numbers, and words capitalised past a sentence's start
        for passage in passages:
            for sentence in split_sentences(passage.text):
                names.update(w for w in _WORD.findall(sentence)[1:]
                             if (w[0].isupper() or w[0].isdigit()) and self._is_concept(w))
        self._names = sorted(names)
        self.items_ = (*self._definitions(glossary),
                       *self._blanks(passages, glossary, sorted(jargon)),
                       *self._sections(passages), *self._risks(risks))
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
            if prompt is None:  # the definition does not name its term: it cannot be asked
                continue
            others = [t for t in terms if fold(t) != fold(entry.term)
                      and not self._appears(t, prompt) and not self._appears(t, entry.passage.text)]
            item = self._item("define", prompt, entry.term, others, entry.passage)
            if item is not None:
                yield item

    def _blanks(self, passages: Sequence[Passage], glossary: Sequence[GlossaryEntry],
                jargon: Sequence[str]) -> Iterable[QuizItem]:
        """A sentence's term, blanked: one the reading defines, else one of the field's
        (the jargon list) that the reading uses, else a name or a number the reading
        uses more than once. The choices come from the same pool: the reading's
        definitions, the field's words it uses, its names, its numbers."""
        asked = {item.prompt for item in self._definitions(glossary)}
        defined = sorted({e.term for e in glossary}, key=len, reverse=True)
        field_words = sorted(self._as_the_reading_writes(jargon, passages), key=len,
                             reverse=True)
        for passage, sentence in self._sentences(passages):
            for pool in (defined, field_words):
                answer = next((t for t in pool if _blank_out(sentence, [t]) is not None), None)
                if answer is not None:
                    others = [t for t in pool if not self._same_word(t, answer)]
                    break
            else:
                answer = self._key_name(sentence)
                if answer is None:
                    continue
                others = self._same_kind(answer)
            prompt = _blank_out(sentence, [answer])
            if prompt is None or prompt in asked:  # a definition asked already
                continue
            others = [o for o in others if not self._appears(o, passage.text)
                      and not self._same_word(o, answer) and not self._fits(o, prompt)]
            item = self._item("blank", prompt, answer, others, passage)
            if item is not None:
                yield item

    def _sections(self, passages: Sequence[Passage]) -> Iterable[QuizItem]:
        by_document: dict[str, list[str]] = {}
        for passage in passages:
            names = by_document.setdefault(passage.document, [])
            if passage.section not in names:
                names.append(passage.section)
        for passage, sentence in self._sentences(passages):
            others = [s for s in by_document[passage.document] if s != passage.section
                      and not self._appears(s, sentence)]
            item = self._item("section", sentence, passage.section, others, passage)
            if item is not None:
                yield item

    def _risks(self, risks: Sequence[Risk]) -> Iterable[QuizItem]:
        titles = [r.title for r in risks]
        for risk in risks:
            prompt = _blank_out(risk.text, [risk.title.removesuffix("…")])
            if prompt is None or len(prompt) < len(BLANK) + 20:  # a title and nothing else
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

    def _sentences(self, passages: Sequence[Passage]) -> Iterable[tuple[Passage, str]]:
        """Sentences worth asking about: of a sentence's length, and found in one passage
        only (a sentence said twice has two answers)."""
        low, high = SENTENCE_CHARS
        for passage in passages:
            for sentence in split_sentences(passage.text):
                if low <= len(sentence) <= high and "|" not in sentence and sum(
                        squash(sentence) in text for text in self._texts) == 1:
                    yield passage, sentence

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

    def _key_name(self, sentence: str) -> str | None:
        """The sentence's most specific name (a capitalised word past its first) or
        number among those the reading uses more than once, if written once in it."""
        found = [w for w in _WORD.findall(sentence)[1:]
                 if (w[0].isupper() or w[0].isdigit()) and self._is_concept(w)]
        if not found:
            return None
        best = max(found, key=lambda w: (self._idf.get(self.analyzer.term(fold(w)) or "", 0), w))
        return best if sum(fold(w) == fold(best) for w in found) == 1 else None

    def _same_kind(self, word: str) -> list[str]:
        """The reading's numbers for a number, its names for a name."""
        if word[0].isdigit():
            return [w for w in self._names if w[0].isdigit()]
        return [w for w in self._names if w[0].isupper()]

    def _fits(self, word: str, prompt: str) -> bool:
        """Whether the reading writes the word next to the blank's neighbour somewhere
        ("conversational language" for "rely on ____ language"): then it fits the blank
        too, and the item would have two answers."""
        before, _, after = prompt.partition(BLANK)
        own = words(word)
        if not own:
            return False
        left, right = words(before)[-1:], words(after)[:1]
        return bool((left and (left[0], own[0]) in self._pairs)
                    or (right and (own[-1], right[0]) in self._pairs))

    def _is_concept(self, word: str) -> bool:
        if word[0].isdigit():
            return len(word) >= 3 and not (len(word) == 4 and word.isdigit())  # not a year
        term = self.analyzer.term(fold(word))
        return len(word) >= WORD_MIN and term is not None and term in self._concepts

    def _appears(self, phrase: str, text: str) -> bool:
        """Whether the phrase's terms stand in the text in a row."""
        wanted = self.analyzer(phrase) or words(phrase)
        have = self.analyzer(text) if self.analyzer(phrase) else words(text)
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
    aside, a plural s allowed); None when no name is mentioned, or one is mentioned twice:
    a second mention would give the answer away."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length: positions would not match
        return None
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w-]){re.escape(fold(name))}s?(?![\w-])")
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
