"""From a member's question to the corpus's terms.

Documents are clean; questions are not. Before analysis a question is mapped onto the
summary's own words: OCR slips it copied ("Al"), words the corpus never uses but a student
does (the thesaurus, Portuguese included), filler that only frames the question ("explain",
"summary"), and typos fixed against the corpus vocabulary (one edit away).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import ConfigError
from bot.core.text import Analyzer, fold, words


@dataclass(frozen=True)
class Thesaurus:
    """Query-side vocabulary data from corpus/thesaurus.yml."""

    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path) -> Thesaurus:
        if not path.exists():
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML") from exc
        if not isinstance(data, dict) or set(data) - {"synonyms", "ignore"}:
            raise ConfigError(f"{path}: expected the keys 'synonyms' and 'ignore' only")
        synonyms = data.get("synonyms") or {}
        ignore = data.get("ignore") or []
        if not isinstance(synonyms, dict) or not isinstance(ignore, list):
            raise ConfigError(f"{path}: 'synonyms' must be a mapping and 'ignore' a list")
        table: dict[str, tuple[str, ...]] = {}
        for key, value in synonyms.items():
            targets = [value] if isinstance(value, str) else value
            if not isinstance(key, str) or not isinstance(targets, list) or not all(
                isinstance(t, str) for t in targets
            ):
                raise ConfigError(f"{path}: synonym {key!r} must map to a word or a list of words")
            table[" ".join(words(key))] = tuple(" ".join(words(t)) for t in targets)
        return cls(table, frozenset(" ".join(words(str(w))) for w in ignore))


class QueryParser:
    """Turns a question into index terms; fitted on the index vocabulary for typo repair."""

    def __init__(self, analyzer: Analyzer, *, thesaurus: Thesaurus | None = None,
                 corrections: Mapping[str, str] | None = None, spelling_correction: bool = True,
                 spelling_min_length: int = 5) -> None:
        self.analyzer = analyzer
        self.thesaurus = thesaurus or Thesaurus()
        self.corrections = corrections or {}
        self.spelling_correction = spelling_correction
        self.spelling_min_length = spelling_min_length

    def fit(self, corpus_words: Iterable[str], vocabulary: Mapping[str, float]) -> QueryParser:
        """Learn which surface words the corpus uses, keyed by their one-letter deletions."""
        self.vocabulary_ = vocabulary
        self.corrections_ = {fold(k): fold(v) for k, v in self.corrections.items()}
        phrases = {**self.corrections_, **{k: " ".join(v) for k, v in
                                           self.thesaurus.synonyms.items()}}
        multiword = sorted((k for k in phrases if " " in k), key=len, reverse=True)
        self._phrases = [(re.compile(rf"\b{re.escape(k)}\b"), phrases[k]) for k in multiword]
        frequency: dict[str, int] = {}
        for word in corpus_words:
            if len(word) >= self.spelling_min_length and self.analyzer.term(word):
                frequency[word] = frequency.get(word, 0) + 1
        self.known_words_ = frozenset(frequency)
        deletions: dict[str, str] = {}
        for word in sorted(frequency, key=lambda w: (-frequency[w], w)):
            for variant in _deletions(word):
                deletions.setdefault(variant, word)
        self.deletions_ = deletions
        return self

    def terms(self, question: str) -> list[str]:
        text = " ".join(words(question))
        for pattern, replacement in self._phrases:
            text = pattern.sub(replacement, text)
        terms: list[str] = []
        for word in text.split():
            for mapped in self._map_word(word):
                term = self.analyzer.term(mapped)
                if term is not None:
                    terms.append(term)
        return terms

    def _map_word(self, word: str) -> Iterable[str]:
        word = self.corrections_.get(word, word)
        if word in self.thesaurus.ignore:
            return ()
        targets = self.thesaurus.synonyms.get(word)
        if targets is not None:
            known = self.analyzer.term(word) in self.vocabulary_
            return (*((word,) if known else ()), *" ".join(targets).split())
        term = self.analyzer.term(word)
        if term is None or term in self.vocabulary_ or not self.spelling_correction:
            return (word,)
        return (self.correct(word),)

    def correct(self, word: str) -> str:
        """The corpus word one edit away, if there is one.

        A missing or extra letter is repaired from five letters on; a wrong letter only
        from seven, since in short words it turns one real word into another ("bread" is
        not a typo of "broad").
        """
        if len(word) < self.spelling_min_length:
            return word
        missing_letter = self.deletions_.get(word)
        if missing_letter is not None:
            return missing_letter
        variants = _deletions(word)
        extra_letter = next((v for v in variants if v in self.known_words_), None)
        if extra_letter is not None:
            return extra_letter
        if len(word) >= self.spelling_min_length + 2:
            for variant in variants:
                wrong_letter = self.deletions_.get(variant)
                if wrong_letter is not None:
                    return wrong_letter
        return word


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]
