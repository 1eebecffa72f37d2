"""``/sync``: owner-only re-registration of the slash commands, from inside Discord.

Syncing is never automatic on every start (Discord rate-limits it, and a global sync takes a
while to reach every client); ``python -m bot sync`` does it from a shell, and this command
does it from Discord after a deploy. Owners are ``discord.owner_ids`` from config.yml, else the
application's owner (or its team's admins and developers), as ``Bot.is_owner`` decides.
The command is also hidden from members without Administrator by default permissions, but
that is a convenience a server can override; the owner check is what guards it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord_app.errors import NotOwner
from bot.discord_app.replies import text, to_kwargs
from bot.i18n import N_, _
from bot.render import Reply

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot


async def is_owner(interaction: discord.Interaction) -> bool:
    bot = interaction.client
    if isinstance(bot, commands.Bot) and await bot.is_owner(interaction.user):
        return True
    raise NotOwner(N_("Only the bot's owners can sync its commands."))


class Admin(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("sync"),
        description=locale_str("Owner only: register fmstudy's slash commands with Discord"),
    )
    @app_commands.describe(
        scope=locale_str("This server only (instant), or every server (slow to show)"),
    )
    @app_commands.default_permissions(administrator=True)
    @app_commands.check(is_owner)
    async def sync(self, interaction: discord.Interaction,
                   scope: Literal["server", "global"] = "server") -> None:
        if scope == "server" and interaction.guild is None:
            await interaction.response.send_message(**to_kwargs(
                text(N_("Use scope:global in a direct message; there is no server here.")),
                ephemeral=True))
            return
        # A sync is a network round trip to Discord that may be rate limited: acknowledge now.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            if scope == "server":
                synced = await self.bot.sync_commands(interaction.guild_id or 0)
                where = _("this server")
            else:
                synced = await self.bot.sync_commands(None)
                where = _("every server (it can take a while to show up)")
        except asyncio.CancelledError:  # the bot is stopping: don't leave "thinking…"
            with contextlib.suppress(Exception):
                await asyncio.wait_for(interaction.followup.send(**to_kwargs(
                    text(N_("The bot is stopping, so the sync was cut short; run /sync "
                            "again once it is back.")), ephemeral=True)), 2.0)
            raise
        names = ", ".join(f"/{c.name}" for c in synced) or "none"
        await interaction.followup.send(**to_kwargs(Reply(_(
            "Synced {count} commands to {where}: {names}.").format(
                count=len(synced), where=where, names=names), ephemeral=True), ephemeral=True))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Admin(bot))
