"""Discord's size limits under stress: a corpus of oversized passages, a 2,000-character question.

Nothing here asserts the limits itself: the fake server rejects any message, embed, select or
autocomplete answer over a limit (as Discord does, with 50035) and ``assert_clean`` fails the
test at teardown. What these tests make sure is that every path that could overflow is taken:
a passage of 14,000 characters as the best answer, "See also" passages over a field's 1,024,
a section heading over a title's 256, a document title in every footer, 30 risks for 25
fields and 25 options, 30 glossary terms for 25 autocomplete choices, and a question as long
as a Discord message may be, shown back as a title and as a thread name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Settings, StudyChannel
from bot.core.knowledge import Knowledge
from bot.loading import load_knowledge

from .fakediscord import FakeDiscord
from .helpers import StartBot, ask, component

LONG_QUESTION = ("What is homogenization, " + "and why, " * 250)[:1999] + "?"
HUGE_RISK = " ".join(f"Model {i} inherits defects through homogenization of training "
                     f"pipeline {i}." for i in range(200))
LONG_HEADING = "Consequences " + " ".join(f"of concentration {i}" for i in range(60))


def write_huge_corpus(folder: Path) -> None:
    gadgets = "\n\n".join(f"Gadget{i:02d} means the gadget number {i} of the workshop "
                          "catalogue." for i in range(30))
    drifts = "\n\n".join(f"Drift {i} worries auditors because benchmark {i} ages quickly."
                         for i in range(29))
    cases = "\n\n".join(f"Homogenization case {j}: "
                        + " ".join(f"pipeline {j}{k} shares weights" for k in range(60))
                        for j in range(5))
    folder.mkdir()
    (folder / "huge.md").write_text(
        f"# {'A very long reading ' * 30}\n\n## Definitions\n\n{gadgets}\n\n"
        f"## Risks\n\n{HUGE_RISK}\n\n{drifts}\n\n## {LONG_HEADING}\n\n{cases}\n",
        encoding="utf-8")


@pytest.fixture(scope="module")
def huge(base_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    folder = tmp_path_factory.mktemp("huge") / "corpus"
    write_huge_corpus(folder)
    settings = dataclasses.replace(
        base_settings,
        corpus=dataclasses.replace(base_settings.corpus, path=folder),
        language=dataclasses.replace(base_settings.language, thesaurus=None, jargon=None),
        answer=dataclasses.replace(base_settings.answer, max_question_chars=2000),
    )
    knowledge = load_knowledge(settings)
    best = knowledge.ask(LONG_QUESTION).passages[0].passage
    assert len(best.text) > 10_000 and knowledge.risks[0].text == HUGE_RISK, "precondition"
    assert len(knowledge.risks) == 30 and len(knowledge.glossary.terms) >= 30, "precondition"
    return knowledge


async def test_huge_answer_more_passages_and_whole_paragraph(
    server: FakeDiscord, start_bot: StartBot, huge: Knowledge
) -> None:
    await start_bot(knowledge=huge)
    assert len(LONG_QUESTION) == 2000
    handle, reply = await ask(server, LONG_QUESTION, user="alice")
    assert reply.ok and reply.embeds, server.describe(handle)
    assert reply.embeds[0]["title"].startswith("What is homogenization")

    more = await server.click_button(
        reply.message, component(reply.message, "fmstudy:more:")["custom_id"], user="alice")
    assert (await more.response()).ok

    whole = await server.click_button(
        reply.message, component(reply.message, "fmstudy:whole:")["custom_id"], user="alice")
    await whole.settle(0.1)
    pieces = [r for r in whole.replies if r.kind in ("callback", "followup")]
    assert len(pieces) >= 3 and all(r.ok and r.ephemeral for r in pieces)
    best = huge.ask(LONG_QUESTION).passages[0].passage
    sent = " ".join(r.embeds[0]["description"] for r in pieces)
    footer = pieces[-1].embeds[0].get("footer", {}).get("text", "")
    assert len(pieces) == 3 and best.text.startswith(sent)  # in order, cut between words
    # All of it in three messages, or the last one says what is left and where.
    assert (sent == best.text and not footer) or (sent != best.text and "more parts" in footer)


async def test_huge_risks_definitions_about_and_refusal(
    server: FakeDiscord, start_bot: StartBot, huge: Knowledge
) -> None:
    await start_bot(knowledge=huge)
    risks = await (await server.send_interaction_command("risks")).response()
    assert risks.ok and len(risks.embeds[0]["fields"]) == 10
    assert risks.embeds[0]["footer"]["text"].startswith("Risks 1–10 of 30.")
    menu = component(risks.message, "fmstudy:risk:")
    assert [o["value"] for o in menu["options"]] == [str(i) for i in range(10)]
    opened = await server.select(risks.message, menu["custom_id"], ["0"], user="bob")
    await opened.settle(0.1)
    pieces = [r for r in opened.replies if r.kind in ("callback", "followup")]
    assert len(pieces) >= 3 and all(r.ok and r.ephemeral for r in pieces)
    sent = " ".join(r.embeds[0]["description"] for r in pieces)
    assert len(pieces) == 3 and HUGE_RISK.startswith(sent)  # at most three messages
    assert "more parts" in pieces[-1].embeds[0]["footer"]["text"]  # and where the rest is

    # Every risk can be reached: Next twice shows the last ten, and its menu offers them.
    for _ in range(2):
        message = server.message(risks.message["id"])
        turned = await server.click_button(message,
                                           component(message, "fmstudy:riskn:")["custom_id"])
        assert (await turned.response()).ok
    last = server.message(risks.message["id"])
    assert last["embeds"][0]["fields"][0]["name"].startswith("21. ")
    assert component(last, "fmstudy:riskn:").get("disabled") is True
    menu = component(last, "fmstudy:risk:")
    assert [o["value"] for o in menu["options"]] == [str(i) for i in range(20, 30)]
    picked = await server.select(last, menu["custom_id"], ["29"], user="bob")
    assert (await picked.response()).embeds[0]["title"] == huge.risks[29].title
    back = await server.click_button(last, component(last, "fmstudy:riskp:")["custom_id"])
    assert (await back.response()).ok
    middle = server.message(risks.message["id"])
    assert middle["embeds"][0]["fields"][0]["name"].startswith("11. ")
    assert component(middle, "fmstudy:riskn:").get("disabled") in (None, False)

    choices = await (await server.send_autocomplete("define", {"term": ""})).response()
    assert choices.ok and len(choices.payload["data"]["choices"]) == 25
    unknown = await (await server.send_interaction_command("define", {"term": "xyzzy"})
                     ).response()
    assert unknown.ok and unknown.ephemeral

    about = await (await server.send_interaction_command("about")).response()
    assert about.ok and about.embeds[0]["footer"]["text"].startswith("fmstudy ")
    _, refusal = await ask(server, "Who won the football world cup?")
    assert refusal.ok and refusal.embeds[0]["title"] == "Not in the reading"


async def test_long_question_in_a_thread(server: FakeDiscord, start_bot: StartBot,
                                         huge: Knowledge) -> None:
    study = server.channel_ids[1]
    await start_bot(knowledge=huge,
                    study_channels=[StudyChannel(study, "mention", thread=True)])
    handle = await server.send_message(f"{server.bot_user.mention} {LONG_QUESTION}",
                                       author="alice", channel_id=study)
    thread = await handle.wait_for(lambda r: r.kind == "thread")
    assert thread.ok and len(thread.thread["name"]) <= 100
    answer = await handle.wait_for(lambda r: r.kind == "message")
    assert answer.ok and answer.message["channel_id"] == thread.thread["id"]


async def test_oversized_passage_keeps_its_citation(server: FakeDiscord, start_bot: StartBot,
                                                   huge: Knowledge) -> None:
    await start_bot(knowledge=huge)
    _, reply = await ask(server, LONG_QUESTION)
    best = huge.ask(LONG_QUESTION).passages[0].passage
    assert reply.embeds[0]["description"].endswith(f"— **{best.citation}**")
