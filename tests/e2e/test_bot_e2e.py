"""End to end: the real StudyBot, unmodified, against the fake Discord in ``fakediscord``.

The bot is pointed at the fake server only through config settings (``discord.api_base`` and
``discord.gateway_url``), exactly as a self-hosted deployment would be; nothing in discord.py
is patched. Every payload the bot sends is checked by the fake against Discord's rules and the
project's no-ping policy, and each test ends with ``server.assert_clean()``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import yaml

from bot.config import Settings, StudyChannel, load_settings
from bot.core.knowledge import Knowledge
from bot.discord_app import runner, views
from bot.discord_app.client import StudyBot
from bot.discord_app.replies import NOT_YOURS, SOMETHING_WENT_WRONG

try:
    from .fakediscord import FakeDiscord, InteractionHandle, Reply
except ImportError:  # collected with tests/e2e on sys.path (rootdir without packages)
    from fakediscord import FakeDiscord, InteractionHandle, Reply  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[2]
TOKEN = "fake-token-for-tests.not-a-real-one"
COMMANDS = {"ask", "define", "risks", "about", "sync"}
ANSWERED = "What does emergence mean?"  # few passages match, however many are asked for
MANY = "What is transfer learning?"  # more passages with "More passages" than by default
NOT_COVERED = "Who won the football world cup?"


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_settings() -> Settings:
    return load_settings(REPO / "config.yml")


@pytest.fixture(scope="module")
def knowledge(base_settings: Settings) -> Knowledge:
    return Knowledge.from_settings(base_settings)


@pytest.fixture
async def server() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, deadline=1.5, heartbeat_interval_ms=30_000) as fake:
        yield fake


def settings_for(server: FakeDiscord, base: Settings, **discord: Any) -> Settings:
    values: dict[str, Any] = {
        "api_base": server.api_base,
        "gateway_url": server.gateway_url,
        "dev_guild_id": server.guild_id,
        "cooldown_seconds": 0.0,
    }
    values.update(discord)
    return dataclasses.replace(base, discord=dataclasses.replace(base.discord, **values))


StartBot = Callable[..., Awaitable[StudyBot]]


@pytest.fixture
async def start_bot(
    server: FakeDiscord, base_settings: Settings, knowledge: Knowledge
) -> AsyncIterator[StartBot]:
    """Start a StudyBot on the fake server (ready, commands synced to the dev guild)."""
    running: list[tuple[StudyBot, asyncio.Task[None]]] = []

    async def start(**discord: Any) -> StudyBot:
        settings = settings_for(server, base_settings, **discord)
        # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE before
        # READY; the fake sends its only guild at once, so waiting 2 s would only slow tests.
        bot = StudyBot(settings, knowledge, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(TOKEN))
        running.append((bot, task))
        deadline = time.monotonic() + 5
        while not bot.is_ready():
            if task.done():
                task.result()
            assert time.monotonic() < deadline, "bot did not become ready"
            await asyncio.sleep(0.01)
        return bot

    yield start
    for bot, task in running:
        await runner.stop_gracefully(bot, task)
    server.assert_clean()


@pytest.fixture
async def bot(start_bot: StartBot) -> StudyBot:
    return await start_bot()


# -- helpers ---------------------------------------------------------------------------------


def custom_ids(message: dict[str, Any]) -> list[str]:
    ids = []
    for row in message.get("components") or []:
        ids += [c["custom_id"] for c in row.get("components") or [] if "custom_id" in c]
    return ids


def component(message: dict[str, Any], prefix: str) -> dict[str, Any]:
    for row in message.get("components") or []:
        for c in row.get("components") or []:
            if str(c.get("custom_id", "")).startswith(prefix):
                return c
    raise AssertionError(f"no component {prefix!r} in {message.get('components')}")


def no_pings(payload: dict[str, Any]) -> bool:
    mentions = payload.get("allowed_mentions")
    return (
        mentions is not None
        and not mentions.get("parse")
        and not mentions.get("users")
        and not mentions.get("roles")
        and not mentions.get("replied_user")
    )


async def ask(server: FakeDiscord, question: str, **kw: Any) -> tuple[InteractionHandle, Reply]:
    handle = await server.send_interaction_command(
        "ask", {"question": question, **kw.pop("options", {})}, **kw
    )
    return handle, await handle.response()


# -- login, intents, command sync ------------------------------------------------------------


async def test_login_identify_and_dev_guild_sync(server: FakeDiscord, start_bot: StartBot) -> None:
    library_base = discord.http.Route.BASE
    bot = await start_bot()
    assert bot.user is not None and bot.user.id == server.bot_user.id
    # The settings stuck: every request went to the fake (assert_clean fails on any other).
    base_in_use = discord.http.Route.BASE
    assert base_in_use == server.api_base
    paths = [(r.method, r.path) for r in server.requests]
    assert ("GET", "/users/@me") in paths
    assert not any(
        p.startswith("/applications/") and "/guilds/" not in p and m == "PUT" for m, p in paths
    ), "commands were synced globally on start"
    # Dev guild: synced at start, with the whole tree.
    commands = {c["name"]: c for c in server.commands(server.guild_id)}
    assert set(commands) == COMMANDS
    assert server.commands(None) == []
    term = commands["define"]["options"][0]
    assert term["name"] == "term" and term["autocomplete"] is True
    assert term.get("max_length") == 100
    ask_options = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask_options["question"]["required"] is True
    assert ask_options["private"]["type"] == 5 and not ask_options["private"].get("required")
    assert int(commands["sync"]["default_member_permissions"]) == 8  # administrator
    # Default intents only: no privileged message content without a "question" channel.
    assert server.intents is not None and not server.message_content_intent
    assert server.identifies[0]["token"] == TOKEN
    await bot.close()
    base_after = discord.http.Route.BASE
    assert base_after == library_base  # put back on close


async def test_no_command_sync_without_dev_guild(server: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot(dev_guild_id=None)
    assert not any(r.method == "PUT" for r in server.requests)
    assert server.commands(None) == [] and server.commands(server.guild_id) == []


async def test_sync_command_logs_in_syncs_and_leaves(
    server: FakeDiscord,
    base_settings: Settings,
    knowledge: Knowledge,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = settings_for(server, base_settings, dev_guild_id=None)
    assert await runner.sync_once(settings, knowledge, TOKEN, None) == 0
    assert {c["name"] for c in server.commands(None)} == COMMANDS
    assert await runner.sync_once(settings, knowledge, TOKEN, server.guild_id) == 0
    assert {c["name"] for c in server.commands(server.guild_id)} == COMMANDS
    assert server.identifies == []  # REST only: never connected to the gateway
    out = capsys.readouterr().out
    assert "Synced 5 commands globally" in out and f"to guild {server.guild_id}" in out
    assert TOKEN not in out
    server.assert_clean()


async def test_sync_to_unknown_guild_is_one_line(
    server: FakeDiscord,
    base_settings: Settings,
    knowledge: Knowledge,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = settings_for(server, base_settings, dev_guild_id=None)
    assert await runner.sync_once(settings, knowledge, TOKEN, 12345) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    server.assert_clean()


async def test_message_content_intent_only_for_question_channels(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(study_channels=[StudyChannel(server.channel_ids[1], "question")])
    assert server.message_content_intent


# -- slash commands --------------------------------------------------------------------------


async def test_ask_answers_with_cited_passages_and_buttons(
    server: FakeDiscord, bot: StudyBot
) -> None:
    handle, reply = await ask(server, ANSWERED)
    assert reply.ok and reply.callback_type == 4 and not reply.ephemeral
    assert no_pings(reply.data)
    embed = reply.embeds[0]
    assert embed["title"] == "What does emergence mean?"
    assert "Definitions ¶1" in embed["description"]
    ids = custom_ids(reply.message)
    assert len(ids) == 2 and all(len(i) <= 100 for i in ids)
    assert [c["label"] for c in reply.message["components"][0]["components"]] == [
        "More passages",
        "Whole paragraph",
    ]
    assert len(handle.replies) == 1  # answered directly: no deferral, no second call


async def test_ask_private_is_ephemeral(server: FakeDiscord, bot: StudyBot) -> None:
    _, reply = await ask(server, ANSWERED, options={"private": True})
    assert reply.ok and reply.ephemeral and reply.embeds


async def test_more_passages_and_whole_paragraph(
    server: FakeDiscord, bot: StudyBot, knowledge: Knowledge
) -> None:
    top_k = knowledge.answerer.top_k
    shown, more_shown = (len(knowledge.ask(MANY, k).passages) for k in (top_k, top_k + 3))
    assert more_shown > shown, "precondition: the corpus has more passages for MANY"
    _, reply = await ask(server, MANY, user="alice")
    message = reply.message
    assert 1 + len(reply.embeds[0].get("fields", [])) == shown
    more = await server.click_button(
        message, component(message, "fmstudy:more:")["custom_id"], user="alice"
    )
    edited = await more.response()
    assert edited.ok and edited.callback_type == 7
    assert 1 + len(edited.embeds[0].get("fields", [])) == more_shown
    assert no_pings(edited.data)
    assert component(server.message(message["id"]), "fmstudy:more:")["disabled"] is True

    whole = await server.click_button(
        message, component(message, "fmstudy:whole:")["custom_id"], user="alice"
    )
    full = await whole.response()
    best = knowledge.ask(MANY).passages[0].passage
    assert full.ok and full.callback_type == 4 and full.ephemeral
    assert full.embeds[0]["description"] == best.text
    assert no_pings(full.data)


async def test_more_passages_when_there_are_no_more(server: FakeDiscord, bot: StudyBot,
                                                    knowledge: Knowledge) -> None:
    top_k = knowledge.answerer.top_k
    assert len(knowledge.ask(ANSWERED, top_k + 3).passages) == len(
        knowledge.ask(ANSWERED).passages), "precondition: no more passages for ANSWERED"
    _, reply = await ask(server, ANSWERED, user="alice")
    click = await server.click_button(
        reply.message, component(reply.message, "fmstudy:more:")["custom_id"], user="alice")
    edited = await click.response()
    assert edited.callback_type == 7
    assert component(server.message(reply.message["id"]), "fmstudy:more:")["disabled"] is True
    assert server.message(reply.message["id"])["embeds"] == reply.embeds
    notice = await click.followup()
    assert notice.ephemeral and notice.content.startswith("Those were all the passages")


async def test_buttons_answer_only_the_asker(server: FakeDiscord, bot: StudyBot) -> None:
    _, reply = await ask(server, ANSWERED, user="alice")
    before = [dict(e) for e in server.message(reply.message["id"])["embeds"]]
    for prefix in ("fmstudy:more:", "fmstudy:whole:"):
        click = await server.click_button(
            reply.message, component(reply.message, prefix)["custom_id"], user="bob"
        )
        refusal = await click.response()
        assert refusal.ok and refusal.callback_type == 4 and refusal.ephemeral
        assert refusal.content == NOT_YOURS
    assert server.message(reply.message["id"])["embeds"] == before


async def test_buttons_are_removed_on_timeout(server: FakeDiscord, bot: StudyBot) -> None:
    bot.view_timeout = 0.3
    handle, reply = await ask(server, ANSWERED)
    edit = await handle.wait_for(lambda r: r.kind == "edit", timeout=3)
    assert edit.ok and edit.payload.get("components") == []
    assert server.message(reply.message["id"])["components"] == []
    assert server.message(reply.message["id"])["embeds"] == reply.embeds  # answer kept


async def test_buttons_outliving_the_bot_are_answered(server: FakeDiscord, start_bot: StartBot
                                                      ) -> None:
    before = await start_bot()
    _, reply = await ask(server, ANSWERED)
    await before.close()  # a restart: the new process has no view for these buttons
    await start_bot()
    click = await server.click_button(
        reply.message, component(reply.message, "fmstudy:more:")["custom_id"])
    first = await click.response()
    assert first.callback_type == 7 and first.payload["data"]["components"] == []
    notice = await click.followup()
    assert notice.ephemeral and "expired" in (notice.content or "")


async def test_define_found_and_unknown(server: FakeDiscord, bot: StudyBot) -> None:
    found = await (
        await server.send_interaction_command("define", {"term": "emergence"})
    ).response()
    assert found.ok and not found.ephemeral and found.embeds[0]["title"] == "Emergence"
    unknown = await (await server.send_interaction_command("define", {"term": "xyzzy"})).response()
    assert unknown.ok and unknown.ephemeral and "not defined" in unknown.content
    typo = await (await server.send_interaction_command("define", {"term": "emergnce"})).response()
    assert typo.embeds[0]["title"] == "Emergence"


async def test_define_autocomplete(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_autocomplete("define", {"term": "emer"})
    reply = await handle.response()
    assert reply.ok and reply.callback_type == 8
    choices = reply.payload["data"]["choices"]
    assert choices[0] == {"name": "Emergence", "value": "Emergence"}
    everything = await (await server.send_autocomplete("define", {"term": ""})).response()
    names = [c["name"] for c in everything.payload["data"]["choices"]]
    assert 1 < len(names) <= 25 and all(len(n) <= 100 for n in names)


async def test_risks_menu_opens_a_risk_for_anyone(
    server: FakeDiscord, bot: StudyBot, knowledge: Knowledge
) -> None:
    reply = await (await server.send_interaction_command("risks", user="alice")).response()
    assert reply.ok and reply.embeds[0]["title"] == "Risks named in the summary"
    menu = component(reply.message, "fmstudy:risk:")
    assert menu["type"] == 3 and len(menu["options"]) == len(knowledge.risks) <= 25
    assert [o["value"] for o in menu["options"]] == [str(i) for i in range(len(knowledge.risks))]
    picked = await server.select(reply.message, menu["custom_id"], ["1"], user="bob")
    opened = await picked.response()
    assert opened.ok and opened.callback_type == 4 and opened.ephemeral
    assert opened.embeds[0]["title"] == knowledge.risks[1].title
    assert knowledge.risks[1].text in opened.embeds[0]["description"]
    assert no_pings(opened.data)


async def test_about(server: FakeDiscord, bot: StudyBot) -> None:
    reply = await (await server.send_interaction_command("about")).response()
    assert reply.ok and reply.embeds[0]["title"] == "About fmstudy"


async def test_abstention_is_a_refusal_without_buttons(server: FakeDiscord, bot: StudyBot) -> None:
    _, reply = await ask(server, NOT_COVERED)
    assert reply.ok and reply.embeds[0]["title"] == "Not in the summary"
    assert not reply.message.get("components")


# -- channel questions -----------------------------------------------------------------------


async def test_mention_is_answered_as_a_reply(server: FakeDiscord, bot: StudyBot) -> None:
    me = server.bot_user
    handle = await server.send_message(f"{me.mention} {ANSWERED}", author="alice")
    reply = await handle.response()
    assert reply.ok and reply.kind == "message"
    assert int(reply.payload["message_reference"]["message_id"]) == handle.id
    assert no_pings(reply.payload)
    assert reply.embeds[0]["title"] == ANSWERED  # the mention is stripped from the question
    assert len(custom_ids(reply.message)) == 2

    bare = await (await server.send_message(me.mention, author="alice")).response()
    assert bare.content.startswith("**fmstudy** answers")


async def test_mention_buttons_work_for_the_author(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author="alice")
    reply = await handle.response()
    more_id = component(reply.message, "fmstudy:more:")["custom_id"]
    refused = await (await server.click_button(reply.message, more_id, user="bob")).response()
    assert refused.ephemeral and refused.content == NOT_YOURS
    edited = await (await server.click_button(reply.message, more_id, user="alice")).response()
    assert edited.ok and edited.callback_type == 7


async def test_messages_not_for_the_bot_are_ignored(server: FakeDiscord, bot: StudyBot) -> None:
    plain = await server.send_message(ANSWERED, author="alice")  # no mention, not a study channel
    robot = server.member("otherbot", bot=True)
    from_bot = await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author=robot)
    assert await plain.settle(0.2) == []
    assert await from_bot.settle(0.05) == []


async def test_question_channel_answers_in_a_thread(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    study = server.channel_ids[1]
    await start_bot(study_channels=[StudyChannel(study, "question", thread=True)])
    handle = await server.send_message(ANSWERED, author="alice", channel_id=study)
    thread = await handle.wait_for(lambda r: r.kind == "thread")
    assert thread.ok and thread.thread["name"] == ANSWERED
    answer = await handle.wait_for(lambda r: r.kind == "message")
    assert answer.ok and answer.message["channel_id"] == thread.thread["id"]
    assert answer.embeds[0]["title"] == ANSWERED and no_pings(answer.payload)

    statement = await server.send_message("I liked chapter one.", author="alice", channel_id=study)
    assert await statement.settle(0.2) == []


async def test_mention_channel_ignores_unaddressed_questions(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    study = server.channel_ids[1]
    await start_bot(study_channels=[StudyChannel(study, "mention")])
    handle = await server.send_message(ANSWERED, author="alice", channel_id=study)
    assert await handle.settle(0.2) == []


# -- limits ----------------------------------------------------------------------------------


async def test_cooldown_is_shared_by_ask_and_mentions(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(cooldown_seconds=60)
    _, first = await ask(server, ANSWERED, user="alice")
    assert first.embeds
    _, second = await ask(server, ANSWERED, user="alice")
    assert second.ephemeral and second.content.startswith("Slow down: try again in ")
    assert second.content.endswith(" s.")
    _, other = await ask(server, ANSWERED, user="bob")  # per member
    assert other.embeds

    mention = f"{server.bot_user.mention} {ANSWERED}"
    warned = await (await server.send_message(mention, author="alice")).response()
    assert warned.kind == "message" and warned.content.startswith("Slow down")
    assert no_pings(warned.payload)
    again = await server.send_message(mention, author="alice")
    assert await again.settle(0.2) == []  # warned once per window, then quiet


async def test_too_long_questions_are_refused_before_the_cooldown(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(max_question_chars=40, cooldown_seconds=60)
    long = "Why " + "really " * 10 + "does emergence matter?"
    _, refused = await ask(server, long, user="alice")
    assert refused.ephemeral and refused.content.startswith("That question is ")
    assert "under 40" in refused.content
    by_message = await (
        await server.send_message(f"{server.bot_user.mention} {long}", author="alice")
    ).response()
    assert by_message.content.startswith("That question is ")
    _, answered = await ask(server, ANSWERED, user="alice")  # budget untouched
    assert answered.embeds


# -- errors ----------------------------------------------------------------------------------


def boom(self: Knowledge, question: str, k: int | None = None) -> Any:
    raise RuntimeError("boom: the core failed")


async def test_core_error_reaches_the_member_and_the_log(
    server: FakeDiscord,
    bot: StudyBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(Knowledge, "ask", boom)
    with caplog.at_level(logging.ERROR, logger="bot.discord_app"):
        _, reply = await ask(server, ANSWERED)
        message = await (
            await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author="alice")
        ).response()
    assert reply.ok and reply.ephemeral and reply.content == SOMETHING_WENT_WRONG
    assert message.kind == "message" and message.content == SOMETHING_WENT_WRONG
    assert "Traceback" not in reply.content
    logged = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
    assert len(logged) == 2


async def test_error_after_responding_goes_to_a_followup(
    server: FakeDiscord,
    bot: StudyBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = views.whole_passage

    def first_then_broken(knowledge: Knowledge, passage: Any) -> list[Any]:
        return [*real(knowledge, passage), None]  # the second piece cannot be sent

    monkeypatch.setattr(views, "whole_passage", first_then_broken)
    _, reply = await ask(server, ANSWERED, user="alice")
    with caplog.at_level(logging.ERROR, logger="bot.discord_app"):
        click = await server.click_button(
            reply.message, component(reply.message, "fmstudy:whole:")["custom_id"], user="alice"
        )
        first = await click.response()
        notice = await click.followup()
    assert first.callback_type == 4 and first.embeds
    assert notice.ok and notice.ephemeral and notice.content == SOMETHING_WENT_WRONG
    assert any(r.exc_info for r in caplog.records)


async def test_sync_is_owner_only(server: FakeDiscord, bot: StudyBot) -> None:
    refused = await (await server.send_interaction_command("sync", user="alice")).response()
    assert refused.ephemeral and "owners" in refused.content
    handle = await server.send_interaction_command("sync", user=server.owner)
    deferred = await handle.response()
    assert deferred.callback_type == 5 and deferred.ephemeral
    done = await handle.followup()
    assert done.ok and done.content.startswith("Synced 5 commands to this server")


# -- process: tokens and shutdown ------------------------------------------------------------


async def test_graceful_close_in_process(
    server: FakeDiscord, base_settings: Settings, knowledge: Knowledge
) -> None:
    stop = asyncio.Event()
    serving = asyncio.create_task(
        runner.serve(settings_for(server, base_settings), knowledge, TOKEN, stop=stop)
    )
    await server.wait_until_identified()
    stop.set()
    assert await asyncio.wait_for(serving, 5) == 0
    await asyncio.sleep(0.05)
    assert server.gateway_closes == [1000]
    server.assert_clean()


async def test_rejected_token_is_one_line(
    server: FakeDiscord,
    base_settings: Settings,
    knowledge: Knowledge,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = "wrong-token-value"
    code = await runner.serve(settings_for(server, base_settings), knowledge, wrong)
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "rejected DISCORD_TOKEN" in err
    assert wrong not in err
    server.assert_clean()


def test_missing_token_is_one_line(
    base_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert runner.run_bot(base_settings) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err


async def test_run_subprocess_stops_cleanly_on_sigterm(server: FakeDiscord, tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    config["corpus"]["path"] = str(REPO / "corpus")
    config["discord"].update(api_base=server.api_base, gateway_url=server.gateway_url)
    (tmp_path / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / ".env").write_text(f"# local secrets\nDISCORD_TOKEN='{TOKEN}'\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(REPO)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(tmp_path / "config.yml"),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    logged: list[str] = []

    async def read_until_ready() -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            logged.append(line.decode())
            if "connected as fmstudy" in logged[-1]:
                return
        raise AssertionError("the bot exited before connecting:\n" + "".join(logged))

    try:
        await asyncio.wait_for(read_until_ready(), 15)
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), 10)
        err = "".join(logged).encode() + rest
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert TOKEN not in err.decode()
    assert server.gateway_closes == [1000]
    server.assert_clean()
