"""Measuring answer quality on a question set, and calibrating the abstention threshold.

A question's gold passage is named by a verbatim quote (``expect``; emphasis marks aside,
as a reader sees the text), not by an id, so the set survives re-segmentation and reads
like what a member would point at. A method is any
function from a question to its ranked passages with scores, so the bot and its peers are
measured on the same footing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.corpus import Passage
from bot.core.text import squash

# Marks of emphasis, which a reader does not see as text.
_EMPHASIS = re.compile(r"[*_`]")

Ranking = list[tuple[Passage, float]]
Method = Callable[[str], Ranking]


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[str, ...]  # empty: out of scope
    split: str
    lang: str
    kind: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.expect)


@dataclass(frozen=True)
class DefinitionQuestion:
    """A term a member looks up with /define, and a verbatim quote of the sentence that
    defines it in the reading (None: the reading uses the term without defining it, and
    /define must not pretend it does)."""

    term: str
    expect: str | None
    split: str


@dataclass(frozen=True)
class RiskQuestion:
    """The risks a reading's risk section lists (``items``, in order), as a member reads
    them, with the section's heading, which a group names in ``risks.headings`` when no
    word of the configured list is in it."""

    section: str
    items: tuple[str, ...]


def _seen(text: str) -> str:
    """A quote as a reader sees it, to find it in a passage: folded, white space squashed,
    emphasis marks dropped ("O *risco empírico* é" is the "O risco empírico é" a helper
    copied from another place)."""
    return squash(_EMPHASIS.sub("", text))


def risks_listed(question: RiskQuestion, titles: Sequence[str]) -> bool:
    """Whether /risks lists exactly the section's items, in order (a closing full stop or
    colon aside: "**Model responses are stochastic.**" is titled without it)."""
    def plain(title: str) -> str:
        return squash(title).rstrip(".:")

    return [plain(t) for t in titles] == [plain(t) for t in question.items]


def definitions_found(questions: Sequence[DefinitionQuestion],
                      lookup: Callable[[str], Sequence[str]]) -> tuple[int, int, int]:
    """(defined terms whose definition is found, defined terms asked, terms given a
    definition that is wrong or invented). ``lookup`` gives the definitions /define shows
    (one per document; none when it shows none), each judged on its own: a term is found
    when one of them is the expected one, and counts as wrong when another is not."""
    found = asked = invented = 0
    for question in questions:
        definitions = lookup(question.term)
        if question.expect is None:
            invented += bool(definitions)
            continue
        asked += 1
        right = [_seen(question.expect) in _seen(d) for d in definitions]
        found += any(right)
        invented += not all(right)
    return found, asked, invented


@dataclass(frozen=True)
class Scores:
    n_answerable: int
    n_out_of_scope: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    answered_rate: float | None  # answerable questions answered at the threshold
    refused_rate: float | None  # out-of-scope questions refused at the threshold
    refused_at_90: float
    refused_at_95: float
    pt_recall_at_3: float | None


def gold_rank(question: Question, ranking: Ranking) -> int | None:
    """1-based rank of the first passage that contains an expected quote."""
    wanted = [_seen(e) for e in question.expect]
    for rank, (passage, _) in enumerate(ranking, 1):
        text = _seen(passage.text)
        if any(w in text for w in wanted):
            return rank
    return None


def answer_score(ranking: Ranking, shown: int = 1) -> float:
    """What decides whether a method answers: the best score among the ``shown`` passages
    a reply quotes (the bot's ``answer.top_k``; for a method ranked by its score, the
    first's)."""
    return max((s for _, s in ranking[:shown]), default=0.0)


def score(questions: Sequence[Question], rankings: Sequence[Ranking],
          threshold: float | None = None, shown: int = 1) -> Scores:
    answerable = [(q, r) for q, r in zip(questions, rankings, strict=True) if q.answerable]
    outside = [r for q, r in zip(questions, rankings, strict=True) if not q.answerable]
    ranks = [gold_rank(q, r) for q, r in answerable]
    n = max(len(answerable), 1)
    top = [answer_score(r, shown) for _, r in answerable]
    top_out = [answer_score(r, shown) for r in outside]
    pt = [rank for (q, _), rank in zip(answerable, ranks, strict=True) if q.lang == "pt"]
    answered = refused = None
    if threshold is not None:
        answered = sum(s >= threshold for s in top) / n
        refused = sum(s < threshold for s in top_out) / max(len(outside), 1)
    return Scores(
        n_answerable=len(answerable),
        n_out_of_scope=len(outside),
        recall_at_1=sum(r == 1 for r in ranks) / n,
        recall_at_3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr=sum(1.0 / r for r in ranks if r) / n,
        answered_rate=answered,
        refused_rate=refused,
        refused_at_90=refused_at(top, top_out, 0.90),
        refused_at_95=refused_at(top, top_out, 0.95),
        pt_recall_at_3=(sum(r is not None and r <= 3 for r in pt) / len(pt)) if pt else None,
    )


def refused_at(top_answerable: Sequence[float], top_outside: Sequence[float],
               answered: float) -> float:
    """Share of out-of-scope questions refused by the highest threshold that still answers
    the given share of answerable ones: the refusal a method can buy at that coverage."""
    if not top_answerable or not top_outside:
        return 0.0
    threshold, _ = _coverage_cut(top_answerable, answered)
    return sum(s < threshold for s in top_outside) / len(top_outside)


def _coverage_cut(top_answerable: Sequence[float], answered: float) -> tuple[float, float]:
    """The lowest top score kept when the best ``answered`` share of answerable questions
    is answered, and the next score down (0 when none is left out)."""
    ordered = sorted(top_answerable, reverse=True)
    keep = max(1, math.ceil(round(answered * len(ordered), 9)))  # 0.92 * 50 is not 46.0
    return ordered[keep - 1], ordered[keep] if keep < len(ordered) else 0.0


# The goal is 90% of answerable questions answered. Unseen questions score lower than the
# ones a threshold is fitted on (tests/data/README.md gives the measured gap), so the
# threshold is fitted to answer 97% of the dev split.
ANSWERED_TARGET = 0.97


def calibrate(questions: Sequence[Question], rankings: Sequence[Ranking],
              answered: float = ANSWERED_TARGET, shown: int = 1) -> float:
    """The highest threshold that still answers the given share of answerable questions:
    as many out-of-scope refusals as that coverage allows. A member who is refused an
    answer the summary has is let down as surely as one given a wrong one, so coverage is
    the constraint and refusal what is maximised.

    The threshold sits midway between the last score it keeps and the next one down, so it
    does not rest on one question's score.
    """
    top = [answer_score(r, shown) for q, r in zip(questions, rankings, strict=True)
           if q.answerable]
    if not top:
        raise ValueError("no answerable questions to calibrate on (is the dev split empty?)")
    kept, below = _coverage_cut(top, answered)
    return round((kept + below) / 2, 4)


# Thresholds tried by calibrate_across: the lexical score, and the embedder's cosine.
LEXICAL_GRID = tuple(round(0.0025 * i, 4) for i in range(1, 41))
COSINE_GRID = tuple(round(0.8 + 0.005 * i, 3) for i in range(31))


def calibrate_across(sets: Sequence[Sequence[tuple[bool, float, float]]]) -> tuple[float, float]:
    """The two thresholds of an answer with an embedder, fitted to hold across readings:
    (min_score, dense_min_score), where a question is answered when a passage its reply
    shows reaches the first by its lexical score or the second by its cosine. ``sets``
    holds, for each reading, its questions' (answerable, best lexical score, best cosine)
    among those passages.
    Each reading counts the same however many questions it has (a long question set on
    one reading would otherwise fit the thresholds to that reading's scores); the fit
    maximises the mean over readings of the answerable share answered plus the
    out-of-scope share refused, and of equal fits takes the highest thresholds."""
    if not sets or not all(any(a for a, _, _ in s) and not all(a for a, _, _ in s)
                           for s in sets):
        raise ValueError("each reading needs answerable and out-of-scope questions")
    arrays = [(np.array([a for a, _, _ in s]), np.array([x for _, x, _ in s]),
               np.array([c for _, _, c in s])) for s in sets]
    best: tuple[float, float, float] | None = None
    for lexical in LEXICAL_GRID:
        for cosine in COSINE_GRID:
            total = 0.0
            for answerable, lex, cos in arrays:
                answered = (lex >= lexical) | (cos >= cosine)
                total += answered[answerable].mean() + (~answered[~answerable]).mean()
            if best is None or total >= best[0] - 1e-12:
                best = (total, lexical, cosine)
    assert best is not None
    return best[1], best[2]


def evaluate(method: Method, questions: Sequence[Question]) -> list[Ranking]:
    return [method(q.text) for q in questions]
