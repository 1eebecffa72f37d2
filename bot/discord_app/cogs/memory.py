"""``/gaps`` for study leads and ``/forget-me`` for every member: the group's memory.

``/gaps`` shows what members asked that the notes could not answer (grouped by wording, most
asked first) and the passages answers were voted down for, in this server, privately: it
quotes members' questions, so it is for leads only (Manage Server, or a role in
``discord.lead_role_ids``). ``/forget-me`` deletes everything kept about whoever runs it.
The store's work runs on its own thread; these commands defer first, as a disk can be slow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord_app.replies import text, to_kwargs
from bot.i18n import N_
from bot.render import render_forgotten, render_gaps
from bot.store import Store, StoreUnavailable

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

NO_STORE = N_("Nothing is kept: the group's memory is off (store: null in config.yml).")
UNAVAILABLE = N_("The group's memory cannot be reached just now; try again in a while.")
NOTHING_DELETED = N_("The group's memory cannot be reached just now; try again in a while. "
                     "Nothing was deleted.")
LEADS_ONLY = N_("/gaps is for study leads: members with Manage Server, or a role the bot's "
                "admin lists in discord.lead_role_ids.")


async def from_store(store: Store | None, interaction: discord.Interaction,
                     jobs: Callable[[Store], tuple[Future[Any], ...]],
                     unavailable: str = UNAVAILABLE) -> tuple[Any, ...] | None:
    """The results of a slash command's store jobs, the interaction deferred (privately:
    a disk may be slow); None when the member has been told the store is off or cannot
    be reached."""
    if store is None:
        await interaction.response.send_message(**to_kwargs(text(NO_STORE), ephemeral=True))
        return None
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        return tuple([await asyncio.wrap_future(job) for job in jobs(store)])
    except StoreUnavailable:
        await interaction.followup.send(**to_kwargs(text(unavailable), ephemeral=True))
        return None


class Memory(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    def is_lead(self, interaction: discord.Interaction) -> bool:
        member = interaction.user
        if not isinstance(member, discord.Member):  # a direct message: no server to lead
            return False
        leads = set(self.bot.settings.discord.lead_role_ids)
        return member.guild_permissions.manage_guild or any(r.id in leads for r in member.roles)

    @app_commands.command(
        name=locale_str("gaps"),
        description=locale_str("Study leads: the questions the notes could not answer, and the "
                               "answers voted down"),
    )
    @app_commands.describe(
        days=locale_str("How far back to look (default: 14 days)"),
    )
    @app_commands.guild_only()
    async def gaps(self, interaction: discord.Interaction,
                   days: app_commands.Range[int, 1, 365] = 14) -> None:
        if not self.is_lead(interaction):
            await interaction.response.send_message(**to_kwargs(text(LEADS_ONLY),
                                                                ephemeral=True))
            return
        guild = interaction.guild_id
        found = await from_store(self.bot.store, interaction, lambda store: (
            store.unanswered(days, guild), store.disliked(days, guild)))
        if found is None:
            return
        asked, disliked = found
        # Grouping reads every question the way the answer path does: off the event loop.
        gaps = await asyncio.to_thread(self.bot.knowledge.gaps, asked)
        reply = render_gaps(gaps, disliked, days)
        await interaction.followup.send(**to_kwargs(reply, ephemeral=True))

    @app_commands.command(
        name=locale_str("forget-me"),
        description=locale_str("Delete everything fmstudy keeps about you (your questions, "
                               "votes and quiz progress)"),
    )
    async def forget_me(self, interaction: discord.Interaction) -> None:
        member = str(interaction.user.id)
        found = await from_store(self.bot.store, interaction,
                                 lambda store: (store.forget(member),), NOTHING_DELETED)
        if found is None:
            return
        (gone,) = found
        reply = render_forgotten(gone.questions, gone.votes, gone.quiz_items)
        await interaction.followup.send(**to_kwargs(reply, ephemeral=True))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Memory(bot))
