"""A per-member question budget, shared by ``/ask`` and questions asked in channels.

Answers are cheap for the core but not for a channel: a member (or a script with their
account) repeating a question floods everyone's screen. One budget per member, whichever way
they ask, is what keeps a channel readable; the buttons under an answer are follow-ups to a
question already counted and are not charged.
"""

from __future__ import annotations

import time
from collections.abc import Callable


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
