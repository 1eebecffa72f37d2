"""Point discord.py at the configured REST API and gateway (Discord itself, or a stand-in).

discord.py has no constructor argument for either address; it reads two class attributes:

* ``discord.http.Route.BASE`` (a str): every REST call, including interaction callbacks and
  followups (``discord.webhook.async_`` builds its URLs from the same ``Route``);
* ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``): the first websocket
  connection, and the one used again after Discord invalidates a session. Resumes go to the
  ``resume_gateway_url`` the gateway itself sends in READY.

Why apply more than once: ``discord.http._set_api_version()`` rewrites ``Route.BASE`` to
``https://discord.com/api/v{N}``. In discord.py 2.7.1 nothing in the library calls it (not
``Client.__init__``, ``HTTPClient.__init__``, ``static_login`` nor ``connect``), but it is the
documented way to change API versions and other code in the process may call it. So
:class:`~bot.discord_app.client.StudyBot` re-applies the setting at the last moment before
each network phase: in ``login()`` (before ``GET /users/@me``), in ``setup_hook`` (before
any command sync) and in ``connect()`` (before the websocket opens). :func:`restore` puts the
library defaults back when the bot closes, so one process can host several bots in tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import DiscordSettings


@dataclass(frozen=True)
class Endpoints:
    api_base: str
    gateway: yarl.URL

    @classmethod
    def from_settings(cls, settings: DiscordSettings) -> Endpoints:
        return cls(settings.api_base.rstrip("/"), yarl.URL(settings.gateway_url))

    @classmethod
    def current(cls) -> Endpoints:
        return cls(Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


LIBRARY_DEFAULTS = Endpoints.current()


def apply(endpoints: Endpoints) -> None:
    """Make discord.py talk to these addresses from the next request on."""
    Route.BASE = endpoints.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = endpoints.gateway


def restore(previous: Endpoints = LIBRARY_DEFAULTS) -> None:
    apply(previous)
