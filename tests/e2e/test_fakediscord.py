"""The fake Discord server, driven by a real, plain discord.py ``commands.Bot``.

The bot here is defined in the test (it is not fmstudy's bot); it only exercises the server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from .fakediscord import FakeDiscord

pytestmark = pytest.mark.asyncio

TOKEN = "fake-bot-token"
NO_PINGS = discord.AllowedMentions.none()
DEADLINE = 0.5  # the interaction deadline the fake enforces in these tests (Discord: 3 s)


def point_discord_py_at(server: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send a discord.py client's REST and gateway traffic to ``server``.

    Production code does the same with its ``discord.api_base`` / ``discord.gateway_url``
    settings. discord.py 2.7.1 never calls ``discord.http._set_api_version`` itself (it is
    defined, not called), so ``Route.BASE`` set before ``login()`` sticks; it is read when each
    ``Route`` is built, and interaction callbacks/webhooks use the same ``Route`` class.
    """
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )


class StudyView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)

    @discord.ui.select(
        custom_id="study:chapter",
        placeholder="Chapter",
        options=[discord.SelectOption(label=f"Chapter {i}", value=str(i)) for i in (1, 2, 3)],
    )
    async def chapter(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(
            f"chapter {select.values[0]}", ephemeral=True, allowed_mentions=NO_PINGS
        )

    @discord.ui.button(label="Next", custom_id="study:next", style=discord.ButtonStyle.primary)
    async def next_page(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="page 2", view=None)


class StudyBot(commands.Bot):
    """A plain bot with a few commands, recording what it saw."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
        )
        self.guild = discord.Object(id=guild_id)
        self.errors: list[Exception] = []
        self.seen: list[tuple[int, str]] = []
        self.available: list[int] = []
        self._define_commands()

    async def on_guild_available(self, guild: discord.Guild) -> None:
        self.available.append(guild.id)

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append((message.id, message.content))
        await self.process_commands(message)

    def _define_commands(self) -> None:
        tree, guild = self.tree, self.guild

        @tree.error
        async def on_error(interaction: discord.Interaction, error: Exception) -> None:
            self.errors.append(getattr(error, "original", error))

        @tree.command(name="hello", description="Say hi", guild=guild)
        async def hello(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("hi", allowed_mentions=NO_PINGS)

        @tree.command(name="slow", description="Think, then answer", guild=guild)
        @app_commands.describe(topic="What to study")
        async def slow(interaction: discord.Interaction, topic: str) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send(f"notes on {topic}", allowed_mentions=NO_PINGS)
            await interaction.followup.send("one more", allowed_mentions=NO_PINGS)

        @tree.command(name="long", description="Too long a reply", guild=guild)
        async def long(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("x" * 2001, allowed_mentions=NO_PINGS)

        @tree.command(name="noisy", description="Reply without allowed_mentions", guild=guild)
        async def noisy(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"{interaction.user.mention} hi")

        @tree.command(name="late", description="Answer after the deadline", guild=guild)
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(DEADLINE + 0.2)
            await interaction.response.send_message("too late", allowed_mentions=NO_PINGS)

        @tree.command(name="menu", description="A message with components", guild=guild)
        async def menu(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "pick one", view=StudyView(), allowed_mentions=NO_PINGS
            )

        @tree.command(name="topic", description="Autocompleted topic", guild=guild)
        @app_commands.describe(query="Topic")
        async def topic(interaction: discord.Interaction, query: str) -> None:
            await interaction.response.send_message(query, allowed_mentions=NO_PINGS)

        @topic.autocomplete("query")
        async def topic_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            count = 30 if current == "many" else 3
            return [app_commands.Choice(name=f"{current} {i}", value=str(i)) for i in range(count)]

        @tree.command(name="draft", description="Ephemeral defer, edit, follow up", guild=guild)
        async def draft(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.edit_original_response(content="draft ready")
            extra = await interaction.followup.send(
                "scratch", ephemeral=True, wait=True, allowed_mentions=NO_PINGS
            )
            await extra.delete()

        @tree.command(name="discuss", description="Answer in a thread", guild=guild)
        async def discuss(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("let's discuss", allowed_mentions=NO_PINGS)
            message = await interaction.original_response()
            thread = await message.create_thread(name="Discussion")
            await thread.send("first point", allowed_mentions=NO_PINGS)

        study = app_commands.Group(name="study", description="Study tools", guild_ids=[guild.id])

        @study.command(name="quiz", description="Quiz a member")
        @app_commands.describe(member="Who", rounds="How many rounds")
        async def quiz(
            interaction: discord.Interaction, member: discord.Member, rounds: int = 3
        ) -> None:
            text = f"{member.display_name} x{rounds}"
            await interaction.response.send_message(text, allowed_mentions=NO_PINGS)

        tree.add_command(study)

        @self.command(name="ping")
        async def ping(ctx: commands.Context) -> None:
            await ctx.reply("pong", allowed_mentions=NO_PINGS)

        @self.command(name="note")
        async def note(ctx: commands.Context) -> None:
            await ctx.message.add_reaction("\N{WHITE HEAVY CHECK MARK}")
            sent = await ctx.send("noting", allowed_mentions=NO_PINGS)
            await sent.edit(content="noted")
            await ctx.author.send("saved your note", allowed_mentions=NO_PINGS)
            await ctx.channel.create_thread(name="notes", type=discord.ChannelType.public_thread)


@contextlib.asynccontextmanager
async def running(
    bot: commands.Bot, token: str = TOKEN, timeout: float = 5.0
) -> AsyncIterator[asyncio.Task]:
    """Start ``bot``; fail fast if ``start()`` dies before the bot is ready."""
    async with bot:  # initialises the client's asyncio state, so wait_until_ready() works
        task = asyncio.create_task(bot.start(token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task.done():
                task.result()  # re-raise the reason start() failed
            task.cancel()
            raise AssertionError(f"bot not ready within {timeout}s")
        try:
            yield task
        finally:
            await bot.close()
            await asyncio.wait_for(task, timeout)


async def eventually(predicate: Callable[[], object], timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest_asyncio.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(deadline=DEADLINE, token=TOKEN) as srv:
        point_discord_py_at(srv, monkeypatch)
        yield srv
    srv.assert_clean()  # any rule violation or unknown route fails the test


@pytest_asyncio.fixture
async def bot(server: FakeDiscord) -> AsyncIterator[StudyBot]:
    study_bot = StudyBot(server.guild_id)
    async with running(study_bot):
        await study_bot.tree.sync(guild=study_bot.guild)
        yield study_bot


async def test_login_ready_and_guild_available(server: FakeDiscord, bot: StudyBot) -> None:
    paths = [r.path for r in server.requests]
    assert paths[:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert "/gateway/bot" not in paths
    assert all(a.at <= b.at for a, b in zip(server.requests, server.requests[1:], strict=False))
    assert bot.user is not None and bot.user.id == server.bot_user.id
    assert bot.application_id == server.application_id
    guild = bot.get_guild(server.guild_id)
    assert guild is not None and not guild.unavailable
    assert bot.available == [server.guild_id]
    assert [c.id for c in guild.text_channels] == server.channel_ids
    assert guild.me is not None and guild.me.id == server.bot_user.id
    assert server.intents == discord.Intents.default().value
    assert not server.message_content_intent


async def test_sync_records_a_valid_payload(server: FakeDiscord, bot: StudyBot) -> None:
    [put] = [r for r in server.requests if r.method == "PUT"]
    assert put.path == f"/applications/{server.application_id}/guilds/{server.guild_id}/commands"
    assert put.status == 200
    names = {c["name"] for c in put.payload}
    assert names == {"hello", "slow", "long", "noisy", "late", "menu", "topic", "draft"} | {
        "discuss",
        "study",
    }
    assert {c["name"] for c in server.commands(server.guild_id)} == names
    fetched = await bot.tree.fetch_commands(guild=bot.guild)
    assert {c.name for c in fetched} == names


async def test_invalid_command_name_is_a_violation(server: FakeDiscord, bot: StudyBot) -> None:
    @app_commands.command(name="broken", description="Has a bad name")
    async def broken(interaction: discord.Interaction) -> None: ...

    broken.name = "Not Valid!"  # past discord.py's own check, as a hand-made payload would be
    bot.tree.add_command(broken, guild=bot.guild)
    with pytest.raises(app_commands.CommandSyncFailure):
        await bot.tree.sync(guild=bot.guild)
    [violation] = server.take_violations("command_payload")
    assert "name" in violation.detail
    assert "Not Valid!" not in {c["name"] for c in server.commands(server.guild_id)}


async def test_slash_command_reply(server: FakeDiscord, bot: StudyBot) -> None:
    alice = server.member("alice")
    handle = await server.send_interaction_command("hello", user=alice)
    reply = await handle.response(timeout=5)
    assert (reply.kind, reply.callback_type, reply.status) == ("callback", 4, 200)
    assert reply.content == "hi"
    assert reply.payload["data"]["allowed_mentions"] == {"parse": []}
    assert reply.message is not None
    assert reply.message["interaction_metadata"]["user"]["id"] == str(alice.id)


async def test_defer_then_followups(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_interaction_command("slow", {"topic": "ethics"})
    deferred = await handle.response()
    assert deferred.callback_type == 5 and deferred.ok
    first = await handle.followup(index=0)
    second = await handle.followup(index=1)
    assert first.content == "notes on ethics"
    assert first.message is not None and deferred.message is not None
    assert first.message["id"] == deferred.message["id"]  # replaced the "thinking" message
    assert second.content == "one more" and second.message["id"] != first.message["id"]


async def test_too_long_message_is_rejected(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_interaction_command("long")
    reply = await handle.response()
    assert (reply.status, reply.error_code) == (400, 50035)
    assert "content" in reply.body["errors"]["data"]
    [violation] = server.take_violations("content_length")
    assert "2000" in violation.detail
    await eventually(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.HTTPException)


async def test_missing_allowed_mentions_is_recorded(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_interaction_command("noisy")
    reply = await handle.response()
    assert reply.ok  # Discord accepts it, and would ping; the policy check records it
    [violation] = server.take_violations("allowed_mentions")
    assert "missing" in violation.detail


async def test_late_response_is_unknown_interaction(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_interaction_command("late")
    reply = await handle.response(timeout=DEADLINE + 2)
    assert (reply.status, reply.error_code) == (404, 10062)
    assert len(server.take_violations("interaction_deadline")) == 1
    await eventually(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.NotFound)


async def test_double_ack_from_a_second_bot_process(server: FakeDiscord, bot: StudyBot) -> None:
    twin = StudyBot(server.guild_id)  # the classic cause: two processes on one token
    async with running(twin):
        handle = await server.send_interaction_command("hello")
        await handle.wait_for(lambda r: not r.ok)
        statuses = sorted((r.status, r.error_code) for r in handle.replies)
        assert statuses == [(200, None), (400, 40060)]
        assert len(server.take_violations("interaction_double_ack")) == 1


async def test_view_select_and_button(server: FakeDiscord, bot: StudyBot) -> None:
    menu = await (await server.send_interaction_command("menu")).response()
    assert menu.ok and menu.message is not None and len(menu.message["components"]) == 2

    picked = await (await server.select(menu, "study:chapter", ["2"], user="bob")).response()
    assert (picked.callback_type, picked.content, picked.ephemeral) == (4, "chapter 2", True)

    clicked = await (await server.click_button(menu, "study:next", user="bob")).response()
    assert clicked.callback_type == 7 and clicked.ok
    assert clicked.message is not None
    assert clicked.message["id"] == menu.message["id"]
    assert (clicked.message["content"], clicked.message["components"]) == ("page 2", [])
    with pytest.raises(LookupError):
        await server.click_button(menu, "study:next")  # the button is gone now


async def test_autocomplete_choices(server: FakeDiscord, bot: StudyBot) -> None:
    few = await (await server.send_autocomplete("topic", {"query": "eth"})).response()
    assert few.callback_type == 8 and few.ok
    assert [c["value"] for c in few.payload["data"]["choices"]] == ["0", "1", "2"]

    many = await (await server.send_autocomplete("topic", {"query": "many"})).response()
    assert (many.status, many.error_code) == (400, 50035)
    assert len(server.take_violations("autocomplete_choices")) == 1


async def test_message_create_and_mentions(server: FakeDiscord, bot: StudyBot) -> None:
    alice = server.member("alice")
    chat = await server.send_message("just chatting", author=alice)
    await eventually(lambda: any(mid == chat.id for mid, _ in bot.seen))
    # no message-content intent and no mention: Discord blanks the content
    assert dict(bot.seen)[chat.id] == ""

    ping = await server.send_message(f"{server.bot_user.mention} ping", author=alice)
    reply = await ping.response()
    assert (reply.kind, reply.status, reply.content) == ("message", 200, "pong")
    assert int(reply.payload["message_reference"]["message_id"]) == ping.id
    assert reply.payload["allowed_mentions"] == {"parse": []}
    assert dict(bot.seen)[ping.id] == f"<@{server.bot_user.id}> ping"
    # the bot's own reply comes back over the gateway, as on Discord
    await eventually(lambda: any(mid == int(reply.message["id"]) for mid, _ in bot.seen))


async def test_graceful_close(server: FakeDiscord) -> None:
    study_bot = StudyBot(server.guild_id)
    async with running(study_bot) as task:
        await study_bot.close()
        await asyncio.wait_for(task, 5)  # start() returns normally
        assert task.exception() is None
    assert study_bot.is_closed()
    await eventually(lambda: server.gateway_closes)
    # Client.close() asks for 1000, but aiohttp first wakes the pending receive(), and
    # discord.py's poll_event() then closes with 4000 -- what real Discord sees too.
    assert server.gateway_closes in ([1000], [4000])
    assert not server._sessions


async def test_ephemeral_defer_edit_followup_delete(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_interaction_command("draft")
    await handle.wait_for(lambda r: r.kind == "delete")
    kinds = [(r.kind, r.status) for r in handle.replies]
    assert kinds == [("callback", 200), ("edit", 200), ("followup", 200), ("delete", 204)]
    deferred, edited, followup, _ = handle.replies
    assert deferred.ephemeral and edited.ephemeral and followup.ephemeral
    assert edited.message is not None and edited.message["content"] == "draft ready"
    assert int(followup.message["id"]) not in {int(m["id"]) for m in server.channel_messages()}


async def test_thread_from_interaction_response(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_interaction_command("discuss")
    posted = await handle.wait_for(lambda r: r.kind == "message")
    thread = next(r.thread for r in handle.replies if r.kind == "thread")
    assert thread is not None and thread["name"] == "Discussion"
    assert thread["id"] == handle.replies[0].message["id"]  # a thread takes its message's id
    assert posted.content == "first point" and posted.message["channel_id"] == thread["id"]
    await eventually(lambda: bot.get_channel(int(thread["id"])) is not None)  # THREAD_CREATE


async def test_subcommand_with_member_option(server: FakeDiscord, bot: StudyBot) -> None:
    bob = server.member("bob")
    handle = await server.send_interaction_command("study quiz", {"member": bob, "rounds": 2})
    assert (await handle.response()).content == "Bob x2"
    with pytest.raises(LookupError):
        await server.send_interaction_command("study quiz", {"nobody": 1})


async def test_prefix_command_edit_reaction_dm_thread(server: FakeDiscord, bot: StudyBot) -> None:
    carol = server.member("carol")
    handle = await server.send_message(f"{server.bot_user.mention} note", author=carol)
    await handle.wait_for(lambda r: r.kind == "thread")
    kinds = [r.kind for r in handle.replies]
    assert kinds == ["reaction", "message", "edit", "thread"]
    assert handle.replies[2].message["content"] == "noted"
    assert server.message(handle.id)["reactions"][0]["me"]
    [dm] = [c for c in server._channels.values() if c["type"] == 1]
    [dm_message] = server.channel_messages(int(dm["id"]))
    assert dm_message["content"] == "saved your note"


async def test_unknown_route_is_recorded(server: FakeDiscord, bot: StudyBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/guilds/{g}/emojis", g=server.guild_id))
    [unknown] = server.unknown_routes
    assert unknown.path == f"/guilds/{server.guild_id}/emojis"
    with pytest.raises(AssertionError, match="unknown route"):
        server.assert_clean()
    server.unknown_routes.clear()


async def test_wrong_token_fails_fast(server: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with running(StudyBot(server.guild_id), token="wrong-token"):
            pass
