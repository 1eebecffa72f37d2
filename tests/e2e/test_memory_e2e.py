"""The group's memory on the local Discord test server: every question kept once, votes,
/gaps for leads, /forget-me, and a store that fails costing no answer."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import discord

from bot.core.knowledge import Knowledge
from bot.store import Store

from .fakediscord import FakeDiscord
from .helpers import StartBot, ask, component, no_pings

ANSWERED = "What does emergence mean?"
REFUSED = "who won the football world cup?"


async def test_200_questions_at_once_are_each_kept_exactly_once(
        server: FakeDiscord, start_bot: StartBot, tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3").open()
    try:
        await start_bot(store=store)
        questions = [f"{ANSWERED} ({i})" if i % 2 else f"{REFUSED} ({i})" for i in range(200)]
        handles = await asyncio.gather(*(
            server.send_interaction_command("ask", {"question": q}, user=f"member{i}")
            for i, q in enumerate(questions)))
        replies = await asyncio.gather(*(h.response(timeout=30) for h in handles))
        assert all(r.ok for r in replies)
        deferred = [h for h, r in zip(handles, replies, strict=True) if r.callback_type == 5]
        await asyncio.gather(*(h.wait_for(lambda r: r.kind == "edit", timeout=30)
                               for h in deferred))  # their answers came later
        kept = await asyncio.wrap_future(store.questions())
        assert sorted(k.text for k in kept) == sorted(questions)
        assert sum(k.answered for k in kept) == 100
    finally:
        store.close()


async def test_any_member_votes_once_on_an_answer_and_may_change_it(
        server: FakeDiscord, start_bot: StartBot, tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3").open()
    try:
        await start_bot(store=store)
        _, reply = await ask(server, ANSWERED, user="alice")
        up, down = (component(reply.message, f"fmstudy:vote:{kind}:")["custom_id"]
                    for kind in ("up", "down"))
        async def vote(custom_id: str, user: str) -> Any:
            click = await server.click_button(reply.message, custom_id, user=user)
            assert (await click.response()).callback_type == 5  # acknowledged at once
            return await click.followup()

        first = await vote(down, "bob")
        assert first.ephemeral and "👎 is kept" in first.content and no_pings(first.data)
        again = await vote(up, "bob")
        assert again.ephemeral and "👍 is kept" in again.content
        await vote(down, "carol")
        # "More passages" stays the asker's alone
        more = component(reply.message, "fmstudy:more:")["custom_id"]
        refused = await (await server.click_button(reply.message, more, user="bob")).response()
        assert refused.ephemeral
        kept = await asyncio.wrap_future(store.questions())
        assert [(k.text, k.up, k.down) for k in kept] == [(ANSWERED, 1, 1)]
    finally:
        store.close()


async def test_no_vote_buttons_when_answers_are_not_kept(
        server: FakeDiscord, start_bot: StartBot, tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3", record="unanswered").open()
    try:
        await start_bot(store=store)
        _, reply = await ask(server, ANSWERED, user="alice")
        ids = [c["custom_id"] for row in reply.message["components"] for c in row["components"]]
        assert ids and not any(i.startswith("fmstudy:vote:") for i in ids)
        await ask(server, REFUSED, user="alice")
        kept = await asyncio.wrap_future(store.questions())
        assert [k.text for k in kept] == [REFUSED]
    finally:
        store.close()


async def test_gaps_are_for_leads_and_group_what_the_notes_missed(
        server: FakeDiscord, start_bot: StartBot, tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3").open()
    lead_role = server.add_role("study lead")
    server.member("lena", roles=[lead_role])
    admin_role = server.add_role("admins", permissions=int(discord.Permissions(
        manage_guild=True).value))
    server.member("max", roles=[admin_role])
    try:
        await start_bot(store=store, lead_role_ids=(lead_role,))
        for user, question in (("alice", REFUSED), ("bob", "Who won the football World Cup"),
                               ("carol", "what is @everyone's favourite pizza?"),
                               ("dan", ANSWERED)):
            await ask(server, question, user=user)
        denied = await (await server.send_interaction_command("gaps", user="alice")).response()
        assert denied.ephemeral and "study leads" in denied.content
        for lead in ("lena", "max"):
            handle = await server.send_interaction_command("gaps", {"days": 7}, user=lead)
            assert (await handle.response()).callback_type == 5
            shown = await handle.followup()
            assert shown.ephemeral and no_pings(shown.data)
            lines = shown.embeds[0]["description"].splitlines()
            assert lines[0].startswith("**2×** Who won the football World Cup")
            assert "pizza" in lines[1] and "@everyone" not in lines[1]  # escaped, no ping
            assert len(lines) == 2  # the answered question is no gap
    finally:
        store.close()


async def test_forget_me_erases_only_the_member_who_asks(
        server: FakeDiscord, start_bot: StartBot, tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3").open()
    try:
        await start_bot(store=store)
        _, reply = await ask(server, ANSWERED, user="alice")
        await ask(server, REFUSED, user="alice")
        await ask(server, REFUSED + "?", user="bob")
        up = component(reply.message, "fmstudy:vote:up:")["custom_id"]
        click = await server.click_button(reply.message, up, user="bob")
        await click.followup()
        handle = await server.send_interaction_command("forget-me", user="alice")
        await handle.response()
        done = await handle.followup()
        assert done.ephemeral and done.content == (
            "Deleted everything kept about you: 2 questions, 0 votes and 0 quiz items' progress.")
        kept = await asyncio.wrap_future(store.questions())
        assert [k.text for k in kept] == [REFUSED + "?"]
    finally:
        store.close()


async def test_a_store_that_fails_costs_no_answer(
        server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge, tmp_path: Path,
        caplog) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        store = Store(blocked / "memory.sqlite3").open()
    try:
        await start_bot(store=store)
        _, reply = await ask(server, ANSWERED, user="alice")
        best = knowledge.ask(ANSWERED).passages[0].passage
        assert reply.ok and best.text[:40] in reply.embeds[0]["description"]
        handle = await server.send_interaction_command("forget-me", user="alice")
        await handle.response()
        sorry = await handle.followup()
        assert sorry.ephemeral and "Nothing was deleted" in sorry.content
    finally:
        store.close()
    assert sum("answering goes on" in r.message for r in caplog.records) == 1


async def test_about_says_what_is_kept_and_how_to_erase_it(
        server: FakeDiscord, bot: object) -> None:
    about = await (await server.send_interaction_command("about", user="alice")).response()
    kept = dict((f["name"], f["value"]) for f in about.embeds[0]["fields"])["What is kept"]
    assert "90 days" in kept and "/forget-me" in kept
