"""Typo repair: the corpus word one edit away from a word the corpus does not know.

One edit is a letter missing, one character too many, one character replaced by a letter,
or two neighbours swapped. Two words one edit apart always share a *delete*, the word with
one character removed or none (Garbe's SymSpell, at distance 1), so the index keeps the
deletes of every word it knows and a typed word looks up only its own n + 1 deletes instead
of generating every edit of itself.

The deletes are kept as sorted 64-bit hashes in numpy arrays rather than strings in a dict,
a tenth of the memory on a large corpus. Every candidate is then checked
against the typed word, so neither a hash collision nor two words that share a delete but
are two edits apart ("abcd" and "bcde") is ever returned.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
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
    """The known words one edit away from a typed word (``neighbours``).

    Attributes
    ----------
    words_ : the known words, each once, in the order given.
    keys_ : the distinct hashes of their deletes, sorted, then a sentinel.
    starts_ : for each key, where its owners start in ``owners_`` (and the next key's start).
    owners_ : positions in ``words_`` of the words that have each delete, key by key.
    """

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


class TypoRepair:
    """For a word the corpus does not know: the corpus word one edit away, if there is one;
    else a word that only frames a question (one the thesaurus ignores) that the typed word
    lacks a letter of: "happend" is "happened", not an unknown topic.

    A missing or extra letter is repaired from ``min_length`` letters on; a wrong or swapped
    letter only from ``min_length + 2``, since in short words it turns one real word into
    another ("bread" is not a typo of "broad"). A frame word is reached only through a
    missing letter: an extra one reads real words as frame words ("causal" is not "causa").

    Parameters
    ----------
    min_length : shorter words are never repaired.

    Attributes
    ----------
    known_ : corpus word -> the idf of its term; among several candidates the most common
        term (lowest idf) wins, then the first in alphabetical order.
    frame_words_ : the frame words a typo may be repaired to.
    edits_ : the ``OneEditIndex`` of both.
    """

    def __init__(self, min_length: int = 5) -> None:
        self.min_length = min_length

    def fit(self, known: Mapping[str, float], frame_words: Collection[str]) -> Self:
        self.known_ = {w: idf for w, idf in known.items() if len(w) >= self.min_length}
        self.frame_words_ = frozenset(w for w in frame_words
                                      if len(w) >= self.min_length and w not in self.known_)
        self.edits_ = OneEditIndex().fit([*self.known_, *sorted(self.frame_words_)])
        return self

    def correct(self, word: str) -> str:
        """The repaired word, or the word itself when nothing is one edit away."""
        if len(word) < self.min_length:
            return word
        found = self.edits_.neighbours(word)
        known, longer = self.known_, len(word) + 1
        substitutes = len(word) >= self.min_length + 2
        fixes = [w for w in found if w in known and (substitutes or len(w) != len(word))]
        if fixes:
            return min(fixes, key=lambda w: (known[w], w))
        return min((w for w in found if w not in known and len(w) == longer), default=word)
