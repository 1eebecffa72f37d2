"""The risks a reading lists, found by their section's heading and taken as the author
structured them.

A risk section is one whose heading has one of ``headings`` ("Risks" in "Limitations and
risks", "Desafios"): a word, or the words of a phrase in a row ("Why do we need Prompt
Engineering?" names that section, not every heading with "prompt" in it), and not only
after a word of handling them (``handling``: "Mitigating Potential Harms", "Medir Danos
Potenciais" are about what to do, and their items are measures, not risks). Its items are, in
order of preference: the bold lead-ins of its own text, when it has two or more and more
of them than subsections ("**Reliability**. …", "- **Efficiency**: …"), each with the
paragraphs that follow it up to the next lead-in; its subsections (each titled by its
subheading); or else each of its paragraphs, titled by its opening phrase. An introduction
before the first lead-in is no risk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.core.corpus import Corpus, Passage
from bot.core.text import split_sentences, words

# A bold run opening a passage ("**Efficiency**:", "**Models can fabricate.**", "__Bias__ —"),
# and the character right after it.
_LEAD_IN = re.compile(r"^(?:\*\*|__)(?P<title>[^*_\n]{2,120}?)(?:\*\*|__)(?P<after>\S?)")


@dataclass(frozen=True)
class Risk:
    title: str
    passage: Passage  # the passage that names the risk
    details: tuple[Passage, ...] = ()  # the paragraphs that follow a lead-in, up to the next

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def full_text(self) -> str:
        """The risk's passage and the paragraphs that follow it, as the author wrote them."""
        return "\n\n".join(p.text for p in (self.passage, *self.details))


def list_risks(corpus: Corpus, headings: Iterable[str], title_words: int = 8,
               handling: Iterable[str] = ()) -> list[Risk]:
    """Every risk of every risk section, document by document, in reading order.
    ``handling``: words that, shortly before a heading's risk word, make its section one
    on handling risks ("mitigating", "medir")."""
    keys = frozenset(tuple(words(heading)) for heading in headings) - {()}
    handles = frozenset(w for h in handling for w in words(h))
    risks: list[Risk] = []
    for document in corpus.documents:
        done: set[tuple[str, ...]] = set()
        # Each heading path read once: a section's passages share theirs.
        sections: dict[tuple[str, ...], tuple[str, ...] | None] = {}
        for passage in document.passages:
            if passage.path not in sections:
                sections[passage.path] = _risk_section(passage.path, keys, handles)
            path = sections[passage.path]
            if path is None or path in done:
                continue
            done.add(path)
            inside = [p for p in document.passages
                      if p.path[:len(path)] == path and p.kind != "byline"]
            risks += _items(path, inside, title_words,
                            lambda heading: _names(heading, keys, handles) == "handling")
    return risks


def _is(word: str, key: str) -> bool:
    """Whether a heading's word is the configured one, or its plural ("risk" configured
    matches "risks"; a Portuguese plural such as "limitações" is listed apart). A configured
    plural does not match the singular: "Challenges" lists problems, where a course's
    "Challenge" (or "Desafio") is an exercise."""
    return word in (key, f"{key}s", f"{key}es")


# The parts of a heading, each read alone: "Managing agents: risks and limitations".
_HEADING_PARTS = re.compile(r":|\s[-–—]\s")
# A word of handling counts when it stands this close before the risk word ("Mitigating
# the potential risks"), with no "and" between ("Mitigation strategies and risks").
HANDLING_REACH = 3
_AND = frozenset(("and", "e", "or", "ou"))


def _names(heading: str, keys: frozenset[tuple[str, ...]],
           handles: frozenset[str]) -> str | None:
    """"risks" when the heading names risks (one of ``keys``, word for word, a plural
    aside), "handling" when it names them only after a word of handling them ("Mitigating
    Potential Harms", "Medir Danos Potenciais": a section on what to do, whose items are
    measures), None when it names no risk."""
    found = None
    for part in _HEADING_PARTS.split(heading):
        have = words(part)
        for key in keys:
            for i in range(len(have) - len(key) + 1):
                if not all(map(_is, have[i:i + len(key)], key)):
                    continue
                before = have[max(0, i - HANDLING_REACH):i]
                while before and before[0] not in handles:
                    before = before[1:]
                if before and _AND.isdisjoint(before):
                    found = "handling"
                else:
                    return "risks"
    return found


def _risk_section(path: Sequence[str], keys: frozenset[tuple[str, ...]],
                  handles: frozenset[str]) -> tuple[str, ...] | None:
    """The outermost heading of the path that names risks (not only their handling), as a
    path."""
    for depth, heading in enumerate(path, 1):
        if _names(heading, keys, handles) == "risks":
            return tuple(path[:depth])
    return None


def _items(path: tuple[str, ...], passages: Sequence[Passage], title_words: int,
           handling: Callable[[str], bool]) -> list[Risk]:
    """The section's risks; a subsection on ``handling`` them ("### Mitigating these
    risks") is none."""
    subsections: dict[tuple[str, ...], list[Passage]] = {}
    own = []  # the section's passages above its subsections
    for passage in passages:
        if len(passage.path) > len(path):
            if not handling(passage.path[len(path)]):
                subsections.setdefault(passage.path[:len(path) + 1], []).append(passage)
        else:
            own.append(passage)
    # Lead-ins the section itself lists are its items, and a subsection under them (an
    # example, a mitigation) is not one; fewer of them than subsections ("**Note:**",
    # "**Scope:**" above "### Bias", "### Cost", "### Privacy") and the subsections are.
    starts = _lead_ins(own)
    if subsections and (len(starts) < 2 or len(starts) <= len(subsections)):
        return [Risk(sub[-1], found[0], tuple(found[1:])) for sub, found in subsections.items()]
    passages = own
    if starts:
        risks = []
        for at, end in zip(starts, [*starts[1:], len(passages)], strict=True):
            title = _LEAD_IN.match(passages[at].text)
            assert title is not None
            risks.append(Risk(title.group("title").strip(" :.—–-"), passages[at],
                              tuple(passages[at + 1:end])))
        return risks
    return [Risk(short_title(p.text, title_words), p) for p in passages
            if not (p.kind == "paragraph" and p.text.endswith(":")) and not _pointer(p.text)]


# A Markdown link: its words, and where it goes.
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _pointer(text: str) -> bool:
    """Whether a paragraph only points elsewhere ("Read up more on how you can [govern and
    protect AI](…)."): a link and a few words around it, no risk of its own."""
    return _LINK.search(text) is not None and len(words(_LINK.sub("", text))) <= 12


def _lead_ins(passages: Sequence[Passage]) -> list[int]:
    """The passages that open with a lead-in of the same form as the section's first one
    (list item or paragraph, the punctuation after the bold): labels of
    another form inside a risk ("**Input**:" in an example under "**Reliability**.") are
    part of that risk."""
    found = [(i, m) for i, p in enumerate(passages) if (m := _LEAD_IN.match(p.text))]
    if not found:
        return []

    def form(i: int, match: re.Match[str]) -> tuple[str, str]:
        return passages[i].kind, match.group("after")

    first = form(*found[0])
    return [i for i, m in found if form(i, m) == first]


def short_title(text: str, max_words: int) -> str:
    """The opening phrase of the first sentence: up to its first comma, bracket or colon."""
    first = split_sentences(text)[0] if text.strip() else text
    phrase = re.split(r"\s*[,;:(\[—]\s*|\.\s*$", first, maxsplit=1)[0].strip()
    tokens = phrase.split()
    if len(tokens) > max_words:
        return " ".join(tokens[:max_words]).rstrip(",.;:") + "…"
    return phrase.rstrip(".")
