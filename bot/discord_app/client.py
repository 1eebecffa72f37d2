"""``StudyBot``: the discord.py client, configured once from the settings and the knowledge.

Defaults that protect members are set here, for every message the library sends:
``allowed_mentions`` pings nobody (an answer quotes text; a quote must never notify anyone),
and the intents are the non-privileged defaults.

Intents: ``discord.Intents.default()`` does not include the privileged *message content*
intent. Without it the bot still receives the text of messages that mention it (and of direct
messages), which is all slash commands and the "mention" trigger need. The "question" trigger
of a study channel (answer any message ending in "?") has to read messages that do not mention
the bot, so :func:`build_intents` enables ``message_content`` only when some study channel uses
it; the intent must then also be switched on for the application in the Developer Portal, or
Discord refuses the connection (``PrivilegedIntentsRequired``, reported by the runner).

There are no text commands: ``on_message`` is overridden so the library never tries to parse
messages as commands; questions in messages are the ``channel_questions`` cog's job.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.config import DiscordSettings, Settings
from bot.core.answer import Answer, Status
from bot.core.knowledge import Knowledge
from bot.discord_app import endpoints
from bot.discord_app.cogs import EXTENSIONS
from bot.discord_app.cooldown import Cooldown, RateLimit, within_budget
from bot.discord_app.errors import report_interaction_error
from bot.discord_app.translator import CatalogTranslator
from bot.discord_app.views import DEFAULT_TIMEOUT
from bot.store import Asked, Store, passages_of

log = logging.getLogger(__name__)


def build_intents(settings: DiscordSettings) -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = any(c.trigger == "question" for c in settings.study_channels)
    return intents


class StudyTree(app_commands.CommandTree["StudyBot"]):
    """Every slash command (and its autocomplete) first passes the interaction budget."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        i18n.use(interaction.locale.value)  # the member's Discord language, for this task
        return await within_budget(interaction)


class StudyBot(commands.Bot):
    """The bot. ``sync_on_start`` is off for ``python -m bot sync``, which syncs by itself.

    ``view_timeout`` is how long buttons and menus stay under a message (seconds);
    ``live_components`` the custom_ids some view of this bot still listens to;
    ``defer_after`` how long /ask waits for its answer before deferring (seconds).
    """

    def __init__(self, settings: Settings, knowledge: Knowledge, *, sync_on_start: bool = True,
                 store: Store | None = None, **options: Any) -> None:
        ds = settings.discord
        # No voice here: spare the admin discord.py's start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=build_intents(ds),
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(ds.owner_ids),
            tree_cls=StudyTree,
            **options,
        )
        self.settings = settings
        self.knowledge = knowledge
        self.store = store  # the group's memory, opened and closed by whoever runs the bot
        self.cooldown = Cooldown(ds.cooldown_seconds)
        self.member_rate = RateLimit(ds.member_actions_per_minute)
        self.channel_rate = RateLimit(ds.channel_actions_per_minute)
        self.view_timeout = DEFAULT_TIMEOUT
        # Discord refuses a first response later than 3 s after the interaction.
        self.defer_after = 1.0
        self.live_components: set[str] = set()
        self.sync_on_start = sync_on_start
        self._restore_endpoints = endpoints.apply(ds)
        # Questions are answered on one thread beside the event loop: with the embedder an
        # answer takes milliseconds, which the loop (heartbeats, other members) must not
        # wait for; one thread, because the embedder is one model answering in turn.
        self._answering = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer")
        self._asked = 0  # questions given to that thread and not answered yet

    def ask(self, question: str, k: int | None = None) -> asyncio.Future[Answer]:
        """The knowledge's answer, computed off the event loop: the question is on the
        answering thread's queue when this returns (``defer_delay`` counts it)."""
        loop = asyncio.get_running_loop()
        self._asked += 1
        answer = loop.run_in_executor(self._answering, self.knowledge.ask, question, k)
        answer.add_done_callback(self._answered)
        return answer

    def _answered(self, _: asyncio.Future[Answer]) -> None:
        self._asked -= 1

    def defer_delay(self) -> float:
        """How long an /ask may wait for its answer before it defers: ``defer_after``, or
        nothing when other questions are ahead of it on the answering thread. A burst of
        questions then defers as it arrives, each in its turn, instead of all together a
        second later, when so many deferrals at once can miss Discord's 3 s."""
        return 0.0 if self._asked else self.defer_after

    def remember(self, key: int, question: str, answer: Answer, *, member: int,
                 guild_id: int | None, channel_id: int | None) -> None:
        """Keep the question as store.record says (returns at once; a store that fails
        costs nothing here). ``key``: the interaction's or message's id."""
        if self.store is None or answer.status is Status.EMPTY:
            return
        self.store.record(Asked(
            f"discord:{key}", str(member), question, answer.answered,
            None if answer.answered else answer.status.value, passages_of(answer.passages),
            guild_id, channel_id))

    async def close(self) -> None:
        try:
            await super().close()
        finally:  # once: a second close() must not undo a later bot's endpoints
            restore, self._restore_endpoints = self._restore_endpoints, lambda: None
            restore()
            self._answering.shutdown(wait=False, cancel_futures=True)

    async def setup_hook(self) -> None:
        self.tree.error(report_interaction_error)
        await self.tree.set_translator(CatalogTranslator())
        for name in EXTENSIONS:
            await self.load_extension(f"bot.discord_app.cogs.{name}")
        guild_id = self.settings.discord.dev_guild_id
        if self.sync_on_start and guild_id is not None:
            await self.sync_dev_guild(guild_id)

    async def sync_commands(self, guild_id: int | None) -> list[app_commands.AppCommand]:
        """Publish the slash commands: to one guild (the global ones copied there, where a
        sync shows at once), or globally when ``guild_id`` is None."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def sync_dev_guild(self, guild_id: int) -> None:
        """Copy the global commands to the development guild, where a sync shows instantly."""
        try:
            synced = await self.sync_commands(guild_id)
        except discord.HTTPException as exc:  # the bot still works with whatever is synced
            log.error("could not sync commands to dev guild %s: %s %s", guild_id,
                      exc.status, exc.text)
            return
        log.info("synced %d commands to dev guild %s", len(synced), guild_id)

    async def on_ready(self) -> None:
        user = self.user
        log.info("connected as %s (id %s) in %d servers", user, user.id if user else "?",
                 len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        """No text commands (see the module docstring); the cogs' listeners still run."""
