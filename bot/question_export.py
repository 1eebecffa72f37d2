"""The group's kept questions as a question set that ``python -m bot eval`` reads.

Answered questions whose answer members voted up (more 👍 than 👎) become answerable ones,
with a verbatim quote of the answer's first passage as the expected answer; unanswered ones
become out-of-scope candidates. Every item lands in the dev split: a lead reviews the file
(an unanswered question may be one the notes do answer, in other words) and moves some to
test before adding them to a set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from bot.core.knowledge import Knowledge
from bot.core.text import fold, language_of, split_sentences
from bot.store import Kept

QUOTE_CHARS = 120  # an expected answer names its passage; it need not copy all of it

HEADER = """\
# Questions the group asked, exported by `python -m bot export-questions`. Review before
# use: an answerable question's `expect` is the start of the passage members voted up; an
# out-of-scope one is a question the notes did not answer (check that they really don't).
# Everything is in the dev split: move some to `test`, which is never tuned on.
"""


def export_questions(knowledge: Knowledge, kept: Sequence[Kept]) -> tuple[str, int, int]:
    """(the YAML text, answerable questions, out-of-scope ones) from the store's questions,
    oldest first. Questions refused for their form (too long, no words of substance) are
    neither."""
    passages = {p.id: p for p in knowledge.corpus.passages}
    answerable: list[dict[str, Any]] = []
    outside: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in kept:
        question = row.text.strip()
        if not question or fold(question) in seen:
            continue
        passage = passages.get(row.passage_id or "")
        if row.answered and passage is not None and row.up > row.down:
            answerable.append({"q": question, "expect": _quote(passage.text), "split": "dev",
                               "lang": language_of(question)})
        elif row.reason == "not_covered":
            outside.append({"q": question, "split": "dev", "lang": language_of(question)})
        else:
            continue
        seen.add(fold(question))
    body = yaml.safe_dump({"answerable": answerable, "out_of_scope": outside},
                          allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body, len(answerable), len(outside)


def _quote(text: str) -> str:
    """The passage's first sentence, cut at a word under QUOTE_CHARS: verbatim, so the
    eval finds the passage by it."""
    first = next(iter(split_sentences(text)), text).strip()
    if len(first) <= QUOTE_CHARS:
        return first
    cut = first[:QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut or first[:QUOTE_CHARS]
