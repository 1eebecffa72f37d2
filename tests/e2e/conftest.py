"""Fixtures of the end-to-end tests: a fresh fake Discord per test, and bots started on it.

Every test that starts a bot through ``start_bot`` ends with ``server.assert_clean()``: any
Discord rule the bot broke (limits, deadline, double acknowledgement, a message that could
ping) fails the test even if its own assertions passed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.discord_app import runner
from bot.discord_app.client import StudyBot
from bot.store import Store

from .fakediscord import FakeDiscord
from .helpers import TOKEN, StartBot, settings_for, start_ready


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

    ``start_bot(knowledge=k, store=s, **discord_settings)``: another corpus, a store (the
    group's memory; none by default), other Discord settings.
    """
    running: list[tuple[StudyBot, asyncio.Task[None]]] = []

    async def start(*, knowledge: Knowledge = knowledge, max_question_chars: int | None = None,
                    store: Store | None = None, **discord: Any) -> StudyBot:
        if max_question_chars is not None:  # an answer setting: the core enforces it
            answer = dataclasses.replace(knowledge.settings.answer,
                                         max_question_chars=max_question_chars)
            knowledge = Knowledge.from_corpus(
                dataclasses.replace(knowledge.settings, answer=answer), knowledge.corpus,
                knowledge.resources)
        bot, task = await start_ready(settings_for(server, base_settings, **discord), knowledge,
                                      store=store)
        running.append((bot, task))
        return bot

    yield start
    for bot, task in running:
        await runner.stop_gracefully(bot, task)
    server.assert_clean()


@pytest.fixture
async def bot(start_bot: StartBot) -> StudyBot:
    return await start_bot()
