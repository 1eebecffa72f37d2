"""End to end: the real StudyBot, unmodified, against the fake Discord in ``fakediscord``.

The bot is pointed at the fake server only through config settings (``discord.api_base`` and
``discord.gateway_url``), exactly as a self-hosted deployment would be; nothing in discord.py
is patched. Every payload the bot sends is checked by the fake against Discord's rules and the
project's no-ping policy, and each test ends with ``server.assert_clean()`` (see conftest.py).
Limits under stress are in ``test_limits_e2e.py``; the process (token, signals, the sync
command) in ``test_process_e2e.py``.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest

from bot import __version__
from bot.config import StudyChannel
from bot.core.knowledge import Knowledge
from bot.discord_app import views
from bot.discord_app.client import StudyBot
from bot.discord_app.replies import NOT_YOURS, SOMETHING_WENT_WRONG
from bot.discord_app.views import passages_quoted
from bot.render import listed_under

from .fakediscord import FakeDiscord
from .helpers import COMMANDS, TOKEN, StartBot, ask, component, custom_ids, no_pings

ANSWERED = "What does emergence mean?"  # few passages match, however many are asked for
MANY = "What is transfer learning?"  # more passages with "More passages" than by default
NOT_COVERED = "Who won the football world cup?"


# -- login, intents, command sync ------------------------------------------------------------


async def test_login_identify_and_dev_guild_sync(server: FakeDiscord, start_bot: StartBot) -> None:
    library_base = discord.http.Route.BASE
    bot = await start_bot()
    assert bot.user is not None and bot.user.id == server.bot_user.id
    # The settings stuck: every request went to the fake (assert_clean fails on any other).
    base_in_use = discord.http.Route.BASE
    assert base_in_use == server.api_base
    paths = [(r.method, r.path) for r in server.requests]
    assert ("GET", "/users/@me") in paths
    assert not any(
        p.startswith("/applications/") and "/guilds/" not in p and m == "PUT" for m, p in paths
    ), "commands were synced globally on start"
    # Dev guild: synced at start, with the whole tree.
    commands = {c["name"]: c for c in server.commands(server.guild_id)}
    assert set(commands) == COMMANDS
    assert server.commands(None) == []
    term = commands["define"]["options"][0]
    assert term["name"] == "term" and term["autocomplete"] is True
    assert term.get("max_length") == 100
    ask_options = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask_options["question"]["required"] is True
    assert ask_options["private"]["type"] == 5 and not ask_options["private"].get("required")
    assert int(commands["sync"]["default_member_permissions"]) == 8  # administrator
    # Default intents only: no privileged message content without a "question" channel.
    assert server.intents is not None and not server.message_content_intent
    assert server.identifies[0]["token"] == TOKEN
    await bot.close()
    base_after = discord.http.Route.BASE
    assert base_after == library_base  # put back on close


async def test_no_command_sync_without_dev_guild(server: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot(dev_guild_id=None)
    assert not any(r.method == "PUT" for r in server.requests)
    assert server.commands(None) == [] and server.commands(server.guild_id) == []


# -- slash commands --------------------------------------------------------------------------


async def test_ask_answers_with_cited_passages_and_buttons(
    server: FakeDiscord, bot: StudyBot, knowledge: Knowledge
) -> None:
    handle, reply = await ask(server, MANY)
    assert reply.ok and reply.callback_type == 4 and not reply.ephemeral
    assert no_pings(reply.data)
    answer = knowledge.ask(MANY)
    best, *others = [r.passage for r in answer.passages]
    listed = listed_under(knowledge, answer)  # a lead-in's items: quoted under it, once
    embed = reply.embeds[0]
    assert embed["title"] == MANY
    assert answer.best_sentence and f"**{answer.best_sentence}**" in embed["description"]
    span = f"–{listed[-1].number}" if listed else ""
    assert embed["description"].endswith(f"— **{best.citation}{span}**")
    assert all(f"- {item.text}" in embed["description"] for item in listed)
    assert [f["name"] for f in embed["fields"]] == [
        f"See also: {p.citation}" for p in others if p not in listed]
    assert embed["footer"]["text"].startswith("Verbatim from")
    ids = custom_ids(reply.message)
    assert len(ids) == 2 and all(len(i) <= 100 for i in ids)
    assert [c["label"] for c in reply.message["components"][0]["components"]] == [
        "More passages",
        "Whole paragraph",
    ]
    assert len(handle.replies) == 1  # answered directly: no deferral, no second call


async def test_ask_private_is_ephemeral(server: FakeDiscord, bot: StudyBot) -> None:
    _, reply = await ask(server, ANSWERED, options={"private": True})
    assert reply.ok and reply.ephemeral and reply.embeds


async def test_more_passages_and_whole_paragraph(
    server: FakeDiscord, bot: StudyBot, knowledge: Knowledge
) -> None:
    top_k = knowledge.answerer.top_k

    shown, more_shown = (passages_quoted(knowledge, knowledge.ask(MANY, k))
                         for k in (top_k, top_k + 3))
    assert more_shown > shown, "precondition: the corpus has more passages for MANY"
    _, reply = await ask(server, MANY, user="alice")
    message = reply.message
    assert 1 + len(reply.embeds[0].get("fields", [])) == shown
    more = await server.click_button(
        message, component(message, "fmstudy:more:")["custom_id"], user="alice"
    )
    edited = await more.response()
    assert edited.ok and edited.callback_type == 7
    assert 1 + len(edited.embeds[0].get("fields", [])) == more_shown
    assert no_pings(edited.data)
    assert component(server.message(message["id"]), "fmstudy:more:")["disabled"] is True

    whole = await server.click_button(
        message, component(message, "fmstudy:whole:")["custom_id"], user="alice"
    )
    full = await whole.response()
    answer = knowledge.ask(MANY)
    best, items = answer.passages[0].passage, listed_under(knowledge, answer)
    assert full.ok and full.callback_type == 4 and full.ephemeral
    assert full.embeds[0]["description"] == "\n".join(
        (best.text, *(f"- {item.text}" for item in items)))
    assert no_pings(full.data)


async def test_more_passages_when_there_are_no_more(server: FakeDiscord, start_bot: StartBot,
                                                    lexical_knowledge: Knowledge) -> None:
    knowledge = lexical_knowledge  # the embedder always has more passages to rank
    await start_bot(knowledge=knowledge)
    top_k = knowledge.answerer.top_k
    assert len(knowledge.ask(ANSWERED, top_k + 3).passages) == len(
        knowledge.ask(ANSWERED).passages), "precondition: no more passages for ANSWERED"
    _, reply = await ask(server, ANSWERED, user="alice")
    click = await server.click_button(
        reply.message, component(reply.message, "fmstudy:more:")["custom_id"], user="alice")
    edited = await click.response()
    assert edited.callback_type == 7
    assert component(server.message(reply.message["id"]), "fmstudy:more:")["disabled"] is True
    assert server.message(reply.message["id"])["embeds"] == reply.embeds
    notice = await click.followup()
    assert notice.ephemeral and notice.content.startswith("Those were all the passages")


async def test_buttons_answer_only_the_asker(server: FakeDiscord, bot: StudyBot) -> None:
    _, reply = await ask(server, ANSWERED, user="alice")
    before = [dict(e) for e in server.message(reply.message["id"])["embeds"]]
    for prefix in ("fmstudy:more:", "fmstudy:whole:"):
        click = await server.click_button(
            reply.message, component(reply.message, prefix)["custom_id"], user="bob"
        )
        refusal = await click.response()
        assert refusal.ok and refusal.callback_type == 4 and refusal.ephemeral
        assert refusal.content == NOT_YOURS
    assert server.message(reply.message["id"])["embeds"] == before


@pytest.mark.parametrize("private", [False, True])
async def test_buttons_are_removed_on_timeout(server: FakeDiscord, bot: StudyBot,
                                              private: bool) -> None:
    bot.view_timeout = 0.3
    handle, reply = await ask(server, ANSWERED, options={"private": private})
    assert reply.ephemeral is private and custom_ids(reply.message)
    edit = await handle.wait_for(lambda r: r.kind == "edit", timeout=3)
    assert edit.ok and edit.payload.get("components") == []
    assert server.message(reply.message["id"])["components"] == []
    assert server.message(reply.message["id"])["embeds"] == reply.embeds  # answer kept


async def test_channel_answer_buttons_are_removed_on_timeout(server: FakeDiscord,
                                                             bot: StudyBot) -> None:
    bot.view_timeout = 0.3
    handle = await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author="alice")
    reply = await handle.response()
    assert custom_ids(reply.message)
    edit = await handle.wait_for(lambda r: r.kind == "edit", timeout=3)
    assert edit.ok and edit.method == "PATCH" and edit.payload.get("components") == []
    assert server.message(reply.message["id"])["embeds"] == reply.embeds


async def test_buttons_outliving_the_bot_are_answered(server: FakeDiscord, start_bot: StartBot
                                                      ) -> None:
    before = await start_bot()
    _, reply = await ask(server, ANSWERED)
    await before.close()  # a restart: the new process has no view for these buttons
    await start_bot()
    click = await server.click_button(
        reply.message, component(reply.message, "fmstudy:more:")["custom_id"])
    first = await click.response()
    assert first.callback_type == 7 and first.payload["data"]["components"] == []
    notice = await click.followup()
    assert notice.ephemeral and "expired" in (notice.content or "")


async def test_define_found_and_unknown(server: FakeDiscord, bot: StudyBot) -> None:
    found = await (
        await server.send_interaction_command("define", {"term": "emergence"})
    ).response()
    assert found.ok and not found.ephemeral and found.embeds[0]["title"] == "Emergence"
    unknown = await (await server.send_interaction_command("define", {"term": "xyzzy"})).response()
    assert unknown.ok and unknown.ephemeral and "not defined" in unknown.content
    assert "Terms it defines: " in unknown.content and "Emergence" in unknown.content
    close = await (await server.send_interaction_command("define", {"term": "homogenius"})
                   ).response()
    assert close.ephemeral and "Did you mean: " in close.content
    typo = await (await server.send_interaction_command("define", {"term": "emergnce"})).response()
    assert typo.embeds[0]["title"] == "Emergence"


async def test_define_autocomplete(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_autocomplete("define", {"term": "emer"})
    reply = await handle.response()
    assert reply.ok and reply.callback_type == 8  # answered at once: no deferral exists
    assert reply.at - handle.dispatched_at < 0.5, "autocomplete must answer from memory"
    assert len(await handle.settle(0.05)) == 1
    choices = reply.payload["data"]["choices"]
    assert choices[0] == {"name": "Emergence", "value": "Emergence"}
    everything = await (await server.send_autocomplete("define", {"term": ""})).response()
    names = [c["name"] for c in everything.payload["data"]["choices"]]
    assert 1 < len(names) <= 25 and all(len(n) <= 100 for n in names)


async def test_risks_menu_opens_a_risk_for_anyone(
    server: FakeDiscord, bot: StudyBot, knowledge: Knowledge
) -> None:
    reply = await (await server.send_interaction_command("risks", user="alice")).response()
    assert reply.ok and reply.embeds[0]["title"] == "Risks named in the reading"
    menu = component(reply.message, "fmstudy:risk:")
    assert menu["type"] == 3 and len(menu["options"]) == len(knowledge.risks) <= 25
    assert [o["value"] for o in menu["options"]] == [str(i) for i in range(len(knowledge.risks))]
    picked = await server.select(reply.message, menu["custom_id"], ["1"], user="bob")
    opened = await picked.response()
    assert opened.ok and opened.callback_type == 4 and opened.ephemeral
    assert opened.embeds[0]["title"] == knowledge.risks[1].title
    assert knowledge.risks[1].text in opened.embeds[0]["description"]
    assert no_pings(opened.data)


async def test_about(server: FakeDiscord, bot: StudyBot, knowledge: Knowledge) -> None:
    reply = await (await server.send_interaction_command("about")).response()
    embed = reply.embeds[0]
    assert reply.ok and embed["title"] == "About fmstudy"
    document = knowledge.corpus.documents[0]
    assert document.title.replace("**", "") in embed["description"]  # documents
    assert f"({len(document.passages)} passages)" in embed["description"]  # passage count
    assert all(section in embed["description"] for section in knowledge.sections)
    assert "Cite a passage as it is labelled" in embed["description"]  # how to cite
    assert embed["footer"]["text"] == f"fmstudy {__version__}"  # the version


async def test_abstention_is_a_refusal_without_buttons(server: FakeDiscord, bot: StudyBot) -> None:
    _, reply = await ask(server, NOT_COVERED)
    assert reply.ok and reply.embeds[0]["title"] == "Not in the reading"
    assert not reply.message.get("components")


# -- channel questions -----------------------------------------------------------------------


async def test_mention_is_answered_as_a_reply(server: FakeDiscord, bot: StudyBot) -> None:
    me = server.bot_user
    handle = await server.send_message(f"{me.mention} {ANSWERED}", author="alice")
    reply = await handle.response()
    assert reply.ok and reply.kind == "message"
    assert int(reply.payload["message_reference"]["message_id"]) == handle.id
    assert no_pings(reply.payload)
    assert reply.embeds[0]["title"] == ANSWERED  # the mention is stripped from the question
    assert len(custom_ids(reply.message)) == 2

    bare = await (await server.send_message(me.mention, author="alice")).response()
    assert bare.content.startswith("**fmstudy** answers")


async def test_mention_buttons_work_for_the_author(server: FakeDiscord, bot: StudyBot) -> None:
    handle = await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author="alice")
    reply = await handle.response()
    more_id = component(reply.message, "fmstudy:more:")["custom_id"]
    refused = await (await server.click_button(reply.message, more_id, user="bob")).response()
    assert refused.ephemeral and refused.content == NOT_YOURS
    edited = await (await server.click_button(reply.message, more_id, user="alice")).response()
    assert edited.ok and edited.callback_type == 7


async def test_messages_not_for_the_bot_are_ignored(server: FakeDiscord, bot: StudyBot) -> None:
    plain = await server.send_message(ANSWERED, author="alice")  # no mention, not a study channel
    robot = server.member("otherbot", bot=True)
    from_bot = await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author=robot)
    assert await plain.settle(0.2) == []
    assert await from_bot.settle(0.05) == []


async def test_question_channel_answers_in_a_thread(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    study = server.channel_ids[1]
    await start_bot(study_channels=[StudyChannel(study, "question", thread=True)])
    handle = await server.send_message(ANSWERED, author="alice", channel_id=study)
    thread = await handle.wait_for(lambda r: r.kind == "thread")
    assert thread.ok and thread.thread["name"] == ANSWERED
    answer = await handle.wait_for(lambda r: r.kind == "message")
    assert answer.ok and answer.message["channel_id"] == thread.thread["id"]
    assert answer.embeds[0]["title"] == ANSWERED and no_pings(answer.payload)

    statement = await server.send_message("I liked chapter one.", author="alice", channel_id=study)
    assert await statement.settle(0.2) == []


async def test_question_channel_in_threads_and_only_there(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    general, study = server.channel_ids
    await start_bot(study_channels=[StudyChannel(study, "question", thread=True)])
    assert server.message_content_intent  # so the bot reads every message: and answers some
    elsewhere = await server.send_message(ANSWERED, author="alice", channel_id=general)
    assert await elsewhere.settle(0.2) == []  # "?" outside a study channel: not for the bot

    first = await server.send_message(ANSWERED, author="alice", channel_id=study)
    thread = (await first.wait_for(lambda r: r.kind == "thread")).thread
    await first.wait_for(lambda r: r.kind == "message")
    # A question inside that thread is answered there, as a reply: no thread in a thread.
    again = await server.send_message(MANY, author="bob", channel_id=int(thread["id"]))
    reply = await again.response()
    assert reply.kind == "message" and reply.message["channel_id"] == thread["id"]
    assert int(reply.payload["message_reference"]["message_id"]) == again.id

    own = await server.send_message(ANSWERED, author=server.bot_user, channel_id=study)
    assert await own.settle(0.2) == []  # never its own messages


async def test_mention_channel_ignores_unaddressed_questions(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    study = server.channel_ids[1]
    await start_bot(study_channels=[StudyChannel(study, "mention")])
    handle = await server.send_message(ANSWERED, author="alice", channel_id=study)
    assert await handle.settle(0.2) == []


async def test_markup_around_a_question_is_not_part_of_it(
    server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge
) -> None:
    study = server.channel_ids[1]
    await start_bot(study_channels=[StudyChannel(study, "question")])
    bob, role = server.member("bob"), server.add_role("readers")
    markup = (f"<@{bob.id}> <@!{bob.id}> <@&{role}> <#{study}> <:brain:123456789012345678> "
              "<a:spin:123456789012345679> @everyone @here")
    question = "what is **emergence**? [link](http://x)"
    handle = await server.send_message(f"{server.bot_user.mention} {markup} {question} "
                                       "<https://example.com/a?b=c> https://example.com/",
                                       author="alice")
    reply = await handle.response()
    expected = knowledge.ask("what is emergence?")
    assert expected.answered and reply.ok and no_pings(reply.payload)
    embed = reply.embeds[0]
    # What the core was asked (the title escapes Markdown): a Markdown link keeps its text.
    assert embed["title"].replace("\\", "") == "what is **emergence**? link"
    assert embed["description"].endswith(f"— **{expected.passages[0].passage.citation}**")

    # Without the bot's mention, in a "question" channel: the "?" ends the words, not the link.
    unaddressed = await server.send_message(f"<@{bob.id}> {ANSWERED} https://example.com/",
                                            author="alice", channel_id=study)
    assert (await unaddressed.response()).embeds[0]["title"] == ANSWERED


async def test_a_reply_ping_to_the_bot_is_not_a_mention(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(cooldown_seconds=60)
    me = server.bot_user
    answer = await (await server.send_message(f"{me.mention} {ANSWERED}", author="alice")
                    ).response()
    # Replying with the ping on, Discord lists the replied-to author (the bot) as mentioned,
    # and so delivers the content without the message-content intent; "<@bot>" is not in it.
    thanks = await server.send_message("thanks!", author="bob", reply_to=answer, mentions=[me])
    assert thanks.message["mentions"] and thanks.message["type"] == 19
    assert await thanks.settle(0.2) == []
    # An explicit mention in a reply is a question, and bob's budget was not spent above.
    follow = await server.send_message(f"{me.mention} {MANY}", author="bob", reply_to=answer,
                                       mentions=[me])
    assert (await follow.response()).embeds[0]["title"] == MANY


# -- limits ----------------------------------------------------------------------------------


async def test_cooldown_is_shared_by_ask_and_mentions(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(cooldown_seconds=60)
    _, first = await ask(server, ANSWERED, user="alice")
    assert first.embeds
    _, second = await ask(server, ANSWERED, user="alice")
    assert second.ephemeral and second.content.startswith("Slow down: try again in ")
    assert second.content.endswith(" s.")
    _, other = await ask(server, ANSWERED, user="bob")  # per member
    assert other.embeds

    mention = f"{server.bot_user.mention} {ANSWERED}"
    warned = await (await server.send_message(mention, author="alice")).response()
    assert warned.kind == "message" and warned.content.startswith("Slow down")
    assert no_pings(warned.payload)
    again = await server.send_message(mention, author="alice")
    assert await again.settle(0.2) == []  # warned once per window, then quiet


async def test_bare_mentions_cost_the_budget(server: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot(cooldown_seconds=60)
    mention = server.bot_user.mention
    helped = await (await server.send_message(mention, author="alice")).response()
    assert helped.content.startswith("**fmstudy** answers")
    warned = await (await server.send_message(mention, author="alice")).response()
    assert warned.content.startswith("Slow down") and no_pings(warned.payload)
    for _ in range(3):  # spam: warned once per window, then quiet
        assert await (await server.send_message(mention, author="alice")).settle(0.1) == []
    other = await (await server.send_message(mention, author="bob")).response()  # per member
    assert other.content.startswith("**fmstudy** answers")


async def test_too_long_questions_cost_the_budget_only_in_a_channel(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(max_question_chars=40, cooldown_seconds=60)
    long = "Why " + "really " * 10 + "does emergence matter?"
    _, refused = await ask(server, long, user="alice")
    assert refused.ephemeral and refused.content.startswith("That question is ")
    assert "40" in refused.content
    _, answered = await ask(server, ANSWERED, user="alice")  # a private refusal is free
    assert answered.embeds

    mention = f"{server.bot_user.mention} {long}"
    by_message = await (await server.send_message(mention, author="bob")).response()
    assert by_message.content.startswith("That question is ")  # public: it is charged
    warned = await (await server.send_message(mention, author="bob")).response()
    assert warned.content.startswith("Slow down")
    assert await (await server.send_message(mention, author="bob")).settle(0.2) == []


# -- errors ----------------------------------------------------------------------------------


def boom(self: Knowledge, question: str, k: int | None = None) -> Any:
    raise RuntimeError("boom: the core failed")


async def test_core_error_reaches_the_member_and_the_log(
    server: FakeDiscord,
    bot: StudyBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(Knowledge, "ask", boom)
    with caplog.at_level(logging.ERROR, logger="bot.discord_app"):
        _, reply = await ask(server, ANSWERED)
        message = await (
            await server.send_message(f"{server.bot_user.mention} {ANSWERED}", author="alice")
        ).response()
    assert reply.ok and reply.ephemeral and reply.content == SOMETHING_WENT_WRONG
    assert message.kind == "message" and message.content == SOMETHING_WENT_WRONG
    assert "Traceback" not in reply.content
    logged = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
    assert len(logged) == 2


async def test_error_after_responding_goes_to_a_followup(
    server: FakeDiscord,
    bot: StudyBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = views.whole_passage

    def first_then_broken(knowledge: Knowledge, passage: Any, *args: Any, **kwargs: Any
                          ) -> list[Any]:
        return [*real(knowledge, passage, *args, **kwargs), None]  # the second cannot be sent

    monkeypatch.setattr(views, "whole_passage", first_then_broken)
    _, reply = await ask(server, ANSWERED, user="alice")
    with caplog.at_level(logging.ERROR, logger="bot.discord_app"):
        click = await server.click_button(
            reply.message, component(reply.message, "fmstudy:whole:")["custom_id"], user="alice"
        )
        first = await click.response()
        notice = await click.followup()
    assert first.callback_type == 4 and first.embeds
    assert notice.ok and notice.ephemeral and notice.content == SOMETHING_WENT_WRONG
    assert any(r.exc_info for r in caplog.records)


async def test_sync_is_owner_only(server: FakeDiscord, bot: StudyBot) -> None:
    refused = await (await server.send_interaction_command("sync", user="alice")).response()
    assert refused.ephemeral and "owners" in refused.content
    handle = await server.send_interaction_command("sync", user=server.owner)
    deferred = await handle.response()
    assert deferred.callback_type == 5 and deferred.ephemeral
    done = await handle.followup()
    assert done.ok and done.content.startswith("Synced 8 commands to this server")




async def test_every_command_button_and_menu_passes_the_member_and_channel_budget(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(member_actions_per_minute=3, channel_actions_per_minute=5)
    replies = [await (await server.send_interaction_command("risks", user="alice")).response()
               for _ in range(3)]
    assert all(r.embeds for r in replies)
    fourth = await (await server.send_interaction_command("about", user="alice")).response()
    assert fourth.ephemeral and fourth.content.startswith("Slow down: try again in ")
    menu = component(replies[0].message, "fmstudy:risk:")
    picked = await (await server.select(replies[0].message, menu["custom_id"], ["0"],
                                        user="alice")).response()
    assert picked.ephemeral and picked.content.startswith("Slow down")  # menus too
    bob = await (await server.send_interaction_command("about", user="bob")).response()
    assert bob.embeds  # another member's budget
    carol = [await (await server.send_interaction_command("about", user="carol")).response()
             for _ in range(2)]
    assert carol[0].embeds and carol[1].content.startswith("Slow down")  # the channel's five


async def test_typing_in_define_spends_no_budget_and_a_refusal_counts_nothing(
    server: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(member_actions_per_minute=2, channel_actions_per_minute=0)
    for typed in ("e", "em", "eme", "emer", "emerg"):
        assert (await (await server.send_autocomplete("define", {"term": typed})).response()).ok
    first = await (await server.send_interaction_command("define", {"term": "emergence"},
                                                         user="alice")).response()
    assert first.embeds  # five keystrokes spent nothing
    second = await (await server.send_interaction_command("about", user="alice")).response()
    third = await (await server.send_interaction_command("about", user="alice")).response()
    assert second.embeds and third.content.startswith("Slow down")


def slow_answers(knowledge: Knowledge, seconds: float) -> Knowledge:
    """The knowledge, each answer taking ``seconds`` (a busy answering thread)."""
    import time

    class Slow:
        def __getattr__(self, name: str) -> Any:
            return getattr(knowledge, name)

        def ask(self, question: str, k: int | None = None) -> Any:
            time.sleep(seconds)
            return knowledge.ask(question, k)

    return Slow()  # type: ignore[return-value]


async def test_a_question_waiting_its_turn_is_deferred_and_then_answered(
    server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge
) -> None:
    """Questions are answered one at a time; one that waits longer than the bot's
    defer_after is deferred ("thinking…") inside Discord's 3 s, and its answer replaces that
    message."""
    import asyncio

    bot = await start_bot(knowledge=slow_answers(knowledge, 0.2))
    bot.defer_after = 0.1

    handles = await asyncio.gather(*(server.send_interaction_command(
        "ask", {"question": ANSWERED}, user=user) for user in ("alice", "bob")))
    first = [await h.response() for h in handles]
    assert all(r.ok and r.callback_type == 5 and not r.ephemeral for r in first)
    edits = [await h.wait_for(lambda r: r.kind == "edit") for h in handles]
    best = knowledge.ask(ANSWERED).passages[0].passage
    for edit in edits:
        assert edit.ok and best.text[:40] in edit.embeds[0]["description"]
        assert no_pings(edit.data)
        assert component(edit.data, "fmstudy:more:")  # the buttons came with it


async def test_a_question_behind_others_is_deferred_as_it_arrives(
    server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge
) -> None:
    """A question with others ahead of it on the answering thread defers at once, whatever
    defer_after says: here defer_after is past the server's deadline, and four answers of
    0.4 s each in turn end past it too, so only the question nobody was ahead of is
    answered directly."""
    import asyncio

    bot = await start_bot(knowledge=slow_answers(knowledge, 0.4))
    bot.defer_after = 5.0

    handles = await asyncio.gather(*(server.send_interaction_command(
        "ask", {"question": ANSWERED}, user=user) for user in ("ana", "bia", "caio", "davi")))
    first = [await h.response(timeout=10) for h in handles]
    assert all(r.ok for r in first)
    assert sorted(r.callback_type for r in first) == [4, 5, 5, 5]
    deferred = [h for h, r in zip(handles, first, strict=True) if r.callback_type == 5]
    for h in deferred:
        assert (await h.wait_for(lambda r: r.kind == "edit", timeout=10)).ok


async def test_a_slow_definition_is_deferred_and_a_miss_stays_private(
    server: FakeDiscord, start_bot: StartBot, knowledge: Knowledge
) -> None:
    """The first /define after start may wait for the readings' terms to be found: past
    defer_after it is deferred ("thinking…") and the definition replaces that message; a
    term the reading does not define is still told privately."""
    import time

    class Slow:  # the knowledge, each lookup taking 0.2 s
        def __getattr__(self, name: str) -> Any:
            return getattr(knowledge, name)

        def define(self, term: str) -> Any:
            time.sleep(0.2)
            return knowledge.define(term)

    bot = await start_bot(knowledge=Slow())  # type: ignore[arg-type]
    bot.defer_after = 0.05
    public = bot.settings.discord.ephemeral_default is False
    found = await server.send_interaction_command("define", {"term": "emergence"}, user="alice")
    first = await found.response()
    assert first.ok and first.callback_type == 5
    edit = await found.wait_for(lambda r: r.kind == "edit")
    assert edit.ok and edit.embeds[0]["title"] == "Emergence"
    unknown = await server.send_interaction_command("define", {"term": "xyzzy"}, user="bob")
    assert (await unknown.response()).callback_type == 5
    told = await unknown.wait_for(lambda r: r.kind in ("edit", "followup"))
    assert told.ok and "not defined" in told.content
    assert told.ephemeral or not public
