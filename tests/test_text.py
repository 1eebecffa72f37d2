"""Words are runs of letters or of digits in the folded text (one letter glued to digits is one
word, a name: "T5"), whichever way they are found."""

import random
import re

import pytest

from bot.core.text import Analyzer, fold, has_words, words


@pytest.mark.parametrize("alphabet", [
    # ASCII, no digits ("&", which opens a character reference, is tested on its own below)
    "abcdefgh XYZ .,;:!?'\"-_()[]{}\n\t\r\x0b\x0c\x1c\x1f*`<>@#~|\\/$%^+=",
    "abs XYZ 019 .,-\n",  # digits: "jul2022" is two words, "t5" one, "t5s" "t5" and "s"
    "abc XYZ é ñ ß ø Ω \u00a0\u2003\u0301 .,-",  # accents and other scripts
])
def test_words_are_runs_of_letters_or_digits(alphabet):
    def expected(text: str) -> list[str]:
        found = []
        grouped = re.sub(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))", "", fold(text))  # "1,000"
        for run in re.findall(r"[a-z0-9]+", grouped):
            if re.fullmatch(r"[a-z][0-9]+s?", run):  # a name, and a plural's "s"
                found += [run.rstrip("s"), "s"] if run.endswith("s") else [run]
            else:
                found += re.findall(r"[a-z]+|[0-9]+", run)
        return found

    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 500)))
        assert words(text) == expected(text), text


def test_one_letter_glued_to_digits_is_a_name_and_other_runs_split():
    text = "T5, H100 GPUs and BART/T5-like models; T5s, GPT-3, gpt3, jul2022, 3D, x2y"
    assert words(text) == ["t5", "h100", "gpus", "and", "bart", "t5", "like", "models",
                           "t5", "s", "gpt", "3", "gpt", "3", "jul", "2022", "3", "d",
                           "x", "2", "y"]


def test_a_passage_splits_on_punctuation_and_letters_from_digits():
    text = "Foundation models (e.g. BERT, GPT-3) emerged; " * 10
    assert words(text)[:8] == ["foundation", "models", "e", "g", "bert", "gpt", "3", "emerged"]
    no_digits = text.replace("3", "")  # ASCII, no digits: split without the regex
    assert words(no_digits)[:7] == ["foundation", "models", "e", "g", "bert", "gpt", "emerged"]


def test_a_number_written_in_groups_of_three_is_one_number():
    """"1,000 tokens" answers "how many words is 1000 tokens?"; a list or a decimal comma
    stays apart."""
    assert words("750 words per 1,000 tokens, 1,600,000 images") == [
        "750", "words", "per", "1000", "tokens", "1600000", "images"]
    assert words("steps 1,2,3; 12,5%") == ["steps", "1", "2", "3", "12", "5"]
    assert has_words("1,000 tokens", 2) and not has_words("1,000 tokens", 3)


def test_a_sentence_ends_after_the_citation_markers_that_close_it():
    """An encyclopedia writes its sources after the stop ("in 2016.[12] Later…"): the
    sentence ends there, markers kept, so /define and the highlight quote one sentence;
    "et al." and "e.g." end none."""
    from bot.core.text import sentence_lines, split_sentences

    text = ("BERT came in 2018.[12] It is encoder-only.[citation needed] GPT-3 came "
            "later; See [Brown et al. 2020] for more, e.g. Table 2. [7] Quoted notes stay.")
    assert split_sentences(text) == [
        "BERT came in 2018.[12]", "It is encoder-only.[citation needed]",
        "GPT-3 came later;", "See [Brown et al. 2020] for more, e.g. Table 2.",
        "[7] Quoted notes stay."]
    assert sentence_lines(text).splitlines() == split_sentences(text)


def test_a_sentence_the_text_writes_twice_has_two_places():
    """Where each sentence stands, so that a quote that joins two sentences joins these
    two, not the first place of a sentence written before."""
    from bot.core.text import sentence_spans, split_sentences

    text = "  Models overfit. We add noise.\nModels overfit. This is called noise injection. "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == split_sentences(text)
    assert spans[0] != spans[2] and text[spans[2][0]:spans[3][1]] == (
        "Models overfit. This is called noise injection.")


def test_has_words_says_whether_a_text_has_so_many_words():
    rng = random.Random(7)
    alphabet = "ab XY 01 .-&;#t5 é\n"
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 30)))
        for n in (1, 3):
            assert has_words(text, n) == (len(words(text)) >= n), text


def test_an_html_character_reference_is_the_character_it_stands_for():
    assert words("a special “&lt;cls&gt;” token") == ["a", "special", "cls", "token"]
    assert words("Q&amp;A, R&D &#233;t&eacute;") == ["q", "a", "r", "d", "ete"]
    # a reference ends in ';': "&para" and "&sect" in running text are letters
    assert words("weights&parameters, ?a=1&section=2") == [
        "weights", "parameters", "a", "1", "section", "2"]


def test_an_abbreviations_plural_is_the_abbreviation_and_other_words_keep_their_s():
    term = Analyzer().term
    assert [term(w) for w in ("llms", "gpus", "lstms")] == ["llm", "gpu", "lstm"]
    assert [term(w) for w in ("gas", "bus", "dos", "bias", "focus")] == [
        "gas", "bus", "dos", "bias", "focus"]


def test_a_word_s_spellings_are_one_term_and_short_abbreviations_keep_theirs():
    def same(text: str) -> bool:
        return len({Analyzer().term(w) for w in words(text)}) == 1

    assert same("organisation organization")  # British and American
    assert same("latência latency") and same("qualidade quality")  # Portuguese and English
    assert same("parot parrot") and same("comunidade community")  # a doubled consonant
    assert not same("rnn rn")  # an abbreviation keeps its letters: RNN is not "right now"
    # English forms the stemmer joins stay joined, and words it keeps apart stay apart
    assert same("process processes processing") and same("plan planning")
    assert same("typical typically") and same("loss losses") and same("access accessible")
    assert not same("hugging huge") and not same("planning plane")


@pytest.mark.parametrize(("question", "language"), [
    ("o que é emergência?", "pt"),
    ("what is emergence?", "en"),
    # an English question about a Portuguese name is not Portuguese: "whats" is English
    ("whats a good recipe for pão de queijo?", None),
    ("whats the difference between bert and gpt", "en"),
    ("RLHF?", None),
])
def test_a_questions_language_is_told_by_its_function_words(question, language):
    from bot.core.text import detect_language

    assert detect_language(question) == language
