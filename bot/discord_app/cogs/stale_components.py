"""Clicks on buttons or menus that no view owns any more get an answer, not a silent failure.

Views live in memory. After a restart (or if removing the components at timeout failed) a
message can still show fmstudy's buttons; discord.py drops clicks on them without responding,
and the member sees "This interaction failed". This listener answers such clicks: it removes
the dead components from the message and says privately what to do instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord_app.errors import report_interaction_error
from bot.discord_app.replies import NO_PINGS, text, to_kwargs
from bot.i18n import N_, use

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

PREFIX = "fmstudy:"
EXPIRED = N_("Those buttons have expired; ask again with /ask (or /risks).")


class StaleComponents(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str(interaction.data.get("custom_id") or "" if interaction.data else "")
        if not custom_id.startswith(PREFIX) or custom_id in self.bot.live_components:
            return
        if interaction.response.is_done():
            return
        use(interaction.locale.value)
        try:
            await interaction.response.edit_message(view=None, allowed_mentions=NO_PINGS)
            await interaction.followup.send(**to_kwargs(text(EXPIRED), ephemeral=True))
        except Exception as exc:  # a listener's error would only reach the log
            await report_interaction_error(interaction, exc)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(StaleComponents(bot))
