"""Process entry points for ``python -m bot run`` and ``python -m bot sync``.

Both return an exit code and never print a traceback for something the person running the
bot can fix: a missing or rejected token, an unreachable API, a privileged intent not enabled
in the Developer Portal, a guild the bot cannot sync to. Each of those is one line on stderr
and exit status 1. The token is read by :mod:`credentials` and handed to discord.py; it is
never logged, printed or put in an error message.

``run_bot`` stops cleanly on SIGINT and SIGTERM (Ctrl-C, ``docker stop``): the client is
closed (the gateway is told goodbye, the HTTP session closed, buttons simply stop) and the
exit status is 0. Commands are not synced on start (that is rate limited and slow to
propagate); ``sync_commands`` does it on demand, and ``discord.dev_guild_id`` syncs to one
test guild on every start, where it is instant.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import re
import signal
import sys
from collections.abc import Callable

import aiohttp
import discord

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.discord_app.client import StudyBot
from bot.discord_app.credentials import read_token, token_shape_ok
from bot.loading import load_knowledge
from bot.store import open_store

log = logging.getLogger(__name__)

EXIT_FAILURE = 1
CLOSE_TIMEOUT = 10.0

NO_TOKEN = ("error: DISCORD_TOKEN is not set; put the bot's token in the environment or in a "
            ".env file here (DISCORD_TOKEN=...), never in config.yml")
BAD_TOKEN = ("error: DISCORD_TOKEN does not look like a Discord bot token (it holds a space, "
             "a line break or another character a token never has); copy it again from the "
             "developer portal")


def run_bot(settings: Settings) -> int:
    """Connect and answer until SIGINT/SIGTERM; 0 on a clean stop, 1 on a user-fixable failure."""
    prepared = _prepare(settings)
    if prepared is None:
        return EXIT_FAILURE
    token, knowledge = prepared
    # The index lives as long as the process and holds no cycles: moving it out of the
    # collector's reach keeps full collections (the bot's worst pauses) short.
    gc.collect()
    gc.freeze()
    return asyncio.run(serve(settings, knowledge, token))


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Log in, register the slash commands (globally, or to one guild), log out."""
    prepared = _prepare(settings)
    if prepared is None:
        return EXIT_FAILURE
    token, knowledge = prepared
    return asyncio.run(sync_once(settings, knowledge, token, guild_id))


def _prepare(settings: Settings) -> tuple[str, Knowledge] | None:
    """The token (checked first: without it nothing else is worth loading) and the index."""
    token = read_token()
    if token is None:
        print(NO_TOKEN, file=sys.stderr)
        return None
    if not token_shape_ok(token):
        print(BAD_TOKEN, file=sys.stderr)
        return None
    setup_logging(settings)
    return token, load_knowledge(settings, embed_in_background=True)


def setup_logging(settings: Settings) -> None:
    """discord.py's own handler and format on the root logger, at ``discord.log_level``,
    with secrets and members' text redacted (``Redact``).

    Called once per process, by the two entry points above (a second call would add a second
    handler). Our loggers (``bot.*``) and discord.py's share it.
    """
    discord.utils.setup_logging(level=logging.getLevelName(settings.discord.log_level))
    for handler in logging.getLogger().handlers:
        handler.addFilter(Redact(keep_text=settings.discord.log_member_text))


class Redact(logging.Filter):
    """At DEBUG, discord.py logs the requests it makes and the events it receives: webhook
    and interaction URLs and payloads carry tokens that answer as the bot for 15 minutes,
    and events carry what members wrote. Tokens are always taken out; members' text too,
    unless ``discord.log_member_text`` asks for it."""

    _URL_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.\-]+")
    _FIELD = r"""(['"]{}['"]\s*:\s*)(['"])(?:\\.|(?!\2).)*\2"""
    _TOKEN_FIELD = re.compile(_FIELD.format("token"))
    # What a member wrote, and what repeats it: an answer's title, a thread's name.
    _TEXT_FIELD = re.compile(_FIELD.format("(?:content|value|title|name|description)"))

    def __init__(self, keep_text: bool = False) -> None:
        super().__init__()
        self.keep_text = keep_text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: logging reports it as it always does
            return True
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:  # a traceback can quote a request too
            record.exc_text = self._redact(logging.Formatter().formatException(record.exc_info))
        return True

    def _redact(self, text: str) -> str:
        text = self._URL_TOKEN.sub(r"\1[token]", text)
        text = self._TOKEN_FIELD.sub(r"\1\2[token]\2", text)
        if not self.keep_text:
            text = self._TEXT_FIELD.sub(r"\1\2[member text]\2", text)
        return text


async def serve(settings: Settings, knowledge: Knowledge, token: str,
                stop: asyncio.Event | None = None) -> int:
    """Run the bot until ``stop`` is set (by SIGINT/SIGTERM unless a caller passes its own)."""
    if stop is None:
        stop = asyncio.Event()
    store = None if settings.store is None else await asyncio.to_thread(
        open_store, settings.store)
    bot = StudyBot(settings, knowledge, store=store)
    removers = install_signal_handlers(stop)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(token), name="fmstudy-bot")
            stopping = asyncio.create_task(stop.wait(), name="fmstudy-stop")
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not stopping.done():  # the client stopped by itself (or failed to start)
                stopping.cancel()
                running.result()
                return 0
            log.info("stopping: closing the Discord connection")
            await stop_gracefully(bot, running)
            return 0
    except Exception as exc:
        message = explain(exc, settings)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_FAILURE
    finally:
        for remove in removers:
            remove()
        if store is not None:  # what is queued is written before the process ends
            await asyncio.to_thread(store.close)


# discord.py runs each slash command, component click and message event as a task of its
# own, named by these prefixes.
IN_FLIGHT = ("CommandTree-invoker", "discord-ui-view-dispatch", "discord.py: on_message")
IN_FLIGHT_GRACE = 3.0  # seconds the work in progress gets to answer, within docker stop's 10


async def finish_in_flight(timeout: float = IN_FLIGHT_GRACE) -> None:
    """Let the commands, clicks and channel questions being answered finish, for up to
    ``timeout`` seconds; cancel what is left (a command that deferred tells its member it
    was cut short: see ``cogs/admin.py``), and collect every outcome, so none is reported
    as never retrieved once the loop closes."""
    tasks = {t for t in asyncio.all_tasks()
             if t is not asyncio.current_task() and t.get_name().startswith(IN_FLIGHT)}
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    try:
        outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True),
                                          timeout)
    except TimeoutError:  # a task that ignores its cancellation: the close goes on
        log.warning("%d interactions did not stop in time", sum(not t.done() for t in tasks))
        return
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            log.debug("work cut short by the stop: %r", outcome)


async def stop_gracefully(bot: StudyBot, running: asyncio.Task[None]) -> None:
    """Let the work in progress finish (``finish_in_flight``), stop reading the gateway,
    then close: Discord sees close code 1000 and the bot goes offline.

    Calling ``close()`` while the client is still polling the socket makes discord.py's
    reader close it first with 4000 (aiohttp hands the pending read the close), which Discord
    treats as a dropped connection to be resumed. Cancelling the polling task first, as
    ``Client.run`` does on Ctrl-C, leaves ``close()`` to send 1000.
    """
    await finish_in_flight()
    running.cancel()
    try:
        await asyncio.wait_for(running, CLOSE_TIMEOUT)
    except (asyncio.CancelledError, TimeoutError):
        pass
    except Exception:  # a login or connect cut short: expected while stopping
        log.debug("error while stopping", exc_info=True)
    await bot.close()


async def sync_once(settings: Settings, knowledge: Knowledge, token: str,
                    guild_id: int | None) -> int:
    bot = StudyBot(settings, knowledge, sync_on_start=False)
    try:
        async with bot:
            await bot.login(token)  # runs setup_hook, which loads the cogs: the full tree
            synced = await bot.sync_commands(guild_id)
            where = "globally" if guild_id is None else f"to guild {guild_id}"
    except Exception as exc:
        message = explain(exc, settings, guild_id=guild_id)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_FAILURE
    names = ", ".join(f"/{c.name}" for c in synced)
    print(f"Synced {len(synced)} commands {where}: {names}")
    return 0


def explain(exc: BaseException, settings: Settings, *, guild_id: int | None = None
            ) -> str | None:
    """One line for a failure the operator can fix, or ``None`` for a real bug."""
    ds = settings.discord
    if isinstance(exc, discord.LoginFailure):
        return ("error: Discord rejected DISCORD_TOKEN (login failed); copy the bot token "
                "again from the Developer Portal")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return ("error: a study channel uses trigger 'question', which needs the Message "
                "Content intent; enable it for this bot in the Developer Portal (Bot page)")
    if isinstance(exc, discord.ConnectionClosed):
        if exc.code == 4004:
            return "error: the gateway rejected DISCORD_TOKEN (close code 4004)"
        return f"error: the gateway closed the connection (close code {exc.code}): {exc.reason}"
    if isinstance(exc, discord.Forbidden) and guild_id is not None:
        return (f"error: Discord refused to sync to guild {guild_id}: is the bot in it, "
                "invited with the applications.commands scope?")
    if isinstance(exc, discord.HTTPException):
        return f"error: Discord answered {exc.status}: {exc.text or exc}"
    if isinstance(exc, discord.GatewayNotFound):
        return f"error: no gateway found at {ds.gateway_url}"
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return f"error: cannot reach Discord at {ds.api_base}: {exc or type(exc).__name__}"
    return None


def install_signal_handlers(stop: asyncio.Event) -> list[Callable[[], object]]:
    """SIGINT/SIGTERM set ``stop``; returns callables that undo it. No-op off the main thread."""
    loop = asyncio.get_running_loop()
    removers: list[Callable[[], object]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            removers.append(functools.partial(loop.remove_signal_handler, sig))
    return removers
