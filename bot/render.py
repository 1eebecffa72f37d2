"""What the bot says, as data: shared by Discord (embeds) and the console (plain text).

Rendering lives outside the Discord layer so the console shows exactly what members will
see, and so every limit Discord enforces is applied in one place. Nothing here imports
discord: an embed is the dict Discord's API takes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot import __version__
from bot.config import StoreSettings
from bot.core.answer import Answer, Status
from bot.core.corpus import Passage
from bot.core.gaps import Gap
from bot.core.glossary import Lookup
from bot.core.knowledge import Knowledge, with_items
from bot.core.quiz import QuizItem, QuizProgress
from bot.core.risks import Risk
from bot.i18n import N_, _, ngettext

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000

COLOUR_ANSWER = 0x2B6CB0
COLOUR_REFUSAL = 0x718096
COLOUR_RISK = 0xC05621
COLOUR_QUIZ = 0x6B46C1

_MARKDOWN = re.compile(r"([\\*_~`|>\[\]()#-])")


@dataclass
class Embed:
    title: str = ""
    description: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""
    colour: int = COLOUR_ANSWER

    def to_dict(self) -> dict[str, Any]:
        """Discord's embed object, every part clipped to its limit."""
        data: dict[str, Any] = {"type": "rich", "color": self.colour}
        budget = EMBED_TOTAL_LIMIT
        if self.title:
            data["title"] = clip(self.title, TITLE_LIMIT)
            budget -= len(data["title"])
        if self.footer:
            data["footer"] = {"text": clip(self.footer, min(FOOTER_LIMIT, budget))}
            budget -= len(data["footer"]["text"])
        if self.description:
            data["description"] = clip(self.description, min(DESCRIPTION_LIMIT, budget))
            budget -= len(data["description"])
        fields = []
        for name, value in self.fields[:FIELDS_LIMIT]:
            name = clip(name, FIELD_NAME_LIMIT)
            value = clip(value, min(FIELD_VALUE_LIMIT, budget - len(name)))
            if not value or budget - len(name) - len(value) < 0:
                break
            budget -= len(name) + len(value)
            fields.append({"name": name, "value": value, "inline": False})
        if fields:
            data["fields"] = fields
        return data


@dataclass
class Reply:
    content: str = ""
    embeds: list[Embed] = field(default_factory=list)
    ephemeral: bool = False

    @property
    def content_clipped(self) -> str:
        return clip(self.content, CONTENT_LIMIT)


def clip(text: str, limit: int) -> str:
    """Shorten to a limit on a word boundary, marking the cut with an ellipsis."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def escape(text: str) -> str:
    """User text shown back: no markdown, no mention syntax that could look like a ping."""
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("@", "@\u200b")


def cite(knowledge: Knowledge, passage: Passage, place: str | None = None) -> str:
    """'Risks ¶2' (or ``place``, where in the document it is: a span), plus the document
    when the corpus has more than one."""
    place = passage.citation if place is None else place
    return f"{place} · {passage.document}" if len(knowledge.corpus.documents) > 1 else place


def cite_span(knowledge: Knowledge, first: Passage, items: Sequence[Passage]) -> str:
    """A passage's citation, spanning the items quoted under it ("Blocks ¶1–3", "Method
    ¶1–3, pp. 3–4")."""
    last = items[-1] if items else first
    if last is first or last.section != first.section or last.document != first.document:
        return cite(knowledge, first)
    pages = ("" if first.page is None else f", p. {first.page}" if last.page in (
        None, first.page) else f", pp. {first.page}–{last.page}")
    return cite(knowledge, first, f"{first.section} ¶{first.number}–{last.number}{pages}")


def listed_under(knowledge: Knowledge, answer: Answer) -> tuple[Passage, ...]:
    """The items an answer quotes under its best passage: those of the list it announces
    ("…is made of two blocks:", ``Knowledge.listed``), when the sentence it highlights is
    the lead-in (its last) or none is: a lead-in says nothing without them, and a passage
    that answers by another of its sentences is not about its list."""
    if not answer.answered or not answer.passages:
        return ()
    best, sentence = answer.passages[0].passage, answer.best_sentence
    if sentence is not None and not best.text.rstrip().endswith(sentence.rstrip()):
        return ()
    return knowledge.listed(best)


def blockquote(text: str) -> str:
    """The text as a Markdown quote, every line of it ("> " alone marks only the first)."""
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def quoted(text: str, citation_line: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """A quote followed by its citation: the quote is clipped to the room the citation
    leaves, so a long passage never loses the line that says where it comes from."""
    room = limit - len(citation_line)
    body = clip(text, room)
    if body != text and body.count("**") % 2:  # cut inside the highlight: close the bold
        body = clip(text, room - 2).removesuffix("…") + "**…"
    return body + citation_line


def _in_context(passage: Passage, sentence: str | None) -> str:
    """A list item alone ("when models are 'safe' to release") needs the sentence that
    announced its list to make sense; both are the summary's words."""
    text = _highlight(passage.text, sentence)
    return f"*{passage.lead}* …\n{text}" if passage.lead else text


def _highlight(text: str, sentence: str | None) -> str:
    if not sentence or sentence not in text:
        return text
    return text.replace(sentence, f"**{sentence.replace('**', '')}**", 1)


def render_answer(knowledge: Knowledge, answer: Answer, *, show: int | None = None) -> Reply:
    if answer.status is Status.TOO_LONG:
        return render_too_long(len(answer.question), knowledge.answerer.max_question_chars)
    if answer.status is Status.EMPTY:
        return Reply(_("Ask me a question about the reading, for example: "
                       "*What does emergence mean?*"), ephemeral=True)
    if not answer.answered:
        return render_not_covered(knowledge, answer)
    shown = answer.passages[: show or len(answer.passages)]
    best = shown[0]
    items = listed_under(knowledge, answer)
    text = with_items(_in_context(best.passage, answer.best_sentence), items)
    embed = Embed(
        title=escape(answer.question.strip()),
        description=quoted(text, f"\n— **{cite_span(knowledge, best.passage, items)}**"),
        footer=_provenance(knowledge),
    )
    for ranked in shown[1:]:
        if any(ranked.passage is item for item in items):
            continue
        embed.fields.append((_("See also: {citation}").format(
            citation=cite(knowledge, ranked.passage)), ranked.passage.text))
    return Reply(embeds=[embed])


def _provenance(knowledge: Knowledge) -> str:
    documents = knowledge.corpus.documents
    if len(documents) == 1:
        return _("Verbatim from “{title}”").format(title=documents[0].title)
    return _("Verbatim from the group's reading")


def render_too_long(length: int, limit: int) -> Reply:
    return Reply(_("That question is {length} characters long; please ask it in at most "
                   "{limit}.").format(length=f"{length:,}", limit=f"{limit:,}"),
                 ephemeral=True)


def render_not_covered(knowledge: Knowledge, answer: Answer) -> Reply:
    lead = (
        _("I couldn't find any words of substance in that question.")
        if answer.status is Status.NO_KEYWORDS
        else _("The reading doesn't cover that, so I won't guess.")
    )
    terms = knowledge.glossary.terms[: knowledge.settings.answer.refusal_terms]
    embed = Embed(
        title=_("Not in the reading"),
        description=(
            lead + "\n\n" + _("It covers: {sections}.").format(
                sections=", ".join(knowledge.sections)) + "\n"
            + (_("Terms it defines (try `/define`): {terms}.").format(terms=", ".join(terms))
               if terms else "")
        ),
        colour=COLOUR_REFUSAL,
    )
    return Reply(embeds=[embed])


# The room each other document's definition of a term gets under the first one.
ELSEWHERE_LIMIT = 800


def render_definition(knowledge: Knowledge, lookup: Lookup) -> Reply:
    if lookup.entry is None and lookup.used_in is not None:
        used = lookup.used_in
        return Reply(embeds=[Embed(
            title=_("“{term}” is used but not defined in the reading").format(
                term=clip(lookup.query.strip(), 200)),
            description=quoted(blockquote(used.text), "\n— " + _(
                "{citation} (where it comes up most)").format(citation=cite(knowledge, used))),
        )], ephemeral=True)
    if lookup.entry is None:
        text = _("“{term}” is not defined in the reading.").format(
            term=escape(lookup.query.strip()))
        if lookup.suggestions:
            text += " " + _("Did you mean: {terms}?").format(terms=", ".join(lookup.suggestions))
        elif knowledge.lexicon.terms:
            text += " " + _("Terms it defines: {terms}.").format(
                terms=", ".join(knowledge.lexicon.terms))
        return Reply(clip(text, CONTENT_LIMIT), ephemeral=True)
    entry = lookup.entry
    note = "" if lookup.score >= 1.0 else "\n\n" + _(
        "Showing **{term}** (closest to what you typed).").format(term=entry.term)
    # Other documents' definitions follow the first, each cited, each clipped to its share,
    # under its own name where the document names the term otherwise ("Modelo de Fundação").
    key = knowledge.glossary.key
    elsewhere = "".join(
        "\n\n" + ("" if key(other.term) == key(entry.term) else f"**{escape(other.term)}**\n")
        + quoted(blockquote(other.definition), f"\n— {cite(knowledge, other.passage)}",
                 ELSEWHERE_LIMIT) for other in lookup.elsewhere)
    return Reply(embeds=[Embed(
        title=entry.term,
        description=quoted(blockquote(entry.definition), f"\n— {cite(knowledge, entry.passage)}",
                           DESCRIPTION_LIMIT - len(elsewhere) - len(note)) + elsewhere + note,
    )])


RISKS_PER_PAGE = 10  # ten fields of 300 characters keep an embed inside Discord's 6,000


def risk_pages(risks: Sequence[Risk]) -> int:
    return max(1, -(-len(risks) // RISKS_PER_PAGE))


def render_risks(knowledge: Knowledge, risks: Sequence[Risk], page: int | None = 0) -> Reply:
    """One page of the risks (``None``: all of them, for a terminal), numbered across pages,
    in reading order (so document by document)."""
    if not risks:
        named = ", ".join(knowledge.settings.risks.headings)
        return Reply(_("The reading has no section of risks (headed {headings}), so there "
                       "are none to list. Try `/ask` about risks instead.").format(
                           headings=named))
    first = 0 if page is None else page * RISKS_PER_PAGE
    shown = risks if page is None else risks[first:first + RISKS_PER_PAGE]
    pages = _("Risks {first}–{last} of {total}.").format(
        first=first + 1, last=first + len(shown), total=len(risks)) + " " \
        if len(shown) < len(risks) else ""
    embed = Embed(title=_("Risks named in the reading"), colour=COLOUR_RISK,
                  footer=pages + _("Open any risk in full with the menu below, or /ask "
                                   "about it."))
    for i, risk in enumerate(shown, first + 1):
        embed.fields.append((f"{i}. {risk.title} — {cite(knowledge, risk.passage)}",
                             clip(risk.text, 300)))
    return Reply(embeds=[embed])


def render_risk(knowledge: Knowledge, risk: Risk) -> Reply:
    return Reply(embeds=[Embed(title=risk.title, colour=COLOUR_RISK,
                               description=quoted(risk.full_text,
                                                  f"\n— {cite(knowledge, risk.passage)}"))])


def render_help() -> Reply:
    return Reply(_(
        "**fmstudy** answers from the group's reading, with citations.\n"
        "`/ask <question>` — the passages that answer it (or a mention, or a question in a "
        "study channel)\n"
        "`/define <term>` — the reading's own definition\n"
        "`/risks` — the risks the reading lists\n"
        "`/quiz` — a question from the reading, to practise\n"
        "`/about` — what I know, how to cite it, and what is kept"
    ))


def render_about(knowledge: Knowledge) -> Reply:
    docs = "\n".join(
        f"• {d.title}" + (f" — {d.author}" if d.author else "") + " "
        + ngettext("({count} passage)", "({count} passages)", len(d.passages)).format(
            count=len(d.passages))
        for d in knowledge.corpus.documents
    )
    return Reply(embeds=[Embed(
        title=_("About fmstudy"),
        description=(
            docs + "\n\n" + _("Sections: {sections}.").format(
                sections=", ".join(knowledge.sections)) + "\n"
            + _("Answers are verbatim quotes, never generated text. Cite a passage as it is "
                "labelled, e.g. “{citation}”.").format(
                    citation=knowledge.corpus.passages[0].citation)
        ),
        fields=[(_("What is kept"), _kept(knowledge.settings.store))],
        footer=f"fmstudy {__version__}",
    )])


def _kept(store: StoreSettings | None) -> str:
    if store is None or store.record == "none":
        return _("Nothing you ask is kept.")
    if store.record == "all":
        kept = _("Every question (its text, when, where, your member id, the passages "
                 "returned) and your 👍/👎 on answers are kept for {days} days, so study "
                 "leads can see what the notes miss (/gaps).")
    else:
        kept = _("Each question the notes could not answer (its text, when, where, your "
                 "member id) is kept for {days} days, so study leads can see what the "
                 "notes miss (/gaps).")
    return kept.format(days=store.retention_days) + " " + _(
        "Your /quiz answers are kept to schedule your next questions.") + " " + _(
        "`/forget-me` erases everything kept about you.")


GAPS_SHOWN = 15
GAP_CHARS = 200  # a question shown as a gap: one line, however long it was asked


def render_gaps(gaps: Sequence[Gap], disliked: Sequence[tuple[str, str, int, int]],
                days: int, *, discord_time: bool = True) -> Reply:
    """What the notes missed in the last ``days`` days: questions not answered (grouped,
    most asked first) and the passages answers were voted down for. Times are Discord's
    timestamps (each member sees their own time zone), or UTC dates for a terminal."""
    def when(seconds: float) -> str:
        return (f"<t:{int(seconds)}:R>" if discord_time
                else datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC"))

    lines = [f"**{g.times}×** {escape(clip(' '.join(g.question.split()), GAP_CHARS))} · "
             + _("last {when}").format(when=when(g.last_asked)) for g in gaps[:GAPS_SHOWN]]
    more = len(gaps) - GAPS_SHOWN
    if more > 0:
        lines.append(_("…and {count} more (`python -m bot gaps` lists them all)").format(
            count=more))
    down = [f"**{section}** (`{pid}`): 👎 {d} · 👍 {u}" for pid, section, d, u in disliked]
    return Reply(embeds=[Embed(
        title=_("Gaps in the notes, last {days} days").format(days=days),
        description="\n".join(lines) or _("Every question was answered."),
        fields=[(_("Answers voted down"), "\n".join(down))] if down else [],
    )], ephemeral=True)


def render_forgotten(questions: int, votes: int, quiz_items: int = 0) -> Reply:
    return text_reply(_("Deleted everything kept about you: {questions}, {votes} and "
                        "{items}.").format(
        questions=ngettext("{count} question", "{count} questions", questions).format(
            count=questions),
        votes=ngettext("{count} vote", "{count} votes", votes).format(count=votes),
        items=ngettext("{count} quiz item's progress", "{count} quiz items' progress",
                       quiz_items).format(count=quiz_items)))


# -- /quiz ------------------------------------------------------------------------------------

# The question and its answer's passage share one message: both fit Discord's 6,000
# characters a message's embeds may hold.
QUIZ_QUOTE_CHARS = 2000
QUIZ_TITLES = {"define": N_("Which term does the reading define here?"),
               "blank": N_("Fill in the blank"),
               "section": N_("Which section says this?"),
               "risk": N_("Which risk is this?")}


QUIZ_NO_ITEMS = N_("The reading gives no quiz questions about that; try another topic, or "
                   "none.")


def render_quiz_item(item: QuizItem, *, round_seconds: float | None = None,
                     numbered: bool = False) -> Reply:
    """A quiz question: the reading's words with their blank, answered with the buttons
    (``numbered``: by the number of a choice listed under it, as in the console)."""
    if numbered:
        footer = _("Answer with the number of your choice.")
    elif round_seconds is None:
        footer = _("Answer with a button below.")
    else:
        footer = _("Everyone can answer with a button; a first answer counts. The answer "
                   "comes in {seconds} s.").format(seconds=int(round_seconds))
    description = clip(blockquote(item.prompt), QUIZ_QUOTE_CHARS)
    if numbered:
        description += "\n\n" + "\n".join(f"{n}. {choice}"
                                          for n, choice in enumerate(item.choices, 1))
    return Reply(embeds=[Embed(title=_(QUIZ_TITLES[item.kind]), description=description,
                               footer=footer, colour=COLOUR_QUIZ)])


def render_quiz_result(knowledge: Knowledge, item: QuizItem, chosen: str | None) -> Reply:
    """The answer, whether ``chosen`` was it, and the passage that holds it, cited."""
    if chosen == item.answer:
        title = _("Right: {answer}").format(answer=item.answer)
    elif chosen is None:
        title = _("The answer: {answer}").format(answer=item.answer)
    else:
        title = _("Not quite: the answer is {answer} (you chose {chosen})").format(
            answer=item.answer, chosen=chosen)
    return Reply(embeds=[Embed(
        title=clip(title, TITLE_LIMIT), colour=COLOUR_QUIZ,
        description=quoted(_highlight(item.source.text, item.answer),
                           f"\n— **{cite(knowledge, item.source)}**", QUIZ_QUOTE_CHARS))])


def render_round_result(knowledge: Knowledge, item: QuizItem, right: Sequence[int],
                        answered: int) -> Reply:
    """A group round's end: the answer, its passage, and who got it right (mentions that
    show names and ping nobody)."""
    result = render_quiz_result(knowledge, item, None)
    who = (", ".join(f"<@{member}>" for member in right) if right
           else _("nobody this time"))
    result.embeds[0].fields.append((
        ngettext("{count} answer", "{count} answers", answered).format(count=answered),
        clip(_("Right: {members}").format(members=who), 1024)))
    return result


def render_quiz_progress(progress: Sequence[QuizProgress]) -> Reply:
    if not progress:
        return text_reply(_("No quiz answers kept yet: try /quiz."))
    lines = [_("**{section}**: {seen} seen · {right} right · {wrong} missed · {mastered} "
               "mastered").format(section=p.section, seen=p.seen, right=p.right,
                                  wrong=p.wrong, mastered=p.mastered) for p in progress]
    return Reply(embeds=[Embed(title=_("Your quiz progress"), colour=COLOUR_QUIZ,
                               description="\n".join(lines))], ephemeral=True)


def text_reply(message: str) -> Reply:
    """A short private note (the console prints it as it is)."""
    return Reply(clip(message, CONTENT_LIMIT), ephemeral=True)


def to_text(reply: Reply) -> str:
    """The console's view of a reply: the same words, laid out for a terminal."""
    parts = [reply.content_clipped] if reply.content else []
    for embed in reply.embeds:
        data = embed.to_dict()
        if "title" in data:
            parts.append(f"== {data['title']} ==")
        if "description" in data:
            parts.append(data["description"])
        for f in data.get("fields", []):
            parts.append(f"[{f['name']}]\n{f['value']}")
        if "footer" in data:
            parts.append(f"({data['footer']['text']})")
    return "\n\n".join(parts)
