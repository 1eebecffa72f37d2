"""Budgets that keep a channel readable.

- ``Cooldown``: one question per member per ``discord.cooldown_seconds``, shared by
  ``/ask`` and questions asked in channels; a member (or a script with their account)
  repeating a question floods everyone's screen.
- ``RateLimit``: every interaction at all (each command, button and menu) per member, and
  per channel, within a sliding minute: eight public ``/risks`` in a second are as loud as
  eight answers.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, cast

import discord

from bot.discord_app.replies import slow_down, to_kwargs

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot


class RateLimit:
    """At most ``per_minute`` events per key in any 60 seconds (``per_minute <= 0``: no
    limit)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._events: dict[Hashable, deque[float]] = {}

    def wait(self, key: Hashable) -> float:
        """Seconds until the key may act again (0.0: now); nothing is counted."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        events = self._events.get(key)
        if events is None:
            return 0.0
        while events and now - events[0] >= 60.0:
            events.popleft()
        return 60.0 - (now - events[0]) if len(events) >= self.per_minute else 0.0

    def count(self, key: Hashable) -> None:
        """Count an event of the key, now."""
        if self.per_minute <= 0:
            return
        now = self.clock()
        self._events.setdefault(key, deque()).append(now)
        if len(self._events) > 10_000:  # forget keys that have been quiet for a minute
            self._events = {k: e for k, e in self._events.items() if e and now - e[-1] < 60}


class Cooldown:
    """One question per ``seconds`` per member (``seconds <= 0`` turns it off)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._last: dict[int, float] = {}
        self._warned: set[int] = set()

    def retry_after(self, user_id: int) -> float:
        """Seconds left to wait, or 0.0, in which case the question is counted now."""
        if self.seconds <= 0:
            return 0.0
        now = self.clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[user_id] = now
        self._warned.discard(user_id)
        if len(self._last) > 10_000:  # forget members whose window is long over
            self._last = {u: t for u, t in self._last.items() if now - t < self.seconds}
            self._warned &= set(self._last)
        return 0.0

    def first_warning(self, user_id: int) -> bool:
        """True once per window: channel replies warn once, then stay quiet (no echo flood)."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True


async def within_budget(interaction: discord.Interaction) -> bool:
    """Whether the member and the channel may act now (the bot's ``member_rate`` and
    ``channel_rate``); when not, the member is told how long to wait, privately, and nothing
    is counted. Autocomplete (each key typed in /define) is free: it is not an action."""
    if interaction.type is discord.InteractionType.autocomplete:
        return True
    bot = cast("StudyBot", interaction.client)
    wait = max(bot.member_rate.wait(interaction.user.id),
               bot.channel_rate.wait(interaction.channel_id))
    if wait <= 0:
        bot.member_rate.count(interaction.user.id)
        bot.channel_rate.count(interaction.channel_id)
        return True
    await interaction.response.send_message(**to_kwargs(slow_down(wait), ephemeral=True))
    return False
