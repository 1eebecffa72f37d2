"""``/ask question [private]``: cited passages, with buttons for more.

The core answers in memory, far faster than a round trip to Discord, so the reply is sent
directly instead of deferring: one round trip, well inside Discord's 3-second window, and no
thread or executor is needed to keep the event loop free. Checks run in the order that
wastes least of the member's budget: a too-long question is refused before the cooldown
counts it. Both refusals are short private messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answer import Status
from bot.discord_app.replies import slow_down, to_kwargs
from bot.discord_app.views import AnswerView
from bot.render import render_answer

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot


class Ask(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description="Answer a question with cited passages "
                          "from the group's reading")
    @app_commands.describe(question="What you want to know, e.g. What does emergence mean?",
                           private="Only you see the answer (default: the server's setting)")
    async def ask(self, interaction: discord.Interaction, question: str,
                  private: bool | None = None) -> None:
        bot = self.bot
        ephemeral = bot.settings.discord.ephemeral_default if private is None else private
        answer = await bot.ask(question)  # the core refuses a too-long one at once
        reply = render_answer(bot.knowledge, answer)
        if answer.status is Status.TOO_LONG:  # refused before the cooldown is charged
            await interaction.response.send_message(**to_kwargs(reply, ephemeral=True))
            return
        wait = bot.cooldown.retry_after(interaction.user.id)
        if wait > 0:
            await interaction.response.send_message(**to_kwargs(slow_down(wait), ephemeral=True))
            return
        view = AnswerView.maybe(bot.knowledge, answer, asker_id=interaction.user.id,
                                key=interaction.id, live=bot.live_components,
                                timeout=bot.view_timeout)
        kwargs = to_kwargs(reply, ephemeral=ephemeral)
        if view is not None:
            kwargs["view"] = view
        await interaction.response.send_message(**kwargs)
        if view is not None:
            view.attach_to_interaction(interaction)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Ask(bot))
