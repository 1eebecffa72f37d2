"""``/define term``: the reading's own definition, with autocomplete over the terms the
readings define.

Autocomplete is asked on every keystroke and must answer within Discord's 3 seconds, so it
is answered from memory (``Knowledge.complete``, which never waits for the readings' terms
to be found) with nothing awaited but the response itself. A definition is looked up off
the event loop: the first one after start may wait for the readings' terms (found in the
background with the quiz's items), and past ``defer_after`` the interaction is deferred. An
unknown term gets an ephemeral reply with suggestions (the renderer marks it ephemeral).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord_app.errors import report_interaction_error
from bot.discord_app.replies import in_time, respond
from bot.render import clip, render_definition

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

CHOICES_MAX = 25  # Discord's limit on autocomplete choices
CHOICE_TEXT_MAX = 100  # ... and on each choice's name and value
TERM_MAX = 100


class Define(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("define"),
        description=locale_str("The reading's own definition of a term"),
    )
    @app_commands.describe(
        term=locale_str("A term the reading defines, e.g. emergence"),
    )
    async def define(self, interaction: discord.Interaction,
                     term: app_commands.Range[str, 1, TERM_MAX]) -> None:
        bot = self.bot
        knowledge = bot.knowledge
        ephemeral = bot.settings.discord.ephemeral_default
        lookup, deferred = await in_time(interaction, asyncio.to_thread(knowledge.define, term),
                                         bot.defer_after, ephemeral=ephemeral)
        await respond(interaction, render_definition(knowledge, lookup), ephemeral=ephemeral,
                      deferred=deferred)

    @define.autocomplete("term")
    async def term_choices(self, interaction: discord.Interaction, current: str
                           ) -> list[app_commands.Choice[str]]:
        try:
            return choices(self.bot.knowledge.complete(current, CHOICES_MAX))
        except Exception as exc:  # the library would only log it; answer with no choices
            await report_interaction_error(interaction, exc)
            return []


def choices(terms: list[str]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices within Discord's limits (25 of them, 100 characters each)."""
    out = []
    for term in terms[:CHOICES_MAX]:
        value = term[:CHOICE_TEXT_MAX]
        if value:
            out.append(app_commands.Choice(name=clip(term, CHOICE_TEXT_MAX), value=value))
    return out


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Define(bot))
