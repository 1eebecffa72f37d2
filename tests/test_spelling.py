"""The typo index against the plain way of finding words one edit away: every edit of the
typed word, looked up one by one."""

import random

import pytest

from bot.core.spelling import OneEditIndex, one_edit

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def every_edit(word: str) -> set[str]:
    """A letter inserted, a character deleted, a character replaced by a letter, two
    neighbours swapped: the edits typo repair accepts."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + c + b for a, b in splits for c in LETTERS}
            | {a + b[1:] for a, b in splits if b}
            | {a + c + b[1:] for a, b in splits if b for c in LETTERS}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}) - {word}


def test_the_index_finds_exactly_the_words_one_edit_away():
    rng = random.Random(7)
    alphabet = "aabeilmnorst019"  # few letters, so that many words are one edit apart
    known = {"".join(rng.choices(alphabet, k=rng.randint(1, 9))) for _ in range(3000)}
    known |= {"hello", "helo", "abba", "baba", "abcd", "bcde", "100000", "10000"}
    index = OneEditIndex().fit(sorted(known))
    typed = sorted(known)[:500] + ["".join(rng.choices(alphabet, k=rng.randint(1, 10)))
                                   for _ in range(5000)]
    found_any = 0
    for word in typed:
        expected = every_edit(word) & known
        assert set(index.neighbours(word)) == expected, word
        found_any += bool(expected)
    assert found_any > 1000  # the comparison was not between empty sets


@pytest.mark.parametrize(("typed", "word", "expected"), [
    ("emergnce", "emergence", True),  # a letter missing
    ("emergeence", "emergence", True),  # one too many
    ("emergenke", "emergence", True),  # one wrong
    ("emegrence", "emergence", True),  # two swapped
    ("abcd", "bcde", False),  # they share a delete, "bcd", but are two edits apart
    ("emergence", "emergence", False),
    ("10000", "100000", False),  # a missing character must be a letter
    ("2022", "20222", False),
])
def test_one_edit(typed, word, expected):
    assert one_edit(typed, word) is expected


def test_an_empty_index_finds_nothing():
    assert OneEditIndex().fit([]).neighbours("emergence") == []


@pytest.fixture(scope="module")
def typos():
    from bot.core.spelling import TypoRepair

    return TypoRepair(5).fit({"broad": 1.0, "emergence": 1.0, "models": 1.0}, ["happened"])


@pytest.mark.parametrize(("typed", "repaired"), [
    ("broadd", "broad"),  # one letter too many, from five letters on
    ("brod", "brod"),  # four letters: too short to repair
    ("bread", "bread"),  # a wrong letter in a short word is another word, not a typo
    ("modelz", "modelz"),  # still short: six letters
    ("emergenxe", "emergence"),  # a wrong letter from seven letters on
    ("emegrence", "emergence"),  # two letters swapped
    ("happend", "happened"),  # a word that only frames a question, a letter missing
    ("happenedd", "happenedd"),  # but not with one too many: "causal" is not "causa"
])
def test_typo_repair_rules(typos, typed, repaired):
    assert typos.correct(typed) == repaired
