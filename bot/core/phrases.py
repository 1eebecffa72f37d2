"""Phrases in a question: a run of words that stands for other terms as a whole.

"modelos de fundação" is the reading's "foundation models", a correction may span words, and
a phrase of the field's jargon ("learning rate") counts as the one unknown word it is. Words
meet a phrase by their phrase keys (``QueryParser.key``: "models" and "model" share one),
and phrases are looked up by the keys of their first two words, longest phrase first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Self

Key = tuple[str, ...]


class Phrase(NamedTuple):
    """A run of words that stands for other terms."""

    key: Key
    """Its words' phrase keys, at least two."""
    terms: tuple[str, ...]
    """The terms it stands for."""
    added: bool = False
    """Whether the terms are only added beside the member's own words (a thesaurus
    phrase the corpus itself writes), rather than put in their place (an OCR slip, a name
    that stands whole, a phrase in words the corpus does not write)."""


class PhraseMatcher:
    """Replaces the phrases found in a question's words by the terms they stand for, or
    adds the terms beside the words (``Phrase.added``).

    Attributes
    ----------
    by_pair_ : (first key, second key) -> the phrases starting with those two words,
        longest first and otherwise in the order given, so the first that matches wins.
    """

    def fit(self, phrases: Sequence[Phrase]) -> Self:
        by_pair: dict[Key, list[Phrase]] = {}
        for phrase in sorted(phrases, key=lambda phrase: -len(phrase.key)):
            by_pair.setdefault(phrase.key[:2], []).append(phrase)
        self.by_pair_ = by_pair
        return self

    def terms(self, keys: Sequence[str], word_terms: Sequence[tuple[str, ...]],
              word_added: Sequence[tuple[str, ...]]) -> tuple[list[str], list[str]]:
        """A question's terms and the alternatives added to them: each word's own
        (``word_terms``, ``word_added``), except where a phrase's words are (``keys``: each
        word's phrase key), which give the phrase's terms instead, or beside their own.
        Phrases are read left to right and do not overlap."""
        out: list[str] = []
        added: list[str] = []
        done = 0  # words before this one are in ``out``

        def own(words: slice) -> None:
            for terms in word_terms[words]:
                out.extend(terms)
            for terms in word_added[words]:
                added.extend(terms)

        for at in range(len(keys) - 1):
            if at < done:
                continue
            for key, terms, beside in self.by_pair_.get((keys[at], keys[at + 1]), ()):
                end = at + len(key)
                if tuple(keys[at:end]) == key:
                    if beside:
                        own(slice(done, end))
                        added.extend(terms)
                    else:
                        own(slice(done, at))
                        out.extend(terms)
                    done = end
                    break
        own(slice(done, None))
        return out, added
