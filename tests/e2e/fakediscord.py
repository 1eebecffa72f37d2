"""A small Discord-compatible server (REST ``/api/v10`` + gateway websocket) for end-to-end tests.

It speaks enough of Discord's API for an unmodified discord.py 2.7 client to log in, receive
READY/GUILD_CREATE, sync application commands, and answer slash commands, autocomplete,
component clicks and messages. Everything the client sends is recorded (``server.requests``)
and checked against Discord's rules (``fakediscord_rules``); a broken rule is recorded in
``server.violations`` and, like Discord, answered with an HTTP error. Call
``server.assert_clean()`` at teardown so that any violation or unknown route fails the test.

The server binds 127.0.0.1 on a free port. Point a client at it (the client side is not this
module's business) with::

    discord.http.Route.BASE = server.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)

Typical use::

    async with FakeDiscord(deadline=0.5) as server:
        ...start the bot...
        handle = await server.send_interaction_command("ask", {"question": "why?"})
        reply = await handle.response(timeout=5)
        assert reply.ok and "why" in reply.content
        server.assert_clean()
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from . import fakediscord_rules as rules

__all__ = [
    "FakeDiscord",
    "FakeUser",
    "Handle",
    "InteractionHandle",
    "MessageHandle",
    "Reply",
    "RequestRecord",
    "Violation",
]

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

# Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents)
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

# Permission bits used for the fake guild.
_P = {
    "add_reactions": 1 << 6,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "use_external_emojis": 1 << 18,
    "use_application_commands": 1 << 31,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "create_private_threads": 1 << 36,
    "send_messages_in_threads": 1 << 38,
}
EVERYONE_PERMISSIONS = sum(
    _P[k]
    for k in (
        "add_reactions",
        "view_channel",
        "send_messages",
        "embed_links",
        "attach_files",
        "read_message_history",
        "use_external_emojis",
        "use_application_commands",
        "create_public_threads",
        "send_messages_in_threads",
    )
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | _P["manage_threads"] | _P["create_private_threads"]

# Interaction types and the callback types Discord accepts for each.
_CALLBACKS_FOR = {
    2: {4, 5, 9},  # application command
    3: {4, 5, 6, 7, 9},  # message component
    4: {8},  # autocomplete
    5: {4, 5, 6, 7},  # modal submit
}
_MENTION_RE = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class _ApiError(Exception):
    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


# -- records handed to tests ---------------------------------------------------------------


@dataclass(frozen=True)
class FakeUser:
    """A user of the fake guild (or the bot itself). ``mention`` is ``<@id>``."""

    id: int
    name: str
    bot: bool = False
    roles: tuple[int, ...] = ()

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None if self.bot else self.name.title(),
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class RequestRecord:
    """One HTTP request the client made. ``path`` is relative to ``/api/v10``."""

    method: str
    path: str
    query: dict[str, str]
    payload: Any
    files: list[dict[str, Any]]
    at: float  # time.monotonic()
    route: str | None = None
    status: int = 0
    response: Any = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Violation:
    """A Discord rule (or project policy) the client broke."""

    rule: str
    detail: str
    method: str
    path: str
    at: float

    def __str__(self) -> str:
        return f"[{self.rule}] {self.method} {self.path}: {self.detail}"


@dataclass
class Reply:
    """Something the bot sent back in answer to an injected event.

    ``kind`` is one of ``callback``, ``followup``, ``edit``, ``delete``, ``message``,
    ``thread`` or ``reaction``. ``payload`` is the JSON body the bot sent (``payload_json``
    for multipart requests), ``status``/``body`` what the server answered, and ``message``
    the message object as stored after the request (``None`` if nothing was created/edited).
    """

    kind: str
    method: str
    path: str
    payload: Any
    status: int
    body: Any
    at: float
    callback_type: int | None = None
    message: dict[str, Any] | None = None
    thread: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> int | None:
        if self.ok or not isinstance(self.body, dict):
            return None
        return self.body.get("code")

    @property
    def data(self) -> dict[str, Any]:
        """The message-like part of the payload (``data`` for interaction callbacks)."""
        if not isinstance(self.payload, dict):
            return {}
        if self.kind == "callback":
            return self.payload.get("data") or {}
        return self.payload

    @property
    def content(self) -> str | None:
        if self.message is not None:
            return self.message.get("content")
        return self.data.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        if self.message is not None:
            return self.message.get("embeds") or []
        return self.data.get("embeds") or []

    @property
    def ephemeral(self) -> bool:
        flags = (self.message or self.data).get("flags") or 0
        return bool(int(flags) & rules.FLAG_EPHEMERAL)


class Handle:
    """What a test gets back from an injection; collects the bot's replies to it.

    Replies are attributed exactly for interactions (by interaction id/token: callback,
    followups, edits, deletes) and for message replies (``message_reference``), reactions,
    edits and threads of messages the handle owns. A channel message without a reference goes
    to the handle owning its thread, else to the latest handle injected in that channel.
    """

    kind = "event"

    def __init__(self, server: FakeDiscord, channel_id: int, payload: dict[str, Any]) -> None:
        self._server = server
        self.channel_id = channel_id
        self.payload = payload
        self.replies: list[Reply] = []
        self.created_at = time.monotonic()
        self._changed = asyncio.Event()
        self._cursor = 0

    def _add(self, reply: Reply) -> None:
        self.replies.append(reply)
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_for(
        self,
        predicate: Callable[[Reply], bool] | None = None,
        *,
        timeout: float = 5.0,
        start: int = 0,
    ) -> Reply:
        """The first reply (from index ``start``) matching ``predicate``; waits up to timeout."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for reply in self.replies[start:]:
                        if predicate is None or predicate(reply):
                            return reply
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"no matching reply to {self!r} within {timeout}s\n{self._server.describe(self)}"
            ) from None

    async def response(self, timeout: float = 5.0) -> Reply:
        """The first thing the bot sent back (whatever its kind or status)."""
        return await self.wait_for(timeout=timeout)

    async def next_reply(self, timeout: float = 5.0) -> Reply:
        """Replies one by one, in order: each call returns the next one not yet returned."""
        reply = await self.wait_for(timeout=timeout, start=self._cursor)
        self._cursor = next(i for i, r in enumerate(self.replies) if r is reply) + 1
        return reply

    async def settle(self, quiet: float = 0.2, timeout: float = 5.0) -> list[Reply]:
        """Wait until the bot has sent nothing for ``quiet`` seconds; return all replies."""
        end = time.monotonic() + timeout
        while True:
            count = len(self.replies)
            await asyncio.sleep(quiet)
            if len(self.replies) == count or time.monotonic() >= end:
                return list(self.replies)


class InteractionHandle(Handle):
    kind = "interaction"

    def __init__(self, server: FakeDiscord, channel_id: int, payload: dict[str, Any]) -> None:
        super().__init__(server, channel_id, payload)
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.dispatched_at = 0.0
        self.acknowledged: int | None = None  # callback type of the first accepted callback
        self.original_id: int | None = None  # message id of @original
        self.loading = False  # deferred (type 5) and not yet edited/followed up
        self.message_ids: list[int] = []  # messages created through this interaction's token
        self.component_message_id: int | None = (
            int(payload["message"]["id"]) if "message" in payload else None
        )

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (self.payload.get("data") or {}).get(
            "custom_id"
        )
        return f"<InteractionHandle type={self.type} {name!r} id={self.id}>"

    async def followup(self, timeout: float = 5.0, index: int = 0) -> Reply:
        """The ``index``-th followup (``POST /webhooks/{app}/{token}``)."""
        seen: list[Reply] = []

        def pred(reply: Reply) -> bool:
            if reply.kind != "followup":
                return False
            if reply not in seen:
                seen.append(reply)
            return len(seen) > index

        return await self.wait_for(pred, timeout=timeout)


class MessageHandle(Handle):
    kind = "message"

    def __init__(self, server: FakeDiscord, channel_id: int, payload: dict[str, Any]) -> None:
        super().__init__(server, channel_id, payload)
        self.message = payload
        self.id = int(payload["id"])

    def __repr__(self) -> str:
        return f"<MessageHandle id={self.id} content={self.message.get('content')!r}>"


@dataclass
class _Session:
    ws: web.WebSocketResponse
    session_id: str
    seq: int = 0
    identified: bool = False
    intents: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class _Ctx:
    """Per-request scratch space filled in by route handlers."""

    record: RequestRecord
    request: web.Request
    handle: Handle | None = None
    kind: str | None = None
    callback_type: int | None = None
    message: dict[str, Any] | None = None
    thread: dict[str, Any] | None = None

    @property
    def payload(self) -> Any:
        return self.record.payload


# -- the server ----------------------------------------------------------------------------


class FakeDiscord:
    """A fake Discord: one guild with text channels, a bot application, and test helpers.

    ``deadline`` is the interaction response deadline (Discord: 3 s). ``token`` if given is
    required on REST calls and in IDENTIFY. ``echo_events`` makes the server send the bot's
    own messages back over the gateway (MESSAGE_CREATE/UPDATE/DELETE, THREAD_CREATE), as
    Discord does.
    """

    def __init__(
        self,
        *,
        deadline: float = 3.0,
        token: str | None = None,
        guild_name: str = "fmstudy test guild",
        channels: Sequence[str] = ("general", "study"),
        forums: Sequence[str] = (),
        bot_name: str = "fmstudy",
        heartbeat_interval_ms: int = 41250,
        echo_events: bool = True,
    ) -> None:
        self.deadline = deadline
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.echo_events = echo_events
        self._last_snowflake = 0

        self.requests: list[RequestRecord] = []
        self.violations: list[Violation] = []
        self.unknown_routes: list[RequestRecord] = []
        self.internal_errors: list[str] = []
        self.identifies: list[dict[str, Any]] = []
        self.presences: list[dict[str, Any]] = []
        self.gateway_closes: list[int | None] = []
        self.intents: int | None = None

        self.application_id = self._snowflake()
        self.guild_id = self._snowflake()
        self.guild_name = guild_name
        self._users: dict[int, FakeUser] = {}
        self._joined: dict[int, str] = {}
        self._roles: dict[int, dict[str, Any]] = {}
        self._channels: dict[int, dict[str, Any]] = {}
        self._messages: dict[int, dict[str, Any]] = {}
        self._commands: dict[int | None, list[dict[str, Any]]] = {None: [], self.guild_id: []}
        self._interactions: dict[int, InteractionHandle] = {}
        self._tokens: dict[str, InteractionHandle] = {}
        self._owners: dict[int, Handle] = {}  # message or thread id -> handle
        self._channel_handles: dict[int, Handle] = {}  # latest handle per channel
        self._message_handles: dict[int, MessageHandle] = {}
        self._attachment_data: dict[int, bytes] = {}
        self._sessions: list[_Session] = []
        self._identified: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

        self._add_role("@everyone", EVERYONE_PERMISSIONS, role_id=self.guild_id)
        bot_role = self._add_role(bot_name, BOT_PERMISSIONS, managed=True)
        # As on Discord, the bot user's id is the application id.
        self.bot_user = FakeUser(self.application_id, bot_name, bot=True, roles=(bot_role,))
        self.owner = FakeUser(self._snowflake(), "owner")
        self._register_user(self.bot_user)
        self._register_user(self.owner)
        self.channel_ids: list[int] = [self._add_channel(name, 0) for name in channels]
        self.forum_ids: list[int] = [self._add_channel(name, 15) for name in forums]
        self._routes = self._build_routes()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        self._identified = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_get("/cdn/attachments/{cid}/{aid}/{filename}", self._cdn_attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        app.router.add_route("*", "/{tail:.*}", self._not_api)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for session in list(self._sessions):
            if not session.ws.closed:
                await session.ws.close(code=1001, message=b"server stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def channel_id(self) -> int:
        """The default text channel (the first one)."""
        return self.channel_ids[0]

    @property
    def message_content_intent(self) -> bool:
        return bool((self.intents or 0) & INTENT_MESSAGE_CONTENT)

    # -- guild setup -----------------------------------------------------------------------

    def member(self, name: str, *, roles: Sequence[int] = (), bot: bool = False) -> FakeUser:
        """A guild member called ``name`` (created on first use, then the same one)."""
        for user in self._users.values():
            if user.name == name:
                return user
        user = FakeUser(self._snowflake(), name, bot=bot, roles=tuple(roles))
        self._register_user(user)
        return user

    def add_role(self, name: str, *, permissions: int = 0) -> int:
        return self._add_role(name, permissions)

    def user(self, user_id: int) -> FakeUser:
        return self._users[user_id]

    def channel(self, channel_id: int) -> dict[str, Any]:
        return self._channels[channel_id]

    def message(self, message_id: int | str) -> dict[str, Any]:
        return self._messages[int(message_id)]

    def channel_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        cid = str(channel_id or self.channel_id)
        return [m for m in self._messages.values() if m["channel_id"] == cid]

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """Registered application commands: global (``None``) or for ``guild_id``."""
        return list(self._commands.get(guild_id, []))

    def _snowflake(self) -> int:
        value = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        if value <= self._last_snowflake:
            value = self._last_snowflake + 1
        self._last_snowflake = value
        return value

    def _add_role(
        self, name: str, permissions: int, *, role_id: int | None = None, managed: bool = False
    ) -> int:
        rid = role_id or self._snowflake()
        self._roles[rid] = {
            "id": str(rid),
            "name": name,
            "permissions": str(permissions),
            "position": len(self._roles),
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "managed": managed,
            "mentionable": False,
            "flags": 0,
        }
        return rid

    def _register_user(self, user: FakeUser) -> None:
        self._users[user.id] = user
        self._joined[user.id] = _now_iso()

    def _add_channel(self, name: str, ctype: int) -> int:
        cid = self._snowflake()
        self._channels[cid] = {
            "id": str(cid),
            "type": ctype,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": len(self._channels),
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "permission_overwrites": [],
            "flags": 0,
            **({"available_tags": [], "default_reaction_emoji": None} if ctype == 15 else {}),
        }
        return cid

    def _permissions_of(self, user: FakeUser) -> int:
        value = int(self._roles[self.guild_id]["permissions"])
        for rid in user.roles:
            value |= int(self._roles[rid]["permissions"])
        return value

    def _member_payload(self, user: FakeUser, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in user.roles],
            "joined_at": self._joined.get(user.id, _now_iso()),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = user.payload()
        return data

    def _guild_payload(self) -> dict[str, Any]:
        channels = [c for c in self._channels.values() if c["type"] in (0, 2, 4, 5, 13, 15)]
        threads = [c for c in self._channels.values() if c["type"] in (10, 11, 12)]
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": list(self._roles.values()),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": self._joined[self.bot_user.id],
            "large": False,
            "unavailable": False,
            "member_count": len(self._users),
            "voice_states": [],
            "members": [self._member_payload(u) for u in self._users.values()],
            "channels": channels,
            "threads": threads,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    # -- reporting -------------------------------------------------------------------------

    def take_violations(self, rule: str | None = None) -> list[Violation]:
        """Remove and return the recorded violations (only those of ``rule`` if given)."""
        taken = [v for v in self.violations if rule is None or v.rule == rule]
        self.violations = [v for v in self.violations if v not in taken]
        return taken

    def problems(self) -> list[str]:
        return (
            [str(v) for v in self.violations]
            + [f"unknown route: {r.method} {r.path}" for r in self.unknown_routes]
            + [f"fake server error: {e}" for e in self.internal_errors]
        )

    def assert_clean(self) -> None:
        """Fail if any rule was broken, an unknown route was called, or the fake crashed."""
        problems = self.problems()
        assert not problems, "Discord rule violations:\n  " + "\n  ".join(problems)

    def describe(self, handle: Handle | None = None) -> str:
        since = handle.created_at if handle else 0.0
        lines = ["requests since then:"]
        lines += [f"  {r}" for r in self.requests if r.at >= since] or ["  (none)"]
        if handle is not None:
            lines.append(f"replies: {[(r.kind, r.status) for r in handle.replies]}")
        lines += [f"problem: {p}" for p in self.problems()]
        return "\n".join(lines)

    def _violate(self, rule: str, detail: str, record: RequestRecord | None) -> None:
        method, path = (record.method, record.path) if record else ("GATEWAY", "")
        self.violations.append(Violation(rule, detail, method, path, time.monotonic()))

    # -- gateway ---------------------------------------------------------------------------

    async def wait_until_identified(self, timeout: float = 5.0) -> None:
        assert self._identified is not None, "server not started"
        try:
            await asyncio.wait_for(self._identified.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"no client identified on the gateway within {timeout}s") from None

    async def dispatch(self, event: str, data: dict[str, Any], *, intent: int = 0) -> int:
        """Send a DISPATCH to every identified session (that has ``intent``, if given)."""
        sent = 0
        for session in list(self._sessions):
            if not session.identified or session.ws.closed:
                continue
            if intent and not session.intents & intent:
                continue
            await self._send_dispatch(session, event, data)
            sent += 1
        return sent

    async def _send_dispatch(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        async with session.lock:
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.ws.send_str(json.dumps(frame))

    async def _send_op(self, session: _Session, op: int, data: Any) -> None:
        async with session.lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.ws.send_str(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        session = _Session(ws=ws, session_id=secrets.token_hex(16))
        self._sessions.append(session)
        try:
            await self._send_op(session, 10, {"heartbeat_interval": self.heartbeat_interval_ms})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                try:
                    frame = json.loads(msg.data)
                    await self._gateway_frame(session, frame)
                except Exception as exc:  # a bug here must fail the test, not hang it
                    self.internal_errors.append(f"gateway: {exc!r}")
        finally:
            self.gateway_closes.append(ws.close_code)
            self._sessions.remove(session)
        return ws

    async def _gateway_frame(self, session: _Session, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            await self._send_op(session, 11, None)
        elif op == 2:
            await self._identify(session, data or {})
        elif op == 6:
            if any(s.session_id == (data or {}).get("session_id") for s in self._sessions):
                session.identified = True
                await self._send_dispatch(session, "RESUMED", {})
            else:
                await self._send_op(session, 9, False)
        elif op == 3:
            self.presences.append(data)
        elif op == 8:
            members = [self._member_payload(u) for u in self._users.values()]
            user_ids = (data or {}).get("user_ids")
            if user_ids:
                wanted = {str(u) for u in user_ids}
                members = [m for m in members if m["user"]["id"] in wanted]
            chunk = {
                "guild_id": str(self.guild_id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if (data or {}).get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _identify(self, session: _Session, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        if self.token is not None and data.get("token") != self.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        session.intents = int(data.get("intents") or 0)
        self.intents = session.intents
        session.identified = True
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "session_type": "normal",
            "shard": data.get("shard") or [0, 1],
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["us-east"],
            "user_settings": {},
        }
        await self._send_dispatch(session, "READY", ready)
        await self._send_dispatch(session, "GUILD_CREATE", self._guild_payload())
        assert self._identified is not None
        self._identified.set()

    # -- injections ------------------------------------------------------------------------

    def _resolve_user(self, user: FakeUser | str | None) -> FakeUser:
        if user is None:
            return self.member("alice")
        if isinstance(user, str):
            return self.member(user)
        return user

    def _find_command(self, name: str, scope: str) -> tuple[dict[str, Any] | None, bool]:
        if scope in ("auto", "guild"):
            for cmd in self._commands[self.guild_id]:
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd, True
        if scope in ("auto", "global"):
            for cmd in self._commands[None]:
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd, False
        return None, scope == "guild"

    async def send_interaction_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[dict[str, Any]] | None = None,
        *,
        user: FakeUser | str | None = None,
        channel_id: int | None = None,
        scope: str = "auto",
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Invoke slash command ``name`` ("group sub" for subcommands) as ``user``.

        ``options`` maps option names to values (types come from the synced command, else
        from the Python value); a list is passed through as raw option dicts. With
        ``scope="auto"`` the command must have been synced (guild first, then global), as on
        Discord; ``"guild"``/``"global"`` send it regardless.
        """
        data = self._command_data(name, options, scope=scope, focused=None)
        return await self._inject_interaction(2, data, user, channel_id, locale=locale)

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[dict[str, Any]],
        *,
        focused: str | None = None,
        user: FakeUser | str | None = None,
        channel_id: int | None = None,
        scope: str = "auto",
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Autocomplete for ``name``; ``focused`` is the option being typed (default: last)."""
        if focused is None and isinstance(options, Mapping):
            focused = list(options)[-1]
        data = self._command_data(name, options, scope=scope, focused=focused)
        return await self._inject_interaction(4, data, user, channel_id, locale=locale)

    async def click_button(
        self,
        message: dict[str, Any] | Reply | int | str,
        custom_id: str,
        *,
        user: FakeUser | str | None = None,
    ) -> InteractionHandle:
        msg, component = self._find_component(message, custom_id)
        if component["type"] != 2:
            raise ValueError(f"component {custom_id!r} is not a button")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._inject_interaction(3, data, user, int(msg["channel_id"]), message=msg)

    async def select(
        self,
        message: dict[str, Any] | Reply | int | str,
        custom_id: str,
        values: Sequence[str],
        *,
        user: FakeUser | str | None = None,
    ) -> InteractionHandle:
        msg, component = self._find_component(message, custom_id)
        if component["type"] not in rules.SELECT_TYPES:
            raise ValueError(f"component {custom_id!r} is not a select menu")
        if component["type"] == 3:
            allowed = {o["value"] for o in component.get("options", [])}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ValueError(f"values {unknown} are not options of select {custom_id!r}")
        lo, hi = component.get("min_values", 1), component.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise ValueError(f"select {custom_id!r} takes {lo}..{hi} values, got {len(values)}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": list(values)}
        return await self._inject_interaction(3, data, user, int(msg["channel_id"]), message=msg)

    async def send_message(
        self,
        content: str,
        *,
        author: FakeUser | str | None = None,
        channel_id: int | None = None,
        mentions: Iterable[FakeUser | int] = (),
        reply_to: dict[str, Any] | Reply | int | str | None = None,
        dm: bool = False,
        embeds: Sequence[dict[str, Any]] = (),
    ) -> MessageHandle:
        """A user posts a message (MESSAGE_CREATE).

        Users in ``mentions`` (and ``<@id>`` in the content) are mentioned. Without the
        message-content intent the bot gets empty content unless it is mentioned or in a DM.
        """
        author_user = self._resolve_user(author)
        if dm:
            cid = self._dm_channel(author_user)
        else:
            cid = channel_id or self.channel_id
            if cid not in self._channels:
                raise LookupError(f"unknown channel {cid}")
        ids = {m.id if isinstance(m, FakeUser) else int(m) for m in mentions}
        reference = None
        if reply_to is not None:
            ref = self._resolve_message(reply_to)
            reference = {
                "message_id": ref["id"],
                "channel_id": ref["channel_id"],
                "type": 0,
                **({} if dm else {"guild_id": str(self.guild_id)}),
            }
        msg = self._store_message(
            cid,
            author_user,
            {"content": content, "embeds": list(embeds)},
            reference=reference,
            extra_mentions=ids,
        )
        handle = MessageHandle(self, cid, msg)
        self._message_handles[handle.id] = handle
        self._owners[handle.id] = handle
        self._channel_handles[cid] = handle
        await self.wait_until_identified()
        await self._dispatch_message("MESSAGE_CREATE", msg)
        return handle

    def _dm_channel(self, user: FakeUser) -> int:
        for cid, channel in self._channels.items():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == str(user.id):
                return cid
        cid = self._snowflake()
        self._channels[cid] = {
            "id": str(cid),
            "type": 1,
            "last_message_id": None,
            "recipients": [user.payload()],
            "flags": 0,
        }
        return cid

    def _resolve_message(self, message: dict[str, Any] | Reply | int | str) -> dict[str, Any]:
        if isinstance(message, Reply):
            if message.message is None:
                raise ValueError(f"reply {message.kind} {message.path} carries no message")
            message = message.message
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        try:
            return self._messages[mid]
        except KeyError:
            raise LookupError(f"unknown message {mid}") from None

    def _find_component(
        self, message: dict[str, Any] | Reply | int | str, custom_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        msg = self._resolve_message(message)

        def walk(components: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
            for c in components:
                if c.get("custom_id") == custom_id:
                    return c
                found = walk(c.get("components") or [])
                if found is None and c.get("accessory"):
                    found = walk([c["accessory"]])
                if found is not None:
                    return found
            return None

        component = walk(msg.get("components") or [])
        if component is None:
            raise LookupError(f"message {msg['id']} has no component {custom_id!r}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        return msg, component

    def _command_data(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[dict[str, Any]] | None,
        *,
        scope: str,
        focused: str | None,
    ) -> dict[str, Any]:
        parts = name.split()
        spec, is_guild = self._find_command(parts[0], scope)
        if spec is None and scope == "auto":
            raise LookupError(
                f"/{parts[0]} is not a registered command (sync the tree first, or pass "
                "scope='guild' or scope='global')"
            )
        spec_options = (spec or {}).get("options")
        for sub in parts[1:]:
            sub_spec = next((o for o in spec_options or [] if o["name"] == sub), None)
            if spec is not None and sub_spec is None:
                raise LookupError(f"/{name}: no subcommand {sub!r}")
            spec_options = (sub_spec or {}).get("options")
        resolved: dict[str, dict[str, Any]] = {}
        opts = self._build_options(
            options, spec_options, focused, resolved, strict=spec is not None
        )
        for depth, sub in reversed(list(enumerate(parts[1:]))):
            kind = 1 if depth == len(parts) - 2 else 2
            opts = [{"name": sub, "type": kind, "options": opts}]
        data: dict[str, Any] = {
            "id": spec["id"] if spec else str(self._snowflake()),
            "name": parts[0],
            "type": 1,
        }
        if opts:
            data["options"] = opts
        if resolved:
            data["resolved"] = resolved
        if is_guild:
            data["guild_id"] = str(self.guild_id)
        return data

    def _build_options(
        self,
        options: Mapping[str, Any] | Sequence[dict[str, Any]] | None,
        spec_options: list[dict[str, Any]] | None,
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
        *,
        strict: bool,
    ) -> list[dict[str, Any]]:
        if options is None:
            options = {}
        if not isinstance(options, Mapping):
            return [dict(o) for o in options]
        specs = {o["name"]: o for o in spec_options or []}
        if strict:
            unknown = set(options) - set(specs)
            if unknown:
                raise LookupError(f"unknown options {sorted(unknown)}; command has {list(specs)}")
            if focused is None:
                missing = [n for n, o in specs.items() if o.get("required") and n not in options]
                if missing:
                    raise ValueError(f"missing required options {missing}")
        out = []
        for oname, value in options.items():
            spec = specs.get(oname)
            otype = spec["type"] if spec else _infer_option_type(value)
            if otype == 6:
                user = value if isinstance(value, FakeUser) else self._users[int(value)]
                resolved.setdefault("users", {})[str(user.id)] = user.payload()
                member = self._member_payload(user, with_user=False)
                member["permissions"] = str(self._permissions_of(user))
                resolved.setdefault("members", {})[str(user.id)] = member
                value = str(user.id)
            elif otype == 7:
                channel = self._channels[int(value)]
                resolved.setdefault("channels", {})[str(value)] = {
                    **channel,
                    "permissions": str(BOT_PERMISSIONS),
                }
                value = str(value)
            elif otype == 8:
                resolved.setdefault("roles", {})[str(value)] = self._roles[int(value)]
                value = str(value)
            option: dict[str, Any] = {"name": oname, "type": otype, "value": value}
            if oname == focused:
                option["focused"] = True
                option["value"] = str(value)
            elif spec and spec.get("choices"):
                allowed = [c["value"] for c in spec["choices"]]
                if value not in allowed:
                    raise ValueError(f"{value!r} is not a choice of {oname!r}: {allowed}")
            out.append(option)
        return out

    async def _inject_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        user: FakeUser | str | None,
        channel_id: int | None,
        *,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        await self.wait_until_identified()
        member = self._resolve_user(user)
        cid = channel_id or self.channel_id
        channel = self._channels[cid]
        iid = self._snowflake()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
            "version": 1,
            "data": data,
            "channel_id": str(cid),
            "channel": {**channel, "permissions": str(self._permissions_of(member))},
            "locale": locale,
            "app_permissions": str(BOT_PERMISSIONS),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if channel["type"] == 1:
            payload["user"] = member.payload()
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
        else:
            payload["guild_id"] = str(self.guild_id)
            payload["guild"] = {"id": str(self.guild_id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                **self._member_payload(member),
                "permissions": str(self._permissions_of(member)),
            }
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        handle = InteractionHandle(self, cid, payload)
        self._interactions[iid] = handle
        self._tokens[handle.token] = handle
        self._channel_handles[cid] = handle
        # Start the clock before sending: the client shares our event loop and may answer
        # while the send is still being awaited.
        handle.dispatched_at = time.monotonic()
        if not await self.dispatch("INTERACTION_CREATE", payload):
            raise AssertionError("no identified gateway session to send the interaction to")
        return handle

    # -- messages --------------------------------------------------------------------------

    def _mentioned_users(self, content: str, extra: Iterable[int] = ()) -> list[FakeUser]:
        ids = [int(m) for m in _MENTION_RE.findall(content or "")] + list(extra)
        seen: dict[int, FakeUser] = {}
        for uid in ids:
            if uid in self._users and uid not in seen:
                seen[uid] = self._users[uid]
        return list(seen.values())

    def _store_message(
        self,
        channel_id: int,
        author: FakeUser,
        payload: Mapping[str, Any],
        *,
        msg_type: int = 0,
        flags: int = 0,
        reference: Mapping[str, Any] | None = None,
        interaction: InteractionHandle | None = None,
        attachments: Sequence[dict[str, Any]] = (),
        extra_mentions: Iterable[int] = (),
        message_id: int | None = None,
    ) -> dict[str, Any]:
        mid = message_id or self._snowflake()
        content = payload.get("content") or ""
        msg: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "type": msg_type,
            "author": author.payload(),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            "mention_everyone": False,
            "mentions": [u.payload() for u in self._mentioned_users(content, extra_mentions)],
            "mention_roles": _ROLE_MENTION_RE.findall(content),
            "attachments": list(attachments),
            "embeds": [_normalize_embed(e) for e in payload.get("embeds") or []],
            "components": copy.deepcopy(payload.get("components") or []),
            "pinned": False,
            "flags": flags,
            "reactions": [],
        }
        if payload.get("nonce") is not None:
            msg["nonce"] = payload["nonce"]
        if reference is not None:
            ref_id = int(reference["message_id"])
            msg["message_reference"] = {
                "type": 0,
                "message_id": str(ref_id),
                "channel_id": str(reference.get("channel_id") or channel_id),
                **({"guild_id": str(reference["guild_id"])} if reference.get("guild_id") else {}),
            }
            if ref_id in self._messages:
                referenced = copy.deepcopy(self._messages[ref_id])
                referenced.pop("referenced_message", None)
                msg["referenced_message"] = referenced
            if msg_type == 0:
                msg["type"] = 19
        if interaction is not None:
            user = interaction.payload.get("member", {}).get("user") or interaction.payload.get(
                "user"
            )
            metadata: dict[str, Any] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": interaction.payload[
                    "authorizing_integration_owners"
                ],
            }
            if interaction.type == 2:
                metadata["name"] = interaction.payload["data"]["name"]
            if interaction.original_id is not None and interaction.original_id != mid:
                metadata["original_response_message_id"] = str(interaction.original_id)
            if interaction.component_message_id is not None:
                metadata["interacted_message_id"] = str(interaction.component_message_id)
            msg["interaction_metadata"] = metadata
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
        self._messages[mid] = msg
        channel = self._channels[channel_id]
        channel["last_message_id"] = str(mid)
        if "message_count" in channel:
            channel["message_count"] += 1
            channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1
        return msg

    def _apply_edit(self, msg: dict[str, Any], payload: Mapping[str, Any]) -> None:
        if "content" in payload:
            msg["content"] = payload["content"] or ""
            msg["mentions"] = [u.payload() for u in self._mentioned_users(msg["content"])]
        if "embeds" in payload:
            msg["embeds"] = [_normalize_embed(e) for e in payload["embeds"] or []]
        if "components" in payload:
            msg["components"] = copy.deepcopy(payload["components"] or [])
        if "flags" in payload and payload["flags"] is not None:
            keep = int(msg.get("flags") or 0) & rules.FLAG_EPHEMERAL
            msg["flags"] = (int(payload["flags"]) & ~rules.FLAG_LOADING) | keep
        if "attachments" in payload:
            kept = {str(a.get("id")) for a in payload["attachments"] or []}
            msg["attachments"] = [a for a in msg["attachments"] if a["id"] in kept]
        msg["flags"] = int(msg.get("flags") or 0) & ~rules.FLAG_LOADING
        msg["edited_timestamp"] = _now_iso()

    def _gateway_message(self, msg: dict[str, Any], *, for_intents: int) -> dict[str, Any]:
        event = copy.deepcopy(msg)
        channel = self._channels.get(int(msg["channel_id"]), {})
        author_id = int(msg["author"]["id"])
        if channel.get("type") != 1:
            event["guild_id"] = str(self.guild_id)
            author = self._users.get(author_id)
            if author is not None and "webhook_id" not in msg:
                event["member"] = self._member_payload(author, with_user=False)
            for mention in event["mentions"]:
                user = self._users.get(int(mention["id"]))
                if user is not None:
                    mention["member"] = self._member_payload(user, with_user=False)
        mentioned = any(int(m["id"]) == self.bot_user.id for m in msg["mentions"])
        privileged = (
            for_intents & INTENT_MESSAGE_CONTENT
            or author_id == self.bot_user.id
            or mentioned
            or channel.get("type") == 1
        )
        if not privileged:
            event.update(content="", embeds=[], attachments=[], components=[])
            event.pop("poll", None)
        return event

    async def _dispatch_message(self, event: str, msg: dict[str, Any]) -> None:
        channel = self._channels.get(int(msg["channel_id"]), {})
        intent = INTENT_DIRECT_MESSAGES if channel.get("type") == 1 else INTENT_GUILD_MESSAGES
        for session in list(self._sessions):
            if not session.identified or session.ws.closed or not session.intents & intent:
                continue
            await self._send_dispatch(
                session, event, self._gateway_message(msg, for_intents=session.intents)
            )

    async def _echo_message(self, event: str, msg: dict[str, Any]) -> None:
        if not self.echo_events or int(msg.get("flags") or 0) & rules.FLAG_EPHEMERAL:
            return
        await self._dispatch_message(event, msg)

    async def _echo_delete(self, msg: dict[str, Any]) -> None:
        if not self.echo_events or int(msg.get("flags") or 0) & rules.FLAG_EPHEMERAL:
            return
        channel = self._channels.get(int(msg["channel_id"]), {})
        data = {"id": msg["id"], "channel_id": msg["channel_id"]}
        if channel.get("type") != 1:
            data["guild_id"] = str(self.guild_id)
        intent = INTENT_DIRECT_MESSAGES if channel.get("type") == 1 else INTENT_GUILD_MESSAGES
        await self.dispatch("MESSAGE_DELETE", data, intent=intent)

    def _check_message(
        self,
        ctx: _Ctx,
        payload: Mapping[str, Any],
        *,
        edit: bool,
        policy: bool,
        prefix: tuple[str, ...] = (),
    ) -> None:
        """Validate a message body; record problems; raise Discord's error for rule breaks.

        The ``allowed_mentions`` policy is recorded but not rejected: Discord accepts such
        messages, so the bot's flow continues as in production and the test fails at teardown.
        """
        if policy:
            for problem in rules.check_allowed_mentions(payload):
                self._violate(problem.rule, str(problem), ctx.record)
        problems = rules.check_message(payload, edit=edit, has_files=bool(ctx.record.files))
        size = sum(f["size"] for f in ctx.record.files)
        if size > ATTACHMENT_SIZE_LIMIT:
            self._violate("attachment_size", f"{size} bytes of files", ctx.record)
            raise _ApiError(413, 40005, "Request entity too large")
        if not problems:
            return
        for problem in problems:
            self._violate(problem.rule, str(problem), ctx.record)
        if all(p.rule == "empty_message" for p in problems):
            raise _ApiError(400, 50006, "Cannot send an empty message")
        raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems, prefix))

    def _attachments(self, ctx: _Ctx, channel_id: int) -> list[dict[str, Any]]:
        out = []
        meta = {str(a.get("id")): a for a in (ctx.payload or {}).get("attachments") or []}
        for index, f in enumerate(ctx.record.files):
            aid = self._snowflake()
            info = meta.get(str(index), {})
            self._attachment_data[aid] = f["data"]
            url = f"http://127.0.0.1:{self.port}/cdn/attachments/{channel_id}/{aid}/{f['filename']}"
            out.append(
                {
                    "id": str(aid),
                    "filename": f["filename"],
                    "size": f["size"],
                    "url": url,
                    "proxy_url": url,
                    "content_type": f.get("content_type"),
                    **({"description": info["description"]} if info.get("description") else {}),
                }
            )
        return out

    # -- HTTP plumbing ---------------------------------------------------------------------

    @staticmethod
    def _json(status: int, body: Any) -> web.Response:
        if status == 204 or body is None:
            return web.Response(status=204)
        # Exactly "application/json": discord.py only decodes bodies with that content type.
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        files: list[dict[str, Any]] = []
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    payload = json.loads(value if isinstance(value, str) else value.file.read())
                elif isinstance(value, web.FileField):
                    data = value.file.read()
                    files.append(
                        {
                            "field": key,
                            "filename": value.filename,
                            "size": len(data),
                            "data": data,
                            "content_type": value.content_type,
                        }
                    )
            return payload, files
        raw = await request.read()
        if not raw:
            return None, files
        try:
            return json.loads(raw), files
        except ValueError:
            return raw.decode(errors="replace"), files

    async def _cdn_attachment(self, request: web.Request) -> web.Response:
        """Attachment downloads (``Attachment.read()``); stands in for cdn.discordapp.com."""
        data = self._attachment_data.get(int(request.match_info["aid"]))
        if data is None:
            return await self._not_api(request)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _not_api(self, request: web.Request) -> web.Response:
        record = RequestRecord(
            request.method, request.path, dict(request.query), None, [], time.monotonic()
        )
        record.status, record.response = 404, {"message": "404: Not Found", "code": 0}
        self.requests.append(record)
        self.unknown_routes.append(record)
        return self._json(404, record.response)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        payload, files = await self._read_body(request)
        record = RequestRecord(
            request.method, path, dict(request.query), payload, files, time.monotonic()
        )
        self.requests.append(record)
        ctx = _Ctx(record, request)
        route = self._match_route(request.method, path)
        if route is None:
            record.status, record.response = 404, {"message": "404: Not Found", "code": 0}
            self.unknown_routes.append(record)
            return self._json(404, record.response)
        record.route, handler, auth, params = route
        try:
            if auth and not self._authorized(request):
                raise _ApiError(401, 0, "401: Unauthorized")
            status, body = await handler(ctx, **params)
        except _ApiError as exc:
            status, body = exc.status, exc.body
        except Exception as exc:  # a bug in the fake: fail the test, don't make the client retry
            self.internal_errors.append(f"{request.method} {path}: {exc!r}")
            status, body = 400, {"message": f"fakediscord internal error: {exc!r}", "code": 0}
        record.status, record.response = status, body
        if ctx.handle is not None and ctx.kind is not None:
            ctx.handle._add(
                Reply(
                    kind=ctx.kind,
                    method=request.method,
                    path=path,
                    payload=payload,
                    status=status,
                    body=body,
                    at=record.at,
                    callback_type=ctx.callback_type,
                    message=ctx.message if 200 <= status < 300 else None,
                    thread=ctx.thread if 200 <= status < 300 else None,
                )
            )
        return self._json(status, body)

    def _match_route(self, method: str, path: str) -> tuple[str, Any, bool, dict[str, str]] | None:
        for route_method, pattern, handler, auth in self._routes:
            match = pattern.fullmatch(path) if route_method == method else None
            if match is not None:
                return pattern.pattern, handler, auth, match.groupdict()
        return None

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bot "):
            return False
        return self.token is None or header == f"Bot {self.token}"

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Any, bool]]:
        table: list[tuple[str, str, Any, bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/users/(?P<user_id>\\d+)", self._get_user, True),
            ("POST", "/users/@me/channels", self._open_dm, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/guilds/(?P<guild_id>\\d+)", self._get_guild, True),
            ("GET", "/guilds/(?P<guild_id>\\d+)/channels", self._get_guild_channels, True),
            ("GET", "/guilds/(?P<guild_id>\\d+)/roles", self._get_roles, True),
            ("GET", "/guilds/(?P<guild_id>\\d+)/members/(?P<user_id>\\d+)", self._get_member, True),
            # application commands
            ("GET", "/applications/(?P<app>\\d+)/commands", self._list_commands, True),
            ("PUT", "/applications/(?P<app>\\d+)/commands", self._put_commands, True),
            ("POST", "/applications/(?P<app>\\d+)/commands", self._post_command, True),
            (
                "DELETE",
                "/applications/(?P<app>\\d+)/commands/(?P<cmd>\\d+)",
                self._delete_command,
                True,
            ),
            (
                "GET",
                "/applications/(?P<app>\\d+)/guilds/(?P<guild_id>\\d+)/commands",
                self._list_commands,
                True,
            ),
            (
                "PUT",
                "/applications/(?P<app>\\d+)/guilds/(?P<guild_id>\\d+)/commands",
                self._put_commands,
                True,
            ),
            (
                "POST",
                "/applications/(?P<app>\\d+)/guilds/(?P<guild_id>\\d+)/commands",
                self._post_command,
                True,
            ),
            (
                "DELETE",
                "/applications/(?P<app>\\d+)/guilds/(?P<guild_id>\\d+)/commands/(?P<cmd>\\d+)",
                self._delete_command,
                True,
            ),
            # interactions and their webhooks (no Authorization header: the token is the key)
            (
                "POST",
                "/interactions/(?P<iid>\\d+)/(?P<token>[^/]+)/callback",
                self._interaction_callback,
                False,
            ),
            ("POST", "/webhooks/(?P<app>\\d+)/(?P<token>[^/]+)", self._followup, False),
            (
                "GET",
                "/webhooks/(?P<app>\\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\\d+)",
                self._webhook_get,
                False,
            ),
            (
                "PATCH",
                "/webhooks/(?P<app>\\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\\d+)",
                self._webhook_edit,
                False,
            ),
            (
                "DELETE",
                "/webhooks/(?P<app>\\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\\d+)",
                self._webhook_delete,
                False,
            ),
            # channels and messages
            ("GET", "/channels/(?P<cid>\\d+)", self._get_channel, True),
            ("PATCH", "/channels/(?P<cid>\\d+)", self._edit_channel, True),
            ("POST", "/channels/(?P<cid>\\d+)/typing", self._typing, True),
            ("GET", "/channels/(?P<cid>\\d+)/messages", self._list_messages, True),
            ("POST", "/channels/(?P<cid>\\d+)/messages", self._create_message, True),
            ("GET", "/channels/(?P<cid>\\d+)/messages/(?P<mid>\\d+)", self._get_message, True),
            ("PATCH", "/channels/(?P<cid>\\d+)/messages/(?P<mid>\\d+)", self._edit_message, True),
            (
                "DELETE",
                "/channels/(?P<cid>\\d+)/messages/(?P<mid>\\d+)",
                self._delete_message,
                True,
            ),
            (
                "PUT",
                "/channels/(?P<cid>\\d+)/messages/(?P<mid>\\d+)/reactions/(?P<emoji>[^/]+)/@me",
                self._add_reaction,
                True,
            ),
            (
                "DELETE",
                "/channels/(?P<cid>\\d+)/messages/(?P<mid>\\d+)/reactions/(?P<emoji>[^/]+)/@me",
                self._remove_reaction,
                True,
            ),
            (
                "POST",
                "/channels/(?P<cid>\\d+)/messages/(?P<mid>\\d+)/threads",
                self._thread_from_message,
                True,
            ),
            ("POST", "/channels/(?P<cid>\\d+)/threads", self._thread_without_message, True),
            ("PUT", "/channels/(?P<cid>\\d+)/thread-members/@me", self._join_thread, True),
            ("DELETE", "/channels/(?P<cid>\\d+)/thread-members/@me", self._join_thread, True),
        ]
        return [(m, re.compile(p), h, a) for m, p, h, a in table]

    # -- REST: users, application, gateway, guild -------------------------------------------

    async def _get_me(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
            "banner": None,
            "accent_color": None,
        }

    async def _get_user(self, ctx: _Ctx, user_id: str) -> tuple[int, Any]:
        user = self._users.get(int(user_id))
        if user is None:
            raise _ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def _open_dm(self, ctx: _Ctx) -> tuple[int, Any]:
        user = self._users.get(int((ctx.payload or {}).get("recipient_id") or 0))
        if user is None:
            raise _ApiError(404, 10013, "Unknown User")
        return 200, self._channels[self._dm_channel(user)]

    async def _get_application(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user.name,
            "icon": None,
            "description": "fake application for end-to-end tests",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": secrets.token_hex(32),
            "flags": 0,
            "owner": self.owner.payload(),
            "team": None,
            "bot": self.bot_user.payload(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "tags": [],
            "approximate_guild_count": 1,
            "integration_types_config": {"0": {}},
        }

    async def _get_gateway(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _require_guild(self, guild_id: str) -> None:
        if int(guild_id) != self.guild_id:
            raise _ApiError(404, 10004, "Unknown Guild")

    async def _get_guild(self, ctx: _Ctx, guild_id: str) -> tuple[int, Any]:
        self._require_guild(guild_id)
        guild = self._guild_payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            guild.pop(key)
        return 200, guild

    async def _get_guild_channels(self, ctx: _Ctx, guild_id: str) -> tuple[int, Any]:
        self._require_guild(guild_id)
        return 200, [c for c in self._channels.values() if c["type"] not in (1, 10, 11, 12)]

    async def _get_roles(self, ctx: _Ctx, guild_id: str) -> tuple[int, Any]:
        self._require_guild(guild_id)
        return 200, list(self._roles.values())

    async def _get_member(self, ctx: _Ctx, guild_id: str, user_id: str) -> tuple[int, Any]:
        self._require_guild(guild_id)
        user = self._users.get(int(user_id))
        if user is None:
            raise _ApiError(404, 10007, "Unknown Member")
        return 200, self._member_payload(user)

    # -- REST: application commands --------------------------------------------------------

    def _command_scope(self, app: str, guild_id: str | None) -> int | None:
        if int(app) != self.application_id:
            raise _ApiError(403, 50001, "Missing Access")
        if guild_id is None:
            return None
        self._require_guild(guild_id)
        return int(guild_id)

    def _store_command(self, scope: int | None, command: Mapping[str, Any]) -> dict[str, Any]:
        ctype = command.get("type", 1)
        existing = next(
            (
                c
                for c in self._commands[scope]
                if c["name"] == command.get("name") and c["type"] == ctype
            ),
            None,
        )
        stored = {
            "id": existing["id"] if existing else str(self._snowflake()),
            "application_id": str(self.application_id),
            "version": str(self._snowflake()),
            "type": ctype,
            "name": command.get("name"),
            "description": command.get("description", ""),
            "options": copy.deepcopy(command.get("options") or []),
            "default_member_permissions": command.get("default_member_permissions"),
            "dm_permission": command.get("dm_permission", True),
            "nsfw": command.get("nsfw", False),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],
            "name_localizations": command.get("name_localizations"),
            "description_localizations": command.get("description_localizations"),
        }
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    async def _list_commands(
        self, ctx: _Ctx, app: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        return 200, self._commands[self._command_scope(app, guild_id)]

    async def _put_commands(
        self, ctx: _Ctx, app: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        scope = self._command_scope(app, guild_id)
        problems = rules.check_commands(ctx.payload)
        if problems:
            for problem in problems:
                self._violate(problem.rule, str(problem), ctx.record)
            raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems))
        self._commands[scope] = [self._store_command(scope, c) for c in ctx.payload]
        return 200, self._commands[scope]

    async def _post_command(
        self, ctx: _Ctx, app: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        scope = self._command_scope(app, guild_id)
        problems = rules.check_command(ctx.payload or {})
        if problems:
            for problem in problems:
                self._violate(problem.rule, str(problem), ctx.record)
            raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems))
        stored = self._store_command(scope, ctx.payload)
        self._commands[scope] = [c for c in self._commands[scope] if c["id"] != stored["id"]]
        self._commands[scope].append(stored)
        return 201, stored

    async def _delete_command(
        self, ctx: _Ctx, app: str, cmd: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        scope = self._command_scope(app, guild_id)
        before = len(self._commands[scope])
        self._commands[scope] = [c for c in self._commands[scope] if c["id"] != cmd]
        if len(self._commands[scope]) == before:
            raise _ApiError(404, 10063, "Unknown application command")
        return 204, None

    # -- REST: interactions ----------------------------------------------------------------

    async def _interaction_callback(self, ctx: _Ctx, iid: str, token: str) -> tuple[int, Any]:
        handle = self._interactions.get(int(iid))
        if handle is None or handle.token != token:
            self._violate(
                "unknown_interaction", f"no interaction {iid} with that token", ctx.record
            )
            raise _ApiError(404, 10062, "Unknown interaction")
        ctx.handle, ctx.kind = handle, "callback"
        body = ctx.payload if isinstance(ctx.payload, dict) else {}
        ctype = body.get("type")
        ctx.callback_type = ctype
        if handle.acknowledged is not None:
            self._violate(
                "interaction_double_ack",
                f"second callback (type {ctype}) after type {handle.acknowledged}",
                ctx.record,
            )
            raise _ApiError(400, 40060, "Interaction has already been acknowledged.")
        elapsed = time.monotonic() - handle.dispatched_at
        if elapsed > self.deadline:
            self._violate(
                "interaction_deadline",
                f"first callback {elapsed:.3f}s after dispatch (deadline {self.deadline}s)",
                ctx.record,
            )
            raise _ApiError(404, 10062, "Unknown interaction")
        if ctype not in _CALLBACKS_FOR.get(handle.type, set()):
            self._violate(
                "callback_type",
                f"callback type {ctype} is not valid for interaction type {handle.type}",
                ctx.record,
            )
            raise _ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": "Invalid interaction response type",
                            }
                        ]
                    }
                },
            )
        data = body.get("data") or {}
        msg: dict[str, Any] | None = None
        if ctype == 4:
            self._check_message(ctx, data, edit=False, policy=True, prefix=("data",))
            flags = int(data.get("flags") or 0)
            msg = self._store_message(
                handle.channel_id,
                self.bot_user,
                data,
                msg_type=20 if handle.type == 2 else 0,
                flags=flags & (rules.FLAG_EPHEMERAL | rules.FLAG_COMPONENTS_V2 | 4 | 4096),
                interaction=handle,
                attachments=self._attachments(ctx, handle.channel_id),
            )
            handle.original_id = int(msg["id"])
        elif ctype == 5:
            flags = rules.FLAG_LOADING | (int(data.get("flags") or 0) & rules.FLAG_EPHEMERAL)
            msg = self._store_message(
                handle.channel_id,
                self.bot_user,
                {"content": ""},
                msg_type=20 if handle.type == 2 else 0,
                flags=flags,
                interaction=handle,
            )
            handle.original_id = int(msg["id"])
            handle.loading = True
        elif ctype in (6, 7):
            handle.original_id = handle.component_message_id
            if ctype == 7:
                self._check_message(ctx, data, edit=True, policy=False, prefix=("data",))
                assert handle.component_message_id is not None
                msg = self._messages.get(handle.component_message_id)
                if msg is None:
                    raise _ApiError(404, 10008, "Unknown Message")
                self._apply_edit(msg, data)
        elif ctype == 8:
            problems = rules.check_autocomplete_result(data)
            if problems:
                for problem in problems:
                    self._violate(problem.rule, str(problem), ctx.record)
                raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems))
        elif ctype == 9:
            problems = rules.check_modal(data)
            if problems:
                for problem in problems:
                    self._violate(problem.rule, str(problem), ctx.record)
                raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems))
        handle.acknowledged = ctype
        if msg is not None:
            if ctype != 7:
                handle.message_ids.append(int(msg["id"]))
                self._owners[int(msg["id"])] = handle
            ctx.message = msg
        result: dict[str, Any] = {
            "interaction": {
                "id": str(handle.id),
                "type": handle.type,
                "response_message_id": msg["id"] if msg else None,
                "response_message_loading": ctype == 5,
                "response_message_ephemeral": bool(
                    msg and int(msg.get("flags") or 0) & rules.FLAG_EPHEMERAL
                ),
            }
        }
        if msg is not None:
            result["resource"] = {"type": ctype, "message": msg}
            await self._echo_message("MESSAGE_UPDATE" if ctype == 7 else "MESSAGE_CREATE", msg)
        elif ctype in (5, 6, 8, 9):
            result["resource"] = {"type": ctype}
        return 200, result

    def _webhook_handle(self, ctx: _Ctx, app: str, token: str) -> InteractionHandle:
        handle = self._tokens.get(token)
        if int(app) != self.application_id or handle is None:
            self._violate("unknown_webhook", "no interaction with that token", ctx.record)
            raise _ApiError(404, 10015, "Unknown Webhook")
        ctx.handle = handle
        if handle.acknowledged is None or handle.acknowledged == 8:
            self._violate(
                "followup_before_ack",
                "webhook used before the interaction was acknowledged",
                ctx.record,
            )
            raise _ApiError(404, 10015, "Unknown Webhook")
        return handle

    def _webhook_message(self, handle: InteractionHandle, mid: str) -> dict[str, Any]:
        message_id = handle.original_id if mid == "@original" else int(mid)
        if message_id is None or (mid != "@original" and message_id not in handle.message_ids):
            raise _ApiError(404, 10008, "Unknown Message")
        msg = self._messages.get(message_id)
        if msg is None:
            raise _ApiError(404, 10008, "Unknown Message")
        return msg

    async def _followup(self, ctx: _Ctx, app: str, token: str) -> tuple[int, Any]:
        ctx.kind = "followup"
        handle = self._webhook_handle(ctx, app, token)
        payload = ctx.payload if isinstance(ctx.payload, dict) else {}
        self._check_message(ctx, payload, edit=False, policy=True)
        if handle.loading and handle.original_id in self._messages:
            # The first followup after a deferred (type 5) response replaces the "thinking"
            # message, keeping its ephemeral state.
            msg = self._messages[handle.original_id]
            self._apply_edit(msg, {k: v for k, v in payload.items() if k != "flags"})
            msg["edited_timestamp"] = None
            handle.loading = False
            await self._echo_message("MESSAGE_UPDATE", msg)
        else:
            msg = self._store_message(
                handle.channel_id,
                self.bot_user,
                payload,
                flags=int(payload.get("flags") or 0) & (rules.FLAG_EPHEMERAL | 4 | 4096),
                interaction=handle,
                attachments=self._attachments(ctx, handle.channel_id),
            )
            handle.message_ids.append(int(msg["id"]))
            self._owners[int(msg["id"])] = handle
            await self._echo_message("MESSAGE_CREATE", msg)
        ctx.message = msg
        if ctx.record.query.get("wait") in ("0", "false"):
            return 204, None
        return 200, msg

    async def _webhook_get(self, ctx: _Ctx, app: str, token: str, mid: str) -> tuple[int, Any]:
        handle = self._webhook_handle(ctx, app, token)
        return 200, self._webhook_message(handle, mid)

    async def _webhook_edit(self, ctx: _Ctx, app: str, token: str, mid: str) -> tuple[int, Any]:
        ctx.kind = "edit"
        handle = self._webhook_handle(ctx, app, token)
        msg = self._webhook_message(handle, mid)
        payload = ctx.payload if isinstance(ctx.payload, dict) else {}
        self._check_message(ctx, payload, edit=True, policy=False)
        self._apply_edit(msg, payload)
        if ctx.record.files:
            msg["attachments"] += self._attachments(ctx, int(msg["channel_id"]))
        if int(msg["id"]) == handle.original_id:
            handle.loading = False
        ctx.message = msg
        await self._echo_message("MESSAGE_UPDATE", msg)
        return 200, msg

    async def _webhook_delete(self, ctx: _Ctx, app: str, token: str, mid: str) -> tuple[int, Any]:
        ctx.kind = "delete"
        handle = self._webhook_handle(ctx, app, token)
        msg = self._webhook_message(handle, mid)
        del self._messages[int(msg["id"])]
        ctx.message = msg
        await self._echo_delete(msg)
        return 204, None

    # -- REST: channels, messages, threads -------------------------------------------------

    def _require_channel(self, ctx: _Ctx, cid: str) -> dict[str, Any]:
        channel = self._channels.get(int(cid))
        if channel is None:
            self._violate("unknown_channel", f"channel {cid} does not exist", ctx.record)
            raise _ApiError(404, 10003, "Unknown Channel")
        return channel

    def _require_message(self, ctx: _Ctx, cid: str, mid: str) -> dict[str, Any]:
        self._require_channel(ctx, cid)
        msg = self._messages.get(int(mid))
        if msg is None or msg["channel_id"] != cid:
            self._violate("unknown_message", f"message {mid} not in channel {cid}", ctx.record)
            raise _ApiError(404, 10008, "Unknown Message")
        return msg

    def _handle_for_channel(self, channel_id: int) -> Handle | None:
        return self._owners.get(channel_id) or self._channel_handles.get(channel_id)

    async def _get_channel(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        return 200, self._require_channel(ctx, cid)

    async def _edit_channel(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        channel = self._require_channel(ctx, cid)
        payload = ctx.payload if isinstance(ctx.payload, dict) else {}
        if channel["type"] in (10, 11, 12):
            meta = channel["thread_metadata"]
            for key in ("archived", "locked", "auto_archive_duration", "invitable"):
                if key in payload:
                    meta[key] = payload[key]
        if "name" in payload:
            problems = rules.check_thread({"name": payload["name"]})
            if problems:
                for problem in problems:
                    self._violate(problem.rule, str(problem), ctx.record)
                raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems))
            channel["name"] = payload["name"]
        for key in ("topic", "rate_limit_per_user", "nsfw"):
            if key in payload:
                channel[key] = payload[key]
        return 200, channel

    async def _typing(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        self._require_channel(ctx, cid)
        return 204, None

    async def _list_messages(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        self._require_channel(ctx, cid)
        query = ctx.record.query
        limit = int(query.get("limit", 50))
        msgs = sorted(self.channel_messages(int(cid)), key=lambda m: int(m["id"]), reverse=True)
        if "before" in query:
            msgs = [m for m in msgs if int(m["id"]) < int(query["before"])]
        if "after" in query:
            msgs = [m for m in msgs if int(m["id"]) > int(query["after"])]
        return 200, msgs[:limit]

    async def _get_message(self, ctx: _Ctx, cid: str, mid: str) -> tuple[int, Any]:
        return 200, self._require_message(ctx, cid, mid)

    async def _create_message(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        channel = self._require_channel(ctx, cid)
        ctx.kind = "message"
        payload = ctx.payload if isinstance(ctx.payload, dict) else {}
        reference = payload.get("message_reference")
        owner = None
        if reference and reference.get("message_id"):
            owner = self._owners.get(int(reference["message_id"]))
        ctx.handle = owner or self._handle_for_channel(int(cid))
        if channel["type"] == 15:
            raise _ApiError(400, 50008, "Cannot send messages in a non-text channel")
        self._check_message(ctx, payload, edit=False, policy=True)
        if reference and reference.get("message_id"):
            ref = self._messages.get(int(reference["message_id"]))
            if ref is None and reference.get("fail_if_not_exists", True):
                problem = rules.Problem(
                    "unknown_message",
                    ("message_reference",),
                    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "Unknown message",
                )
                self._violate(problem.rule, str(problem), ctx.record)
                raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree([problem]))
            if ref is None:
                reference = None
        msg = self._store_message(
            int(cid),
            self.bot_user,
            payload,
            flags=int(payload.get("flags") or 0) & (4 | 4096 | rules.FLAG_COMPONENTS_V2),
            reference=reference,
            attachments=self._attachments(ctx, int(cid)),
        )
        if ctx.handle is not None:
            self._owners[int(msg["id"])] = ctx.handle
        ctx.message = msg
        await self._echo_message("MESSAGE_CREATE", msg)
        return 200, msg

    async def _edit_message(self, ctx: _Ctx, cid: str, mid: str) -> tuple[int, Any]:
        msg = self._require_message(ctx, cid, mid)
        ctx.kind = "edit"
        ctx.handle = self._owners.get(int(mid))
        payload = ctx.payload if isinstance(ctx.payload, dict) else {}
        if int(msg["author"]["id"]) != self.bot_user.id and set(payload) - {"flags"}:
            self._violate("edit_foreign_message", f"edit of message {mid}", ctx.record)
            raise _ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._check_message(ctx, payload, edit=True, policy=False)
        self._apply_edit(msg, payload)
        if ctx.record.files:
            msg["attachments"] += self._attachments(ctx, int(cid))
        ctx.message = msg
        await self._echo_message("MESSAGE_UPDATE", msg)
        return 200, msg

    async def _delete_message(self, ctx: _Ctx, cid: str, mid: str) -> tuple[int, Any]:
        msg = self._require_message(ctx, cid, mid)
        ctx.kind = "delete"
        ctx.handle = self._owners.get(int(mid))
        del self._messages[int(mid)]
        ctx.message = msg
        await self._echo_delete(msg)
        return 204, None

    async def _add_reaction(self, ctx: _Ctx, cid: str, mid: str, emoji: str) -> tuple[int, Any]:
        msg = self._require_message(ctx, cid, mid)
        ctx.kind = "reaction"
        ctx.handle = self._owners.get(int(mid))
        ctx.message = msg
        for reaction in msg["reactions"]:
            if reaction["emoji"]["name"] == emoji:
                if not reaction["me"]:
                    reaction["me"] = True
                    reaction["count"] += 1
                break
        else:
            msg["reactions"].append(
                {"count": 1, "me": True, "emoji": {"id": None, "name": emoji}, "burst_colors": []}
            )
        return 204, None

    async def _remove_reaction(self, ctx: _Ctx, cid: str, mid: str, emoji: str) -> tuple[int, Any]:
        msg = self._require_message(ctx, cid, mid)
        msg["reactions"] = [
            r for r in msg["reactions"] if not (r["emoji"]["name"] == emoji and r["me"])
        ]
        return 204, None

    def _new_thread(
        self,
        ctx: _Ctx,
        parent: dict[str, Any],
        payload: Mapping[str, Any],
        *,
        thread_id: int | None = None,
        ttype: int = 11,
    ) -> dict[str, Any]:
        problems = rules.check_thread(payload)
        if problems:
            for problem in problems:
                self._violate(problem.rule, str(problem), ctx.record)
            raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree(problems))
        tid = thread_id or self._snowflake()
        now = _now_iso()
        thread = {
            "id": str(tid),
            "type": ttype,
            "guild_id": str(self.guild_id),
            "parent_id": parent["id"],
            "owner_id": str(self.bot_user.id),
            "name": payload["name"],
            "last_message_id": None,
            "rate_limit_per_user": payload.get("rate_limit_per_user") or 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "applied_tags": payload.get("applied_tags") or [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": payload.get("auto_archive_duration") or 1440,
                "archive_timestamp": now,
                "locked": False,
                "invitable": payload.get("invitable", True),
                "create_timestamp": now,
            },
            "member": {
                "id": str(tid),
                "user_id": str(self.bot_user.id),
                "join_timestamp": now,
                "flags": 0,
            },
        }
        self._channels[tid] = thread
        return thread

    async def _echo_thread(self, thread: dict[str, Any]) -> None:
        if self.echo_events:
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})

    async def _thread_from_message(self, ctx: _Ctx, cid: str, mid: str) -> tuple[int, Any]:
        msg = self._require_message(ctx, cid, mid)
        ctx.kind = "thread"
        ctx.handle = self._owners.get(int(mid)) or self._handle_for_channel(int(cid))
        parent = self._channels[int(cid)]
        if parent["type"] not in (0, 5):
            raise _ApiError(400, 50024, "Cannot execute action on this channel type")
        if "thread" in msg or int(mid) in self._channels:
            self._violate("thread_exists", f"message {mid} already has a thread", ctx.record)
            raise _ApiError(400, 160004, "A thread has already been created for this message")
        thread = self._new_thread(ctx, parent, ctx.payload or {}, thread_id=int(mid))
        msg["thread"] = thread
        if ctx.handle is not None:
            self._owners[int(thread["id"])] = ctx.handle
        ctx.thread = thread
        await self._echo_thread(thread)
        return 201, thread

    async def _thread_without_message(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        parent = self._require_channel(ctx, cid)
        ctx.kind = "thread"
        ctx.handle = self._handle_for_channel(int(cid))
        payload = ctx.payload if isinstance(ctx.payload, dict) else {}
        if parent["type"] == 15:
            starter = payload.get("message")
            if not isinstance(starter, dict):
                problem = rules.Problem(
                    "thread_payload", ("message",), "BASE_TYPE_REQUIRED", "Required"
                )
                self._violate(problem.rule, str(problem), ctx.record)
                raise _ApiError(400, 50035, "Invalid Form Body", rules.errors_tree([problem]))
            self._check_message(ctx, starter, edit=False, policy=True, prefix=("message",))
            thread = self._new_thread(ctx, parent, payload)
            msg = self._store_message(
                int(thread["id"]),
                self.bot_user,
                starter,
                message_id=int(thread["id"]),
                attachments=self._attachments(ctx, int(thread["id"])),
            )
            ctx.message = msg
            result = {**thread, "message": msg}
        elif parent["type"] in (0, 5):
            ttype = int(payload.get("type") or 12)
            if ttype not in (10, 11, 12):
                raise _ApiError(400, 50024, "Cannot execute action on this channel type")
            thread = self._new_thread(ctx, parent, payload, ttype=ttype)
            result = thread
        else:
            raise _ApiError(400, 50024, "Cannot execute action on this channel type")
        if ctx.handle is not None:
            self._owners[int(thread["id"])] = ctx.handle
        ctx.thread = thread
        await self._echo_thread(thread)
        if ctx.message is not None:
            await self._echo_message("MESSAGE_CREATE", ctx.message)
        return 201, result

    async def _join_thread(self, ctx: _Ctx, cid: str) -> tuple[int, Any]:
        self._require_channel(ctx, cid)
        return 204, None


def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    if isinstance(value, FakeUser):
        return 6
    return 3


def _normalize_embed(embed: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(embed))
    out.setdefault("type", "rich")
    return out
