"""Fixtures of the end-to-end tests: a fresh fake Discord per test, and bots started on it.

Every test that starts a bot through ``start_bot`` ends with ``server.assert_clean()``: any
Discord rule the bot broke (limits, deadline, double acknowledgement, a message that could
ping) fails the test even if its own assertions passed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.discord_app import runner
from bot.discord_app.client import StudyBot

from .fakediscord import FakeDiscord
from .helpers import TOKEN, StartBot, settings_for


@pytest.fixture(scope="session")
def base_settings(knowledge: Knowledge) -> Settings:
    return knowledge.settings


@pytest.fixture
async def server() -> AsyncIterator[FakeDiscord]:
    # deadline: Discord's 3 s, halved so a bot that is merely slow fails too.
    async with FakeDiscord(token=TOKEN, deadline=1.5, heartbeat_interval_ms=30_000) as fake:
        yield fake


@pytest.fixture
async def start_bot(
    server: FakeDiscord, base_settings: Settings, knowledge: Knowledge
) -> AsyncIterator[StartBot]:
    """Start a StudyBot on the fake server (ready, commands synced to the dev guild).

    ``start_bot(knowledge=k, **discord_settings)``: another corpus, other Discord settings.
    """
    running: list[tuple[StudyBot, asyncio.Task[None]]] = []

    async def start(*, knowledge: Knowledge = knowledge, max_question_chars: int | None = None,
                    **discord: Any) -> StudyBot:
        if max_question_chars is not None:  # an answer setting: the core enforces it
            answer = dataclasses.replace(knowledge.settings.answer,
                                         max_question_chars=max_question_chars)
            knowledge = Knowledge.from_corpus(
                dataclasses.replace(knowledge.settings, answer=answer), knowledge.corpus,
                knowledge.corrections)
        settings = settings_for(server, base_settings, **discord)
        # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE before
        # READY; the fake sends its only guild at once, so waiting 2 s would only slow tests.
        bot = StudyBot(settings, knowledge, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(TOKEN))
        running.append((bot, task))
        # Poll rather than await wait_until_ready(), which would hang if start() failed.
        deadline = time.monotonic() + 5
        while not bot.is_ready():
            if task.done():
                task.result()  # raises what start() raised
            assert time.monotonic() < deadline, "bot did not become ready within 5 s"
            await asyncio.sleep(0.01)
        return bot

    yield start
    for bot, task in running:
        await runner.stop_gracefully(bot, task)
    server.assert_clean()


@pytest.fixture
async def bot(start_bot: StartBot) -> StudyBot:
    return await start_bot()
