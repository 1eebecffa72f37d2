"""Point discord.py at the configured REST API and gateway (Discord itself, or a stand-in).

discord.py has no constructor argument for either address; it reads two class attributes:

* ``discord.http.Route.BASE`` (a str), read each time a ``Route`` is built: every REST call,
  including interaction callbacks and followups (``discord.webhook.async_`` uses ``Route``);
* ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``): the first websocket
  connection, and the one used again after Discord invalidates a session. Resumes go to the
  ``resume_gateway_url`` the gateway itself sends in READY.

Why set once: the only code that rewrites ``Route.BASE`` is ``discord.http._set_api_version()``
and nothing in discord.py 2.7.1 calls it (checked: not ``Client``, ``HTTPClient``, login nor
connect). So :class:`~bot.discord_app.client.StudyBot` applies the settings once, when it is
built, and puts the previous values back when it closes, so one process (the tests) can host
one bot after another.
"""

from __future__ import annotations

from collections.abc import Callable

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import DiscordSettings


def apply(settings: DiscordSettings) -> Callable[[], None]:
    """Send discord.py's traffic to the configured addresses; returns the undo function."""
    previous = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = settings.api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)

    def restore() -> None:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = previous

    return restore
