"""A document's own synonyms, indexed with its passages.

A member's word for what a reading calls something else ("misuse" for the summary's
"misconduct") is the document's business, not every reading's: it is added to the second
field of that document's passages that hold the words it stands for, so a question with
the member's word finds them, while the question itself keeps its words and other readings
are untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.corpus import Passage
from bot.core.resources import Thesaurus
from bot.core.text import Analyzer


def synonym_labels(passages: Sequence[Passage], synonyms: Mapping[str, Thesaurus],
                   analyzer: Analyzer) -> dict[str, list[str]]:
    """Passage id -> the member's words (keys of its document's synonyms) whose every
    target term the passage's text has."""
    labels: dict[str, list[str]] = {}
    by_document: dict[str, list[Passage]] = {}
    for passage in passages:
        by_document.setdefault(passage.document, []).append(passage)
    for document, found in by_document.items():
        table = synonyms.get(document)
        if table is None:
            continue
        has: dict[str, set[str]] = {}  # term -> passage ids with it
        for passage in found:
            for term in analyzer(passage.text):
                has.setdefault(term, set()).add(passage.id)
        for key, targets in table.merged().items():
            for target in targets:
                terms = analyzer(target)
                if not terms:
                    continue
                holders = set.intersection(*(has.get(t, set()) for t in terms))
                for passage_id in sorted(holders):
                    labels.setdefault(passage_id, []).append(key)
    return labels
