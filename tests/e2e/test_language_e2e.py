"""Members in their own language on the local Discord test server: commands localized
when synced, every reply's framing in the member's language, quotes verbatim."""

from __future__ import annotations

from bot.core.knowledge import Knowledge
from bot.discord_app.client import StudyBot

from .fakediscord import FakeDiscord
from .helpers import component, no_pings

ANSWERED = "What does emergence mean?"
REFUSED = "who won the football world cup?"


async def test_commands_are_synced_with_brazilian_portuguese_names_and_descriptions(
        server: FakeDiscord, bot: StudyBot) -> None:
    commands = {c["name"]: c for c in server.commands(server.guild_id)}
    ask = commands["ask"]
    assert ask["name_localizations"]["pt-BR"] == "perguntar"
    assert ask["description_localizations"]["pt-BR"].startswith("Responde a uma pergunta")
    options = {o["name"]: o for o in ask["options"]}
    assert options["question"]["name_localizations"]["pt-BR"] == "pergunta"
    assert {c["name_localizations"]["pt-BR"] for c in commands.values()} == {
        "perguntar", "definir", "riscos", "sobre", "lacunas", "esquecer-me", "sincronizar",
        "quiz"}
    assert "en-US" not in ask["name_localizations"]  # English: the command itself


async def test_a_member_in_portuguese_gets_portuguese_framing_and_verbatim_quotes(
        server: FakeDiscord, bot: StudyBot, knowledge: Knowledge) -> None:
    refused = await (await server.send_interaction_command(
        "ask", {"question": REFUSED}, user="ana", locale="pt-BR")).response()
    assert refused.embeds[0]["title"] == "Não está na leitura"
    assert refused.embeds[0]["description"].startswith("A leitura não cobre isso")
    answered = await (await server.send_interaction_command(
        "ask", {"question": ANSWERED}, user="ana", locale="pt-BR")).response()
    best = knowledge.ask(ANSWERED).passages[0].passage
    assert best.text[:40] in answered.embeds[0]["description"]  # the reading's own words
    assert component(answered.message, "fmstudy:more:")["label"] == "Mais trechos"
    assert answered.embeds[0]["fields"][0]["name"].startswith("Veja também: ")
    other = await (await server.click_button(
        answered.message, component(answered.message, "fmstudy:more:")["custom_id"],
        user="bob")).response()  # bob's Discord is in English
    assert other.content == "Only the person who asked can use these buttons."
    english = await (await server.send_interaction_command(
        "ask", {"question": REFUSED}, user="bob")).response()
    assert english.embeds[0]["title"] == "Not in the reading"  # no change for others
    assert no_pings(answered.data) and no_pings(refused.data)


async def test_a_question_in_a_channel_is_answered_in_its_own_language(
        server: FakeDiscord, bot: StudyBot) -> None:
    me = server.bot_user
    portuguese = await (await server.send_message(
        f"{me.mention} quem ganhou a copa do mundo de futebol?", author="ana")).response()
    assert portuguese.embeds[0]["title"] == "Não está na leitura"
    english = await (await server.send_message(
        f"{me.mention} {REFUSED}", author="bob")).response()
    assert english.embeds[0]["title"] == "Not in the reading"
