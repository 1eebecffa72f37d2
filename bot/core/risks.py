"""The summary's risks, one per paragraph of the section config.yml names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.corpus import Corpus, Passage
from bot.core.text import split_sentences


@dataclass(frozen=True)
class Risk:
    title: str
    passage: Passage

    @property
    def text(self) -> str:
        return self.passage.text


def list_risks(corpus: Corpus, section: str, title_words: int = 8) -> list[Risk]:
    """One risk per passage of the section named ``section``; none when the corpus has no
    such section."""
    return [Risk(short_title(p.text, title_words), p) for p in corpus.section(section)]


def short_title(text: str, max_words: int) -> str:
    """The opening phrase of the first sentence: up to its first comma, bracket or colon."""
    first = split_sentences(text)[0] if text.strip() else text
    phrase = re.split(r"\s*[,;:(\[—]\s*|\.\s*$", first, maxsplit=1)[0].strip()
    tokens = phrase.split()
    if len(tokens) > max_words:
        return " ".join(tokens[:max_words]).rstrip(",.;:") + "…"
    return phrase.rstrip(".")
