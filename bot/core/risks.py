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
    passages = corpus.section(section)
    if not passages:
        known = ", ".join(dict.fromkeys(p.section for p in corpus.passages))
        raise ValueError(
            f"risks.section: no section named {section!r} in the corpus (sections: {known})"
        )
    return [Risk(short_title(p.text, title_words), p) for p in passages]


def short_title(text: str, max_words: int) -> str:
    """The opening phrase of the first sentence: up to its first comma, bracket or colon."""
    first = split_sentences(text)[0] if text.strip() else text
    phrase = re.split(r"\s*[,;:(\[—]\s*|\.\s*$", first, maxsplit=1)[0].strip()
    tokens = phrase.split()
    if len(tokens) > max_words:
        return " ".join(tokens[:max_words]).rstrip(",.;:") + "…"
    return phrase.rstrip(".")
