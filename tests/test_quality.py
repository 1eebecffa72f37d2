"""Floors on answer quality: a change that makes the bot answer worse fails CI.

The floors sit a little under the dev-split figures measured when the weights were tuned
(`python -m bot eval --tune`), so noise does not fail the build but a real regression does.
"""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.core.evaluate import evaluate, score
from bot.evaluation_report import bot_method
from bot.loading import load_questions, load_risk_question

from .conftest import DATA, ROOT

QUESTIONS = load_questions(DATA / "questions.yml")


@pytest.fixture(scope="module")
def dev_scores(knowledge):
    dev = [q for q in QUESTIONS if q.split == "dev"]
    return score(dev, evaluate(bot_method(knowledge), dev), knowledge.answerer.min_score,
                 knowledge.answerer.top_k)


def test_question_set_is_big_enough_and_split():
    answerable = [q for q in QUESTIONS if q.answerable]
    outside = [q for q in QUESTIONS if not q.answerable]
    assert len(answerable) >= 100 and len(outside) >= 25
    assert sum(q.lang == "pt" for q in answerable) >= 10
    assert {q.split for q in QUESTIONS} == {"dev", "test"}


def test_dev_ranking_floor(dev_scores):
    assert dev_scores.recall_at_1 >= 0.85
    assert dev_scores.recall_at_3 >= 0.94
    assert dev_scores.mrr >= 0.90
    assert dev_scores.pt_recall_at_3 >= 0.93


def test_dev_abstention_floor(dev_scores):
    # The thresholds are fitted across the readings (config.yml), not to the summary alone:
    # on the summary's near-topic out-of-scope questions they refuse fewer than a fit to
    # the summary would (0.91 on dev), and answer more on every other reading.
    assert dev_scores.answered_rate >= 0.95
    assert dev_scores.refused_rate >= 0.78
    assert dev_scores.refused_at_90 >= 0.90


def test_eval_command_prints_the_table(tmp_path):
    """The command's table, on a few questions of each list and split: the dev split's
    figures are held by the floors above, and all 1,372 questions would take CI a minute
    and a half more, through the embedder, for the same table."""
    import yaml

    whole = yaml.safe_load((DATA / "questions.yml").read_text(encoding="utf-8"))
    few = {key: [q for split in ("dev", "test") for q in
                 [q for q in items if q.get("split", "dev") == split][:10]]
           for key, items in whole.items()}
    path = tmp_path / "questions.yml"
    path.write_text(yaml.safe_dump(few, allow_unicode=True), encoding="utf-8")
    out = io.StringIO()
    assert main(["eval", str(path)], out=out) == 0
    table = out.getvalue()
    assert "40 questions" in table
    for column in ("R@1", "R@3", "MRR", "refused@90", "refused@95", "pt R@3"):
        assert column in table
    assert "| fmstudy" in table and "| dev" in table and "| test" in table


def test_tune_puts_each_grid_key_in_its_section(knowledge, monkeypatch):
    import bot.evaluation_report as report

    point = {"retrieval.length_slope": 0.7, "answer.number_weight": 0.5}
    tried = report._with(knowledge.settings, point)
    assert tried.retrieval.length_slope == 0.7 and tried.answer.number_weight == 0.5
    # Two points, one that all but ignores unknown words and so refuses less: tune must
    # build each point's answerer with its own weights to tell them apart.
    monkeypatch.setattr(report, "TUNING_GRID", {"retrieval.unknown_word_weight": (0.01, 1.5),
                                                "answer.number_weight": (0.5,)})
    out = io.StringIO()
    report.tune(knowledge, QUESTIONS[:40] + QUESTIONS[-20:], out)
    assert "best on dev: {'retrieval.unknown_word_weight': 1.5, 'answer.number_weight': 0.5}" \
        in out.getvalue()


@pytest.mark.parametrize("typed", ["backpropagation", "dropout", "learning rate", "GAN",
                                   "scale", "overfitting"])
def test_define_refuses_terms_the_summary_never_defines(knowledge, typed):
    assert not knowledge.define(typed).found


def test_calibrated_threshold_keeps_the_answered_share_and_refuses_the_rest():
    from bot.core.corpus import Passage
    from bot.core.evaluate import Question, calibrate

    passage = Passage("d#s-1", "d", "S", ("S",), 1, "text")
    answerable = [Question(f"a{i}", ("text",), "dev", "en") for i in range(10)]
    outside = [Question(f"o{i}", (), "dev", "en") for i in range(4)]
    answerable_tops = [0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.05]
    tops = [*answerable_tops, 0.2, 0.1, 0.32, 0.0]  # then the out-of-scope ones
    rankings = [[(passage, t)] if t else [] for t in tops]
    threshold = calibrate(answerable + outside, rankings, answered=0.9)
    assert threshold == pytest.approx((0.3 + 0.05) / 2)
    s = score(answerable + outside, rankings, threshold)
    assert s.answered_rate == 0.9 and s.refused_rate == 0.5  # 0.1 and 0.0 are refused


def test_a_quote_is_found_as_a_reader_sees_it_emphasis_aside():
    """A helper copies "O risco empírico é…" from the summary list; the passage /define
    shows writes "O *risco empírico* é…": the same words to a reader, found either way."""
    from bot.core.corpus import Passage
    from bot.core.evaluate import DefinitionQuestion, Question, definitions_found, gold_rank

    passage = Passage("d#s-1", "d", "S", ("S",), 1, "O *risco empírico* é uma perda média.")
    question = Question("risco empirico?", ("O risco empírico é uma perda média",), "dev", "pt")
    assert gold_rank(question, [(passage, 1.0)]) == 1
    define = DefinitionQuestion("risco empirico", "O risco empírico é uma perda", "dev")
    assert definitions_found([define], lambda term: [passage.text]) == (1, 1, 0)
    assert definitions_found([define], lambda term: ["O risco é outra coisa."]) == (0, 1, 1)
    # Each definition shown is judged on its own: the right one beside a wrong one is found,
    # and the wrong one counts.
    assert definitions_found([define], lambda term: ["O risco é outra coisa.", passage.text]
                             ) == (1, 1, 1)
    assert definitions_found([define], lambda term: []) == (0, 1, 0)


def test_every_reading_of_the_dev_set_is_scored_alone_and_added(capsys, monkeypatch):
    """`eval --readings` scores each new reading (blind questions) with its /define terms.
    With TF-IDF alone: the table's shape is what is checked here, and a clean clone would
    otherwise embed six readings sentence by sentence (minutes of CI) for it; the embedder's
    answer path is the summary's, checked by the dev floors above."""
    from bot.cli import main

    monkeypatch.setattr("bot.loading.load_embedder", lambda settings: None)
    assert main(["eval", "--readings", str(DATA / "readings")]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines()
            if line.startswith("| ") and "|---" not in line][1:]
    readings = sorted(p.name for p in (DATA / "readings").iterdir() if p.is_dir())
    assert len(rows) == len(readings) * 2 * 2  # alone / added, dev / test
    assert {row.split(" | ")[0].lstrip("| ") for row in rows} == set(readings)


@pytest.mark.parametrize("reading", sorted(
    p for p in (DATA / "readings").iterdir() if p.is_dir()
    and load_risk_question(p / "questions.yml") is not None), ids=lambda p: p.name)
def test_risks_lists_exactly_the_items_of_a_readings_risk_section(reading):
    """Each reading whose questions name its risk section (bold lead-ins in a numbered list
    above an example subsection; bullets opening in bold): with the section's heading
    configured, /risks lists its items and nothing else."""
    from bot.config import load_settings
    from bot.core.corpus import load_corpus
    from bot.core.evaluate import risks_listed
    from bot.core.risks import list_risks

    question = load_risk_question(reading / "questions.yml")
    assert question is not None
    risks = load_settings(ROOT / "config.yml").risks
    listed = list_risks(load_corpus(reading), (*risks.headings, question.section),
                        risks.title_words, risks.handling)
    assert risks_listed(question, [r.title for r in listed]), [r.title for r in listed]


def test_a_question_file_with_a_malformed_risk_section_is_one_line_naming_it(tmp_path):
    from bot.config import ConfigError

    path = tmp_path / "questions.yml"
    path.write_text("risks:\n  section: Risks\n  items: Bias\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"questions\.yml: 'risks' needs a 'section'"):
        load_risk_question(path)


def test_thresholds_calibrated_across_readings_count_each_reading_the_same():
    from bot.core.evaluate import calibrate_across

    # A long question set whose answers score high lexically, and a short one (another
    # language, say) answered only through the embedder's cosine.
    summary = ([(True, 0.05, 0.80)] * 90 + [(False, 0.02, 0.80)] * 30
               + [(False, 0.03, 0.80)] * 5)
    reading = [(True, 0.0, 0.90)] * 4 + [(True, 0.0, 0.87)] * 4 + [(False, 0.0, 0.85)] * 3
    min_score, dense_min_score = calibrate_across([summary, reading])
    # Every answer and every refusal of both kept, with the highest thresholds that do so.
    assert (min_score, dense_min_score) == (0.05, 0.87)
    with pytest.raises(ValueError, match="out-of-scope"):
        calibrate_across([[(True, 0.1, 0.9)]])
