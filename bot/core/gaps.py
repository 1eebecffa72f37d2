"""What the notes could not answer, grouped: the same question asked in other words is one
gap, counted, for a study lead to cover at the next meeting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from bot.core.text import fold

# Two questions are one gap when they share at least this share of their index terms
# (Jaccard): "what is RLHF?" and "what does RLHF mean" share all of theirs.
SAME_GAP = 0.5


class Gap(NamedTuple):
    question: str  # its latest wording
    times: int  # how often it was asked
    last_asked: float  # seconds since the epoch


def group_questions(asked: Sequence[tuple[str, float]],
                    terms: Callable[[str], Sequence[str]]) -> list[Gap]:
    """Questions (text, when asked) grouped by the index terms ``terms`` reads in them (as
    the answer path reads a question: frame words dropped, Portuguese and typos mapped),
    each group under its latest wording; most asked first, then most recent."""
    groups: list[tuple[frozenset[str], list[tuple[str, float]]]] = []
    for text, when in sorted(asked, key=lambda a: -a[1]):
        key_terms = frozenset(terms(text)) or frozenset((fold(text).strip(),))
        for key, members in groups:
            if len(key & key_terms) / len(key | key_terms) >= SAME_GAP:
                members.append((text, when))
                break
        else:
            groups.append((key_terms, [(text, when)]))
    gaps = [Gap(members[0][0], len(members), members[0][1]) for _, members in groups]
    return sorted(gaps, key=lambda g: (-g.times, -g.last_asked))
