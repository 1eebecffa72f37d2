"""All error handling, in one place: slash commands, components and channel messages.

What a member sees is decided here and only here:

* a cooldown -> "Slow down: try again in N s" (ephemeral, or a short reply to a message);
* a failed owner check -> a short ephemeral saying so;
* anything else -> the full traceback goes to the log, and the member gets a short ephemeral
  "Something went wrong on my side; the error was logged." Never a traceback, never silence.

Interactions that were already answered (a deferral, an edit, a first message) get the notice
as a followup; an autocomplete, which cannot carry a message, gets an empty list of choices.
If even the notice cannot be delivered (the 3-second window passed, the message was deleted)
that is logged too, and nothing is raised further.

Slash commands reach :func:`report_interaction_error` through ``tree.on_error``; views call it
from ``on_error``; message listeners that raise reach :func:`report_message_error` through
``StudyBot.on_error``, which dispatches the ``message_handler_error`` event this cog listens to.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.cooldown import QuestionOnCooldown
from bot.discord_app.replies import SOMETHING_WENT_WRONG, slow_down, text, to_kwargs
from bot.render import Reply

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

log = logging.getLogger(__name__)


class NotOwner(app_commands.CheckFailure):
    """Raised by owner-only commands; its message is shown to the member as is."""


def unwrap(error: BaseException) -> BaseException:
    if isinstance(error, app_commands.CommandInvokeError | commands.CommandInvokeError):
        return error.original
    return error


def reply_for(error: BaseException) -> tuple[Reply, bool]:
    """What to tell the member, and whether this is a fault to log with its traceback."""
    error = unwrap(error)
    if isinstance(error, QuestionOnCooldown | app_commands.CommandOnCooldown):
        return slow_down(error.retry_after), False
    if isinstance(error, NotOwner):
        return text(str(error)), False
    if isinstance(error, app_commands.NoPrivateMessage):
        return text("That command only works in a server."), False
    if isinstance(error, app_commands.CheckFailure):
        return text("You can't use that command here."), False
    if isinstance(error, app_commands.CommandNotFound):
        log.warning("unknown command %r: the synced commands are out of date; run "
                    "`python -m bot sync`", error.name)
        return text("That command is out of date; ask the bot's owner to sync commands."), False
    return text(SOMETHING_WENT_WRONG), True


async def report_interaction_error(interaction: discord.Interaction, error: BaseException
                                   ) -> None:
    reply, fault = reply_for(error)
    if fault:
        original = unwrap(error)
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = (interaction.data or {}).get("custom_id")
        log.error("error handling %s (user %s, guild %s, channel %s)",
                  f"/{command}" if command else f"component {custom_id!r}",
                  interaction.user.id, interaction.guild_id, interaction.channel_id,
                  exc_info=(type(original), original, original.__traceback__))
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        kwargs = to_kwargs(reply, ephemeral=True)
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
    except discord.HTTPException:
        log.exception("could not tell user %s about an error", interaction.user.id)


async def report_message_error(message: discord.Message, error: BaseException) -> None:
    reply, fault = reply_for(error)
    if fault:
        log.error("error answering message %s (user %s, channel %s)", message.id,
                  message.author.id, message.channel.id,
                  exc_info=(type(error), error, error.__traceback__))
    try:
        await message.reply(**to_kwargs(reply, ephemeral=None), mention_author=False)
    except discord.HTTPException:
        log.exception("could not tell user %s about an error", message.author.id)


class ErrorHandler(commands.Cog):
    """Installs the tree's error handler and listens for errors from message listeners."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        await report_interaction_error(interaction, error)

    @commands.Cog.listener()
    async def on_message_handler_error(self, message: discord.Message, error: Exception
                                       ) -> None:
        await report_message_error(message, error)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
