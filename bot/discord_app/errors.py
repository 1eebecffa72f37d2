"""What a member is told when something fails, decided in one place.

* a failed owner check -> a short ephemeral saying so;
* a command Discord knows but this process does not (commands synced from a newer or older
  version) -> a short ephemeral, and a warning in the log to run ``python -m bot sync``;
* anything else -> the full traceback goes to the log, and the member gets a short ephemeral
  "Something went wrong on my side; the error was logged." Never a traceback, never silence.

Interactions that were already answered (a deferral, an edit, a first message) get the notice
as a followup; an autocomplete, which cannot carry a message, gets an empty list of choices.
If even the notice cannot be delivered (the 3-second window passed, the message was deleted)
that is logged too, and nothing is raised further.

Slash commands reach :func:`report_interaction_error` through the tree's error handler
(``StudyBot.setup_hook`` installs it); views and listeners call it, or
:func:`report_message_error`, themselves.
Cooldowns and too-long questions are not errors: the commands answer those directly.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord_app.replies import SOMETHING_WENT_WRONG, text, to_kwargs
from bot.i18n import N_, use
from bot.render import Reply

log = logging.getLogger(__name__)


class NotOwner(app_commands.CheckFailure):
    """Raised by owner-only commands; its message is shown to the member as is."""


def reply_for(error: BaseException) -> tuple[Reply, bool]:
    """What to tell the member, and whether this is a fault to log with its traceback."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, NotOwner):
        return text(str(error)), False
    if isinstance(error, app_commands.CheckFailure):
        return text(N_("You can't use that command here.")), False
    if isinstance(error, app_commands.CommandNotFound):
        log.warning("unknown command %r: the synced commands are out of date; run "
                    "`python -m bot sync`", error.name)
        return text(N_("That command is out of date; ask the bot's owner to sync "
                       "commands.")), False
    return text(SOMETHING_WENT_WRONG), True


async def report_interaction_error(interaction: discord.Interaction, error: BaseException
                                   ) -> None:
    use(interaction.locale.value)  # set already, unless the error came first
    reply, fault = reply_for(error)
    if fault:
        original = getattr(error, "original", error)
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = interaction.data.get("custom_id") if interaction.data else None
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
    """A failure answering a channel message: logged, and a short reply to the message."""
    log.error("error answering message %s (user %s, channel %s)", message.id,
              message.author.id, message.channel.id,
              exc_info=(type(error), error, error.__traceback__))
    try:
        await message.reply(**to_kwargs(text(SOMETHING_WENT_WRONG), ephemeral=None),
                            mention_author=False)
    except discord.HTTPException:
        log.exception("could not tell user %s about an error", message.author.id)
