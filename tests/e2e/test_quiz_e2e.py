"""/quiz on the local Discord test server: a member's own question, a round for everyone,
progress kept in the group's memory."""

from __future__ import annotations

import time
from pathlib import Path

from bot.core.knowledge import Knowledge
from bot.core.quiz import QuizItem
from bot.store import Store

from .fakediscord import FakeDiscord
from .helpers import StartBot, no_pings

SUCCESS, DANGER = 3, 4  # Discord's button styles


def the_item(knowledge: Knowledge, message: dict) -> QuizItem:
    prompt = message["embeds"][0]["description"].removeprefix("> ")
    return next(i for i in knowledge.quiz.items() if i.prompt == prompt)


def buttons(message: dict) -> list[dict]:
    return [c for row in message["components"] for c in row["components"]]


async def test_a_members_quiz_question_then_its_answer_and_passage(
        server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge, tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3").open()
    try:
        await start_bot(store=store)
        asked = await (await server.send_interaction_command("quiz", user="alice")).response()
        assert asked.ok and not asked.ephemeral and len(buttons(asked.message)) == 4
        item = the_item(knowledge, asked.message)
        labels = [b["label"] for b in buttons(asked.message)]
        assert sorted(labels) == sorted(item.choices)
        right = buttons(asked.message)[labels.index(item.answer)]["custom_id"]
        wrong = next(b["custom_id"] for b in buttons(asked.message) if b["label"] != item.answer)
        other = await (await server.click_button(asked.message, right, user="bob")).response()
        assert other.ephemeral and other.content.startswith("Only the person who asked")
        done = await (await server.click_button(asked.message, wrong, user="alice")).response()
        assert done.callback_type == 7
        result = done.embeds[1]
        assert result["title"].startswith("Not quite: the answer is")
        assert result["description"].endswith(f"— **{item.source.citation}**")
        shown = server.message(asked.message["id"])
        styles = {b["label"]: (b.get("disabled"), b["style"]) for b in buttons(shown)}
        assert styles[item.answer] == (True, SUCCESS)
        assert [s for s in styles.values() if s[1] == DANGER] == [(True, DANGER)]
        handle = await server.send_interaction_command("quiz", {"mode": "stats"}, user="alice")
        await handle.response()
        stats = await handle.followup()
        assert stats.ephemeral and "1 seen · 0 right · 1 missed" in stats.embeds[0]["description"]
    finally:
        store.close()


async def test_a_round_counts_each_members_first_answer_and_names_who_got_it(
        server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge) -> None:
    await start_bot(quiz_round_seconds=0.5)
    started = time.monotonic()
    handle = await server.send_interaction_command("quiz", {"mode": "round"}, user="alice")
    asked = await handle.response()
    assert asked.ok and not asked.ephemeral
    assert "Everyone can answer" in asked.embeds[0]["footer"]["text"]
    item = the_item(knowledge, asked.message)
    by_label = {b["label"]: b["custom_id"] for b in buttons(asked.message)}
    wrong = next(label for label in by_label if label != item.answer)
    ack = await (await server.click_button(asked.message, by_label[item.answer],
                                           user="carol")).response()
    assert ack.ephemeral and ack.content == f"Your answer is in: {item.answer}."
    await (await server.click_button(asked.message, by_label[wrong], user="bob")).response()
    again = await (await server.click_button(asked.message, by_label[wrong],
                                             user="carol")).response()
    assert again.ephemeral and again.content.startswith("You have answered this round")
    revealed = await handle.wait_for(lambda r: r.kind == "edit", timeout=5)
    assert time.monotonic() - started < 1.5  # on time, however many clicks came
    result = revealed.embeds[1]
    fields = {f["name"]: f["value"] for f in result["fields"]}
    carol = server.member("carol").id
    assert fields == {"2 answers": f"Right: <@{carol}>"}
    assert no_pings(revealed.data) and result["title"] == f"The answer: {item.answer}"
