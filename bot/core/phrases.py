"""Phrases in a question: a run of words that stands for other terms as a whole.

"modelos de fundação" is the reading's "foundation models", a correction may span words, and
a phrase of the field's jargon ("learning rate") counts as the one unknown word it is. Words
meet a phrase by their phrase keys (``QueryParser.key``: "models" and "model" share one),
and phrases are looked up by the keys of their first two words, longest phrase first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

Key = tuple[str, ...]


class PhraseMatcher:
    """Replaces the phrases found in a question's words by the terms they stand for.

    Attributes
    ----------
    by_pair_ : (first key, second key) -> the phrases starting with those two words, as
        (the phrase's keys, the terms it stands for), longest first and otherwise in the
        order given, so the first that matches wins.
    """

    def fit(self, phrases: Sequence[tuple[Key, tuple[str, ...]]]) -> Self:
        """``phrases``: (the phrase's word keys, at least two; its terms)."""
        by_pair: dict[Key, list[tuple[Key, tuple[str, ...]]]] = {}
        for key, terms in sorted(phrases, key=lambda phrase: -len(phrase[0])):
            by_pair.setdefault(key[:2], []).append((key, terms))
        self.by_pair_ = by_pair
        return self

    def terms(self, keys: Sequence[str], word_terms: Sequence[tuple[str, ...]]) -> list[str]:
        """A question's terms: each word's own (``word_terms``), except where a phrase's
        words are (``keys``: each word's phrase key), which give the phrase's terms. Phrases
        are read left to right and do not overlap."""
        out: list[str] = []
        done = 0  # words before this one are in ``out``
        for at in range(len(keys) - 1):
            if at < done:
                continue
            for key, terms in self.by_pair_.get((keys[at], keys[at + 1]), ()):
                if tuple(keys[at:at + len(key)]) == key:
                    for own in word_terms[done:at]:
                        out += own
                    out += terms
                    done = at + len(key)
                    break
        for own in word_terms[done:]:
            out += own
        return out
