"""``/about``: what the bot has read, and how to cite it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord_app.replies import to_kwargs
from bot.render import render_about

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot


class About(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("about"),
        description=locale_str("What fmstudy has read and how to cite it"),
    )
    async def about(self, interaction: discord.Interaction) -> None:
        reply = render_about(self.bot.knowledge)
        await interaction.response.send_message(
            **to_kwargs(reply, ephemeral=self.bot.settings.discord.ephemeral_default))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(About(bot))
