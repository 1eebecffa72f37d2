"""The command line: JSON shapes other tools rely on, readable text, clear errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

from .conftest import ROOT


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def run_process(*argv: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return subprocess.run([sys.executable, "-m", "bot", *argv], input=stdin, text=True,
                          capture_output=True, cwd=cwd, env=env, timeout=60)


def test_ask_json_contract():
    code, out = run("ask", "What does emergence mean?", "--json", "--k", "2")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"question", "answered", "reason", "passages"}
    assert data["question"] == "What does emergence mean?" and data["answered"] is True
    assert len(data["passages"]) == 2
    for passage in data["passages"]:
        assert set(passage) == {"id", "section", "text", "score"}
        assert isinstance(passage["score"], float)
    assert data["passages"][0]["section"] == "Definitions"
    assert data["passages"][0]["score"] >= data["passages"][1]["score"]


def test_ask_json_reads_stdin_one_object_per_line_even_when_refused():
    result = run_process("ask", "--json", "--k", "3",
                         stdin="what is homogenization?\r\nhow do robots learn to "
                               "walk\nwhat is the capital of france?\n\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == [
        "what is homogenization?", "how do robots learn to walk",
        "what is the capital of france?"]
    assert [line["answered"] for line in lines] == [True, False, False]
    assert len(lines[1]["passages"]) == 3  # refused, still the top-k candidates
    assert lines[2]["reason"] == "not_covered"


def test_define_json_contract():
    code, out = run("define", "emergnce", "--json")
    data = json.loads(out)
    assert code == 0
    assert data == {
        "term": "emergnce", "found": True, "term_matched": "Emergence",
        "definition": data["definition"],
        "source": {"id": "foundation_models_summary#definitions-1", "section": "Definitions"},
        "suggestions": [], "used_in": None, "elsewhere": [],  # one document defines it
    }
    assert data["definition"].startswith("Emergence means that")
    _, out = run("define", "backpropagation", "--json")
    missing = json.loads(out)
    assert missing["found"] is False and missing["definition"] is None
    assert missing["source"] is None and len(missing["suggestions"]) <= 5
    assert missing["used_in"] is None  # the summary never says it
    _, out = run("define", "in-context learning", "--json")
    used = json.loads(out)
    assert used["found"] is False and "in-context learning emerge" in used["used_in"]["text"]


def test_risks_json_contract():
    code, out = run("risks", "--json")
    risks = json.loads(out)["risks"]
    assert code == 0 and len(risks) == 5
    for risk in risks:
        assert set(risk) == {"title", "text", "source", "details"} and risk["details"] == []
        assert set(risk["source"]) == {"id", "section"} and risk["source"]["section"] == "Risks"


def test_human_output_is_readable_with_citations():
    _, out = run("ask", "why are foundation models risky?")
    assert "Risks ¶2" in out and "{" not in out
    _, out = run("define", "homogenisation")
    assert "Homogenization indicates" in out and "Definitions ¶2" in out
    _, out = run("ask", "what is the capital of france?")
    assert "doesn't cover" in out and "Risks" in out


def test_console_replies_like_the_bot_and_quits(project):
    result = run_process("console", "--config", str(project / "config.yml"),
                         stdin="/define emergence\n/risks\n/help\nwhat is scale?\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Definitions ¶1" in result.stdout
    assert "Risks named in the reading" in result.stdout
    assert "/define <term>" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_no_token_opens_console_after_one_line():
    result = run_process(stdin="")
    assert result.returncode == 0
    assert result.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN" in result.stderr
    assert "fmstudy console" in result.stdout


def test_config_option_selects_another_configuration(project: Path):
    (project / "corpus" / "foundation_models_summary.md").rename(project / "corpus" / "fm.md")
    (project / "corpus" / "foundation_models_summary.yml").rename(project / "corpus" / "fm.yml")
    code, out = run("ask", "what is emergence", "--json", "--config",
                    str(project / "config.yml"))
    assert code == 0 and json.loads(out)["passages"][0]["id"] == "fm#definitions-1"


@pytest.mark.parametrize("argv", [["ask", "--k", "0", "x"], ["ask", "--k", "two", "x"]])
def test_bad_arguments_exit_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "positive whole number" in capsys.readouterr().err


def test_a_list_item_answer_shows_the_sentence_that_announced_it():
    _, out = run("ask", "when is it safe to release a model")
    assert "These norms, among other things, will define:" in out
    assert '**when models are "safe" to release**' in out and "What to do? ¶4" in out


def test_ask_json_says_why_a_question_was_not_answered():
    reasons = {}
    for question in ("what is emergence?", "who won the football world cup?", "x" * 5000,
                     "what is it?"):
        _, out = run("ask", question, "--json")
        reasons[question[:12]] = json.loads(out)["reason"]
    assert reasons == {"what is emer": None, "who won the ": "not_covered",
                       "xxxxxxxxxxxx": "too_long", "what is it?": "no_words"}


def test_an_undecodable_line_on_stdin_is_answered_in_its_place_and_the_rest_go_on():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"], cwd=ROOT, capture_output=True,
        input=b"what is emergence?\n\xff bad\nwhat is homogenization?\n", timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0 and result.stderr == b""
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [(r["question"], r["reason"]) for r in rows] == [
        ("what is emergence?", None), (None, "not_utf8"), ("what is homogenization?", None)]
    assert rows[1]["error"] == "line 2 is not valid UTF-8 text"


def test_a_full_disk_on_stdout_is_one_line_not_a_traceback():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "bot", "ask", "what is emergence?"],
                                cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True,
                                timeout=60)
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output (No space left on device)\n"


def test_the_console_records_as_member_console_and_gaps_lists_what_it_missed(project):
    config = str(project / "config.yml")
    result = run_process("console", "--config", config, stdin=(
        "who won the football world cup?\nWho won the football World Cup\n"
        "what is emergence?\n/quit\n"))
    assert result.returncode == 0, result.stderr
    gaps = run_process("gaps", "--json", "--config", config)
    assert gaps.returncode == 0, gaps.stderr
    data = json.loads(gaps.stdout)
    assert [(g["question"], g["count"]) for g in data["gaps"]] == [
        ("Who won the football World Cup", 2)]
    assert data["gaps"][0]["last_asked"].endswith("+00:00") and data["disliked"] == []
    text = run_process("gaps", "--config", config)
    assert "2×" in text.stdout and "UTC" in text.stdout and "<t:" not in text.stdout


def test_export_questions_writes_a_set_eval_reads(project, tmp_path):
    from bot.config import load_settings
    from bot.loading import load_questions
    from bot.store import Asked, Store

    settings = load_settings(project / "config.yml")
    store = Store(settings.store.path).open()
    store.record(Asked("discord:1", "1", "so what is emergence", True, None,
                       (("foundation_models_summary#definitions-1", "Definitions", 0.4),)))
    store.record(Asked("discord:2", "2", "what is homogenisation", True, None,
                       (("foundation_models_summary#definitions-2", "Definitions", 0.4),)))
    store.record(Asked("discord:3", "3", "quem ganhou a copa do mundo?", False, "not_covered"))
    assert store.vote("discord:1", "7", 1).result()
    assert store.vote("discord:2", "7", -1).result()  # voted down: not a gold answer
    store.close()
    path = tmp_path / "exported.yml"
    code, out = run("export-questions", str(path), "--config", str(project / "config.yml"))
    assert code == 0 and "1 answerable" in out and "1 out-of-scope" in out
    questions = load_questions(path)
    assert [(q.text, q.answerable, q.lang, q.split) for q in questions] == [
        ("so what is emergence", True, "en", "dev"),
        ("quem ganhou a copa do mundo?", False, "pt", "dev")]
    code, out = run("eval", str(path), "--config", str(project / "config.yml"))
    assert code == 0 and "| fmstudy                | dev  | 1.00 |" in out


def test_gaps_without_a_store_is_one_line(project, capsys):
    import yaml

    config = project / "config.yml"
    assert main(["gaps", "--config", str(config)]) == 2  # nothing asked yet: no file
    assert "no store yet" in capsys.readouterr().err
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["store"] = None
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["gaps", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'store' is null" in err


def test_the_console_quizzes_and_takes_an_answer_by_number_or_words(lexical_knowledge):
    import random

    from bot.console import ConsoleQuiz, respond
    from bot.render import to_text

    quiz = ConsoleQuiz(random.Random(1))
    asked = to_text(respond(lexical_knowledge, "/quiz", quiz=quiz))
    item = quiz.asked
    assert item is not None and "1. " in asked and "Answer with the number" in asked
    assert item.answer not in asked.split("\n\n")[0]  # the title does not say it
    right = item.choices.index(item.answer) + 1
    result = to_text(respond(lexical_knowledge, str(right), quiz=quiz))
    assert result.startswith(f"== Right: {item.answer} ==")
    assert item.source.section in result  # cited
    respond(lexical_knowledge, "/quiz", quiz=quiz)
    wrong = next(c for c in quiz.asked.choices if c != quiz.asked.answer)
    assert "Not quite" in to_text(respond(lexical_knowledge, wrong.upper(), quiz=quiz))
    # a line that answers nothing is a question again, and the item is dropped
    respond(lexical_knowledge, "/quiz", quiz=quiz)
    assert "Not in the reading" not in to_text(
        respond(lexical_knowledge, "what is emergence?", quiz=quiz))
    assert quiz.asked is None
    assert "no quiz questions" in to_text(respond(lexical_knowledge, "/quiz zzzz", quiz=quiz))
