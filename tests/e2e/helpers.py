"""Helpers shared by the end-to-end tests: settings for the fake server, payload probes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.discord_app import runner
from bot.discord_app.client import StudyBot
from bot.store import Store

from .fakediscord import FakeDiscord, InteractionHandle, Reply

TOKEN = "fake-token-for-tests.not-a-real-one"
# the slash commands the bot syncs
COMMANDS = {"ask", "define", "risks", "about", "sync", "gaps", "forget-me", "quiz"}

StartBot = Callable[..., Awaitable[StudyBot]]


def settings_for(server: FakeDiscord, base: Settings, **discord: Any) -> Settings:
    """``base`` pointed at the fake through ``discord.api_base``/``gateway_url``, as an admin
    of a self-hosted server would; no cooldown or interaction budget unless a test asks, and
    no store (a test of the group's memory gives the bot one of its own)."""
    values: dict[str, Any] = {
        "api_base": server.api_base,
        "gateway_url": server.gateway_url,
        "dev_guild_id": server.guild_id,
        "cooldown_seconds": 0.0,
        "member_actions_per_minute": 0,
        "channel_actions_per_minute": 0,
    }
    values.update(discord)
    return dataclasses.replace(base, discord=dataclasses.replace(base.discord, **values),
                               store=None)


async def start_ready(settings: Settings, knowledge: Knowledge, *, timeout: float = 5.0,
                      store: Store | None = None) -> tuple[StudyBot, asyncio.Task[None]]:
    """A StudyBot started on the fake server and ready: its commands are synced to the dev
    guild already (setup_hook runs before the gateway connects). Polls rather than awaits
    ``wait_until_ready()``, which would hang if ``start()`` failed; a bot that fails to get
    ready is stopped before the error propagates."""
    # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE before
    # READY; the fake sends its only guild at once, so waiting 2 s would only slow things.
    bot = StudyBot(settings, knowledge, store=store, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        deadline = time.monotonic() + timeout
        while not bot.is_ready():
            if task.done():
                task.result()  # raises what start() raised
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not become ready within {timeout} s")
            await asyncio.sleep(0.01)
    except BaseException:
        await runner.stop_gracefully(bot, task)
        raise
    return bot, task


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
