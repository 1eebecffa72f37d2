"""Quiz items from any reading: each one unambiguous, its answer in the passage it cites;
a member's schedule brings back what they missed, and survives a restart."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest

from bot.config import load_settings
from bot.core.corpus import load_corpus
from bot.core.knowledge import Knowledge
from bot.core.quiz import BLANK, KINDS, pick
from bot.core.text import fold, squash, words
from bot.loading import load_resources
from bot.store import LEITNER_DAYS, Store

from .conftest import DATA, ROOT


@pytest.fixture(scope="module", params=["summary", "llm_agents_guide",
                                        "llms_comparacao_aula_ptbr"])
def reading(request, lexical_knowledge) -> Knowledge:
    """The summary, and readings the quiz was not written for."""
    if request.param == "summary":
        return lexical_knowledge
    settings = lexical_knowledge.settings
    resources = dataclasses.replace(load_resources(settings), documents={})
    return Knowledge.from_corpus(settings, load_corpus(DATA / "readings" / request.param),
                                 resources)


def in_text(phrase: str, text: str) -> bool:
    return f" {squash(fold(phrase))} " in f" {squash(fold(text))} "


def test_fifty_items_are_unambiguous_and_their_answer_is_in_the_passage_they_cite(reading):
    """Fifty items, or every item of a reading that gives fewer (the summary, after the
    items that could be ambiguous or give themselves away are left out, gives 14)."""
    items = reading.quiz.items()
    assert len(items) >= 12
    for item in random.Random(0).sample(items, min(50, len(items))):
        assert item.kind in KINDS
        assert len({fold(c) for c in item.choices}) == 4 and item.choices.count(item.answer) == 1
        others = [c for c in item.choices if c != item.answer]
        source = item.source.text
        if item.kind in ("define", "blank", "risk"):
            assert item.prompt.count(BLANK) == 1, item
            before, after = item.prompt.split(BLANK)
            filled = before + item.answer.removesuffix("…") + after
            assert squash(fold(filled)) in squash(fold(source)), item  # the reading's words
            assert not reading.quiz.gives_away(item.answer, item.prompt), item
            for other in others:  # no distractor in the sentence or its passage
                assert not in_text(other.removesuffix("…"), source), (item, other)
        if item.kind == "section":
            assert item.answer == item.source.section and squash(item.prompt) in squash(source)
            assert not reading.quiz.gives_away(item.answer, item.prompt), item
            assert not any(reading.quiz.gives_away(o, item.prompt) for o in others), item
            assert not any(other in item.source.path for other in others), item  # no parent
        if item.kind == "risk":
            assert item.answer in [r.title for r in reading.risks]


def test_every_kind_comes_from_the_summary_and_a_reading_not_written_for(lexical_knowledge):
    assert set(Counter(i.kind for i in lexical_knowledge.quiz.items())) == set(KINDS)
    settings = lexical_knowledge.settings
    agents = Knowledge.from_corpus(settings, load_corpus(DATA / "readings" / "llm_agents_guide"),
                                   dataclasses.replace(load_resources(settings), documents={}))
    assert {"blank", "section"} <= set(Counter(i.kind for i in agents.quiz.items()))
    about = agents.quiz.items("hallucination")
    assert about and all("hallucin" in fold(f"{i.prompt} {i.answer} {i.source.section}")
                         for i in about)


def test_items_are_the_same_at_every_start(lexical_knowledge):
    again = Knowledge.from_corpus(lexical_knowledge.settings, lexical_knowledge.corpus,
                                  lexical_knowledge.resources)
    assert again.quiz.items() == lexical_knowledge.quiz.items()


def test_missed_items_come_back_first_and_the_schedule_survives_a_restart(tmp_path,
                                                                          lexical_knowledge):
    items = lexical_knowledge.quiz.items()
    now = [1_800_000_000.0]
    store = Store(tmp_path / "s.sqlite3", clock=lambda: now[0]).open()
    missed, known = items[0], items[1]
    assert store.quiz_answer("7", missed.key, missed.source.section, False).result() == 1
    assert store.quiz_answer("7", known.key, known.source.section, True).result() == 2
    store.close()
    store = Store(tmp_path / "s.sqlite3", clock=lambda: now[0]).open()  # a restart
    schedule = store.quiz_schedule("7").result()
    assert schedule == {missed.key: (1, now[0] + LEITNER_DAYS[0] * 86400),
                        known.key: (2, now[0] + LEITNER_DAYS[1] * 86400)}
    rng = random.Random(0)
    assert pick(items, schedule, now[0], rng) not in (missed, known)  # nothing due: new
    later = now[0] + 3600  # an hour: the missed one is due, the known one not
    assert pick(items, schedule, later, rng) == missed
    progress = store.quiz_progress("7").result()
    assert sum(p.seen for p in progress) == 2 and sum(p.wrong for p in progress) == 1
    assert store.forget("7").result().quiz_items == 2
    store.close()


def test_the_command_line_prints_items_to_check(capsys):
    from bot.cli import main

    assert main(["quiz", "--n", "5", "--seed", "3", "--json",
                 "--config", str(ROOT / "config.yml")]) == 0
    import json

    items = json.loads(capsys.readouterr().out)["items"]
    assert len(items) == 5
    for item in items:
        assert set(item) == {"kind", "prompt", "choices", "answer", "source"}
        assert item["answer"] in item["choices"] and set(item["source"]) == {"id", "section",
                                                                             "text"}
    assert main(["quiz", "--n", "5", "--seed", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["items"] == items  # the seed draws them again


def test_round_seconds_are_checked(project, capsys):
    from bot.cli import main

    config = project / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "quiz_round_seconds: 30 ", "quiz_round_seconds: 1 "), encoding="utf-8")
    assert main(["quiz", "--config", str(config)]) == 2
    assert "'discord.quiz_round_seconds' must be between 5.0 and 600.0" in (
        capsys.readouterr().err)
    assert load_settings(ROOT / "config.yml").discord.quiz_round_seconds == 30


def test_blanks_that_give_themselves_away_or_break_a_word_are_not_asked():
    from bot.core.quiz import _plural, _stands_alone, _whole

    assert not _stands_alone("Try it at platform.____.com/tokenizer today.")
    assert not _stands_alone("A Long Short-Term Memory (____) network.")
    assert _stands_alone("Models such as ____ changed the field.")
    assert _plural("Foundation models") and not _plural("Transformer")
    assert not _plural("Emphasis") and not _plural("Loss")
    assert not _whole("Typically, this is what ____ does to a model.")
    assert not _whole("It still required domain experts to perform ____.")
    assert _whole("The Transformer made ____ practical at scale.")
    assert not _whole("Ou seja, ____ de conteúdo prejudicial.")
    assert not _whole("Therefore, ____ must be protected from attacks.")  # carries on
    assert not _whole("Read up more on how you can [govern ____](https://example.org).")
    # half of a quote or an emphasis cut out of its example
    assert not _whole("The result should be one line in _French, with no notes.")
    assert not _whole('Then write "a poem about ____ in the morning.')
    assert _whole('The _system prompt_ tells the "assistant" how to behave.')


def test_a_blank_among_examples_is_not_asked_any_sibling_would_fit():
    from bot.core.quiz import _among_examples

    assert _among_examples("Open models include Alpaca, ____ and LLaMA.")
    assert _among_examples("Exemplos incluem DALL-E-3 e modelos do ____.")
    assert _among_examples("Models such as ____ changed the field.")
    assert _among_examples("It runs on GPUs (e.g., ____) in the cloud.")
    assert not _among_examples("InstructGPT is the predecessor to the now famous ____.")


def test_a_blanks_choices_look_alike():
    from bot.core.quiz import _shape

    assert [_shape(t) for t in ("RLHF", "LLMs", "GitHub Copilot", "OpenAI",
                                "prompt engineering", "backpropagation")] == [
        "acronym", "acronym", "name", "name", "term", "term"]


def test_a_year_gives_its_decades_heading_away_and_no_answer_repeats_too_often(reading):
    from bot.core.quiz import BLANKS_PER_ANSWER, _decades

    assert _decades("Late-2010's") == _decades("In 2017, Google wrote") == {"201"}
    assert not _decades("a 12345-word paper, 2 models")
    blanks = Counter(fold(i.answer) for i in reading.quiz.items() if i.kind == "blank")
    assert all(n <= BLANKS_PER_ANSWER for n in blanks.values())


SECTIONS = """# A history of models

Language models read and write text, and this page follows how they came to do it well.

## History

Skip ahead if you know it.

## Recurrent years

Recurrent networks read a text one word at a time and carry a hidden state from each word to
the next one. Training them on long texts was slow, since no step could start before the one
before it ended. Gated recurrent cells kept the gradients alive across many more steps of text.

## Attention

Attention lets every position look at every other one at once. A transformer stacks layers of
attention and feed-forward blocks, so training runs in parallel on accelerators. Recurrent
networks fell out of use once transformers trained faster on the same hardware.

## Prompting

A prompt is the text a model continues. Few-shot prompts show solved examples before the real
task, and the model imitates their format. Clear instructions at the start of a prompt make
the completion more predictable for everyone who uses it.

## Safety

Jailbreaks are prompts written to make a model ignore its rules. Providers filter outputs and
train refusals, but determined users keep finding new phrasings. Red teams write such prompts
on purpose before a release to find the weak spots early.

## Costs

Every token a model reads or writes is billed by the provider. Long contexts cost more per
request, and caching repeated prefixes lowers the bill. Smaller models answer simple requests
for a fraction of the price of larger ones. Red team reviews of jailbreaks add to what a
release costs.

## Learning goals

After this page you will be able to:

- Explain why recurrent networks trained slowly on long texts, one word after another.
- Compare attention layers with recurrent cells when both run on the same accelerators.
- Write a few-shot prompt with clear instructions and solved examples before the task.
"""


def test_sections_offered_neither_head_others_nor_share_the_sentences_subject():
    from bot.core.corpus import Corpus, parse_document

    settings = load_settings(ROOT / "config.yml")
    corpus = Corpus((parse_document(SECTIONS, "notes", markdown=True),))
    knowledge = Knowledge.from_corpus(settings, corpus)
    asked = [i for i in knowledge.quiz.items() if i.kind == "section"]
    assert asked
    for item in asked:
        # "History" has a line of its own: its subsections' sentences would be its too
        assert "History" not in item.choices and item.answer != "History"
        # the opening, under the title, is about it all
        assert "A history of models" not in item.choices
        if "Recurrent networks read" in item.prompt:
            assert "Attention" not in item.choices  # it speaks of recurrent networks too
        assert not any(w in words(item.prompt) for w in ("this", "these", "such"))
        assert not item.prompt.endswith("?")  # a question leads into what follows it
        # a lead-in and a list of phrases says again what the sections say
        assert item.answer != "Learning goals"
        assert "jailbreaks" not in item.prompt  # it names another section: it is that one's


def test_a_blanks_choice_the_reading_writes_beside_its_neighbour_is_not_offered():
    from bot.core.corpus import Corpus, parse_document

    notes = parse_document(
        "# Notes\n\n## Tools\n\nTry the prompt in the OpenAI Playground first. Then compare "
        "it at Hugging Face Chat Playground, and at GitHub Models.\n\n"
        "## More\n\nJupyter notebooks, Colab notebooks and Kaggle kernels all run Python "
        "code next to the text that explains it.\n", "notes", markdown=True)
    quiz = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), Corpus((notes,))).quiz
    assert quiz._fits("Hugging Face", "Try the prompt in the ____ Playground first.")
    assert not quiz._fits("Jupyter", "Try the prompt in the ____ Playground first.")


def test_the_terms_a_reading_sets_off_and_defines_are_quizzed_with_their_definitions():
    from bot.core.corpus import Corpus, parse_document
    from bot.core.definitions import set_off_terms

    text = ("# Notes\n\n## Evaluation\n\n"
            "**Turing Test**: human judges compare answers from people and from agents, "
            "and cannot tell them apart when the agent passes.\n\n"
            "**Human Annotation**: people score each output of the model on a scale of one "
            "to five for its helpfulness.\n\n"
            "**Benchmark Suites**: fixed collections of tasks with known answers, run the "
            "same way on every new release.\n\n"
            "**Red Teaming**: experts write adversarial requests on purpose before a "
            "release to find its weak spots.\n\n"
            "The _domain_ matters, and `print_all()` is code.\n")
    passages = parse_document(text, "notes", markdown=True).passages
    assert set_off_terms(passages) == ["Turing Test", "Human Annotation", "Benchmark Suites",
                                       "Red Teaming", "domain"]
    quiz = Knowledge.from_corpus(load_settings(ROOT / "config.yml"),
                                 Corpus((parse_document(text, "notes", markdown=True),))).quiz
    defined = {i.answer: i for i in quiz.items() if i.kind == "define"}
    assert set(defined) <= {"Turing Test", "Human Annotation", "Benchmark Suites",
                            "Red Teaming"} and len(defined) >= 3
    turing = defined.get("Turing Test")
    assert turing is None or turing.prompt.startswith("**____**: human judges compare")
