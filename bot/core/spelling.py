"""Words one edit away from a typed word, for typo repair.

One edit is a letter missing, one character too many, one character replaced by a letter,
or two neighbours swapped. Trying every edit of the typed word (about 450 strings for eight
letters) cost some 65 us per unknown word: most of what a question spent on its first
unknown word. Two words one edit apart always share a *delete*, the word with one character
removed or none (Garbe's SymSpell, at distance 1), so the index keeps the deletes of every
word it knows and a typed word looks up only its own n + 1 deletes: about 7 us.

The deletes are kept as sorted 64-bit hashes in numpy arrays, not as strings in a dict: at
100k passages the 460,000 deletes of 48,000 words take 7 MB rather than 75. Every candidate
is then checked against the typed word, so neither a hash collision nor two words that share
a delete but are two edits apart ("abcd" and "bcde") is ever returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

import numpy as np

LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")  # what a missing or wrong letter may be


def one_edit(typed: str, word: str) -> bool:
    """Whether ``word`` is ``typed`` with one letter added, one character dropped, one
    character replaced by another letter, or two different neighbours swapped."""
    shorter = min(len(typed), len(word))
    i = 0
    while i < shorter and typed[i] == word[i]:
        i += 1
    if len(word) == len(typed) + 1:
        return word[i] in LETTERS and typed[i:] == word[i + 1:]
    if len(word) == len(typed) - 1:
        return typed[i + 1:] == word[i:]
    if len(word) != len(typed) or i == len(typed):
        return False
    if typed[i + 1:] == word[i + 1:]:
        return word[i] in LETTERS
    return (i + 1 < len(typed) and typed[i] == word[i + 1] and typed[i + 1] == word[i]
            and typed[i + 2:] == word[i + 2:])


def _deletes(word: str) -> list[int]:
    """Hashes of the word with each character removed, and of the word itself (the last)."""
    return [hash(word[:i] + word[i + 1:]) for i in range(len(word) + 1)]


# Ends the sorted keys, so that every probe's insertion point is a key to compare with. A
# probe with this very hash finds no words: the sentinel owns none (its owners start and end
# at the last owner).
_SENTINEL = np.iinfo(np.int64).max


class OneEditIndex:
    """The known words one edit away from a typed word (``neighbours``)."""

    def fit(self, words: Iterable[str]) -> Self:
        self.words_ = list(dict.fromkeys(words))
        keys = np.array([hash(word[:i] + word[i + 1:]) for word in self.words_
                         for i in range(len(word) + 1)], dtype=np.int64)  # _deletes, inlined
        owners = np.repeat(np.arange(len(self.words_), dtype=np.int32),
                           [len(word) + 1 for word in self.words_])
        order = np.argsort(keys, kind="stable")
        keys, self.owners_ = keys[order], owners[order]
        first = np.ones(keys.size, dtype=bool)  # a delete's first entry among the sorted
        first[1:] = keys[1:] != keys[:-1]
        self.keys_ = np.append(keys[first], _SENTINEL)  # distinct deletes, then the sentinel
        self.starts_ = np.append(np.flatnonzero(first), [keys.size, keys.size]).astype(np.int32)
        return self

    def neighbours(self, typed: str) -> list[str]:
        """Known words one edit away (``one_edit``), not the typed word itself."""
        probes = np.array(_deletes(typed), dtype=np.int64)
        at = np.searchsorted(self.keys_, probes)
        starts, owners, words = self.starts_, self.owners_, self.words_
        found: set[int] = set()
        for key in at[self.keys_[at] == probes].tolist():
            found.update(owners[starts[key]:starts[key + 1]].tolist())
        return [words[i] for i in found if one_edit(typed, words[i])]
