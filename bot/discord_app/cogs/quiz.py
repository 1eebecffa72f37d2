"""``/quiz [topic] [mode]``: active recall from the group's reading.

``mode: me`` (the default) asks the member one item, answered with buttons, then shows the
answer and the passage that holds it, cited. With the group's memory on, the item is the one
due in the member's Leitner schedule (missed items come back first), and each answer moves
it; without it, quizzes work the same, without a schedule. ``mode: round`` posts one item for
everyone in the channel: each member's first click counts, and when the round ends
(``discord.quiz_round_seconds``) the message shows the answer, its passage, and who got it
right. ``mode: stats`` shows the member's progress by section, privately.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from functools import partial
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.core.knowledge import Knowledge
from bot.core.quiz import QuizItem, pick
from bot.discord_app.cogs.memory import from_store
from bot.discord_app.replies import NOT_YOURS, in_time, respond, text, to_kwargs
from bot.discord_app.views import StudyView
from bot.i18n import N_, _, use
from bot.render import (
    QUIZ_NO_ITEMS,
    Reply,
    clip,
    render_quiz_item,
    render_quiz_progress,
    render_quiz_result,
    render_round_result,
)
from bot.store import Store, StoreUnavailable

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

log = logging.getLogger(__name__)

ALREADY = N_("You have answered this round already; the answer comes when it ends.")
ANSWERED = N_("You have answered this question already; ask /quiz for another.")
LABEL_MAX = 80  # Discord's limit on a button's label
SCHEDULE_WAIT_S = 1.0  # a slow store: quiz without the schedule rather than keep Discord waiting


class QuizView(StudyView):
    """One item's choices as buttons. ``asker_id``: only that member answers (``None``: a
    round, where everyone's first answer counts until ``end_round_after`` ends it: a view's
    own timeout starts again at every click, and a round must end on time)."""

    def __init__(self, knowledge: Knowledge, item: QuizItem, *, key: int, asker_id: int | None,
                 store: Store | None, live: set[str], timeout: float | None) -> None:
        super().__init__(live=live, timeout=timeout)
        self.knowledge = knowledge
        self.item = item
        self.asker_id = asker_id
        self.store = store
        self.answers: dict[int, str] = {}  # member -> their first choice
        kind = "quiz" if asker_id is not None else "round"
        self.buttons: list[discord.ui.Button[QuizView]] = []
        for i, choice in enumerate(item.choices):
            button: discord.ui.Button[QuizView] = discord.ui.Button(
                label=clip(choice, LABEL_MAX), style=discord.ButtonStyle.secondary,
                custom_id=f"fmstudy:{kind}:{key}:{i}")
            button.callback = partial(self.answer, choice)  # type: ignore[method-assign]
            self.buttons.append(button)
            self.add_item(button)
        self._interaction: discord.Interaction | None = None

    def attach_to_interaction(self, interaction: discord.Interaction) -> None:
        super().attach_to_interaction(interaction)
        self._interaction = interaction

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        use(interaction.locale.value)
        if self.asker_id is None or interaction.user.id == self.asker_id:
            return await super().interaction_check(interaction)
        await interaction.response.send_message(**to_kwargs(text(NOT_YOURS), ephemeral=True))
        return False

    async def answer(self, choice: str, interaction: discord.Interaction) -> None:
        member = interaction.user.id
        if member in self.answers:
            already = ALREADY if self.asker_id is None else ANSWERED
            await interaction.response.send_message(**to_kwargs(text(already), ephemeral=True))
            return
        self.answers[member] = choice
        self._schedule(member, choice)
        if self.asker_id is None:  # a round: the answer waits for the round's end
            await interaction.response.send_message(**to_kwargs(Reply(
                _("Your answer is in: {choice}.").format(choice=choice), ephemeral=True),
                ephemeral=True))
            return
        self._mark(choice)
        result = render_quiz_result(self.knowledge, self.item, choice)
        reply = render_quiz_item(self.item)
        reply.embeds += result.embeds
        await interaction.response.edit_message(**to_kwargs(reply, edit=True), view=self)
        # Answered: the marked buttons stay, and listen no more (forgotten only now that
        # the click is answered, or the stale-button listener would answer it too).
        self.stop()
        self.forget()

    async def end_round_after(self, seconds: float) -> None:
        """The round's end: no more answers (a late click is told the buttons expired),
        then the answer, its passage and who got it right, where the question was."""
        await asyncio.sleep(seconds)
        self.forget()
        self.stop()
        if self._interaction is None:
            return
        right = [m for m, c in self.answers.items() if c == self.item.answer]
        self._mark(None)
        reply = render_quiz_item(self.item)
        reply.embeds += render_round_result(self.knowledge, self.item, right,
                                            len(self.answers)).embeds
        try:
            await self._interaction.edit_original_response(**to_kwargs(reply, edit=True),
                                                           view=self)
        except discord.HTTPException as exc:  # the message was deleted, or hours passed
            log.warning("could not show the end of a quiz round: %s %s", exc.status, exc.text)

    def _mark(self, chosen: str | None) -> None:
        """Buttons off: the answer green, a wrong choice red."""
        for button, choice in zip(self.buttons, self.item.choices, strict=True):
            button.disabled = True
            if choice == self.item.answer:
                button.style = discord.ButtonStyle.success
            elif choice == chosen:
                button.style = discord.ButtonStyle.danger

    def _schedule(self, member: int, choice: str) -> None:
        if self.store is not None and self.store.keeps_quiz:  # the reply does not wait
            self.store.quiz_answer(str(member), self.item.key, self.item.source.section,
                                   choice == self.item.answer)



class Quiz(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._rounds: set[asyncio.Task[None]] = set()  # running rounds' timers, kept alive

    async def cog_load(self) -> None:
        """Make the items in the background as the bot starts, so that the first /quiz
        finds them ready."""
        knowledge = self.bot.knowledge
        self._warming = asyncio.create_task(asyncio.to_thread(lambda: knowledge.quiz))

    async def cog_unload(self) -> None:
        for task in (*self._rounds, self._warming):
            task.cancel()

    @app_commands.command(
        name=locale_str("quiz"),
        description=locale_str("A question from the reading to answer with a button, then "
                               "its passage"),
    )
    @app_commands.describe(
        topic=locale_str("Only questions about this, e.g. emergence"),
        mode=locale_str("me: a question for you; round: one for everyone here; stats: your "
                        "progress"),
    )
    async def quiz(self, interaction: discord.Interaction,
                   topic: app_commands.Range[str, 1, 100] | None = None,
                   mode: Literal["me", "round", "stats"] = "me") -> None:
        bot, member = self.bot, interaction.user.id
        if mode == "stats":
            await self.stats(interaction)
            return
        knowledge = bot.knowledge
        # Items are made at the first /quiz (or by the warm-up at start): a long reading
        # can take longer than Discord waits, so the answer is deferred then.
        ephemeral = bot.settings.discord.ephemeral_default and mode == "me"
        quiz, deferred = await in_time(interaction, asyncio.to_thread(lambda: knowledge.quiz),
                                       bot.defer_after, ephemeral=ephemeral)
        items = quiz.items(topic)
        if not items:
            await respond(interaction, text(QUIZ_NO_ITEMS), ephemeral=ephemeral,
                          deferred=deferred)
            return
        schedule = {} if mode == "round" else await self._schedule(member)
        item = pick(items, schedule, time.time(), random.Random())
        assert item is not None
        round_seconds = bot.settings.discord.quiz_round_seconds if mode == "round" else None
        view = QuizView(knowledge, item, key=interaction.id,
                        asker_id=None if round_seconds else member, store=bot.store,
                        live=bot.live_components,
                        timeout=None if round_seconds else bot.view_timeout)
        reply = render_quiz_item(item, round_seconds=round_seconds)
        reply.ephemeral = ephemeral
        await respond(interaction, reply, ephemeral=ephemeral, deferred=deferred, view=view)
        view.attach_to_interaction(interaction)
        if round_seconds:
            self._rounds.add(task := asyncio.create_task(view.end_round_after(round_seconds)))
            task.add_done_callback(self._rounds.discard)

    async def _schedule(self, member: int) -> dict[str, tuple[int, float]]:
        """The member's schedule, or none when the store is off or slow."""
        store = self.bot.store
        if store is None or not store.keeps_quiz:
            return {}
        with contextlib.suppress(StoreUnavailable, TimeoutError):
            return await asyncio.wait_for(
                asyncio.wrap_future(store.quiz_schedule(str(member))), SCHEDULE_WAIT_S)
        return {}

    async def stats(self, interaction: discord.Interaction) -> None:
        member = str(interaction.user.id)
        found = await from_store(self.bot.store, interaction,
                                 lambda store: (store.quiz_progress(member),))
        if found is not None:
            await interaction.followup.send(**to_kwargs(render_quiz_progress(found[0]),
                                                        ephemeral=True))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Quiz(bot))
