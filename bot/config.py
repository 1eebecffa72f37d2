"""Typed settings read from config.yml.

Every section is a frozen dataclass whose fields are the only keys allowed, so a typo in
config.yml stops the program with one line naming the file, the key and what was expected,
instead of silently falling back to a default.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

DEFAULT_CONFIG_PATH = Path("config.yml")


class ConfigError(Exception):
    """A problem with config.yml or the corpus, worded for the person who runs the bot."""


def bounded(default: float, low: float | None, high: float | None = None) -> Any:
    """A numeric setting's default and its allowed range (inclusive; None: unbounded),
    checked when config.yml is read."""
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class CorpusSettings:
    """The documents' folder. A document's own data (its corrections, its curated glossary)
    sits beside it: ``notes.yml`` for ``notes.md``."""

    path: Path = Path("corpus")
    # Where conversions of .pdf, .docx and .html readings are kept between starts (relative
    # to the config file's folder; null: none).
    cache: Path | None = Path(".cache/readings")
    # Sections whose heading has one of these words list sources, not answers: they are
    # never quoted as an answer (a paper's title shares every word of a question about it).
    reference_headings: tuple[str, ...] = ("References", "Bibliography", "Further reading",
                                           "Reading list", "See also", "Referências",
                                           "Bibliografia", "Leituras", "Ver também",
                                           "Veja também")


@dataclass(frozen=True)
class LanguageSettings:
    """Resources that hold for any reading (null: none); relative paths start at the
    config file's folder."""

    thesaurus: Path | None = Path("language/thesaurus.yml")
    jargon: Path | None = Path("language/jargon.yml")


@dataclass(frozen=True)
class RetrievalSettings:
    stemmer: str = "english"
    query_languages: tuple[str, ...] = ("english", "portuguese")
    sublinear_tf: bool = True
    heading_weight: float = bounded(1.0, 0.0)
    length_slope: float = bounded(1.0, 0.01, 1.0)
    unknown_word_weight: float = bounded(1.0, 0.01)
    jargon_weight: float = bounded(1.0, 0.01)
    # What the thesaurus adds beside a member's word weighs this much against the word.
    added_word_weight: float = bounded(0.5, 0.0, 1.0)
    spelling_correction: bool = True
    spelling_min_length: int = bounded(5, 2)
    # A sentence embedder beside TF-IDF: multilingual-e5-small, or null.
    embedder: Literal["multilingual-e5-small"] | None = None
    dense_weight: float = bounded(0.7, 0.0, 1.0)  # its share of the ranking
    # A passage of several sentences: the share of its best sentence's cosine in its own.
    sentence_weight: float = bounded(0.5, 0.0, 1.0)
    # Its share when the question's words match a passage well (a lexical score of
    # matched_score or more): the words lead there, meaning leads where they miss.
    matched_dense_weight: float = bounded(0.45, 0.0, 1.0)
    matched_score: float = bounded(0.05, 0.0, 1.0)
    # Its share for a passage in another language than the question's, when no passage in
    # that language matches the question's words well: their few shared words are chance.
    cross_dense_weight: float = bounded(0.8, 0.0, 1.0)
    # The embedder's latent terms' share of the ranking (an embedder that reads them:
    # multilingual-e5-small's sparse head), half of it from the words' share and half from
    # the cosine's. 0: not read.
    latent_weight: float = bounded(0.3, 0.0, 1.0)
    # Added to a passage's cosine by the question's language and the passage's (the group's
    # two, told by function words): the embedder scores a translation lower than the same
    # meaning in one language, and two Portuguese texts higher than two English ones.
    offset_pt_en: float = bounded(0.0, -0.2, 0.2)  # a Portuguese question, English passage
    offset_en_pt: float = bounded(0.0, -0.2, 0.2)  # an English question, Portuguese passage
    offset_pt_pt: float = bounded(0.0, -0.2, 0.2)  # both Portuguese


@dataclass(frozen=True)
class AnswerSettings:
    top_k: int = bounded(3, 1, 25)
    # A score is a cosine times a share of the question: never above 1.
    min_score: float = bounded(0.1, 0.0, 1.0)
    max_question_chars: int = bounded(1000, 1)
    refusal_terms: int = bounded(5, 0, 25)
    number_cues: tuple[str, ...] = ()
    number_words: tuple[str, ...] = ()
    number_weight: float = bounded(1.0, 0.0, 1.0)
    # Phrases that open a question asking what a term is: the passage that defines the
    # term (the glossary's entry, or a defining sentence among the ten best) comes first.
    definition_cues: tuple[str, ...] = ()
    # Words that may stand inside such a phrase ("what exactly is").
    definition_fillers: tuple[str, ...] = ()
    # Phrases that make a question ask what an abbreviation stands for: the sentence that
    # spells it out answers.
    expansion_cues: tuple[str, ...] = ()
    # With an embedder: the cosine at which it alone is enough to answer.
    dense_min_score: float = bounded(0.87, 0.0, 1.0)


@dataclass(frozen=True)
class GlossarySettings:
    patterns: tuple[str, ...] = ()
    # The signs of a defining sentence in any reading (bot/core/definitions.py).
    copulas: tuple[str, ...] = ("is", "are", "means", "refers", "denotes", "is like",
                                "are like", "é um", "é uma", "é o", "é a", "são",
                                "significa", "refere", "são como", "combines",
                                "integrates", "consists of", "combina", "integra",
                                "consiste em", "aims", "aim", "stands for", "is short for",
                                "converts", "computes", "represents", "describes", "mede",
                                "converte", "transforma", "divide", "dividem",
                                "representa", "descreve", "happens when", "occurs when",
                                "acontece quando", "ocorre quando", "é quando",
                                "is nothing but", "are nothing but", "is nothing more than",
                                "are nothing more than", "nada mais é", "nada mais são")
    cues: tuple[str, ...] = ("defin",)
    naming: tuple[str, ...] = ("called", "referred", "known", "dubbed", "termed", "chamad",
                               "chamam", "conhecid", "denomin")
    articles: tuple[str, ...] = ("a", "an", "the", "o", "os", "as", "um", "uma")
    # Phrases that, with a comma, introduce the clause a term opens ("As an example, X…").
    introductions: tuple[str, ...] = ("as an example", "for example", "for instance",
                                      "in short", "in brief", "in other words",
                                      "simply put", "put simply", "in essence",
                                      "por exemplo", "em resumo", "em suma", "resumindo",
                                      "em outras palavras", "em essência", "formally",
                                      "informally", "intuitively", "formalmente",
                                      "informalmente", "intuitivamente", "at a high level",
                                      "on a high level", "in a nutshell", "roughly speaking",
                                      "broadly speaking", "simply speaking", "in simple terms",
                                      "em linhas gerais", "de modo geral", "em termos simples",
                                      "resumidamente", "basicamente")
    # Phrases that open a sentence on what the term after them is for ("The goal of X is…").
    purposes: tuple[str, ...] = ("goal of", "purpose of", "aim of", "objective of", "job of",
                                 "role of", "objetivo de", "objetivo do", "objetivo da",
                                 "propósito de", "propósito do", "propósito da",
                                 "finalidade de", "finalidade do", "finalidade da",
                                 "papel de", "papel do", "papel da")
    min_signs: int = bounded(3, 1, 7)
    max_suggestions: int = bounded(5, 0, 25)
    typo_cutoff: float = bounded(0.8, 0.01, 1.0)


@dataclass(frozen=True)
class RisksSettings:
    # A section whose heading has one of these words is a risk section (or its plural in -s,
    # -es; a plural does not match its singular: a course's "Challenge" is an exercise).
    headings: tuple[str, ...] = ("Risk", "Limitation", "Harm", "Danger", "Challenges",
                                 "Risco", "Limitação", "Limitações", "Dano", "Perigo",
                                 "Desafios")
    title_words: int = bounded(8, 1)
    # Words that, shortly before a heading's risk word, make it a section on handling risks
    # ("Mitigating Potential Harms", "Medir Danos Potenciais"), not one that lists them.
    handling: tuple[str, ...] = (
        "mitigate", "mitigating", "mitigation", "measure", "measuring", "reduce", "reducing",
        "avoid", "avoiding", "address", "addressing", "handle", "handling", "manage",
        "managing", "prevent", "preventing", "overcome", "overcoming", "combat", "combating",
        "mitigar", "mitigando", "mitigação", "medir", "medindo", "reduzir", "reduzindo",
        "evitar", "evitando", "tratar", "tratando", "lidar", "lidando", "gerenciar",
        "gerenciando", "prevenir", "prevenindo", "superar", "superando", "combater",
        "combatendo")


@dataclass(frozen=True)
class StudyChannel:
    id: int
    trigger: Literal["mention", "question"] = "mention"
    thread: bool = False


@dataclass(frozen=True)
class DiscordSettings:
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_member_text: bool = False  # DEBUG logs keep what members wrote (tokens never)
    study_channels: tuple[StudyChannel, ...] = ()
    cooldown_seconds: float = bounded(5.0, 0.0)
    # Interactions of any kind (commands, buttons, menus) in any minute; 0: no limit.
    member_actions_per_minute: int = bounded(20, 0)
    channel_actions_per_minute: int = bounded(60, 0)
    ephemeral_default: bool = False
    dev_guild_id: int | None = None
    owner_ids: tuple[int, ...] = ()
    # Members with these roles see /gaps, as members with Manage Server do.
    lead_role_ids: tuple[int, ...] = ()
    # The bot's language where nothing else tells (a question in a channel with no word of
    # either language, on a server with no preferred locale): one of bot/locales' catalogs.
    default_language: str = "en"
    # A /quiz round (mode: round) stays open this long; then its answer is shown.
    quiz_round_seconds: float = bounded(30.0, 5.0, 600.0)


@dataclass(frozen=True)
class StoreSettings:
    """The group's memory: one SQLite file (relative paths start at the config file's
    folder)."""

    path: Path = Path("data/fmstudy.sqlite3")
    # What is kept of each question: all of them, the unanswered ones only, or none (votes
    # need the answer kept: they are offered with "all" only).
    record: Literal["all", "unanswered", "none"] = "all"
    retention_days: int = bounded(90, 1, 3650)


@dataclass(frozen=True)
class Settings:
    corpus: CorpusSettings = field(default_factory=CorpusSettings)
    language: LanguageSettings = field(default_factory=LanguageSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    glossary: GlossarySettings = field(default_factory=GlossarySettings)
    risks: RisksSettings = field(default_factory=RisksSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    store: StoreSettings | None = field(default_factory=StoreSettings)  # null: off
    # The file these settings were read from, for messages; not a key of it.
    source: Path = field(default=DEFAULT_CONFIG_PATH, metadata={"internal": True})



class _BadKey(yaml.YAMLError):
    def __init__(self, problem: str, line: int) -> None:
        super().__init__(f"{problem} (line {line})")


class _DuplicateKey(_BadKey):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(f"duplicate key {key!r}", line)


def _unique_keys(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    """A mapping whose keys are all different: YAML lets a later key silently replace an
    earlier one, and a section written twice would drop half of a setup."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):  # "? [a, b]": a list where a name belongs
            raise _BadKey(f"a key must be a word or a name, got {key!r}",
                          key_node.start_mark.line + 1)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return dict(loader.construct_mapping(node, deep=True))


# libyaml's loaders when the machine has them: the thesaurus parses in a fraction of the time.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's usual types; keys unique."""


class _TextLoader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """Every scalar a string, except null (``~``, ``null``, nothing): "no" stays a word,
    and an empty list in a data file still means empty. Keys unique."""


_TextLoader.add_implicit_resolver("tag:yaml.org,2002:null",
                                  re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_TextLoader.add_constructor("tag:yaml.org,2002:null", lambda loader, node: None)
for _loader in (_Loader, _TextLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_keys)


def read_yaml_mapping(path: Path | None, *, keys: set[str] | None = None,
                      text_only: bool = False) -> dict[str, Any]:
    """A YAML data file whose top level is a mapping (``None``: no file, an empty mapping);
    a missing or bad file is a ConfigError naming it and, when known, the line.

    ``text_only``: every scalar is read as a string. Word lists want that ("no" and "on"
    are words, not booleans), and it skips type guessing on each of thousands of scalars."""
    if path is None:
        return {}
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"),
                         Loader=_TextLoader if text_only else _Loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from exc
    except _BadKey as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    if keys is not None and set(data) - keys:
        unknown = ", ".join(sorted(map(str, set(data) - keys)))
        raise ConfigError(f"{path}: unknown key(s) {unknown} (expected: {', '.join(sorted(keys))})")
    return data


def load_settings(path: Path | str = DEFAULT_CONFIG_PATH) -> Settings:
    """Read and validate a config file; relative corpus paths resolve against its folder."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    raw = read_yaml_mapping(path)
    settings: Settings = _build(Settings, raw, str(path), "")
    _check_ranges(settings, str(path))

    def beside(relative: Path) -> Path:
        return relative if relative.is_absolute() else (path.parent / relative).resolve()

    corpus_path = beside(settings.corpus.path)
    cache = None if settings.corpus.cache is None else beside(settings.corpus.cache)
    if not corpus_path.is_dir():
        raise ConfigError(f"{path}: 'corpus.path': corpus folder not found: {corpus_path}")
    language = {}
    for key in ("thesaurus", "jargon"):
        data_file = getattr(settings.language, key)
        if data_file is not None:
            language[key] = data_file = beside(data_file)
            if not data_file.is_file():
                raise ConfigError(f"{path}: 'language.{key}': file not found: {data_file} "
                                  "(use null for none)")
    store = settings.store
    if store is not None:
        store = dataclasses.replace(store, path=beside(store.path))
    return dataclasses.replace(
        settings, source=path,
        corpus=dataclasses.replace(settings.corpus, path=corpus_path, cache=cache),
        language=dataclasses.replace(settings.language, **language), store=store)


def _check_ranges(settings: Settings, file: str) -> None:
    """Each bounded setting (``bounded``) within its range; stemmer names Snowball knows;
    glossary patterns that compile and name the term they find."""
    import snowballstemmer

    for section in dataclasses.fields(settings):
        if section.metadata.get("internal"):
            continue
        values = getattr(settings, section.name)
        if values is None:  # a section turned off ("store: null")
            continue
        for f in dataclasses.fields(values):
            if "range" not in f.metadata:
                continue
            key, value, (low, high) = f"{section.name}.{f.name}", getattr(values, f.name), \
                f.metadata["range"]
            if not math.isfinite(value):
                raise ConfigError(f"{file}: '{key}' must be a finite number, got {value!r}")
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = f"at least {low}" if high is None else f"between {low} and {high}"
                raise ConfigError(f"{file}: '{key}' must be {bounds}, got {value!r}")
    languages = [settings.retrieval.stemmer, *settings.retrieval.query_languages]
    for i, language in enumerate(languages):
        if language not in snowballstemmer.algorithms():
            key = "retrieval.stemmer" if i == 0 else f"retrieval.query_languages[{i - 1}]"
            raise ConfigError(f"{file}: '{key}' must be a Snowball language (english, "
                              f"portuguese, ...), got {language!r}")
    from bot import i18n

    if settings.discord.default_language not in i18n.languages():
        raise ConfigError(f"{file}: 'discord.default_language' must be one of "
                          f"{', '.join(i18n.languages())}, got "
                          f"{settings.discord.default_language!r}")
    for i, pattern in enumerate(settings.glossary.patterns):
        key = f"glossary.patterns[{i}]"
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{file}: '{key}': invalid regular expression ({exc})") from exc
        if "term" not in compiled.groupindex:
            raise ConfigError(f"{file}: '{key}': needs a named group (?P<term>…)")


def _build(cls: type, raw: Any, file: str, prefix: str) -> Any:
    if raw is None:  # a section left empty ("discord:" and nothing under it): its defaults
        raw = {}
    if not isinstance(raw, dict):
        where = prefix.rstrip(".") or "the top level"
        raise ConfigError(f"{file}: '{where}' must be a mapping, got {raw!r}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    values = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if key not in known:
            raise ConfigError(
                f"{file}: unknown key '{dotted}' (expected one of: {', '.join(sorted(known))})"
            )
        values[key] = _coerce(hints[key], value, file, dotted)
    for f in dataclasses.fields(cls):
        is_required = (
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )
        if is_required and f.name not in values:
            raise ConfigError(f"{file}: missing key '{prefix}{f.name}'")
    return cls(**values)


# Scalar type -> (what it accepts, how an error words it, conversion). bool is an int in
# Python, so the numbers refuse it explicitly.
_SCALARS: dict[Any, tuple[Callable[[Any], bool], str, Callable[[Any], Any]]] = {
    Path: (lambda v: isinstance(v, str) and bool(v), "a path (a string)", Path),
    bool: (lambda v: isinstance(v, bool), "true or false", bool),
    int: (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer", int),
    float: (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number",
            float),
    str: (lambda v: isinstance(v, str), "a string", str),
}


def _coerce(hint: Any, value: Any, file: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, file, key + ".")
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, file, key)
    if origin is Literal:
        if value not in args:
            allowed = ", ".join(repr(a) for a in args)
            raise ConfigError(f"{file}: '{key}' must be one of {allowed}, got {value!r}")
        return value
    if origin is tuple:  # tuple[X, ...]: a YAML list
        if not isinstance(value, list):
            raise ConfigError(f"{file}: '{key}' must be a list, got {value!r}")
        return tuple(_coerce(args[0], item, file, f"{key}[{i}]") for i, item in enumerate(value))
    if hint in _SCALARS:
        accepts, wording, convert = _SCALARS[hint]
        if not accepts(value):
            raise ConfigError(f"{file}: '{key}' must be {wording}, got {value!r}")
        return convert(value)
    raise ConfigError(f"{file}: '{key}' has an unsupported type")  # pragma: no cover
