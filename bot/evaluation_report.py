"""`python -m bot eval`: the quality table for the bot (and peers), per split."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from functools import partial
from itertools import product
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings
from bot.core.answer import Answerer
from bot.core.corpus import Corpus
from bot.core.evaluate import (
    Method,
    Question,
    Ranking,
    RiskQuestion,
    Scores,
    calibrate,
    calibrate_across,
    definitions_found,
    evaluate,
    risks_listed,
    score,
)
from bot.core.knowledge import Knowledge, build_answerer
from bot.core.risks import list_risks
from bot.loading import load_questions, vector_cache
from bot.render import listed_under, render_answer

SPLITS = ("dev", "test")
EVAL_K = 10


def bot_method(knowledge: Knowledge) -> Method:
    """The bot's ranking as a reply shows it: where the reply quotes the best passage with
    the items of the list it announces (``render.listed_under``: "The process has two
    steps:" and its steps), the first passage is what the reply quotes (clipped as it
    is), so an answer in one of those items is found where the member reads it, first."""
    def rank(question: str) -> Ranking:
        answer = knowledge.ask(question, EVAL_K)
        ranking = [(r.passage, r.score) for r in answer.passages]
        if listed_under(knowledge, answer):
            best, score = ranking[0]
            quoted = render_answer(knowledge, answer).embeds[0].description
            ranking[0] = (replace(best, text=quoted), score)
        return ranking

    return rank


def answerer_method(answerer: Answerer) -> Method:
    def rank(question: str) -> Ranking:
        return [(r.passage, r.score) for r in answerer.answer(question, EVAL_K).passages]

    return rank


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def format_row(name: str, split: str, s: Scores) -> str:
    return (f"| {name:<22} | {split:<4} | {_fmt(s.recall_at_1)} | {_fmt(s.recall_at_3)} | "
            f"{_fmt(s.mrr)} | {_fmt(s.answered_rate)} | {_fmt(s.refused_rate)} | "
            f"{_fmt(s.refused_at_90)} | {_fmt(s.refused_at_95)} | {_fmt(s.pt_recall_at_3)} |")


HEADER = (
    "| method                 | split | R@1  | R@3  | MRR  | answered | refused | "
    "refused@90 | refused@95 | pt R@3 |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


TUNING_GRID = {
    "retrieval.heading_weight": (1.0, 2.0, 3.0),
    "retrieval.length_slope": (1.0, 0.7, 0.4),
    "retrieval.unknown_word_weight": (1.0, 1.5, 2.0, 3.0),
    "retrieval.jargon_weight": (1.0, 2.0, 3.0),
    "answer.number_weight": (1.0, 0.5, 0.3, 0.1),
}


def _with(settings: Settings, point: dict[str, float]) -> Settings:
    """The settings with a grid point's values ("section.key": value) put in."""
    sections: dict[str, dict[str, float]] = {}
    for dotted, value in point.items():
        section, key = dotted.split(".")
        sections.setdefault(section, {})[key] = value
    return replace(settings, **{name: replace(getattr(settings, name), **values)
                                for name, values in sections.items()})


def tune(knowledge: Knowledge, questions: list[Question], out: TextIO) -> None:
    """Grid-search the retrieval weights and answer.number_weight on the dev split only;
    the threshold is calibrated for each point (see calibrate). Objective: R@1 plus MRR
    plus the out-of-scope share refused at that threshold (the first answer right, the
    rest close, the rest refused).
    The test split is never looked at here."""
    dev = [q for q in questions if q.split == "dev"]
    settings, analyzer = knowledge.settings, knowledge.answerer.retriever.analyzer
    labels = knowledge.glossary.labels()
    best: tuple[tuple[float, float], dict[str, float], float] | None = None
    for values in product(*TUNING_GRID.values()):
        point = dict(zip(TUNING_GRID, values, strict=True))
        trial = _with(settings, point)
        # The analyzer (the stemmer is not in the grid) is shared: its word cache stays warm.
        answerer = build_answerer(trial, knowledge.corpus.passages, knowledge.resources,
                                  labels, analyzer)
        rankings = evaluate(answerer_method(answerer), dev)
        threshold = calibrate(dev, rankings, shown=answerer.top_k)
        s = score(dev, rankings, threshold, answerer.top_k)
        objective = (round(s.recall_at_1 + s.mrr + (s.refused_rate or 0.0), 6), s.recall_at_3)
        out.write(f"  {point} min_score={threshold}: R@1 {s.recall_at_1:.3f}, "
                  f"MRR {s.mrr:.3f}, answered {s.answered_rate:.2f}, "
                  f"refused {s.refused_rate:.2f}\n")
        if best is None or objective > best[0]:
            best = (objective, point, threshold)
    assert best is not None
    _, point, threshold = best
    out.write(f"best on dev: {point}, answer.min_score={threshold}\n")


def run_eval(knowledge: Knowledge, path: Path, out: TextIO, *, fit_threshold: bool = False,
             peers: bool = False, grid: bool = False) -> int:
    questions = load_questions(path)
    if grid:
        tune(knowledge, questions, out)
        return 0
    methods: dict[str, tuple[Method, float | None]] = {
        "fmstudy": (bot_method(knowledge), knowledge.answerer.min_score),
    }
    if peers:
        from bot.peers import available_peers, ranking

        passages = knowledge.corpus.passages
        for name, build in available_peers().items():
            peer = build(passages)
            methods[name] = (partial(ranking, passages, peer, k=EVAL_K), None)
    shown = knowledge.answerer.top_k  # the passages a reply shows: one of them answers
    out.write(f"{len(questions)} questions from {path}\n\n{HEADER}\n")
    bot_rankings = None
    for name, (method, threshold) in methods.items():
        rankings = evaluate(method, questions)
        if name == "fmstudy":
            bot_rankings = rankings
        for split in SPLITS:
            chosen = [i for i, q in enumerate(questions) if q.split == split]
            if not chosen:  # a file of test questions only, say
                continue
            s = score([questions[i] for i in chosen], [rankings[i] for i in chosen], threshold,
                      shown)
            out.write(format_row(name, split, s) + "\n")
    out.write("\nanswered/refused: at the configured answer.min_score "
              f"({knowledge.answerer.min_score}); refused@90/95: out-of-scope refused at the "
              "threshold that answers 90%/95% of answerable questions.\n")
    if fit_threshold and bot_rankings is not None:
        dev = [i for i, q in enumerate(questions) if q.split == "dev"]
        best = calibrate([questions[i] for i in dev], [bot_rankings[i] for i in dev],
                         shown=shown)
        out.write(f"calibrated answer.min_score on the dev split: {best}\n")
    return 0


READINGS_HEADER = (
    "| reading | corpus | split | R@1 | R@3 | MRR | answered | refused | refused@90 | "
    "pt R@3 | /define found (invented) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def run_readings(settings: Settings, folder: Path, out: TextIO,
                 calibrate_on: tuple[Knowledge, Path] | None = None) -> int:
    """Each reading (a subfolder of ``folder`` with its documents and a questions.yml),
    answered from its own documents alone (with the language resources), and added to the
    configured corpus, as a group would add it. With ``calibrate_on`` (the configured
    knowledge and its question set), also the embedder's two answer thresholds fitted on
    the dev splits of every reading alone and of that question set, each counted the same
    (see calibrate_across)."""
    from bot.core.corpus import load_corpus
    from bot.loading import (
        blame,
        load_definition_questions,
        load_embedder,
        load_resources,
        load_risk_question,
    )

    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder of readings")
    shipped = load_resources(settings)
    embedder = load_embedder(settings)
    general = replace(shipped, documents={})  # the language resources alone
    base = load_corpus(settings.corpus.path, shipped.corrections_by_document())
    out.write(f"{READINGS_HEADER}\n")
    signals: list[list[tuple[bool, float, float]]] = []
    risk_lines: list[str] = []
    if calibrate_on is not None:
        configured, path = calibrate_on
        signals.append(_dev_signals(configured, load_questions(path)))
    for reading in sorted(p for p in folder.iterdir() if (p / "questions.yml").is_file()):
        questions = load_questions(reading / "questions.yml")
        definitions = load_definition_questions(reading / "questions.yml")
        with blame(reading):
            alone = load_corpus(reading)
            added = Corpus((*base.documents, *alone.documents))
            risks = load_risk_question(reading / "questions.yml")
        if risks is not None:
            risk_lines.append(_risks_line(reading.name, settings, alone, risks))
        for mode, corpus, resources in (("alone", alone, general),
                                        ("added", added, shipped)):
            with blame(reading):
                knowledge = Knowledge.from_corpus(settings, corpus, resources, embedder,
                                                  vectors=vector_cache(settings))
            rankings = evaluate(bot_method(knowledge), questions)
            if calibrate_on is not None and mode == "alone":
                signals.append(_dev_signals(knowledge, questions))
            for split in SPLITS:
                chosen = [i for i, q in enumerate(questions) if q.split == split]
                s = score([questions[i] for i in chosen], [rankings[i] for i in chosen],
                          knowledge.answerer.min_score, knowledge.answerer.top_k)
                found, asked, invented = definitions_found(
                    [d for d in definitions if d.split == split],
                    partial(_definition, knowledge,
                            documents={d.id for d in alone.documents}))
                out.write(f"| {reading.name} | {mode} | {split} | {_fmt(s.recall_at_1)} | "
                          f"{_fmt(s.recall_at_3)} | {_fmt(s.mrr)} | {_fmt(s.answered_rate)} | "
                          f"{_fmt(s.refused_rate)} | {_fmt(s.refused_at_90)} | "
                          f"{_fmt(s.pt_recall_at_3)} | {found}/{asked} ({invented}) |\n")
    out.write("\nalone: the reading's documents, the language resources (thesaurus, jargon); "
              "added: the reading put in the configured corpus, with every data file. "
              "/define: the reading's defined terms whose definition /define shows (the "
              "first or another document's, one each), and in brackets the definitions it "
              "quotes from the reading that are wrong or of a term the reading does not "
              "define.\n")
    if risk_lines:
        out.write("\n/risks, with the reading's risk section named in risks.headings:\n"
                  + "".join(risk_lines))
    if calibrate_on is not None:
        min_score, dense_min_score = calibrate_across(signals)
        out.write(f"calibrated on the dev splits of {len(signals)} question sets: "
                  f"answer.min_score={min_score}, answer.dense_min_score={dense_min_score}\n")
    return 0


def _risks_line(name: str, settings: Settings, corpus: Corpus, question: RiskQuestion) -> str:
    """Whether /risks lists exactly the items of the reading's risk section, the section's
    heading added to the configured ones as a group would add it."""
    headings = (*settings.risks.headings, question.section)
    titles = [r.title for r in list_risks(corpus, headings, settings.risks.title_words,
                                          settings.risks.handling)]
    if risks_listed(question, titles):
        return f"- {name}: the {len(titles)} items of \"{question.section}\", exactly\n"
    return (f"- {name}: differs from the {len(question.items)} items of "
            f"\"{question.section}\": {titles}\n")


def _dev_signals(knowledge: Knowledge,
                 questions: list[Question]) -> list[tuple[bool, float, float]]:
    """Each dev question's (answerable, best lexical score, best cosine) among the passages
    a reply shows, as the answer path ranks them: the thresholds decide its answers (not
    those of a question on what an abbreviation stands for, answered where a reading spells
    it out)."""
    if knowledge.answerer.dense is None:
        raise ConfigError(f"{knowledge.settings.source}: eval --readings --calibrate fits the "
                          "embedder's thresholds: set retrieval.embedder")
    signals = []
    for question in questions:
        if question.split == "dev":
            shown = knowledge.answerer.answer(question.text).passages
            signals.append((question.answerable,
                            max((p.lexical or 0.0 for p in shown), default=0.0),
                            max((p.cosine or 0.0 for p in shown), default=0.0)))
    return signals


def _definition(knowledge: Knowledge, term: str,
                documents: Collection[str] | None = None) -> list[str]:
    """The definitions /define shows for the term (each document's); only those quoted
    from ``documents``, when given: a reading's questions judge what the bot quotes from
    that reading (another document's definition of the term is no invention, and the
    configured corpus is judged by its own questions)."""
    lookup = knowledge.define(term)
    return [e.definition for e in (lookup.entry, *lookup.elsewhere) if e is not None
            and (documents is None or e.passage.document in documents)]
