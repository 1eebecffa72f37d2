"""``/risks``: the risks the summary lists, with a menu that opens any one in full.

The list clips each risk to fit one embed; the menu (values are risk indexes, at most 25
options) sends the chosen risk in full, privately to whoever picked it (over several messages
if it is longer than an embed holds). Anyone may use the menu: it changes nothing for others,
unlike the answer buttons, which edit the asker's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge import Knowledge
from bot.core.risks import Risk
from bot.discord_app.replies import shows_in_full, to_kwargs, whole_passage
from bot.discord_app.views import StudyView
from bot.render import cite, clip, render_risk, render_risks

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

OPTIONS_MAX = 25  # Discord's limit on select options
OPTION_TEXT_MAX = 100  # ... and on each option's label, value and description


class RiskMenu(StudyView):
    def __init__(self, knowledge: Knowledge, risks: tuple[Risk, ...], *, key: int | str,
                 live: set[str], timeout: float) -> None:
        super().__init__(live=live, timeout=timeout)
        self.knowledge = knowledge
        self.risks = risks
        self.select: discord.ui.Select[RiskMenu] = discord.ui.Select(
            custom_id=f"fmstudy:risk:{key}",
            placeholder="Open a risk in full",
            options=[
                discord.SelectOption(label=clip(f"{i}. {risk.title}", OPTION_TEXT_MAX),
                                     value=str(i - 1),
                                     description=clip(cite(knowledge, risk.passage),
                                                      OPTION_TEXT_MAX))
                for i, risk in enumerate(risks[:OPTIONS_MAX], 1)
            ],
        )
        self.select.callback = self.open_risk  # type: ignore[method-assign]
        self.add_item(self.select)

    async def open_risk(self, interaction: discord.Interaction) -> None:
        risk = self.risks[int(self.select.values[0])]  # Discord only sends listed values
        reply = render_risk(self.knowledge, risk)
        await self.send_private(interaction, [reply] if shows_in_full(reply, risk.text)
                                else whole_passage(self.knowledge, risk.passage))


class Risks(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="risks", description="The risks the summary lists")
    async def risks(self, interaction: discord.Interaction) -> None:
        knowledge = self.bot.knowledge
        reply = render_risks(knowledge, knowledge.risks)
        kwargs = to_kwargs(reply, ephemeral=self.bot.settings.discord.ephemeral_default)
        if not knowledge.risks:  # a reading without a risks section: the notice alone
            await interaction.response.send_message(**kwargs)
            return
        menu = RiskMenu(knowledge, knowledge.risks, key=interaction.id,
                        live=self.bot.live_components, timeout=self.bot.view_timeout)
        await interaction.response.send_message(**kwargs, view=menu)
        menu.attach_to_interaction(interaction)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Risks(bot))
