"""Questions that ask for a number, and passages that give one.

"How many parameters does GPT-3 have?" shares its rarest words with the passage that names
GPT-3 among the new models, and scores as if that passage answered it; but a passage with
no number in it cannot say how many. Such a question is recognised by the phrase that asks
("how many", "quantos"), and each passage without a number keeps only a share of its score,
so the question is refused unless a passage that does give a number answers it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.core.text import Cues, fold, words

# A number that starts a token: "10×", "40", "2048 tokens"; not the digit of a name such as
# "GPT-3" or "T5", which says which model.
_NUMBER = re.compile(r"(?<![\w-])\d+")
# Nor a year, which says when: 19xx or 20xx that closes a clause or a citation ("By the end
# of 2018:", "[Vaswani et al. 2017]", in bold or italics too: "**Maio de 2020**,"), names a
# decade ("the 1990s") or follows a word of time ("Around 2013 (word embeddings)").
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_AFTER = frozenset(("", "s", ")", "]", ",", ".", ";", ":"))
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|until|around|after|before|circa|early|late|mid|year|em|desde|ate|"
    r"apos|antes|ano)\s+|[(\[]\s*|\bet al\.?\s*)$", re.IGNORECASE)


class NumberQuestions:
    """Tells a question that asks how many from the others, and a passage that says.

    Parameters
    ----------
    cues : phrases that make a question ask for a number ("how many", "quantos").
    number_words : single words that give a number in a passage ("three", "millions", "mil").

    Whether a passage gives a number is worked out when a number question first ranks it,
    not up front: on a large corpus that would be a scan of every passage at start for the
    few questions that ask how many.
    """

    def __init__(self, cues: Sequence[str], number_words: Sequence[str]) -> None:
        self.cues = Cues(cues, "answer.number_cues")
        split = [words(n) for n in number_words]
        if any(len(w) != 1 for w in split):
            raise ValueError("answer.number_words: each entry must be one word, got "
                             f"{list(number_words)!r}")
        self.number_words = frozenset(w[0] for w in split)
        self.gives_number = lru_cache(maxsize=4096)(self._gives_number)

    def asks(self, tokens: Sequence[str]) -> bool:
        """Whether a question (its ``text.words``) asks for a number."""
        return bool(self.cues.at(tokens))

    def _gives_number(self, text: str) -> bool:
        return any(not _is_year(text, m) for m in _NUMBER.finditer(text)) or \
            not self.number_words.isdisjoint(words(text))


def _is_year(text: str, number: re.Match[str]) -> bool:
    if not _YEAR.fullmatch(number.group()):
        return False
    start, end = number.span()
    before = fold(text[max(0, start - 20):start])
    after = text[end:end + 3].lstrip("*_")[:1]  # a year in bold or italics: "**Maio de 2020**,"
    return after in _YEAR_AFTER or bool(_YEAR_BEFORE.search(before))
