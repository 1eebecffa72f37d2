"""Questions asked in plain messages: a mention anywhere, or any "...?" in a study channel.

Where the bot listens is ``discord.study_channels`` in config.yml. In those channels (and in
threads under them) it answers a message that mentions it, or, with ``trigger: question``, any
message ending in "?". Elsewhere it answers mentions only. Reading a message that does not
mention the bot needs the privileged message-content intent, which ``StudyBot`` enables only
when some channel uses ``trigger: question``; mentions arrive with their content without it.

A mention is ``<@bot>`` written in the text. A reply to one of the bot's messages with the
reply-ping on also lists the bot among the message's mentions, but "thanks!" under an answer is
not a question, so that alone does not count. Before the question reaches the core, Discord's
markup that is not words is removed: mentions of users, roles and channels, custom emoji,
links (a Markdown link keeps its text), ``@everyone`` and ``@here``.

The answer replies to the message without pinging its author, or, with ``thread: true``, goes
into a new thread started from the message so a channel stays a list of questions. A bare
mention gets the help text. Messages from bots (this one included) are never answered, so two
bots cannot talk each other into a loop. A channel message cannot be answered privately, so
refusals (too long; on cooldown, said once per window) and failures are short replies to it.
Every reply in a channel, the help text and a refusal included, costs the member's cooldown
budget: otherwise a bare mention repeated would flood the channel as well as a question would.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Literal

import discord
from discord.ext import commands

from bot import i18n
from bot.config import StudyChannel
from bot.core.answer import Status
from bot.core.text import detect_language
from bot.discord_app.errors import report_message_error
from bot.discord_app.replies import slow_down, to_kwargs
from bot.discord_app.views import AnswerView
from bot.render import Reply, clip, render_answer, render_help, to_text

if TYPE_CHECKING:
    from bot.discord_app.client import StudyBot

log = logging.getLogger(__name__)

THREAD_NAME_MAX = 100
THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440
# Discord markup that is not words of a question. A Markdown link keeps its text.
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?https?://[^)\s]*>?\s*\)")
NOT_WORDS = re.compile(
    r"<@[!&]?\d+>"  # user (nickname form too) and role mentions
    r"|<#\d+>"  # channel mentions
    r"|<a?:\w+:\d+>"  # custom emoji, animated or not
    r"|<?https?://\S+"  # links, <suppressed-embed> ones too
    r"|@(?:everyone|here)\b"
)


def clean_question(content: str) -> str:
    """The words of a message: its markup (mentions, emoji, links) removed, spaces collapsed."""
    return " ".join(NOT_WORDS.sub(" ", MARKDOWN_LINK.sub(r" \1 ", content)).split())


class ChannelQuestions(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.study_channels = {c.id: c for c in bot.settings.discord.study_channels}

    def study_channel(self, channel: object) -> StudyChannel | None:
        """The study channel a message is in, counting threads under one as part of it."""
        channel_id = getattr(channel, "id", None)
        if channel_id in self.study_channels:
            return self.study_channels[channel_id]
        parent_id = getattr(channel, "parent_id", None)
        return self.study_channels.get(parent_id) if parent_id is not None else None

    def question_in(self, message: discord.Message) -> str | None:
        """The question a message asks the bot, or ``None`` if it is not addressed to it."""
        me = self.bot.user
        if me is None:
            return None
        # raw_mentions: the <@id> written in the text. message.mentions would also hold the
        # author of a message replied to with the reply-ping on, the bot under its answers.
        if me.id in message.raw_mentions:
            return clean_question(message.content)
        study = self.study_channel(message.channel)
        if study is None or study.trigger != "question":
            return None  # not addressed to the bot: nothing to clean
        question = clean_question(message.content)
        return question if question.endswith("?") else None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:  # other bots, and this one (a bot account is a bot too)
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        question = self.question_in(message)
        if question is None:
            return
        i18n.use(self.language_of(message, question))
        try:
            await self.answer(message, question)
        except Exception as exc:  # a listener's error would only reach the log
            await report_message_error(message, exc)

    def language_of(self, message: discord.Message, question: str) -> str:
        """The reply's language: the question's own (a Portuguese question gets Portuguese
        framing), else the server's preferred locale, else discord.default_language. Only
        a Community server chooses its locale (the others all say en-US)."""
        spoken = detect_language(question)
        if spoken is not None:
            return i18n.for_locale(spoken)
        guild = message.guild
        if guild is not None and "COMMUNITY" in guild.features:
            return i18n.for_locale(guild.preferred_locale.value)
        return self.bot.settings.discord.default_language

    async def answer(self, message: discord.Message, question: str) -> None:
        # The budget first: the help text and the refusals are channel replies too.
        if self.bot.channel_rate.wait(message.channel.id) > 0:
            return  # the channel is busy enough: a notice would be one more message
        self.bot.channel_rate.count(message.channel.id)
        cooldown = self.bot.cooldown
        wait = cooldown.retry_after(message.author.id)
        if wait > 0:
            if cooldown.first_warning(message.author.id):
                await self.send(message, slow_down(wait), view=None)
            return  # already warned in this window: don't answer spam with spam
        if not question:
            await self.send(message, render_help(), view=None)
            return
        knowledge = self.bot.knowledge
        answer = await self.bot.ask(question)  # a question too long is refused by the core
        self.bot.remember(message.id, question, answer, member=message.author.id,
                          guild_id=message.guild.id if message.guild else None,
                          channel_id=message.channel.id)
        view = AnswerView.maybe(knowledge, answer, asker_id=message.author.id, key=message.id,
                                live=self.bot.live_components, timeout=self.bot.view_timeout,
                                store=self.bot.store)
        too_long = answer.status is Status.TOO_LONG  # no thread named after a wall of text
        await self.send(message, render_answer(knowledge, answer), view=view,
                        thread_name=None if too_long else question)

    async def send(self, message: discord.Message, reply: Reply, *, view: AnswerView | None,
                   thread_name: str | None = None) -> None:
        if reply.embeds and not may_embed(message):  # the same words, as plain text
            reply = Reply(to_text(reply))
        kwargs = to_kwargs(reply, ephemeral=None)
        if view is not None:
            kwargs["view"] = view
        study = self.study_channel(message.channel)
        in_thread = isinstance(message.channel, discord.Thread)
        thread = None
        if (thread_name and study is not None and study.thread and not in_thread
                and message.guild is not None):
            thread = await self.open_thread(message, thread_name)
        sent = None
        if thread is not None:
            try:
                sent = await thread.send(**kwargs)
            except discord.Forbidden as exc:  # no Send Messages in Threads: the channel then
                log.warning("could not post in thread %s (%s); replying in the channel",
                            thread.id, exc.text)
        if sent is None:
            sent = await message.reply(**kwargs, mention_author=False)
        if view is not None:
            view.attach_to_message(sent)

    async def open_thread(self, message: discord.Message, name: str) -> discord.Thread | None:
        """A thread from the message, or ``None`` (then the answer is a plain reply).

        A missing "Create Public Threads" permission, or a thread someone opened first, should
        cost the member the tidiness of a thread, not the answer.
        """
        try:
            return await message.create_thread(name=clip(name, THREAD_NAME_MAX),
                                               auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            log.warning("could not open a thread on message %s in channel %s (%s %s); "
                        "replying in the channel", message.id, message.channel.id,
                        exc.status, exc.text)
            return None


def may_embed(message: discord.Message) -> bool:
    """Whether the bot may post embeds where the message was written (Embed Links); a
    direct message always allows them."""
    if message.guild is None:
        return True
    permissions = message.channel.permissions_for(message.guild.me)
    return bool(permissions.embed_links)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(ChannelQuestions(bot))
