"""Buttons under an answer, and the base every view of the bot shares.

Views live in memory only (no persistent custom_ids): a restart forgets them, and because
each one times out (10 minutes by default, below the 15-minute life of an interaction token)
its components are removed by editing the message, rather than left as buttons that no longer
answer. Any error in a callback goes to the one error handler (``errors.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol, Self, cast

import discord

from bot.core.answer import Answer
from bot.core.knowledge import Knowledge, with_items
from bot.discord_app.cooldown import within_budget
from bot.discord_app.errors import report_interaction_error
from bot.discord_app.replies import NO_PINGS, NOT_YOURS, text, to_kwargs, whole_passage
from bot.i18n import N_, _, use
from bot.render import Reply, cite_span, listed_under, render_answer
from bot.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0
MORE = 3  # "More passages" re-asks with top_k + MORE
VOTE_PREFIX = "fmstudy:vote:"

Remover = Callable[[], Awaitable[Any]]


class Answering(Protocol):
    """The bot, as a view asks it a question again (``StudyBot.ask``: off the event loop)."""

    async def ask(self, question: str, k: int | None = None) -> Answer: ...


class StudyView(discord.ui.View):
    """A view that removes its components on timeout and reports errors in one place.

    ``live`` is the bot's set of custom_ids that some view still listens to (see
    ``StudyBot.live_components``): a click on a component missing from it (the bot restarted,
    or removing the components at timeout failed) can then be answered instead of failing
    silently (``cogs/stale_components.py``).
    """

    def __init__(self, *, live: set[str], timeout: float | None) -> None:
        super().__init__(timeout=timeout)
        self.live = live
        self._remove: Remover | None = None

    def add_item(self, item: discord.ui.Item[Any]) -> Self:
        custom_id = getattr(item, "custom_id", None)
        if custom_id:
            self.live.add(custom_id)
        return super().add_item(item)

    def forget(self) -> None:
        for item in self.children:
            self.live.discard(getattr(item, "custom_id", None) or "")

    def attach_to_interaction(self, interaction: discord.Interaction) -> None:
        """The view was sent as this interaction's response: edit that on timeout.

        ``edit_original_response`` works for ephemeral messages too, which a channel edit
        cannot reach.
        """
        self._remove = lambda: interaction.edit_original_response(view=None,
                                                                  allowed_mentions=NO_PINGS)

    def attach_to_message(self, message: discord.Message) -> None:
        self._remove = lambda: message.edit(view=None, allowed_mentions=NO_PINGS)

    async def on_timeout(self) -> None:
        self.forget()
        if self._remove is None:
            return
        try:
            await self._remove()
        except discord.HTTPException as exc:  # message deleted, token expired: nothing to tidy
            log.debug("could not remove timed-out components: %s", exc)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every button and menu passes the member's and the channel's budget; what it
        says is in the language of the member who clicked."""
        use(interaction.locale.value)
        return await within_budget(interaction)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[Any]) -> None:
        await report_interaction_error(interaction, error)

    @staticmethod
    async def send_private(interaction: discord.Interaction, replies: list[Reply]) -> None:
        """The first reply answers the interaction, the rest (a long text cut up) follow it."""
        first, *rest = replies
        await interaction.response.send_message(**to_kwargs(first, ephemeral=True))
        for reply in rest:
            await interaction.followup.send(**to_kwargs(reply, ephemeral=True))


def passages_quoted(knowledge: Knowledge, answer: Answer) -> int:
    """How many passages a reply to the answer quotes, the best and those under "See
    also": the items of a list shown under the best passage are not quoted again."""
    items = listed_under(knowledge, answer)
    return min(len(answer.passages), 1) + sum(
        not any(r.passage is item for item in items) for r in answer.passages[1:])


class AnswerView(StudyView):
    """"More passages" and "Whole paragraph", usable only by the member who asked; with a
    store that keeps answers, 👍 and 👎, for any member: one vote each, changeable."""

    def __init__(self, knowledge: Knowledge, answer: Answer, *, asker_id: int, key: int | str,
                 live: set[str], timeout: float, store: Store | None = None) -> None:
        super().__init__(live=live, timeout=timeout)
        self.knowledge = knowledge
        self.answer = answer
        self.asker_id = asker_id
        self.key = key
        self.store = store if store is not None and store.keeps_answers else None
        # custom_ids: a fixed prefix plus a snowflake, far below Discord's 100 characters.
        self.more_button: discord.ui.Button[AnswerView] = discord.ui.Button(
            label=_("More passages"), style=discord.ButtonStyle.secondary,
            custom_id=f"fmstudy:more:{key}")
        self.whole_button: discord.ui.Button[AnswerView] = discord.ui.Button(
            label=_("Whole paragraph"), style=discord.ButtonStyle.secondary,
            custom_id=f"fmstudy:whole:{key}")
        self.more_button.callback = self.more  # type: ignore[method-assign]
        self.whole_button.callback = self.whole  # type: ignore[method-assign]
        self.add_item(self.more_button)
        self.add_item(self.whole_button)
        if self.store is not None:
            for emoji, vote in (("👍", 1), ("👎", -1)):
                button: discord.ui.Button[AnswerView] = discord.ui.Button(
                    emoji=emoji, style=discord.ButtonStyle.secondary,
                    custom_id=f"{VOTE_PREFIX}{'up' if vote > 0 else 'down'}:{key}")
                button.callback = partial(self.vote, vote)  # type: ignore[method-assign]
                self.add_item(button)

    @classmethod
    def maybe(cls, knowledge: Knowledge, answer: Answer, *, asker_id: int, key: int | str,
              live: set[str], timeout: float, store: Store | None = None) -> AnswerView | None:
        """Buttons only make sense under an answer (not under a refusal or a notice)."""
        if not answer.answered:
            return None
        return cls(knowledge, answer, asker_id=asker_id, key=key, live=live, timeout=timeout,
                   store=store)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        use(interaction.locale.value)
        custom_id = str(interaction.data.get("custom_id") or "" if interaction.data else "")
        if interaction.user.id == self.asker_id or custom_id.startswith(VOTE_PREFIX):
            return await super().interaction_check(interaction)
        await interaction.response.send_message(**to_kwargs(text(NOT_YOURS), ephemeral=True))
        return False

    async def more(self, interaction: discord.Interaction) -> None:
        bot = cast(Answering, interaction.client)
        wider = await bot.ask(self.answer.question, self.knowledge.answerer.top_k + MORE)
        self.more_button.disabled = True
        if not wider.answered or passages_quoted(self.knowledge, wider) <= passages_quoted(
                self.knowledge, self.answer):
            await interaction.response.edit_message(view=self, allowed_mentions=NO_PINGS)
            await interaction.followup.send(**to_kwargs(
                text(N_("Those were all the passages that match this question.")),
                ephemeral=True))
            return
        self.answer = wider
        reply = render_answer(self.knowledge, wider)
        await interaction.response.edit_message(**to_kwargs(reply, edit=True), view=self)

    async def vote(self, vote: int, interaction: discord.Interaction) -> None:
        assert self.store is not None
        # The store answers when its queue and the disk allow: acknowledge first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            kept = await asyncio.wrap_future(
                self.store.vote(f"discord:{self.key}", str(interaction.user.id), vote))
        except StoreUnavailable:
            kept = False
        message = (_("Thanks: your {vote} is kept with this answer (click the other to "
                     "change it).").format(vote="👍" if vote > 0 else "👎") if kept else
                   _("Your vote could not be kept just now; the answer is unchanged."))
        await interaction.followup.send(**to_kwargs(Reply(message, ephemeral=True),
                                                    ephemeral=True))

    async def whole(self, interaction: discord.Interaction) -> None:
        """The best passage unclipped, with the items of its list when the answer shows
        them (``listed_under``), under the same citation."""
        best = self.answer.passages[0].passage
        items = listed_under(self.knowledge, self.answer)
        text = with_items(best.text, items)
        await self.send_private(interaction, whole_passage(
            self.knowledge, best, text, label=cite_span(self.knowledge, best, items)))
