"""The one place a :class:`bot.render.Reply` becomes discord.py keyword arguments.

Every message the bot sends, edits or follows up goes through :func:`to_kwargs`, so the rules
live here once: content clipped to Discord's 2,000 characters, embeds built with
``discord.Embed.from_dict`` from the renderer's API dicts, the ephemeral flag (the reply's own,
or the caller's), and ``allowed_mentions`` that ping nobody. The no-ping setting is also the
client's default, but it is passed explicitly too: an interaction callback only inherits it if
discord.py merges it in, and a stand-in server (or Discord) sees exactly what is sent.

The small texts the Discord layer adds on its own (cooldown, not yours) are built here as
``Reply`` objects too, so they go through the same function.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.core.corpus import Passage
from bot.core.knowledge import Knowledge
from bot.i18n import N_, _
from bot.render import DESCRIPTION_LIMIT, Embed, Reply, cite, clip

NO_PINGS = discord.AllowedMentions.none()
T = TypeVar("T")

SOMETHING_WENT_WRONG = N_("Something went wrong on my side; the error was logged.")
NOT_YOURS = N_("Only the person who asked can use these buttons.")


def to_kwargs(reply: Reply, *, ephemeral: bool | None = False, edit: bool = False
              ) -> dict[str, Any]:
    """Keyword arguments for ``send_message``/``followup.send``/``send``/``reply``/``edit``.

    ephemeral : for interaction responses and followups, whether the caller wants it private;
        it is private if either the caller or the reply itself says so (a reply the renderer
        marked private is never made public). ``None`` for channel messages, which have no
        such flag.
    edit : for edits, an empty content is sent as ``None`` so an old content is cleared.
    """
    kwargs: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(e.to_dict()) for e in reply.embeds],
        "allowed_mentions": NO_PINGS,
    }
    content = reply.content_clipped
    if content or edit:
        kwargs["content"] = content or None
    if ephemeral is not None and not edit:
        kwargs["ephemeral"] = bool(ephemeral or reply.ephemeral)
    return kwargs


async def in_time(interaction: discord.Interaction, pending: Awaitable[T], defer_after: float,
                  *, ephemeral: bool) -> tuple[T, bool]:
    """What ``pending`` gives, and whether the interaction was deferred ("thinking…") to
    wait for it: past ``defer_after`` seconds it is, so no reply misses Discord's 3 s."""
    task = asyncio.ensure_future(pending)
    done, _ = await asyncio.wait({task}, timeout=defer_after)
    if not done:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return await task, not done


async def respond(interaction: discord.Interaction, reply: Reply, *, ephemeral: bool,
                  deferred: bool, view: discord.ui.View | None = None) -> None:
    """Send the reply as the interaction's response, or, once deferred, as what replaces
    "thinking…"; a private notice cannot replace a public "thinking…", so that one is
    deleted and the notice sent apart."""
    if deferred and reply.ephemeral and not ephemeral:
        await interaction.delete_original_response()
        await interaction.followup.send(**to_kwargs(reply, ephemeral=True))
        return
    kwargs = to_kwargs(reply, edit=True) if deferred else to_kwargs(reply, ephemeral=ephemeral)
    if view is not None:
        kwargs["view"] = view
    if deferred:
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def text(message: str) -> Reply:
    """A short private reply the Discord layer writes itself (errors, limits), in the
    member's language (``message`` is English, marked for the catalogs where it is
    written)."""
    return Reply(clip(_(message), 2000), ephemeral=True)


def slow_down(retry_after: float) -> Reply:
    return Reply(_("Slow down: try again in {seconds} s.").format(
        seconds=max(1, math.ceil(retry_after))), ephemeral=True)


def shows_in_full(reply: Reply, text: str) -> bool:
    """Whether some embed of the reply carries the whole text (the renderer clips long
    passages to fit an embed, keeping their citation)."""
    return any(text in embed.description for embed in reply.embeds)


WHOLE_MAX_MESSAGES = 3  # a passage longer than this many embeds is not sent whole


def whole_passage(knowledge: Knowledge, passage: Passage,
                  text: str | None = None, label: str | None = None) -> list[Reply]:
    """The full text of a passage, split over the embeds it needs (usually one), at most
    ``WHOLE_MAX_MESSAGES``: a longer one (a pasted PDF with no blank lines is one passage)
    ends with a note that says where the rest is, instead of flooding the member.

    Answers clip a long passage to fit an embed; this is the unclipped version, cut on word
    boundaries into pieces that each fit an embed description, one message per piece.
    ``text``: what to send under the passage's citation, when more than its own text (a
    risk with the paragraphs that follow it); ``label``: its citation, when other than the
    passage's own (one that spans a list's items).
    """
    label = cite(knowledge, passage) if label is None else label
    pieces = split_words(passage.text if text is None else text, DESCRIPTION_LIMIT)
    shown = pieces[:WHOLE_MAX_MESSAGES]
    replies = []
    for i, piece in enumerate(shown, 1):
        title = label if len(pieces) == 1 else f"{label} ({i}/{len(pieces)})"
        replies.append(Reply(embeds=[Embed(title=title, description=piece)], ephemeral=True))
    if len(pieces) > len(shown):
        left = sum(len(p) for p in pieces[len(shown):])
        replies[-1].embeds[0].footer = (
            f"{len(pieces) - len(shown)} more parts ({left:,} characters) of this passage are "
            f"not sent here: read them in the reading, {passage.document}, at {label}.")
    return replies


def split_words(body: str, limit: int) -> list[str]:
    """Cut text into pieces of at most ``limit`` characters, on spaces where possible."""
    pieces: list[str] = []
    rest = body.strip()
    while len(rest) > limit:
        cut = rest.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest or "(empty)")
    return pieces
