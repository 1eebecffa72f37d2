"""/define and /risks logic, from the corpus alone."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest


def notes_knowledge(text: str, language: bool = False):
    """What the bot knows of one Markdown document, "notes", with the shipped settings;
    with ``language``, the language resources too (the thesaurus, the jargon)."""
    from bot.config import load_settings
    from bot.core.corpus import Corpus, parse_document
    from bot.core.knowledge import Knowledge
    from bot.loading import load_resources

    from .conftest import ROOT

    settings = load_settings(ROOT / "config.yml")
    corpus = Corpus((parse_document(text, "notes", markdown=True),))
    general = dataclasses.replace(load_resources(settings), documents={}) if language else None
    return Knowledge.from_corpus(settings, corpus, general)


def with_notes(project: Path, name: str, text: str):
    """The shipped corpus with a document the group adds (TF-IDF alone)."""
    from bot.config import load_settings
    from bot.loading import load_knowledge

    (project / "corpus" / name).write_text(text, encoding="utf-8")
    settings = load_settings(project / "config.yml")
    return load_knowledge(dataclasses.replace(settings, retrieval=dataclasses.replace(
        settings.retrieval, embedder=None)))


@pytest.mark.parametrize(("typed", "term"), [
    ("emergence", "Emergence"),
    ("Emergence", "Emergence"),
    ("emergnce", "Emergence"),
    ("homogenisation", "Homogenization"),
    ("HOMOGENIZATION", "Homogenization"),
    ("foundation model", "Foundation models"),
    ("representation learning", "Representation learning"),
    ("transfer learnings", "Transfer learning"),
    ("representation", "Representation learning"),
    ("emergência", "Emergence"),
    ("homogeneização", "Homogenization"),
    ("modelos de fundação", "Foundation models"),
    ("aprendizado por transferência", "Transfer learning"),
    ("self supervised learning", "Self-supervised learning"),
    ("Transformers", "Transformer"),
])
def test_define_tolerates_case_plural_british_spelling_and_typos(knowledge, typed, term):
    lookup = knowledge.define(typed)
    assert lookup.found
    assert lookup.entry.term == term


def test_definition_is_the_summarys_own_sentence_with_its_citation(knowledge):
    entry = knowledge.define("emergence").entry
    assert entry.definition.startswith("Emergence means that the behavior of a system")
    assert entry.passage.citation == "Definitions ¶1"
    homog = knowledge.define("homogenization").entry
    assert homog.definition.startswith("Homogenization indicates the consolidation")


def test_unknown_term_is_not_found_with_at_most_five_suggestions(knowledge):
    assert knowledge.define("backpropagation").found is False
    near = knowledge.define("learning")
    assert not near.found
    assert 1 <= len(near.suggestions) <= 5
    assert all(s.endswith("learning") for s in near.suggestions[:3])


def test_autocomplete_offers_known_terms(knowledge):
    assert knowledge.glossary.complete("em") == ["Emergence"]
    everything = knowledge.glossary.complete("")
    assert "Homogenization" in everything and len(everything) <= 25
    assert all(len(t) <= 100 for t in everything)


def test_risks_come_from_the_risks_section_with_titles_and_citations(knowledge):
    risks = knowledge.risks
    assert len(risks) == 5
    assert [r.passage.citation for r in risks] == [f"Risks ¶{i}" for i in range(1, 6)]
    assert risks[0].title == "The widespread use of a few foundational models"
    assert all(0 < len(r.title.split()) <= 9 for r in risks)
    assert risks[3].text.startswith("Wrong incentives can also lead to market failures")


def test_a_second_document_adds_to_answers_glossary_and_citations(project):
    from bot.config import load_settings
    from bot.loading import load_knowledge

    (project / "corpus" / "week2.md").write_text(
        "# Week 2 notes\n\n## Alignment\n\n"
        "Alignment means that a model's behaviour matches what its users intend.\n\n"
        "This means that evaluation must be careful.\n", encoding="utf-8")
    knowledge = load_knowledge(load_settings(project / "config.yml"))
    answer = knowledge.ask("what does alignment mean?")
    assert answer.answered and answer.passages[0].passage.document == "week2"
    assert knowledge.define("alignment").entry.passage.citation == "Alignment ¶1"
    assert "This" not in knowledge.glossary.terms  # "This means…" defines nothing
    assert knowledge.ask("what is emergence?").passages[0].passage.section == "Definitions"


def test_a_reading_without_a_risks_section_starts_and_says_so(project: Path):
    from bot.cli import main

    config = project / "config.yml"
    text = config.read_text()
    start = text.index("  headings: [")
    config.write_text(text[:start] + "  headings: [Dangers]\n" + text[text.index("  title_words"):])
    out = io.StringIO()
    assert main(["risks", "--config", str(config)], out=out) == 0
    assert "The reading has no section of risks (headed Dangers)" in out.getvalue()
    out = io.StringIO()
    assert main(["ask", "what is emergence?", "--config", str(config)], out=out) == 0
    assert "Emergence means" in out.getvalue()


RISK_NOTES = """# Notes

## Intro

Language models are trained on text.

## Risks

So far we have seen what the models can do. Here are the harms:

**Reliability**. Models make things up with confidence.

For example, asked about a person they invent a biography:

**Input**: Who is Ada?

**Output**: A famous painter.

**Social bias**. Models repeat the stereotypes of their data.

**Misuse**. Anyone can generate disinformation at scale.

## Further reading

- A paper title
"""


def test_risks_are_the_bold_lead_ins_of_the_risk_section_with_what_follows():
    from bot.config import RisksSettings
    from bot.core.corpus import Corpus, parse_document
    from bot.core.risks import list_risks

    corpus = Corpus((parse_document(RISK_NOTES, "notes", markdown=True),))
    risks = list_risks(corpus, RisksSettings().headings)
    assert [r.title for r in risks] == ["Reliability", "Social bias", "Misuse"]
    assert [p.text for p in risks[0].details] == [
        "For example, asked about a person they invent a biography:",
        "**Input**: Who is Ada?", "**Output**: A famous painter."]
    assert risks[0].passage.citation == "Risks ¶2"


def test_risks_are_the_subsections_or_list_items_of_a_limitations_section():
    from bot.config import RisksSettings
    from bot.core.corpus import Corpus, parse_document
    from bot.core.risks import list_risks

    by_heading = ("# N\n\n## Limitations and harms\n\n### Cost\n\nTraining is expensive.\n\n"
                  "### Opacity\n\nNobody knows why.\n\nNot even the authors.\n")
    listed = ("# N\n\n## Desafios\n\nOs desafios são:\n\n- **Custo**: caro demais.\n"
              "- **Opacidade**: ninguém sabe.\n")
    corpus = Corpus((parse_document(by_heading, "a", markdown=True),
                     parse_document(listed, "b", markdown=True)))
    risks = list_risks(corpus, RisksSettings().headings)
    assert [(r.title, r.passage.document) for r in risks] == [
        ("Cost", "a"), ("Opacity", "a"), ("Custo", "b"), ("Opacidade", "b")]
    assert [p.text for p in risks[1].details] == ["Not even the authors."]
    # a paragraph that only points elsewhere is no risk of its own
    pointed = ("# N\n\n## Risks\n\nModels leak the data they were trained on.\n\n"
               "Read up more on how you can [govern and protect data](https://example.org) in "
               "the age of AI.\n")
    risks = list_risks(Corpus((parse_document(pointed, "c", markdown=True),)),
                       RisksSettings().headings)
    assert [r.title for r in risks] == ["Models leak the data they were trained on"]


@pytest.mark.parametrize(("handling", "exercise"), [
    ("Mitigating the risks", "Challenge"),
    ("Medir Danos Potenciais", "🚀 Desafio"),
])
def test_a_section_on_handling_risks_or_an_exercise_lists_no_risks(handling, exercise):
    """/risks lists the risks the notes name, not the measures of a section on handling
    them ("Mitigating the risks", "Medir Danos Potenciais") nor a course's exercise
    ("Challenge", "Desafio", where "Challenges" lists problems)."""
    notes = ("# Notes\n\n## Risks\n\n### Hallucination\n\nModels make facts up.\n\n"
             "### Bias\n\nModels repeat stereotypes.\n\n"
             f"## {handling}\n\n- **Filters**: block harmful outputs.\n"
             "- **Review**: people check the answers.\n\n"
             f"## {exercise}\n\nRead about one risk and summarise it for the group.\n")
    knowledge = notes_knowledge(notes)
    assert [r.title for r in knowledge.risks] == ["Hallucination", "Bias"]


@pytest.mark.parametrize("heading", [
    "Limitation", "Key Risk Factors", "Data Management Challenges",
    "Managing agents: risks and limitations", "Mitigation strategies and remaining risks",
    "Tratamento de dados: riscos", "Limitações",
])
def test_a_risk_section_is_named_however_its_heading_puts_it(heading):
    """A singular, a risk word among others, a word of handling that is not about the risks
    ("Data Management", "Managing agents:") still name a risk section; its subsection on
    handling them is no risk."""
    notes = (f"# Notes\n\n## {heading}\n\n### Hallucination\n\nModels make facts up.\n\n"
             "### Bias\n\nModels repeat stereotypes.\n\n"
             "### Mitigating these risks\n\nFilters and review help.\n")
    knowledge = notes_knowledge(notes)
    assert [r.title for r in knowledge.risks] == ["Hallucination", "Bias"]


def test_a_configured_heading_of_several_words_names_its_section_and_its_own_lead_ins():
    """"Why prompts matter" names that section, not every heading with "prompts"; its
    numbered bold lead-ins are the risks, and the example subsection under them is not."""
    from bot.core.corpus import Corpus, parse_document
    from bot.core.risks import list_risks

    notes = ("# Prompts\n\n## Writing prompts\n\nKeep prompts short.\n\n"
             "## Why prompts matter\n\nModels pose challenges:\n\n"
             "1. **Responses are stochastic.** The same prompt gives different answers.\n\n"
             "1. **Models fabricate.** They invent facts.\n\n"
             "### Fabrication example\n\nAsked about a war that never was, a model "
             "describes it.\n")
    corpus = Corpus((parse_document(notes, "notes", markdown=True),))
    risks = list_risks(corpus, ("Risks", "Why prompts matter"))
    assert [r.title for r in risks] == ["Responses are stochastic", "Models fabricate"]
    assert risks[1].details == ()  # the example is the subsection's, not the item's
    assert list_risks(corpus, ("Risks", "matter why")) == []  # the words in a row


def test_a_term_the_notes_write_with_html_character_references_is_found():
    """Markdown writes "<cls>" as "&lt;cls&gt;": a member asks about the "cls token" (a
    phrase of the field's jargon) and meets the notes' words, the quote left as written."""
    knowledge = notes_knowledge(
        "# Notes\n\n## Encoders\n\nThe encoder turns the input into the representation "
        "of a special “&lt;cls&gt;” token.\n\n## Decoders\n\nThe decoder predicts the "
        "next word from the words before it.\n", language=True)
    answer = knowledge.ask("what is the cls token?")
    assert answer.answered
    assert answer.passages[0].passage.section == "Encoders"
    assert "“&lt;cls&gt;” token" in answer.best_sentence


ABBREVIATIONS = """# Notes

## Encoders

This design was inspired by BERT (Bidirectional Encoder Representations from
Transformers). It reads a sentence both ways.

## Planning

In the DEPS ("Describe, Explain, Plan and Select") method, a model plans in four steps.

## Tuning

Models are then tuned with reinforcement learning from human feedback (RLHF). It is costly.

Artificial intelligence (AI) is a broad field. As (a sample) shows, it is wide. Prompts
teach a task by in-context learning (ICL).

## Data

The model saw 1000 billion tokens of C4 (Colossal Clean Crawled Corpus) data in training.

## Corpora

C4 is large, and C4 is English: C4 was crawled from the web.

## Chat

Chat models like GPT ("Generative Pre-trained Transformer") answer in turns.

## GPT

GPT is big, GPT is fast: GPT is everywhere.

## Decoders

BERT is no decoder. RLHF needs people. Decoders read left to right.
"""


@pytest.mark.parametrize(("question", "spelled"), [
    ("bert stands for what again lol", "BERT (Bidirectional Encoder Representations from"),
    ("what does RLHF stand for?", "reinforcement learning from human feedback (RLHF)"),
    ("DEPS é sigla de quê?", 'DEPS ("Describe, Explain, Plan and Select")'),
    ("In AI, what does RLHF stand for?", "reinforcement learning from human feedback (RLHF)"),
    ("as a beginner, what's ICL short for?", "in-context learning (ICL)"),
    # a letter and a digit: the letter that many times
    ("c4 = ? whats the acronym", "C4 (Colossal Clean Crawled Corpus)"),
    # a hyphenated word gives one initial ("Pre-trained")
    ("what does gpt stand for", 'GPT ("Generative Pre-trained Transformer")'),
    ("whats the acronym LLMs short for", None),  # the notes never spell it out
])
def test_a_question_on_what_an_abbreviation_stands_for_gets_where_it_is_spelled_out(
        question, spelled):
    """The sentence that spells the abbreviation out answers, first, in either order
    ("BERT (Bidirectional…)", "…human feedback (RLHF)"); the notes' other sentences on it
    ("RLHF needs people") do not, and one the notes never spell out is not made up."""
    answer = notes_knowledge(ABBREVIATIONS, language=True).ask(question)
    if spelled is None:
        assert not answer.answered
    else:
        assert answer.answered and spelled in answer.best_sentence
        assert spelled.split("(")[0].strip(' "') in answer.passages[0].passage.text


STYLES = """# Notes

## Terms

A transformer is a neural network built on attention.

The total size of the prompt, sometimes referred to as the “context window”, varies.

Isso pode ser feito com o `RAG`, uma técnica que amplia o prompt com dados externos.

Every Large Language Model (LLM) predicts words. A large language model is a prediction engine.

Models are still in their infancy, and hallucination is common. Hallucination hurts trust.

Knowledge distillation (KD) trains a small student model from a large teacher.

**Pruning**. Removing weights that matter little after training.

The term jailbreak describes a prompt that makes a model ignore its rules.

_Few-shot prompting_ is like showing a colleague two solved examples first.

If a prompt is an instruction and a target, then _secondary content_ is like extra context we give.

Outro exemplo é a *modelagem de linguagem mascarada*, na qual o modelo prevê uma palavra.

Another objective is *span corruption*, in which the model restores dropped spans.

We want more competent *generalists* that can perform many tasks at once.

Há também a *mudança de conceito*, que surge quando os rótulos mudam de sentido.

Usamos a *destilação*, que se baseia em um modelo maior.

Hybrid memory integrates short-term and long-term memory. Robots that walk are rare.

Some models predict each word from the words before it. This is called *causal modeling*.

Cada palavra só vê as anteriores. Esses modelos são chamados de *modelos autorregressivos*.

This trick is called *dropout* and it fights overfitting.

Counts overrate the long tail, also known as the rare words. So does averaging over the whole
database, also called average pooling. There are no known antidotes to prompt injection.
We kept the baseline, also known for its low cost. Some facts are known to the student network
only. We reuse the splitter, once called as a function, to cut text. Mudamos o atalho, também
conhecido por sua velocidade.

Models overfit. We add noise. Models overfit. This is called *noise injection*.

O treino acabou. Está provado que a *poda* é uma técnica útil.

Mechanistic interpretability aims to reverse-engineer what a trained network computes.

Self-attention computes a weighted sum of the other tokens' values for each token.

Um embedding representa uma palavra como um vetor de números.

We define calibration as the match between a model's confidence and its accuracy.

Underfitting happens when a model is too simple for its data. O sobreajuste acontece quando o
modelo decora os dados de treino.

Alucinação é quando o modelo inventa fatos com confiança.

Formally, a vocabulary is a finite set of tokens.

At a high level, the Transformer encoder is a stack of identical layers.

Layer norm is essentially a rescaling of each token's features.

O objetivo do reranqueador é reordenar os trechos que o buscador traz.

By memorization we mean that a model reproduces its training data word for word.

DeBERTa, which is an encoder with disentangled attention, needs less compute.

O fine-tuning nada mais é do que continuar o treino em dados da tarefa.

Entende-se por ancoragem a ligação de cada resposta às suas fontes.

The goal of the retriever is to fetch the passages that ground a reply. O objetivo de um
*modelo de linguagem* é estimar a probabilidade de uma sequência.

Agents act in loops. As an example, ReAct combines reasoning and acting in one prompt.

Em resumo, a quantização é uma troca de precisão por memória.

Às vezes só as entradas mudam. Os estatísticos chamam isso de *mudança covariável* porque
as covariáveis mudam.

Every prompt costs tokens. Tokenization is the splitting of text into those tokens.

HuggingGPT - an agent that plans with an LLM.

**Temperature.** A number that flattens or sharpens the distribution tokens are drawn from.

A mixture of experts (MoE) routes each token to a few expert networks.

Reinforcement learning from human feedback, or RLHF, tunes a model on human preferences.

SFT (Supervised Fine-Tuning) is a stage that trains a model on written demonstrations.

Terms of service (ToS) are the rules a site sets for its users.

GQA stands for grouped-query attention, which shares keys across heads.

QLoRA, short for quantized low-rank adaptation, trains adapters on a 4-bit model.

Overfitting: read this part twice. Fonte: notas da aula.

Esparsidade (ou seja, muitos pesos iguais a zero) reduz a memória.

O callback é chamado se a perda subir.

O treinamento e a inferência usam muitas GPUs. O decodificador e um modelo que gera texto.

Ajuste de instruções (instruction tuning) é o treino de um modelo em pares de instrução e
resposta. ELECTRA (2020) is an encoder trained to spot replaced tokens.

Denomina-se quantização dinâmica a conversão dos pesos durante a inferência.

We train on C4 (Colossal Clean Crawled Corpus), a web crawl that was cleaned of boilerplate.

Then T5 (Text-to-Text Transfer Transformer) unifies many tasks as one text-to-text problem.

Models train on tasks such as Next Sentence Prediction (NSP), in which the model tells
whether two sentences follow each other.

The key was Direct Preference Optimization (DPO), a method that skips the reward model.

We tune Low Rank Adaptation (LRA), in which case the base weights stay frozen.

Models like Mixture of Depths (MoD), the biggest ones, are sparse. We compare Direct Policy
Tuning (DPT), a reward model and PPO on three tasks.

We reward the model often, and a *reward model* is a network that scores replies.

Training on data is slow and costly for us.

BERT is pretrained using *masked language modeling*: it predicts words hidden from it.

Two measures we use:

- Perplexity: how surprised a model is by a text.
- Beam search - keeping the k best partial outputs at each step.
- D-Bot a database administrator that learns from its own diagnoses.
- Build a front-end for the application.

Perplexity is low for fluent text.

Since 2023 many LLMs read images too.[20] These LLMs are also called large multimodal
models (LMMs).[21] They cost more.

Agents keep facts in long-term memory for later use. The planner (v2) was rewritten.

- **Topics**
- **Agents**
- _Instruction Tuned LLMs_ = how a model learns to follow tasks

## Instruction Tuned LLMs

An instruction tuned LLM starts with a base model and trains it on instructions.

## Deep learning era

Around 2010 networks learned features from pixels, dubbed representation learning.
"""


@pytest.mark.parametrize(("typed", "sentence"), [
    ("transformers", "A transformer is a neural network built on attention."),
    ("context window", "The total size of the prompt, sometimes referred to as the"),
    ("rag", "`RAG`, uma técnica que amplia o prompt"),
    ("LLM", "A large language model is a prediction engine."),
    # the first sentence of a section its heading names, opening with the term (not a
    # list item before it that names the term as many signs show: "- _X_ = how…")
    ("instruction tuned LLM", "An instruction tuned LLM starts with a base model"),
    ("instruction tunned llm", "An instruction tuned LLM starts with a base model"),  # typo
    ("knowledge distillation", "Knowledge distillation (KD) trains a small student model"),
    ("KD", "Knowledge distillation (KD) trains a small student model"),
    # a lead-in alone is quoted with the sentence it introduces
    ("pruning", "**Pruning**. Removing weights that matter little after training."),
    ("jailbreak", "The term jailbreak describes a prompt"),
    ("few-shot prompting", "_Few-shot prompting_ is like showing"),  # "few" is a stop word
    # a set-off term likened to something ("is like"), or followed by what happens in it
    ("secondary content", "then _secondary content_ is like extra context"),
    ("modelagem de linguagem mascarada", "*modelagem de linguagem mascarada*, na qual"),
    ("span corruption", "*span corruption*, in which the model restores"),
    # a relative clause right after a term set off ("that", "que")
    ("generalists", "competent *generalists* that can perform many tasks"),
    ("mudança de conceito", "*mudança de conceito*, que surge quando"),
    ("destilação", "*destilação*, que se baseia em"),
    # a sentence that opens with the term and a verb of what it is made of or does
    ("hybrid memory", "Hybrid memory integrates short-term and long-term memory."),
    ("mechanistic interpretability", "Mechanistic interpretability aims to reverse-engineer"),
    # a verb of what the term does, after the term that opens the sentence
    ("self-attention", "Self-attention computes a weighted sum"),
    ("embeddings", "Um embedding representa uma palavra como um vetor"),
    # a word of defining right before the term and "as" after it
    ("calibration", "We define calibration as the match"),
    # what happens when: a copula of several words
    ("underfitting", "Underfitting happens when a model is too simple"),
    ("sobreajuste", "O sobreajuste acontece quando o modelo decora"),
    ("alucinação", "Alucinação é quando o modelo inventa fatos"),
    # an adverb of how a definition is put, and a comma, before the term
    ("vocabulary", "Formally, a vocabulary is a finite set of tokens."),
    # the term opens the main clause, after an introduction ("as an example") and a comma
    ("react", "As an example, ReAct combines reasoning and acting"),
    ("quantização", "Em resumo, a quantização é uma troca"),
    ("transformer encoder", "At a high level, the Transformer encoder is a stack"),
    ("layer norm", "Layer norm is essentially a rescaling"),  # an adverb between
    # what the author means by the term ("By X we mean…", "Entende-se por X…")
    ("memorization", "By memorization we mean that a model reproduces"),
    ("ancoragem", "Entende-se por ancoragem a ligação"),
    # a relative clause that says what kind of thing the term is; a copula of an idiom
    ("deberta", "DeBERTa, which is an encoder with disentangled attention"),
    ("fine-tuning", "O fine-tuning nada mais é do que continuar"),
    # what the term is for ("the goal of X is…"), opening the sentence
    ("retriever", "The goal of the retriever is to fetch"),
    ("reranqueador", "O objetivo do reranqueador é reordenar"),  # "é" alone, after a purpose
    ("modelo de linguagem", "O objetivo de um *modelo de linguagem* é estimar"),
    # a verb of naming right before the term set off ("chamam isso de *X*")
    ("mudança covariável", "Os estatísticos chamam isso de *mudança covariável*"),
    ("hugginggpt", "HuggingGPT - an agent that plans with an LLM."),  # a dash apposition
    ("temperature", "**Temperature.** A number that flattens"),  # the stop inside the bold
    # an abbreviation of initials with a small word ("of", "from"), in brackets or after "or"
    ("MoE", "A mixture of experts (MoE) routes each token"),
    # one function word of the reading's left out ("de", "of"), as members type a term
    ("modelagem linguagem mascarada", "*modelagem de linguagem mascarada*, na qual"),
    ("mixture experts", "A mixture of experts (MoE) routes each token"),
    # the sentence's own "reward model", not its "reward the model" first
    ("reward model", "a *reward model* is a network that scores replies"),
    ("rlhf", "Reinforcement learning from human feedback, or RLHF, tunes a model"),
    # the abbreviation first, then the words it stands for, then what it is
    ("sft", "SFT (Supervised Fine-Tuning) is a stage that trains"),
    # an abbreviation whose last letter is an "s" ("ToS"), not a plural's
    ("ToS", "Terms of service (ToS) are the rules"),
    ("terms of service", "Terms of service (ToS) are the rules"),
    # what an abbreviation stands for; a line that opens with the term and a colon
    ("gqa", "GQA stands for grouped-query attention"),
    ("qlora", "QLoRA, short for quantized low-rank adaptation"),
    # a bracket that says what the term is, not read past ("X (ou seja, …)")
    ("esparsidade", "Esparsidade (ou seja, muitos pesos iguais a zero)"),
    # notes typed without accents write the copula "é um" as "e um"
    ("decodificador", "O decodificador e um modelo que gera texto."),
    # brackets between the term and its copula: a translation, a year
    ("ajuste de instruções", "Ajuste de instruções (instruction tuning) é o treino"),
    ("electra", "ELECTRA (2020) is an encoder trained"),
    # a naming verb with its clitic ("denomina-se X")
    ("quantização dinâmica", "Denomina-se quantização dinâmica a conversão"),
    ("C4", "C4 (Colossal Clean Crawled Corpus), a web crawl that was cleaned"),
    # the abbreviation, then the words it stands for in brackets: its introduction
    ("t5", "T5 (Text-to-Text Transfer Transformer) unifies many tasks"),
    # a sentence that names what the one before says ("This is called X") comes with it;
    # not with another paragraph's
    ("causal modeling", "Some models predict each word from the words before it. This is"),
    ("modelos autorregressivos", "Cada palavra só vê as anteriores. Esses modelos são"),
    ("dropout", "This trick is called *dropout*"),
    ("noise injection", "Models overfit. This is called *noise injection*."),  # two only
    ("poda", "Está provado que a *poda* é uma técnica útil."),  # "Está" points nowhere
    # the term's other name after it ("X, also known as Y")
    ("long tail", "Counts overrate the long tail, also known as the rare words."),
    # spelled out inside a sentence, then an apposition or a relative clause after it
    ("nsp", "Next Sentence Prediction (NSP), in which the model tells"),
    ("DPO", "Direct Preference Optimization (DPO), a method that skips"),
    # a term set off and a colon after it, inside a sentence
    ("masked language modeling", "*masked language modeling*: it predicts words hidden"),
    # a glossary's list: the term opens an item, a colon or a dash after it
    ("perplexity", "Perplexity: how surprised a model is by a text."),
    ("beam search", "Beam search - keeping the k best partial outputs"),
    # a list of named tools: the name, then an article, no mark between
    ("d-bot", "D-Bot a database administrator that learns"),
    # an abbreviation written in the plural, in an article with citation markers
    ("LMM", "(LMMs).[21]"),
])
def test_define_finds_defining_sentences_in_any_readings_style(typed, sentence):


    knowledge = notes_knowledge(STYLES)
    lookup = knowledge.define(typed)
    assert lookup.found and sentence in lookup.entry.definition
    assert "They cost more" not in lookup.entry.definition  # the sentence, not the next
    assert "We add noise" not in lookup.entry.definition and "O treino" not in (
        lookup.entry.definition)


def test_a_term_used_but_not_defined_gets_the_passage_that_uses_it_most():


    knowledge = notes_knowledge(STYLES)
    lookup = knowledge.define("hallucination")
    assert not lookup.found
    assert lookup.used_in is not None and lookup.used_in.text.startswith("Models are still")
    assert knowledge.define("attention heads").used_in is None
    # "long-term" is no "the term X"; "(v2)" no abbreviation of "planner"; a bold label
    # alone defines nothing
    assert not knowledge.define("memory").found and not knowledge.define("planner").found
    assert not knowledge.define("topics").found
    # spelled out, then no clause that says what it is: "in which case", an apposition
    # with "the", a list
    assert not any(knowledge.define(short).found for short in ("LRA", "MoD", "DPT"))
    # a line that opens with a word and a colon is no definition of it ("Fonte: …"); "se"
    # after a naming word is "if" unless it is the verb's own ("chamado se a perda…")
    assert not any(knowledge.define(word).found for word in ("overfitting", "fonte", "perda"))
    # "e a" is "and the" where the sentence writes its accents ("é a" would be a copula)
    assert not knowledge.define("treinamento").found
    # a word left out is a linking one ("of", "de"), not any: "on" links no term
    assert not knowledge.define("training data").found
    # "X, also called Y" names X only where X is the whole phrase ("averaging over the
    # whole database, also called…" is no name of the database)
    assert not knowledge.define("database").found
    # "known" names with "as" only: "no known antidotes", "known to the student network"
    # describe; after "also", "known for" and "conhecido por" give no name, and "once
    # called" gives none of the term's
    assert not any(knowledge.define(term).found for term in (
        "antidotes", "student network", "baseline", "atalho", "splitter"))
    # the sentence before a definition that points back to it, not another paragraph's
    assert knowledge.define("dropout").entry.definition.startswith("This trick")
    # "Tokenization" is not "tokens", though both stem to "token"
    tokens = knowledge.define("tokens")
    assert not tokens.found and tokens.used_in.text.startswith("Every prompt costs tokens")
    # "Deep learning era" names learning, but the sentence does not open with it
    assert not knowledge.define("learning").found


def test_a_risk_opened_in_full_shows_the_paragraphs_after_its_lead_in():
    from bot.render import render_risk, render_risks, to_text


    knowledge = notes_knowledge(RISK_NOTES)
    opened = to_text(render_risk(knowledge, knowledge.risks[0]))
    assert "Models make things up" in opened and "**Output**: A famous painter." in opened
    listed = to_text(render_risks(knowledge, knowledge.risks * 4, page=None))
    assert "12. Misuse" in listed and "Risks 1–" not in listed  # a terminal gets them all


def test_a_reading_that_defines_the_words_typed_wins_over_another_names_entry(project):
    """"ajuste fino" is an alias (a translation) of the summary's curated "Fine-tuning";
    notes the group adds define "ajuste fino" itself, and /define quotes the notes. A term
    no other reading defines keeps its alias's entry."""
    knowledge = with_notes(project, "aula.md", (
        "# Aula\n\n## Ajuste fino\n\nO ajuste fino é um processo que treina um modelo "
        "pré-treinado com dados do seu próprio domínio.\n"))
    lookup = knowledge.define("ajuste fino")
    assert lookup.found and lookup.entry.definition.startswith("O ajuste fino é um processo")
    assert lookup.entry.passage.document == "aula"
    emergence = knowledge.define("emergência")  # an alias only the summary answers
    assert emergence.found and emergence.entry.term == "Emergence"
    assert knowledge.define("fine-tuning").entry.term == "Fine-tuning"  # its own name


def test_define_shows_how_each_document_defines_the_term(project):
    """With notes added beside the summary, /define quotes the definition it finds and the
    other document's, each cited with its document, whichever language it is typed in; a
    term one document alone defines shows that one."""
    from bot.render import render_definition, to_text

    knowledge = with_notes(project, "aula.md", (
        "# Aula\n\n## Ajuste fino\n\nO ajuste fino é um processo que treina um modelo "
        "pré-treinado com dados do seu próprio domínio.\n"))
    english = knowledge.define("fine-tuning")
    assert english.entry.term == "Fine-tuning" and english.entry.passage.document != "aula"
    assert [e.passage.document for e in english.elsewhere] == ["aula"]
    portuguese = knowledge.define("ajuste fino")
    assert portuguese.entry.passage.document == "aula"
    assert [e.definition for e in portuguese.elsewhere] == [english.entry.definition]
    shown = to_text(render_definition(knowledge, english))
    assert shown.index("adapted to the downstream task") < shown.index("O ajuste fino é")
    assert "Ajuste fino ¶1 · aula" in shown
    assert knowledge.define("emergence").elsewhere == ()
    # However long the definitions, the reply fits one embed and keeps every citation.
    huge = dataclasses.replace(english, entry=dataclasses.replace(
        english.entry, definition="word " * 2000), elsewhere=tuple(
            dataclasses.replace(e, definition="palavra " * 2000) for e in english.elsewhere))
    description = render_definition(knowledge, huge).embeds[0].description
    assert len(description) <= 4096 and "· aula" in description
    assert english.entry.passage.citation in description


def test_another_document_s_definition_is_its_curated_one_and_of_the_very_term(project):
    """A document's curated entry is what /define quotes of it, not a sentence of its that
    merely shows the signs; a term typed short of a glossary term ("representation" for
    "Representation learning") gets no other document's definition of the typed word; the
    same sentence in two documents is quoted once."""
    notes = ("# Notes\n\n## Adapting\n\nFine-tuning is a word people overuse in blog "
             "posts.\n\nFine-tuning trains a pretrained model further on data of the task "
             "at hand.\n\n## Words\n\nA representation is a list of numbers that stands "
             "for a word.\n")
    (project / "corpus" / "notes.yml").write_text(
        "glossary:\n  entries:\n    - term: Fine-tuning\n"
        "      quote: trains a pretrained model further on data of the task at hand\n",
        encoding="utf-8")
    (project / "corpus" / "copy.md").write_text(
        "# Copy\n\n## Adapting\n\nFine-tuning trains a pretrained model further on data of "
        "the task at hand.\n\n## Pretraining\n\nPretraining is the first training of a "
        "model, on a large corpus.\n", encoding="utf-8")
    knowledge = with_notes(project, "notes.md", notes)
    lookup = knowledge.define("fine-tuning")
    assert lookup.entry.passage.document == "foundation_models_summary"
    quoted = {e.passage.document: e.definition for e in lookup.elsewhere}
    assert quoted["notes"].startswith("Fine-tuning trains a pretrained model")
    assert "copy" not in quoted  # the same sentence as the notes': not twice
    # The summary's aliases of "Surrogate task" ("pretraining") were written for its
    # members to type: they do not make another document's "Pretraining" its definition.
    surrogate = knowledge.define("surrogate task")
    assert surrogate.found and not any("Pretraining is" in e.definition
                                       for e in surrogate.elsewhere)
    short = knowledge.define("representation")
    assert short.entry.term == "Representation learning" and short.score < 1.0
    assert not any("list of numbers" in e.definition for e in short.elsewhere)


def test_define_suggests_and_completes_the_terms_any_reading_defines():
    """Autocomplete and a miss's suggestions offer the terms the notes define (a set-off
    term, a section's heading), not only the glossary's; a term's own words count: "a
    prompt" does not define "same prompt"."""
    from bot.render import render_definition, to_text


    notes = (STYLES + "\n## Practice\n\nSend the _same prompt_ twice.\n\n"
             "A prompt is the text you give a model.\n")
    knowledge = notes_knowledge(notes)
    assert "Instruction Tuned LLMs" in knowledge.lexicon.complete("instr")
    assert "Few-shot prompting" in knowledge.lexicon.complete("few")
    miss = to_text(render_definition(knowledge, knowledge.define("zebra crossing")))
    assert "is not defined in the reading" in miss and "Few-shot prompting" in miss
    assert not knowledge.define("same prompt").found
    assert "Same prompt" not in knowledge.lexicon.terms


def test_a_term_of_stop_words_alone_is_found_as_written_but_never_suggested():
    """"top-k" and "least to most" are words the index leaves out, every one: /define finds
    them written in a row, but suggests none such; "**For example**," is an introduction,
    no term to suggest either."""
    knowledge = notes_knowledge("# Notes\n\nTop-k is a sampling method that keeps the k "
                                "likeliest tokens.\n\n**Least to most**, like "
                                "chain-of-thought, this technique breaks a problem into "
                                "steps.\n\n**For example**, the model keeps the top k "
                                "tokens.\n")
    assert knowledge.define("top-k").entry.definition.startswith("Top-k is a sampling")
    assert knowledge.define("least to most").entry.definition.startswith("**Least to most**")
    assert knowledge.lexicon.terms == []
    assert not knowledge.lexicon.complete("for ex") and not knowledge.lexicon.complete("top")


@pytest.mark.parametrize(("typed", "opening"), [
    ("foundation model", "O termo modelo de fundação"),  # English, on Portuguese notes
    ("modelos de fundação", "O termo modelo de fundação"),  # the notes' own words
])
def test_define_reads_a_term_typed_in_the_groups_other_language(typed, opening):
    """The thesaurus that reads a member's Portuguese question also reads a term typed in
    the other language than the notes': "foundation model" finds the Portuguese notes'
    "modelo de fundação"."""
    knowledge = notes_knowledge(
        "# Aula\n\n## Modelos\n\nO termo modelo de fundação foi criado em Stanford e "
        "definido como um modelo de IA treinado com dados amplos.\n", language=True)
    lookup = knowledge.define(typed)
    assert lookup.found and lookup.entry.definition.startswith(opening)


def test_a_reading_that_defines_the_word_typed_wins_over_a_longer_term_it_starts():
    """"instruction" starts one term the notes define ("Instruction-Tuned LLMs"); the notes
    also define "instruction" itself, and /define quotes that, not the longer term."""


    notes = ("# Notes\n\n## Instruction-Tuned LLMs\n\n**Instruction-Tuned LLMs**: base models "
             "trained further on pairs of requests and answers.\n\n## Requests\n\nAn "
             "instruction is a request that tells the model what to do.\n")
    knowledge = notes_knowledge(notes)
    assert "Instruction-Tuned LLMs" in knowledge.lexicon.terms
    lookup = knowledge.define("instruction")
    assert lookup.found and lookup.entry.definition.startswith("An instruction is a request")
    longer = knowledge.define("instruction-tuned LLMs")
    assert longer.entry.definition.startswith("**Instruction-Tuned LLMs**: base models")


def test_the_readings_terms_join_autocomplete_once_found_and_never_the_index():
    """Autocomplete answers at once: the glossary's terms until the readings' own are found
    (the bot finds them in the background at start), then both. The index's field keeps
    the glossary's labels alone, as it was built."""


    knowledge = notes_knowledge(STYLES)
    assert knowledge.complete("instr") == []  # not found yet: nothing waits for them
    assert "Instruction Tuned LLMs" in knowledge.lexicon.terms
    assert knowledge.complete("instr") == ["Instruction Tuned LLMs"]
    assert knowledge.lexicon.labels() == knowledge.glossary.labels()


def test_a_glossary_entry_keeps_its_own_name_when_another_reading_defines_it(project):
    """"Foundation models" has the alias "foundational models", which reads the same once
    stemmed: typing the entry's own name is no alias, so the summary's curated entry
    answers, though notes the group adds define the term too."""
    knowledge = with_notes(project, "notes.md", (
        "# Notes\n\n## Models\n\nA foundation model is any model trained on broad data "
        "that can be adapted to many tasks.\n"))
    assert knowledge.define("Foundation models").entry.passage.document != "notes"


def test_a_definition_that_announces_a_list_is_shown_with_its_items():
    """"Harmful content can be defined as:" says nothing without the list after it: /define
    quotes the sentence and the list's items, every line in the quote, and nothing past
    the list."""
    from bot.render import render_definition, to_text


    notes = ("# Notes\n\n## Harms\n\nHarmful content can be defined as:\n\n- Insults aimed at "
             "a group of people.\n- Instructions that encourage self-harm.\n\nModels also "
             "make things up.\n")
    knowledge = notes_knowledge(notes)
    shown = to_text(render_definition(knowledge, knowledge.define("harmful content")))
    assert "> Harmful content can be defined as:\n> - Insults aimed at a group of people.\n" \
           "> - Instructions that encourage self-harm." in shown
    assert "make things up" not in shown


AGENT_NOTES = ("# Agents\n\n## Overview\n\nAn LLM agent is a system that combines a language "
               "model with planning, memory and tools.\n\n## Building agents\n\nLLM agent "
               "frameworks let an LLM agent call tools. An LLM agent plans, and an LLM agent "
               "acts: the LLM agent loop repeats.\n\nMemory lets an LLM agent recall past "
               "steps of the agent.\n")


@pytest.mark.parametrize("question", [
    "what is an LLM agent?",
    "so what is an llm agent, in a nutshell?",
    "What's an LLM agent in a nutshell",
    "Hey, what is an LLM agent?",
    "quick q: what even is an llm agent?",
    "What exactly is an LLM agent?",
])
def test_a_question_asking_what_a_term_is_is_answered_by_its_definition(question):
    """The passage that says what the term is comes first, its definition highlighted,
    though another passage uses the term four times."""
    from bot.render import render_answer, to_text

    knowledge = notes_knowledge(AGENT_NOTES)
    answer = knowledge.ask(question)
    assert answer.passages[0].passage.section == "Overview"
    shown = to_text(render_answer(knowledge, answer))
    assert "**An LLM agent is a system that combines a language model with planning, memory " \
           "and tools.**" in shown
    assert "Building agents" in shown  # the other passages follow


@pytest.mark.parametrize("question", ["como funciona o chain of thought?",
                                      "como funciona o chain of thought na prática?",
                                      "what is chain of thought in prompting?",
                                      "how does chain of thought work?",
                                      "how does chain of thought work in prompting?"])
def test_a_question_on_how_a_term_works_is_answered_by_its_definition_first(question):
    """"Como funciona X?", "how does X work?" ask what X is as much as how: the sentence
    that says what X is comes first, highlighted, not a shorter one that merely names it;
    words after the term that narrow the question ("na prática", "in prompting") and a last
    "work" are not the term."""
    knowledge = notes_knowledge("# Prompting\n\n## Chain-of-thought\n\nChain-of-thought "
                                "is a technique that takes the LLM through a series of "
                                "steps before it answers.\n\nAs you can see "
                                "chain-of-thought is a very powerful technique in "
                                "prompting, na prática, and it can work well.\n",
                                language=True)
    answer = knowledge.ask(question)
    assert answer.passages[0].passage.text.startswith("Chain-of-thought is a technique")
    assert answer.best_sentence is not None and answer.best_sentence.startswith(
        "Chain-of-thought is a technique")


def test_a_definition_moved_first_keeps_the_score_that_decided_to_answer(monkeypatch):
    """The answer path answers by its third passage; the passage that defines the asked
    term, found further down, comes first and pushes that one out of the reply: it carries
    the deciding score, so what the reply shows still reads as an answer (the eval, the
    command line's scores)."""
    from bot.core.answer import Answer, RankedPassage, Status
    from bot.core.evaluate import answer_score

    knowledge = notes_knowledge("# Notes\n\n## A\n\nCats nap.\n\n## B\n\nDogs run.\n\n"
                                "## C\n\nBirds sing.\n\n## D\n\nFish swim.\n\n## E\n\n"
                                "An LLM agent is a system that plans and acts with tools.\n")
    answerer = knowledge.answerer
    low, high = answerer.min_score / 2, answerer.min_score * 2
    ranked = [RankedPassage(p, s) for p, s in zip(answerer.passages_,
                                                   (low, low, high, low, low), strict=True)]

    def answer(question, k=None):
        return Answer(question, Status.ANSWERED, tuple(ranked[:k or answerer.top_k]))

    monkeypatch.setattr(answerer, "answer", answer)
    shown = knowledge.ask("what is an LLM agent?")
    assert shown.passages[0].passage.section == "E"
    assert "Birds" not in [p.passage.text.split()[0] for p in shown.passages]
    assert answer_score([(p.passage, p.score) for p in shown.passages],
                        answerer.top_k) >= answerer.min_score
    one = knowledge.ask("what is an LLM agent?", 1)  # asked for one passage: the same
    assert one.passages[0].passage.section == "E"
    assert one.passages[0].score >= answerer.min_score


@pytest.mark.parametrize("lead_in", ["The model is made of two blocks:", "**Two blocks**"])
def test_an_answer_that_is_a_lead_in_shows_the_items_it_announces(lead_in):
    """A line that announces a list says nothing alone: shown as the answer, its items
    follow it, and the citation spans them."""
    from bot.render import render_answer, to_text

    notes = (f"# Notes\n\n## Architecture\n\n{lead_in}\n\n"
             "- Encoder: reads the input and builds a representation of it.\n"
             "- Decoder: writes the output from that representation.\n\n"
             "## Training\n\nTraining takes weeks on many accelerators.\n")
    knowledge = notes_knowledge(notes)
    answer = knowledge.ask("what are the two blocks the model is made of?")
    assert answer.passages[0].passage.text == lead_in
    shown = to_text(render_answer(knowledge, answer))
    assert "- Encoder: reads the input" in shown and "- Decoder: writes the output" in shown
    assert "Architecture ¶1–3" in shown
    # The eval reads the first answer as the reply shows it: a question answered in an item
    # is answered first, not by the item's own passage further down.
    from bot.core.evaluate import Question, gold_rank
    from bot.evaluation_report import bot_method

    question = Question("what are the two blocks the model is made of?",
                        ("writes the output from that representation",), "dev", "en")
    assert gold_rank(question, bot_method(knowledge)(question.text)) == 1
    other = knowledge.ask("how long does training take?")
    assert "¶1–" not in to_text(render_answer(knowledge, other))  # a passage that announces none
    # A passage that answers by another of its sentences is not about the list it announces.
    knowledge = notes_knowledge(notes.replace(
        lead_in, f"Encoders were first used for translation in 2017. {lead_in}"))
    answer = knowledge.ask("when were encoders first used for translation?")
    assert answer.best_sentence.startswith("Encoders were first used")
    assert "- Decoder" not in to_text(render_answer(knowledge, answer))


def test_a_span_of_items_is_cited_by_its_paragraphs_and_pages():
    from bot.core.corpus import Passage
    from bot.render import cite_span

    knowledge = notes_knowledge("# Notes\n\n## Method\n\nText.\n")
    lead = Passage("d#m-1", "d", "Method", ("Method",), 1, "Two steps:", page=3)
    items = [Passage(f"d#m-{n}", "d", "Method", ("Method",), n, "A step.", "item", "Two steps:",
                     page=page) for n, page in ((2, 3), (3, 4))]
    assert cite_span(knowledge, lead, items) == "Method ¶1–3, pp. 3–4"
    assert cite_span(knowledge, lead, items[:1]) == "Method ¶1–2, p. 3"
    assert cite_span(knowledge, lead, []) == lead.citation


def test_a_question_too_long_is_refused_as_too_long_though_it_asks_what_a_term_is():
    from bot.core.answer import Status

    knowledge = notes_knowledge(AGENT_NOTES)
    assert knowledge.ask("what is an LLM agent " + "really " * 300).status is Status.TOO_LONG


def test_a_question_on_a_glossary_term_gets_the_glossarys_definition_first():
    """The glossary's entry (here found by its pattern, "X means …") answers "what is X?",
    though other passages use the word more, and though the answer path ranked it past
    the passages shown."""
    notes = ("# Notes\n\n## Terms\n\nEmergence means that behaviour is induced, not built."
             "\n\n## Examples\n\n" + "".join(
                 f"Emergence example {n}: emergence of skill {n} emerged in emergence runs.\n\n"
                 for n in range(6)))
    knowledge = notes_knowledge(notes)
    answer = knowledge.ask("what is emergence?")
    assert answer.passages[0].passage.text.startswith("Emergence means")
    assert answer.best_sentence == "Emergence means that behaviour is induced, not built."
    assert len(answer.passages) == 3
    assert knowledge.ask("what is emergence?", k=0).passages == ()


def test_other_questions_on_a_defined_term_keep_their_ranking():
    knowledge = notes_knowledge(AGENT_NOTES)
    assert knowledge.ask("how does an LLM agent act?").passages[0].passage.section \
        == "Building agents"
    refused = knowledge.ask("what is quantum computing?")
    assert not refused.answered


def test_a_definition_filler_is_one_word():
    from bot.core.definitions import TermQuestions

    with pytest.raises(ValueError, match="each filler is one word"):
        TermQuestions(["what is"], ["a"], ["at all"])


@pytest.mark.parametrize(("question", "term"), [
    ("what is an LLM agent, in a nutshell?", "llm agent"),
    ("So what are the transformers?", "transformers"),
    ("o que é um modelo de fundação?", "modelo de fundacao"),
    ("what is meant by emergence", "emergence"),
    ("what is GPT-3.5?", "gpt 3 5"),
    ("how does an agent plan?", None),
    ("why is it, what is it", None),
    ("what is in a nutshell?", None),
    ("define: llm agent", "llm agent"),  # the term in the clause after the cue
    ("o que exatamente é um modelo de fundação?", "modelo de fundacao"),  # a filler inside
    ("what exactly is an llm agent?", "llm agent"),
    ("what else is an llm agent good for?", None),  # other words inside ask something else
    ("o que não é um modelo de fundação?", None),
    ("what agent is the plan?", None),
])
def test_the_term_a_question_asks_about(question, term):
    from bot.core.definitions import TermQuestions

    content = {"llm", "agent", "transformers", "modelo", "fundacao", "emergence", "gpt", "3",
               "5", "plan"}
    asks = TermQuestions(["what is", "what are", "o que é", "what is meant by", "define"],
                         ["a", "an", "the", "o", "um"], ["exactly", "exatamente"])
    assert asks.term(question, content.__contains__) == term


LEAD_IN_NOTES = """# Notes

## The original architecture

The architecture Transformer was first built for translation.

- **Architecture**: this is the skeleton of the model, every layer and operation inside it.
- **Checkpoints**: the weights loaded into a given architecture.

## Language modelling

Predicting the next word from the words before it is called *causal language modelling*,
because the output depends on past inputs only.
"""


def test_a_configured_section_with_more_subsections_than_lead_ins_lists_its_subsections():
    from bot.core.corpus import Corpus, parse_document
    from bot.core.risks import list_risks

    notes = ("# N\n\n## Limitations\n\n**Note:** read this first.\n\n**Scope:** models of "
             "2023.\n\n### Bias\n\nModels repeat stereotypes.\n\n### Cost\n\nTraining is "
             "expensive.\n\n### Privacy\n\nModels leak data.\n")
    risks = list_risks(Corpus((parse_document(notes, "n", markdown=True),)), ("Limitations",))
    assert [r.title for r in risks] == ["Bias", "Cost", "Privacy"]


@pytest.mark.parametrize("lead_in", ["**Architecture**:", "**Architecture:**"])
def test_a_bold_lead_in_with_a_colon_defines_its_term(lead_in):
    """"**Architecture**: …" is how notes define a term, ahead of a sentence that only
    opens with the word ("The architecture Transformer was…")."""
    notes = LEAD_IN_NOTES.replace("**Architecture**:", lead_in)
    lookup = notes_knowledge(notes).define("architecture")
    assert lookup.found and lookup.entry.definition.startswith(f"{lead_in} this is")


def test_a_near_spelling_of_another_term_is_no_typo():
    """"masked language modelling" is one word away from "causal language modelling", which
    the notes define: not a slip of it. /define says it is not defined rather than quote
    the other term's definition; a real slip still finds it."""
    knowledge = notes_knowledge(LEAD_IN_NOTES)
    assert knowledge.define("causal language modeling").found  # the notes' term, as typed
    assert knowledge.define("causal langauge modelling").found  # a slip
    masked = knowledge.define("masked language modelling")
    assert masked.entry is None or "causal" not in masked.entry.definition


@pytest.mark.parametrize("typed", ["transformers", "atenção", "robots", "baseline",
                                   "fine-tuning", "modelo base", "openai", "reflexion",
                                   "memória", "build", "vocabulário"])
def test_a_concession_or_an_and_is_no_definition(typed):
    """", em que pese" is "despite", not "in which"; folded, "é como" would be "e como"
    ("and how"), and "e quando" ("and when") is no "é quando": none says what the term
    is; nor does "that" after a term not set off ("Robots that walk…": a restrictive
    clause, of any noun), or after one set off but of which another is the subject ("the
    *baseline* that the authors released"); "involves" says what a term takes, not what it
    is; a clause after a date or a condition is no definition of the term that opens it;
    an instruction that opens a list item ("- Build a…") is no name with what it is; "que
    é a" after a term says which part it is, not what kind of thing ("a" is "the")."""
    knowledge = notes_knowledge("# Notas\n\nTransformers, em que pese o custo, venceram as "
                                "outras redes.\n\nAtenção e como ela pesa as palavras "
                                "importam.\n\nRobots that walk are rare.\n\nWe compared "
                                "the *baseline* that the authors released with ours.\n\n"
                                "Fine-tuning involves less compute than pretraining.\n\n"
                                "Comparamos o *modelo base* que seus autores publicaram "
                                "com o nosso.\n\nIn 2020, OpenAI is said to have trained "
                                "a model.\n\nIf it fails, Reflexion is used instead.\n\n"
                                "Memória e quando usá-la são temas da aula.\n\n"
                                "- Build a front-end for the app.\n\nO tokenizer tem "
                                "um *vocabulário* (vocabulary), que é a parte que "
                                "baixamos.\n")
    assert not knowledge.define(typed).found


@pytest.mark.parametrize("typed", ["functions", "embedding", "tokens", "attention",
                                   "safety", "data", "fourier", "agents", "corpora"])
def test_a_comparison_or_a_plural_noun_after_a_term_is_no_definition(typed):
    """"as well as" after a term is no "define X as"; neither is "como" after a comma, nor
    "known … as well as" (a word of naming names only with "as" between); "maps",
    "measures", "splits" and "transforms" after a term are nouns as often as verbs; after
    a copula, an adverb says what the term is like, not what it is ("are also limited",
    "são incrivelmente úteis")."""
    knowledge = notes_knowledge("# Notes\n\nUser-defined functions as well as built-in ones "
                                "are allowed.\n\nPara definir o embedding, como vimos, "
                                "usamos vetores.\n\nKnown tokens as well as unknown ones "
                                "map to ids.\n\nAttention maps show which tokens matter."
                                "\n\nSafety measures include filters.\n\nData splits "
                                "never overlap.\n\nFourier transforms are fast.\n\n"
                                "Agents are also limited by their context.\n\nOs "
                                "corpora são incrivelmente úteis.\n")
    assert not knowledge.define(typed).found


@pytest.mark.parametrize("typed", ["llms", "pytorch", "fine tune", "attention", "atenção",
                                   "default"])
def test_what_a_term_is_not_or_is_now_and_phrases_like_definitions_are_none(typed):
    """After a copula, an adverb of negation or time says what the term is not or is now
    ("are now the default"); a Portuguese "a" after a name is "the" or "to" ("a partir
    de"), and an instruction in title case is no name ("- Fine tune a…"); a phrase of what
    a term is for needs "is" or "é" right after the term ("The role of *attention* in…");
    "By default we mean to…" says what the author intends."""
    knowledge = notes_knowledge("# Notes\n\nLLMs are now the default choice for chat.\n\n"
                                "- PyTorch a partir da versão 2 compila os modelos.\n"
                                "- Fine tune a small model on your data.\n\nThe role of "
                                "*attention* in translation is still debated. O papel da "
                                "*atenção* na tradução ainda é debatido.\n\nBy default we "
                                "mean to use the small model.\n")
    assert not knowledge.define(typed).found


def test_a_sentence_on_what_a_term_is_not_gives_way_to_one_on_what_it_is():
    knowledge = notes_knowledge("# Notes\n\nRAG is not a fine-tuning method.\n\nRAG, a "
                                "technique that retrieves passages, grounds replies.\n\n"
                                "Tokenization is often a bottleneck.\n\n**Tokenization** "
                                "means splitting text into tokens.\n")
    assert "RAG, a technique" in knowledge.define("rag").entry.definition
    assert "means splitting" in knowledge.define("tokenization").entry.definition


def test_a_term_typed_in_english_is_translated_part_by_part_in_portuguese_order():
    """No thesaurus entry is "self-supervised learning" whole; its parts are ("self
    supervised": "autossupervisionado", "learning": "aprendizado"), and Portuguese puts the
    modifier after the noun."""
    knowledge = notes_knowledge(
        "# Aula\n\n## Treino\n\nO aprendizado autossupervisionado é um jeito de treinar "
        "em que o próprio texto dá as respostas.\n", language=True)
    lookup = knowledge.define("self-supervised learning")
    assert lookup.found and lookup.entry.definition.startswith("O aprendizado autossupervisionado")


def test_a_long_term_typed_in_the_other_language_is_not_translated_word_by_word():
    """Translations part by part are tried for a term of a few parts only: a long one (every
    word with thesaurus entries) would have millions of combinations."""
    knowledge = notes_knowledge(
        "# Notas\n\nO aprendizado autossupervisionado é um jeito de treinar.\n", language=True)
    assert knowledge._translations("self-supervised learning")  # two parts
    assert knowledge._translations(" ".join(["foundation model learning"] * 12)) == []
