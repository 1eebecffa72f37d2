"""The passages and questions every method is measured on.

Two kinds of corpus. The summary is the bot's real workload (thirty passages, the study
group's own questions), so its figures are the ones users feel today. The synthetic corpora
answer "what happens when the reading list grows": their words follow a Zipf law like natural
text, so some terms have postings that cover most passages (the expensive case for any
term-at-a-time scorer) while most are rare. They are generated, not shuffled copies of the
summary: copies would repeat one small vocabulary and flatter every index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from bot.core.corpus import Passage

SEED = 20240611
VOCABULARY_SIZE = 50_000
ZIPF_EXPONENT = 1.1
PASSAGE_WORDS = (20, 120)  # inclusive range of words per passage
SENTENCE_WORDS = (6, 18)  # so the bot's best-sentence step has several sentences to weigh
QUERY_WORDS = (2, 8)
UNKNOWN_WORD_RATE = 0.25  # share of queries carrying one word the corpus never uses
FRAMED_RATE = 0.3  # share of queries phrased as a question ("what is ...")
FRAMES = ("what is", "how does", "why do", "explain", "what about the")

_ONSETS = ("", "b", "br", "c", "d", "dr", "f", "g", "gl", "h", "j", "k", "l", "m", "n", "p",
           "pl", "qu", "r", "s", "st", "t", "tr", "v", "w", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")
_CODAS = ("", "", "", "n", "r", "s", "l", "m", "t", "nd", "st")
# Both peers' lists: a pseudo-word one tokenizer drops and another keeps would skew them.
_STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(STOPWORDS_EN)


@dataclass(frozen=True)
class Workload:
    """A corpus and the questions asked of it; ``rounds`` repeats a short question list."""

    name: str
    passages: tuple[Passage, ...]
    queries: tuple[str, ...]
    warmup: tuple[str, ...]
    rounds: int = 1


def summary_workload(config: Path, questions: Path, rounds: int) -> Workload:
    """The summary as the bot loads it (its passages only: the bench builds each method's
    index itself), and every question of the evaluation set."""
    from bot.config import load_settings
    from bot.core.corpus import load_corpus
    from bot.loading import load_questions, load_resources

    settings = load_settings(config)
    corrections = load_resources(settings).corrections_by_document()
    passages = load_corpus(settings.corpus.path, corrections).passages
    queries = tuple(q.text for q in load_questions(questions))
    return Workload("summary", tuple(passages), queries, queries[:20], rounds)


class ZipfText:
    """Pseudo-words of random syllables with Zipf-distributed frequencies, from a seeded RNG.

    Words are made of syllables so that the stemmer, the tokenizers and the bot's one-edit
    spelling correction all see word-like strings; English stop words (sklearn's and
    bm25s's lists) are excluded so every method keeps the same vocabulary.
    """

    def __init__(self, seed: int = SEED, size: int = VOCABULARY_SIZE,
                 exponent: float = ZIPF_EXPONENT) -> None:
        self.rng = np.random.default_rng(seed)
        words = self._pseudo_words(size + 5_000)
        self.unknown = words[size:]  # same look, never in any passage
        # Frequent words are short in natural text (Zipf's law of abbreviation).
        self.words = np.array(sorted(words[:size], key=len), dtype=object)
        weights = np.arange(1, size + 1, dtype=np.float64) ** -exponent
        self._cdf = np.cumsum(weights / weights.sum())

    def _pseudo_words(self, n: int) -> list[str]:
        """Unique candidates, drawn in vectorised batches (scalar RNG calls would take
        seconds for 55k words)."""
        seen: set[str] = set()
        out: list[str] = []
        rng = self.rng
        while len(out) < n:
            batch = 2 * (n - len(out)) + 1000
            n_syllables = rng.integers(1, 4, batch)
            onsets = rng.integers(len(_ONSETS), size=(batch, 3))
            vowels = rng.integers(len(_VOWELS), size=(batch, 3))
            codas = rng.integers(len(_CODAS), size=(batch, 3))
            for count, on, vo, co in zip(n_syllables.tolist(), onsets.tolist(),
                                         vowels.tolist(), codas.tolist(), strict=True):
                word = "".join(_ONSETS[on[s]] + _VOWELS[vo[s]] + _CODAS[co[s]]
                               for s in range(count))
                if len(word) >= 3 and word not in seen and word not in _STOP_WORDS:
                    seen.add(word)
                    out.append(word)
                    if len(out) == n:
                        break
        return out

    def draw(self, n: int) -> np.ndarray:
        """n words, by inverse-CDF sampling (one vectorised call, fast at 7M words)."""
        ranks = np.searchsorted(self._cdf, self.rng.random(n), side="right")
        return self.words[np.minimum(ranks, len(self.words) - 1)]

    def passages(self, n: int) -> tuple[Passage, ...]:
        lengths = self.rng.integers(PASSAGE_WORDS[0], PASSAGE_WORDS[1] + 1, n)
        pool = self.draw(int(lengths.sum())).tolist()
        out = []
        start = 0
        for i, length in enumerate(lengths.tolist(), 1):
            text = self._sentences(pool[start:start + length])
            start += length
            out.append(Passage(f"synthetic#p-{i}", "synthetic", "Synthetic", ("Synthetic",),
                               i, text))
        return tuple(out)

    def _sentences(self, words: list[str]) -> str:
        sentences = []
        i = 0
        while i < len(words):
            j = i + int(self.rng.integers(SENTENCE_WORDS[0], SENTENCE_WORDS[1] + 1))
            chunk = words[i:j]
            sentences.append(" ".join([chunk[0].capitalize(), *chunk[1:]]) + ".")
            i = j
        return " ".join(sentences)

    def queries(self, n: int) -> tuple[str, ...]:
        out = []
        for _ in range(n):
            words = self.draw(int(self.rng.integers(QUERY_WORDS[0], QUERY_WORDS[1] + 1))).tolist()
            if self.rng.random() < UNKNOWN_WORD_RATE:
                words[int(self.rng.integers(len(words)))] = self.unknown[
                    int(self.rng.integers(len(self.unknown)))]
            if self.rng.random() < FRAMED_RATE:
                words.insert(0, FRAMES[int(self.rng.integers(len(FRAMES)))])
            out.append(" ".join(words))
        return tuple(out)


def synthetic_workload(name: str, n_passages: int, n_queries: int, n_warmup: int = 20,
                       seed: int = SEED) -> Workload:
    """Seeded per size, so a corpus does not change when another size is added or dropped."""
    text = ZipfText(seed + n_passages)
    passages = text.passages(n_passages)
    queries = text.queries(n_queries + n_warmup)
    return Workload(name, passages, queries[n_warmup:], queries[:n_warmup])
