"""``/risks``: the risks the reading lists, a page at a time, with a menu that opens any one
in full.

The list clips each risk to fit one embed and shows ten per page; *Previous* and *Next*
turn the page (editing the list for everyone who sees it), and the menu (values are risk
indexes) offers the page's risks and sends the chosen one in full, privately to whoever
picked it (over several messages if it is longer than an embed holds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.core.knowledge import Knowledge
from bot.core.risks import Risk
from bot.discord_app.replies import shows_in_full, to_kwargs, whole_passage
from bot.discord_app.views import StudyView
from bot.i18n import _
from bot.render import RISKS_PER_PAGE, cite, clip, render_risk, render_risks, risk_pages

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

OPTION_TEXT_MAX = 100  # Discord's limit on each option's label, value and description


class RiskMenu(StudyView):
    def __init__(self, knowledge: Knowledge, risks: tuple[Risk, ...], *, key: int | str,
                 live: set[str], timeout: float) -> None:
        super().__init__(live=live, timeout=timeout)
        self.knowledge = knowledge
        self.risks = risks
        self.page = 0
        self.select: discord.ui.Select[RiskMenu] = discord.ui.Select(
            custom_id=f"fmstudy:risk:{key}", placeholder=_("Open a risk in full"))
        self.select.callback = self.open_risk  # type: ignore[method-assign]
        self.add_item(self.select)
        self.previous: discord.ui.Button[RiskMenu] | None = None
        self.next: discord.ui.Button[RiskMenu] | None = None
        if risk_pages(risks) > 1:
            self.previous = discord.ui.Button(label=_("Previous"), custom_id=f"fmstudy:riskp:{key}",
                                              style=discord.ButtonStyle.secondary)
            self.next = discord.ui.Button(label=_("Next"), custom_id=f"fmstudy:riskn:{key}",
                                          style=discord.ButtonStyle.secondary)
            self.previous.callback = self.turn_back  # type: ignore[method-assign]
            self.next.callback = self.turn_on  # type: ignore[method-assign]
            self.add_item(self.previous)
            self.add_item(self.next)
        self._show(0)

    def _show(self, page: int) -> None:
        """The menu and the buttons for one page of the list."""
        self.page = page
        first = page * RISKS_PER_PAGE
        self.select.options = [
            discord.SelectOption(label=clip(f"{i}. {risk.title}", OPTION_TEXT_MAX),
                                 value=str(i - 1),
                                 description=clip(cite(self.knowledge, risk.passage),
                                                  OPTION_TEXT_MAX))
            for i, risk in enumerate(self.risks[first:first + RISKS_PER_PAGE], first + 1)
        ]
        if self.previous is not None and self.next is not None:
            self.previous.disabled = page == 0
            self.next.disabled = page == risk_pages(self.risks) - 1

    async def turn_back(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, self.page - 1)

    async def turn_on(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, self.page + 1)

    async def _turn(self, interaction: discord.Interaction, page: int) -> None:
        self._show(max(0, min(page, risk_pages(self.risks) - 1)))
        reply = render_risks(self.knowledge, self.risks, self.page)
        await interaction.response.edit_message(**to_kwargs(reply, edit=True), view=self)

    async def open_risk(self, interaction: discord.Interaction) -> None:
        risk = self.risks[int(self.select.values[0])]  # Discord only sends listed values
        reply = render_risk(self.knowledge, risk)
        await self.send_private(interaction, [reply] if shows_in_full(reply, risk.full_text)
                                else whole_passage(self.knowledge, risk.passage,
                                                   risk.full_text))


class Risks(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("risks"),
        description=locale_str("The risks the reading lists"),
    )
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
