"""``/ask question [private]``: cited passages, with buttons for more.

An answer takes milliseconds (the embedder's share), computed on the bot's answering
thread, so the reply is normally sent directly: one round trip, well inside Discord's
3-second window. When the answering thread is busy with other questions, the interaction is
deferred ("thinking…") at once, and otherwise once it waits longer than
``StudyBot.defer_after`` seconds (``StudyBot.defer_delay``); the answer replaces that
message when it comes, so no question misses the window. Checks run in the order that
wastes least of the member's budget: a too-long question is refused before the cooldown
counts it. Both refusals are short private messages.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord_app.replies import in_time, respond, slow_down, to_kwargs
from bot.discord_app.views import AnswerView
from bot.render import render_answer

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot


class Ask(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("ask"),
        description=locale_str("Answer a question with cited passages from the group's reading"),
    )
    @app_commands.describe(
        question=locale_str("What you want to know, e.g. What does emergence mean?"),
        private=locale_str("Only you see the answer (default: the server's setting)"),
    )
    async def ask(self, interaction: discord.Interaction, question: str,
                  private: bool | None = None) -> None:
        bot = self.bot
        ephemeral = bot.settings.discord.ephemeral_default if private is None else private
        remember = partial(bot.remember, interaction.id, question, member=interaction.user.id,
                           guild_id=interaction.guild_id, channel_id=interaction.channel_id)
        if len(question) > bot.knowledge.answerer.max_question_chars:
            # Refused at once by the core, and before the cooldown is charged.
            answer = bot.knowledge.ask(question)
            remember(answer)
            reply = render_answer(bot.knowledge, answer)
            await interaction.response.send_message(**to_kwargs(reply, ephemeral=True))
            return
        wait = bot.cooldown.retry_after(interaction.user.id)
        if wait > 0:
            await interaction.response.send_message(**to_kwargs(slow_down(wait), ephemeral=True))
            return
        delay = bot.defer_delay()  # before this question joins the queue
        answer, deferred = await in_time(interaction, bot.ask(question), delay,
                                         ephemeral=ephemeral)
        remember(answer)
        reply = render_answer(bot.knowledge, answer)
        view = AnswerView.maybe(bot.knowledge, answer, asker_id=interaction.user.id,
                                key=interaction.id, live=bot.live_components,
                                timeout=bot.view_timeout, store=bot.store)
        await respond(interaction, reply, ephemeral=ephemeral, deferred=deferred, view=view)
        if view is not None:
            view.attach_to_interaction(interaction)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Ask(bot))
