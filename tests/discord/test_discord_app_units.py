"""Unit tests for the pure parts of the Discord layer (no network, no event loop)."""

from __future__ import annotations

from pathlib import Path

import discord
import yarl

from bot.config import DiscordSettings, StudyChannel
from bot.discord_app import endpoints, runner
from bot.discord_app.client import build_intents
from bot.discord_app.cogs.define import choices
from bot.discord_app.cooldown import Cooldown
from bot.discord_app.credentials import parse_env_file, read_token
from bot.discord_app.replies import slow_down, split_words, to_kwargs
from bot.render import Embed, Reply, render_too_long


def test_env_file_parsing() -> None:
    text = (
        "# secrets\n\nexport DISCORD_TOKEN = 'abc.def' \nOTHER=1 # note\nBROKEN\n"
        'QUOTED="a # b"\n=novalue\n'
    )
    assert parse_env_file(text) == {"DISCORD_TOKEN": "abc.def", "OTHER": "1", "QUOTED": "a # b"}


def test_token_from_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\n", encoding="utf-8")
    assert read_token({"DISCORD_TOKEN": "from-env"}, env_file) == "from-env"
    assert read_token({"DISCORD_TOKEN": "  "}, env_file) == "from-file"
    assert read_token({}, tmp_path / "missing") is None
    env_file.write_text("DISCORD_TOKEN=\n", encoding="utf-8")
    assert read_token({}, env_file) is None


def test_to_kwargs_clips_and_never_pings() -> None:
    reply = Reply("x" * 2500, [Embed(title="t", description="d")], ephemeral=False)
    kwargs = to_kwargs(reply, ephemeral=True)
    assert len(kwargs["content"]) <= 2000 and kwargs["ephemeral"] is True
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    assert isinstance(kwargs["embeds"][0], discord.Embed)
    assert kwargs["embeds"][0].to_dict()["title"] == "t"
    # A private reply stays private; channel messages get no ephemeral flag at all.
    assert to_kwargs(Reply("hi", ephemeral=True), ephemeral=False)["ephemeral"] is True
    assert "ephemeral" not in to_kwargs(Reply("hi"), ephemeral=None)
    # No empty content on sends; an explicit None clears it on edits.
    assert "content" not in to_kwargs(Reply(embeds=[Embed(title="t")]))
    assert to_kwargs(Reply(embeds=[Embed(title="t")]), edit=True)["content"] is None


def test_short_notices() -> None:
    assert slow_down(0.2).content == "Slow down: try again in 1 s."
    assert slow_down(4.1).content == "Slow down: try again in 5 s."
    assert render_too_long(1234, 500).content.startswith("That question is 1,234 characters")
    assert slow_down(1).ephemeral and render_too_long(1, 1).ephemeral


def test_split_words_keeps_pieces_under_the_limit() -> None:
    text = " ".join(["word"] * 3000)
    pieces = split_words(text, 1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert " ".join(pieces) == text
    assert split_words("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


def test_cooldown_per_member() -> None:
    now = [100.0]
    cooldown = Cooldown(5, clock=lambda: now[0])
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == 5
    assert cooldown.retry_after(2) == 0
    assert cooldown.first_warning(1) and not cooldown.first_warning(1)
    now[0] += 5
    assert cooldown.retry_after(1) == 0 and cooldown.first_warning(1)
    off = Cooldown(0, clock=lambda: now[0])  # 0 turns it off: the same instant, twice
    assert off.retry_after(1) == 0 and off.retry_after(1) == 0


def test_message_content_intent_only_for_question_channels() -> None:
    assert not build_intents(DiscordSettings()).message_content
    mention_only = DiscordSettings(study_channels=[StudyChannel(1, "mention", thread=True)])
    assert not build_intents(mention_only).message_content
    asking = DiscordSettings(study_channels=[StudyChannel(1), StudyChannel(2, "question")])
    intents = build_intents(asking)
    assert intents.message_content and not intents.members and not intents.presences


def test_endpoints_apply_and_restore() -> None:
    def current() -> tuple[str, yarl.URL]:
        return discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY

    before = current()
    settings = DiscordSettings(api_base="http://127.0.0.1:9/api/v10/",
                               gateway_url="ws://127.0.0.1:9/gateway")
    restore = endpoints.apply(settings)
    try:
        url = discord.http.Route("GET", "/users/@me").url
        assert url == "http://127.0.0.1:9/api/v10/users/@me"
        assert current()[1] == yarl.URL("ws://127.0.0.1:9/gateway")
    finally:
        restore()
    assert current() == before


def test_discord_py_never_resets_the_api_base() -> None:
    """endpoints.apply sets Route.BASE once; only _set_api_version would undo it, unused."""
    package = Path(discord.__file__).parent
    callers = [p.relative_to(package) for p in package.rglob("*.py")
               if "_set_api_version(" in p.read_text(encoding="utf-8")
               and p.name != "http.py"]
    assert callers == []
    assert "_set_api_version(" not in (package / "http.py").read_text(
        encoding="utf-8").replace("def _set_api_version(", "")


def test_autocomplete_choices_fit_discords_limits() -> None:
    terms = [f"term {i}" for i in range(40)] + ["x" * 150]
    out = choices(terms)
    assert len(out) == 25
    long = choices(["y" * 150])[0]
    assert len(long.name) <= 100 and len(long.value) <= 100


def test_operator_errors_are_one_line_without_the_token(knowledge) -> None:
    settings = knowledge.settings
    cases = [discord.LoginFailure("Improper token has been passed."),
             discord.PrivilegedIntentsRequired(None),
             OSError("Connection refused")]
    for exc in cases:
        message = runner.explain(exc, settings)
        assert message and message.startswith("error: ") and "\n" not in message
    assert "Message Content" in runner.explain(cases[1], settings)
    assert runner.explain(RuntimeError("a bug"), settings) is None  # bugs keep their traceback


def test_whole_paragraph_of_a_huge_passage_is_at_most_three_messages_and_says_where_the_rest_is(
        knowledge):
    import dataclasses

    from bot.discord_app.replies import WHOLE_MAX_MESSAGES, whole_passage

    passage = dataclasses.replace(knowledge.corpus.passages[1], text="word " * 60_000)
    replies = whole_passage(knowledge, passage)
    assert len(replies) == WHOLE_MAX_MESSAGES == 3
    footer = replies[-1].embeds[0].footer
    assert "more parts" in footer and passage.citation in footer
    assert all(len(r.embeds[0].description) <= 4096 for r in replies)
    short = whole_passage(knowledge, knowledge.corpus.passages[1])
    assert len(short) == 1 and short[0].embeds[0].footer == ""


def test_debug_logs_redact_tokens_and_members_text() -> None:
    import logging

    from bot.discord_app.runner import Redact

    record = logging.LogRecord(
        "discord.http", logging.DEBUG, __file__, 1,
        "POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb24.abc-_/callback "
        "with %s", ({"token": "aW50ZXJhY3Rpb24tdG9rZW4", "content": "my secret question"},),
        None)
    Redact().filter(record)
    text = record.getMessage()
    assert "aW50ZXJhY3Rpb24" not in text and "my secret question" not in text
    assert "/interactions/123/[token]/callback" in text and "[member text]" in text
    kept = logging.LogRecord("discord.gateway", logging.DEBUG, __file__, 1,
                             "event %s", ({"content": "hello"},), None)
    Redact(keep_text=True).filter(kept)
    assert "hello" in kept.getMessage()


async def test_a_channel_without_embed_links_gets_the_answer_as_plain_text(knowledge) -> None:
    from types import SimpleNamespace
    from unittest.mock import AsyncMock

    from bot.discord_app.cogs.channel_questions import ChannelQuestions
    from bot.render import render_answer

    channel = SimpleNamespace(id=1, permissions_for=lambda member: discord.Permissions(
        send_messages=True, embed_links=False))
    message = SimpleNamespace(guild=SimpleNamespace(me=object()), channel=channel,
                              reply=AsyncMock())
    cog = ChannelQuestions.__new__(ChannelQuestions)
    cog.study_channels = {}
    reply = render_answer(knowledge, knowledge.ask("what is emergence?"))
    await cog.send(message, reply, view=None)  # type: ignore[arg-type]
    sent = message.reply.call_args.kwargs
    assert "Emergence means that" in sent["content"] and not sent.get("embeds")
    assert sent["allowed_mentions"].everyone is False


async def test_stopping_lets_work_in_progress_finish_and_cancels_what_hangs() -> None:
    import asyncio

    from bot.discord_app.runner import finish_in_flight

    answered: list[str] = []

    async def quick() -> None:
        await asyncio.sleep(0.01)
        answered.append("quick")

    async def hangs() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            answered.append("told the member")
            raise

    async def fails() -> None:
        raise RuntimeError("the session is closed")

    tasks = [asyncio.create_task(quick(), name="CommandTree-invoker"),
             asyncio.create_task(hangs(), name="discord-ui-view-dispatch-1"),
             asyncio.create_task(fails(), name="discord.py: on_message"),
             asyncio.create_task(asyncio.sleep(60), name="not ours")]
    await finish_in_flight(timeout=0.2)
    assert answered == ["quick", "told the member"]
    assert all(t.done() for t in tasks[:3]) and not tasks[3].done()
    assert isinstance(tasks[2].exception(), RuntimeError)  # retrieved, not left to the loop
    tasks[3].cancel()


def test_the_log_filter_lets_a_malformed_call_through_and_redacts_tracebacks() -> None:
    import logging

    from bot.discord_app.runner import Redact

    bad = logging.LogRecord("bot", logging.DEBUG, __file__, 1, "bad %d", ("x",), None)
    assert Redact().filter(bad) is True  # logging reports it, the caller goes on
    try:
        raise RuntimeError("POST /webhooks/1/c2VjcmV0LXRva2Vu.x/messages failed")
    except RuntimeError:
        import sys

        failed = logging.LogRecord("discord.http", logging.ERROR, __file__, 1, "failed", (),
                                   sys.exc_info())
    Redact().filter(failed)
    assert failed.exc_text is not None and "c2VjcmV0LXRva2Vu" not in failed.exc_text
    titled = logging.LogRecord("discord.http", logging.DEBUG, __file__, 1, "%s",
                               ({"title": "my private question"},), None)
    Redact().filter(titled)
    assert "my private question" not in titled.getMessage()


async def test_questions_are_answered_beside_the_event_loop(knowledge) -> None:
    """With the embedder an answer takes milliseconds: the loop (heartbeats, other members)
    goes on meanwhile, and answers come one at a time from one thread."""
    import asyncio
    import threading

    from bot.discord_app.client import StudyBot

    loop_thread = threading.current_thread()
    answered_on: list[threading.Thread] = []
    ticks = 0

    class Slow:
        def ask(self, question: str, k: int | None = None):
            answered_on.append(threading.current_thread())
            threading.Event().wait(0.05)
            return knowledge.ask(question, k)

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    bot = StudyBot(knowledge.settings, Slow())  # type: ignore[arg-type]
    ticker = asyncio.create_task(tick())
    try:
        answers = await asyncio.gather(bot.ask("what is emergence?"), bot.ask("what is it?"))
    finally:
        ticker.cancel()
        await bot.close()
    assert answers[0].answered and answers[0].passages == knowledge.ask(
        "what is emergence?").passages
    assert ticks >= 5  # the loop ran while the two answers took 0.1 s
    assert len(set(answered_on)) == 1 and loop_thread not in answered_on
