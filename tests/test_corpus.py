"""Segmentation: passages as a reader sees them, with stable ids and readable citations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.core.corpus import load_corpus, parse_document
from bot.loading import load_document_data

from .conftest import DATA, ROOT

if TYPE_CHECKING:
    from fpdf import FPDF

SUMMARY_DATA = ROOT / "corpus" / "foundation_models_summary.yml"
CORRECTIONS = load_document_data(SUMMARY_DATA).corrections


@pytest.fixture(scope="module")
def seed():
    """The summary exactly as the member pasted it (plain text, OCR slips and all)."""
    text = (DATA / "seed_summary.txt").read_text(encoding="utf-8")
    return parse_document(text, "seed", markdown=False, corrections=CORRECTIONS)


def by_start(document, start: str):
    matches = [p for p in document.passages if p.text.startswith(start)]
    assert len(matches) == 1, f"expected one passage starting {start!r}, got {len(matches)}"
    return matches[0]


def test_plain_text_title_is_the_title_and_the_author_line_a_citable_passage(seed):
    assert seed.title.startswith("On the Opportunities and Risks of")
    assert not any(p.text.startswith("On the Opportunities") for p in seed.passages)
    assert seed.author == "Marcus Vinícius Borela de Castro"
    author = by_start(seed, "Author: Marcus")
    assert author.number == 1 and author.path == ()  # under the title, before any section


def test_short_title_lines_are_headings_not_passages(seed):
    for heading in ("Contextualization", "Definitions", "Risks", "What to do?", "AI History"):
        assert heading in seed.sections
        assert not any(p.text == heading for p in seed.passages)


def test_lowercase_block_continues_the_paragraph_before(seed):
    report = by_start(seed, "This report provides")
    assert report.text.endswith("their applications and societal impact")
    emergence = by_start(seed, "Emergence means")
    assert "how a task is performed emerges" in emergence.text
    assert not any(p.text.startswith(("societal impact", "how a task")) for p in seed.passages)


def test_list_under_what_to_do_stays_items_of_that_section(seed):
    items = [p for p in seed.passages if p.section == "What to do?" and p.kind == "item"]
    texts = [p.text for p in items]
    assert texts[0].startswith("(for each new downstream use case):")
    assert "(i) surrogate metrics" in texts[0] and "(ii) a commitment" in texts[0]
    assert 'when models are "safe" to release' in texts
    assert any(t.startswith("monitoring and intervention") for t in texts)
    assert by_start(seed, "In the US").kind == "paragraph"


def test_corrections_fix_ocr_slips_in_quotes(seed):
    text = " ".join(p.text for p in seed.passages)
    assert "AI is undergoing a paradigm shift" in text
    assert "foundation model development" in text and "sevelopment" not in text
    assert " Al " not in f" {text} " and "EleutherAI" in text


def test_markdown_edition_puts_the_three_eras_under_ai_history():
    corpus = load_corpus(ROOT / "corpus", {"foundation_models_summary": CORRECTIONS})
    eras = {p.section: p.path for p in corpus.passages if p.section.endswith("era")}
    assert set(eras) == {"Machine learning era", "Deep learning era", "Foundation models era"}
    assert all(path[0] == "AI History" for path in eras.values())


def test_ids_and_citations_are_stable_and_readable(seed):
    risks = [p for p in seed.passages if p.section == "Risks"]
    assert [p.citation for p in risks[:2]] == ["Risks ¶1", "Risks ¶2"]
    assert risks[1].id == "seed#risks-2"
    assert len({p.id for p in seed.passages}) == len(seed.passages)


def test_plain_text_and_markdown_editions_segment_alike(seed):
    corpus = load_corpus(ROOT / "corpus", {"foundation_models_summary": CORRECTIONS})
    md = {p.id.split("#")[1]: p.text for p in corpus.passages}
    txt = {p.id.split("#")[1]: p.text for p in seed.passages}
    assert md.keys() == txt.keys()
    assert sum(md[k] == txt[k] for k in md) >= len(md) - 3


def test_second_document_just_works(tmp_path: Path):
    (tmp_path / "a.md").write_text("# Notes A\n\n## Intro\n\nFirst paragraph here.\n")
    (tmp_path / "b.txt").write_text("Notes B\n\nScaling\n\nScale makes models powerful.\n")
    corpus = load_corpus(tmp_path)
    assert [d.title for d in corpus.documents] == ["Notes A", "Notes B"]
    assert [(p.document, p.citation) for p in corpus.passages] == [
        ("a", "Intro ¶1"), ("b", "Scaling ¶1")]


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ValueError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(ValueError, match="no documents"):
        load_corpus(tmp_path)
    (tmp_path / "empty.md").write_text("# Only a title\n")
    with pytest.raises(ValueError, match="no paragraphs"):
        load_corpus(tmp_path)


def test_headings_of_one_name_are_told_apart(tmp_path: Path):
    (tmp_path / "notes.md").write_text(
        "# Notes\n\n## Part A\n\n### Examples\n\nFirst example.\n\n"
        "## Part B\n\n### Examples\n\nSecond example.\n\n## Q&A\n\nOne.\n\n## Q A\n\nTwo.\n")
    passages = load_corpus(tmp_path).passages
    assert [p.citation for p in passages] == [
        "Part A › Examples ¶1", "Part B › Examples ¶1", "Q&A ¶1", "Q A ¶1"]
    assert len({p.id for p in passages}) == 4


def test_list_items_know_the_sentence_that_announced_them(seed):
    items = [p for p in seed.passages if p.kind == "item"]
    assert items[0].lead == "Scale required three ingredients:"
    assert all(p.lead.endswith("will define:") for p in items if p.section == "What to do?")
    assert all(p.lead == "" for p in seed.passages if p.kind == "paragraph")


def test_bold_in_headings_is_dropped_and_only_the_author_line_is_kept():
    text = ("# On **Foundation Models**\n\nAuthor: Ana Souza\n\n## The **Big** picture\n\n"
            "Text here.\n")
    document = parse_document(text, "d", markdown=True)
    assert document.title == "On Foundation Models" and document.sections == ("The Big picture",)
    assert [(p.kind, p.text) for p in document.passages] == [
        ("byline", "Author: Ana Souza"), ("paragraph", "Text here.")]
    dated = parse_document("# Notes\n\nDate: 2022-07-01\n\n## A\n\nText.\n", "d", markdown=True)
    assert dated.author is None and [p.text for p in dated.passages] == ["Text."]


NOTES = """# Notes

## Prompts

For example, if you prompt the model with:

> Oh say can you see

**Key modules**
- Planning: breaks a task down
- Memory: keeps past steps

The steps are:

1. Tokenize the prompt.
2. Predict the next token.

| Model | Params | Context |
| --- | --- | --- |
| GPT-3 | 175B | 2k |
| PaLM | 540B | 8k |
"""


def test_notes_are_segmented_as_people_write_them():
    passages = parse_document(NOTES, "notes", markdown=True).passages
    assert [(p.kind, p.text, p.lead) for p in passages] == [
        ("paragraph", "For example, if you prompt the model with: > Oh say can you see", ""),
        ("paragraph", "**Key modules**", ""),
        ("item", "Planning: breaks a task down", "Key modules"),
        ("item", "Memory: keeps past steps", "Key modules"),
        ("paragraph", "The steps are:", ""),
        ("item", "Tokenize the prompt.", "The steps are:"),
        ("item", "Predict the next token.", "The steps are:"),
        ("row", "| GPT-3 | 175B | 2k |", "Model · Params · Context"),
        ("row", "| PaLM | 540B | 8k |", "Model · Params · Context"),
    ]


def test_a_heading_with_text_right_under_it_and_code_with_comments_read_as_markdown():
    text = ("# LLM Agents\nSource: a public guide\n\n## Chunking\nChunks are small pieces "
            "of a document.\n\n```python\n# Create the search index\nindex = build()\n\n"
            "# Query it\nindex.query()\n```\n\nSettext heading\n===============\n\n"
            "<!-- an image that is not there -->\n\nAfter it.\n")
    document = parse_document(text, "notes", markdown=True)
    assert document.title == "LLM Agents"
    assert [(p.section, p.text) for p in document.passages] == [
        ("Chunking", "Chunks are small pieces of a document."),
        ("Chunking", "```python # Create the search index index = build() # Query it "
                     "index.query() ```"),
        ("Settext heading", "After it."),
    ]
    # a line ending in ':' and the code or quote it shows are one passage, whatever follows
    shown = parse_document("# Notes\n\n## Rules\n\nFor example, we can tell the bot:\n\n"
                           "```\nNever say the word computer.\n```\n\nIt then says "
                           "device instead.\n\nOr quote it:\n\n> Be brief.\n\nIt is.\n",
                           "notes", markdown=True)
    assert [p.text for p in shown.passages] == [
        "For example, we can tell the bot: ``` Never say the word computer. ```",
        "It then says device instead.", "Or quote it: > Be brief.", "It is."]


def test_a_question_about_a_column_finds_its_table_row(tmp_path):
    from bot.config import load_settings
    from bot.core.corpus import Corpus
    from bot.core.knowledge import Knowledge

    corpus = Corpus((parse_document(NOTES, "notes", markdown=True),))
    knowledge = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), corpus)
    answer = knowledge.ask("how many params does PaLM have?")
    assert answer.answered and answer.passages[0].passage.text == "| PaLM | 540B | 8k |"


def test_a_reference_list_is_never_quoted_as_an_answer():
    from bot.config import load_settings
    from bot.core.corpus import Corpus
    from bot.core.knowledge import Knowledge

    notes = ("# Notes\n\n## Attention\n\nTransformers rely on attention to weigh every token."
             "\n\n## Further reading and references\n\n- Attention Is All You Need\n- Scaling "
             "laws for language models\n")
    corpus = Corpus((parse_document(notes, "notes", markdown=True),))
    knowledge = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), corpus)
    answer = knowledge.ask("attention is all you need")
    assert all(r.passage.section == "Attention" for r in answer.passages)
    assert not knowledge.ask("scaling laws").answered


def test_subfolders_are_read_with_unique_ids_and_scratch_files_are_not(tmp_path: Path):
    (tmp_path / "week2").mkdir()
    (tmp_path / ".git").mkdir()
    note = "# Notes\n\n## Widgets\n\nWidgets are {}.\n"
    (tmp_path / "notes.md").write_text(note.format("blue"))
    (tmp_path / "notes.txt").write_text("Widgets are green.\n")
    (tmp_path / "week2" / "notes.md").write_text(note.format("red"))
    for scratch in (".#notes.md", "._notes.md", "notes.md~", "#notes.md#", ".git/x.md"):
        (tmp_path / scratch).write_text("\x00\xff not a document")
    corpus = load_corpus(tmp_path)
    ids = [p.id for p in corpus.passages]
    assert [d.id for d in corpus.documents] == ["notes.md", "notes.txt", "week2/notes"]
    assert len(ids) == len(set(ids)) and "week2/notes#widgets-1" in ids


def test_a_lead_in_joins_one_example_but_not_a_run_of_paragraphs_and_pipeless_tables():
    notes = ("# N\n\n## Recipe\n\nThe recipe needs three things:\n\nFlour from the mill.\n\n"
             "Water from the well.\n\nSalt from the sea.\n\n## Models\n\n"
             "Model | Params\n--|--\nGPT-3 | 175B\n")
    passages = parse_document(notes, "n", markdown=True).passages
    assert [p.text for p in passages] == [
        "The recipe needs three things:", "Flour from the mill.", "Water from the well.",
        "Salt from the sea.", "GPT-3 | 175B"]
    assert passages[-1].kind == "row" and passages[-1].lead == "Model · Params"


def test_a_display_formula_belongs_to_the_paragraph_that_leads_to_it():
    """A textbook's "…it follows that" / "$$…$$" / "where x is…": the formula alone is no
    passage a member can read; it stays with the sentence that leads to it."""
    notes = ("# N\n\n## Risk\n\nThe risk is the expected loss over the population:\n\n"
             "$$E[l(f(x), y)].$$ :eqlabel:`eq_risk`\n\n"
             "We never see the population.\n\nThe weight is\n\n"
             "\\begin{aligned} w = p / q \\end{aligned}\n\nfor each example.\n")
    passages = parse_document(notes, "n", markdown=True).passages
    assert [p.text for p in passages] == [
        "The risk is the expected loss over the population: $$E[l(f(x), y)].$$ "
        ":eqlabel:`eq_risk`",
        "We never see the population.",
        "The weight is \\begin{aligned} w = p / q \\end{aligned} for each example."]
    # not a formula: Markdown's escaped bracket, a "$$" that closes nothing
    text = ("# N\n\nSee the paper.\n\n\\[1\\] Kaplan et al.\n\nFees are paid.\n\n"
            "$$ amounts in USD.\n")
    assert len(parse_document(text, "n", markdown=True).passages) == 4


MD_NOTES = """# LLM notes

## Tokens

Tokens are **units** of text that a model reads.

## Risks

- **Reliability**: models make things up.
- **Bias**: models repeat stereotypes.

## Sizes

| Model | Params |
|---|---|
| GPT-3 | 175B |
"""

HTML_NOTES = """<html><head><title>LLM notes</title><script>track()</script></head><body>
<nav>Home | About</nav><h1>LLM notes</h1>
<h2>Tokens</h2><p>Tokens are <b>units</b> of text that a model reads.</p>
<h2>Risks</h2><ul><li><strong>Reliability</strong>: models make things up.</li>
<li><strong>Bias</strong>: models repeat stereotypes.</li></ul>
<h2>Sizes</h2><table><tr><th>Model</th><th>Params</th></tr><tr><td>GPT-3</td><td>175B</td></tr>
</table><footer>© 2026</footer></body></html>"""


def write_docx_notes(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("LLM notes", level=1)
    document.add_heading("Tokens", level=2)
    paragraph = document.add_paragraph("Tokens are ")
    paragraph.add_run("units").bold = True
    paragraph.add_run(" of text that a model reads.")
    document.add_heading("Risks", level=2)
    for lead, rest in (("Reliability", ": models make things up."),
                       ("Bias", ": models repeat stereotypes.")):
        item = document.add_paragraph(style="List Bullet")
        item.add_run(lead).bold = True
        item.add_run(rest)
    document.add_heading("Sizes", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Model", "Params"), ("GPT-3", "175B")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.save(str(path))


def test_web_pages_and_exported_documents_read_like_their_markdown(tmp_path: Path):
    for name, write in (("md", lambda p: p.write_text(MD_NOTES)),
                        ("html", lambda p: p.write_text(HTML_NOTES)),
                        ("docx", write_docx_notes)):
        folder = tmp_path / name
        folder.mkdir()
        write(folder / f"notes.{name}")
    read = {name: [(p.section, p.kind, p.text, p.lead)
                   for p in load_corpus(tmp_path / name).passages]
            for name in ("md", "html", "docx")}
    assert read["html"] == read["md"] == read["docx"]
    assert ("Risks", "item", "**Reliability**: models make things up.", "") in read["md"]
    assert load_corpus(tmp_path / "html").documents[0].title == "LLM notes"


def test_a_file_the_bot_cannot_read_is_skipped_with_a_warning(tmp_path: Path, caplog):
    (tmp_path / "good.md").write_text(MD_NOTES)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "latin1.md").write_bytes("# Notas\n\n## Seção\n\nAção.\n".encode("latin-1"))
    with caplog.at_level("WARNING"):
        corpus = load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["good"]
    assert sum("skipped" in r.message for r in caplog.records) == 2
    assert any("broken.docx" in r.message for r in caplog.records)


def write_paper(path: Path) -> None:
    """A small paper as PDF: an outline, a running header, page numbers, a word hyphenated
    at a line's end, a page in two columns, and a footnote marker."""
    from bench.paper import Paper

    pdf = Paper("On Foundation Models (draft)")
    sections = [
        ("1 Introduction", "Homogeniza-\ntion means the consolidation of methodologies for "
         "building machine learning systems across a wide range of applications."),
        ("2 Capabilities", None),
        ("3 Risks", "Concentration of power follows the cost of training the largest models, "
         "which few actors can pay."),
    ]
    footnoted = "3 Risks"  # its text carries a footnote marker: "power²"
    for title, text in sections:
        pdf.add_page()
        pdf.set_font("helvetica", "B", 14)
        pdf.start_section(title)
        pdf.cell(0, 10, title)
        pdf.ln(14)
        pdf.set_font("helvetica", size=11)
        if text is not None and title == footnoted:
            head, tail = text.split(" follows", 1)
            pdf.write(6, head)
            pdf.char_vpos = "SUP"
            pdf.write(6, "2")
            pdf.char_vpos = "LINE"
            pdf.write(6, " follows" + tail)
            continue
        if text is not None:
            pdf.multi_cell(0, 6, text)
            continue
        top = pdf.get_y()
        pdf.set_xy(10, top)
        pdf.multi_cell(90, 6, "Language models read text written by people. Left column "
                       "words come first in reading order.")
        pdf.set_xy(110, top)
        pdf.multi_cell(90, 6, "Vision models read pixels of images. Right column words "
                       "come second in reading order.")
    pdf.output(str(path))


def test_a_paper_as_pdf_is_read_in_order_and_cited_by_section_and_page(tmp_path: Path):
    write_paper(tmp_path / "paper.pdf")
    passages = load_corpus(tmp_path).passages
    assert [(p.citation, p.text[:30]) for p in passages] == [
        ("1 Introduction ¶1, p. 1", "Homogenization means the conso"),
        ("2 Capabilities ¶1, p. 2", "Language models read text writ"),
        ("2 Capabilities ¶2, p. 2", "Vision models read pixels of i"),
        ("3 Risks ¶1, p. 3", "Concentration of power follows"),
    ]
    assert not any("draft" in p.text for p in passages)  # the running header
    assert passages[-1].text.startswith("Concentration of power follows")  # no marker


def test_a_paper_answers_defines_and_lists_its_risks(tmp_path: Path):
    from bot.config import load_settings
    from bot.core.knowledge import Knowledge

    write_paper(tmp_path / "paper.pdf")
    knowledge = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), load_corpus(tmp_path))
    answer = knowledge.ask("what does homogenization mean?")
    assert answer.answered and answer.passages[0].passage.citation == "1 Introduction ¶1, p. 1"
    assert knowledge.define("homogenization").entry.definition.startswith(
        "Homogenization means the consolidation")
    assert [r.title for r in knowledge.risks] == ["Concentration of power follows the cost of "
                                                  "training…"]


def test_a_converted_reading_is_kept_and_a_changed_one_converted_again(tmp_path: Path,
                                                                      monkeypatch):
    import bot.core.formats as formats

    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    write_paper(folder / "paper.pdf")
    first = load_corpus(folder, cache=cache).passages
    converted = []
    real = formats.pdf_to_markdown
    monkeypatch.setattr(formats, "pdf_to_markdown",
                        lambda path: converted.append(path) or real(path))
    assert load_corpus(folder, cache=cache).passages == first and converted == []
    (folder / "paper.pdf").write_bytes((folder / "paper.pdf").read_bytes() + b"\n%% edited\n")
    assert load_corpus(folder, cache=cache).passages == first and len(converted) == 1
    for kept in cache.iterdir():  # a broken entry is converted again, not served
        kept.write_bytes(b"\xff\xfe" if kept.stat().st_size % 2 else b"")
    assert load_corpus(folder, cache=cache).passages == first and len(converted) == 2
    for kept in cache.iterdir():  # the cache is safe to delete
        kept.unlink()
    assert load_corpus(folder, cache=cache).passages == first and len(converted) == 3


def printed(pages: int) -> FPDF:
    """An empty PDF that prints as a browser does: the date and the file's name above each
    page, its number of ``pages`` below, no outline."""
    from fpdf import FPDF

    class Printed(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=8)
            self.cell(0, 4, "12/7/26, 1:33 AM    notes.html")
            self.ln(8)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", size=8)
            self.cell(0, 4, f"{self.page_no()}/{pages}", align="R")

    return Printed()


def write_printed_page(path: Path) -> None:
    """Notes printed to PDF from a browser, three pages: headings set larger than the text;
    a list whose bullets are drawn discs, each item a bold lead-in; a sentence that runs on
    to the next page."""
    pdf = printed(3)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 20)
    pdf.cell(0, 10, "Study notes")
    pdf.ln(14)
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 8, "Risks")
    pdf.ln(10)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Models fail in several ways:")
    pdf.ln(2)
    for lead, text in (("Bias", "models repeat the slants of their data."),
                       ("Misuse", "people turn models to harm others.")):
        pdf.circle(x=14, y=pdf.get_y() + 2.2, radius=0.8, style="F")
        pdf.set_x(18)
        pdf.set_font("helvetica", "B", 11)
        pdf.write(6, f"{lead}: ")
        pdf.set_font("helvetica", size=11)
        pdf.write(6, text)
        pdf.ln(8)
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 8, "Scale")
    pdf.ln(10)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Training the largest models costs so much that only a few "
                   "laboratories")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "can pay for it, which concentrates power.")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 8, "Data")
    pdf.ln(10)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Web text is the bulk of what models read.")
    pdf.output(str(path))


def test_a_page_printed_to_pdf_keeps_its_sections_lists_and_lead_ins(tmp_path: Path):
    from bot.config import load_settings
    from bot.core.knowledge import Knowledge

    write_printed_page(tmp_path / "notes.pdf")
    corpus = load_corpus(tmp_path)
    assert [(p.citation, p.kind, p.text) for p in corpus.passages] == [
        ("Risks ¶1, p. 1", "paragraph", "Models fail in several ways:"),
        ("Risks ¶2, p. 1", "item", "**Bias:** models repeat the slants of their data."),
        ("Risks ¶3, p. 1", "item", "**Misuse:** people turn models to harm others."),
        ("Scale ¶1, p. 1", "paragraph", "Training the largest models costs so much that only "
         "a few laboratories can pay for it, which concentrates power."),
        ("Data ¶1, p. 3", "paragraph", "Web text is the bulk of what models read."),
    ]
    knowledge = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), corpus)
    assert [r.title for r in knowledge.risks] == ["Bias", "Misuse"]


def test_two_printed_pages_lose_their_header_and_keep_a_long_bold_lead_in_whole(
        tmp_path: Path):
    """Two pages only still show their running lines on both; a lead-in in bold that wraps
    is one title; the paragraph after a list is not its last item."""
    from bot.config import load_settings
    from bot.core.knowledge import Knowledge

    pdf = printed(2)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 8, "Challenges")
    pdf.ln(10)
    pdf.set_font("helvetica", size=11)
    for text in ("**Long-term planning over many sessions, with many tools and notes kept "
                 "across days:** plans drift.", "**Efficiency:** agents send many requests."):
        pdf.circle(x=14, y=pdf.get_y() + 2.2, radius=0.8, style="F")
        pdf.set_x(18)
        pdf.multi_cell(90, 6, text, markdown=True)
    pdf.multi_cell(0, 6, "Agents still fail in ways the notes list above.")
    pdf.add_page()
    pdf.multi_cell(0, 6, "A second page of notes ends here.")
    pdf.output(str(tmp_path / "notes.pdf"))
    corpus = load_corpus(tmp_path)
    assert [(p.kind, p.text) for p in corpus.passages] == [
        ("item", "**Long-term planning over many sessions, with many tools and notes kept "
                 "across days:** plans drift."),
        ("item", "**Efficiency:** agents send many requests."),
        ("paragraph", "Agents still fail in ways the notes list above."),
        ("paragraph", "A second page of notes ends here."),
    ]
    knowledge = Knowledge.from_corpus(load_settings(ROOT / "config.yml"), corpus)
    assert [r.title for r in knowledge.risks] == [
        "Long-term planning over many sessions, with many tools and notes kept across days",
        "Efficiency"]


def test_a_papers_running_head_below_the_top_tenth_is_dropped_and_a_footnote_kept(
        tmp_path: Path):
    """A paper set as LaTeX sets one (A4, an outline): its running head and footer lie
    further in than a tenth of the page and are still dropped; a footnote at a page's foot
    is a passage of its own."""
    from fpdf import FPDF

    point = 25.4 / 72

    class Paper(FPDF):
        def header(self) -> None:
            self.set_y(126 * point)
            self.set_font("times", "I", 9)
            self.cell(0, 4, "Scaling laws for small models")
            self.set_y(165 * point)

        def footer(self) -> None:
            self.set_y(-126 * point)
            self.set_font("times", size=9)
            self.cell(0, 4, "Preprint. Under review.", align="C")

    pdf = Paper(format="A4")
    pdf.set_auto_page_break(True, margin=150 * point)
    for number, title in enumerate(["Introduction", "Method", "Results"], 1):
        pdf.add_page()
        pdf.start_section(f"{number} {title}")
        pdf.set_font("times", "B", 12)
        pdf.cell(0, 6, f"{number} {title}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("times", size=10)
        pdf.multi_cell(0, 5, f"The {title.lower()} of the study of small models.",
                       new_x="LMARGIN", new_y="NEXT")
        if number == 2:
            pdf.multi_cell(0, 5, "We release the code of every model, so that others can "
                           "extend the curves to", new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(230)
            pdf.set_font("times", size=8)
            pdf.cell(0, 4, "1 Code: https://example.org/small-scaling")
    pdf.output(str(tmp_path / "paper.pdf"))
    passages = load_corpus(tmp_path).passages
    assert [p.section for p in passages if p.text.startswith("The ")] == [
        "1 Introduction", "2 Method", "3 Results"]
    assert not any("Scaling laws" in p.text or "Preprint" in p.text for p in passages)
    assert any(p.text == "1 Code: https://example.org/small-scaling" for p in passages)


def test_a_papers_exponents_and_subscripts_keep_their_digits(tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for text, position in (("A model of 10", "LINE"), ("9", "SUP"), (" parameters drinks H",
                           "LINE"), ("2", "SUB"), ("O daily, says the paper", "LINE"),
                           ("3", "SUP"), (".", "LINE")):
        pdf.char_vpos = position
        pdf.write(6, text)
    pdf.output(str(tmp_path / "note.pdf"))
    [passage] = load_corpus(tmp_path).passages
    assert passage.text == "A model of 109 parameters drinks H2O daily, says the paper."


def test_web_pages_keep_inline_words_nested_lists_and_their_encoding(tmp_path: Path):
    page = ("<html><head><meta charset='windows-1252'></head><body><header>Site banner"
            "</header><article><header><h1>Notas</h1></header><h2>Termos</h2>"
            "<p>Text with <abbr>LLM</abbr> and <mark>marked</mark> words.</p>"
            "<ul><li>Parent<ul><li>child one</li></ul></li></ul><p>Ação.</p>"
            "<table><tr><td>GPT-3</td><td>175B</td></tr></table></article></body></html>")
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    passages = load_corpus(tmp_path).passages
    assert [p.text for p in passages] == [
        "Text with LLM and marked words.", "Parent child one", "Ação.", "| GPT-3 | 175B |"]
    assert load_corpus(tmp_path).documents[0].title == "Notas"


def test_an_exported_documents_links_and_bold_keep_their_words(tmp_path: Path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    paragraph = document.add_paragraph("See the ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(
        "https://example.org", "http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/hyperlink", is_external=True))
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "original paper"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    paragraph.add_run(" for details.")
    bold = document.add_paragraph("The ")
    bold.add_run("transformer ").bold = True
    bold.add_run("is a model.")
    document.save(str(tmp_path / "notes.docx"))
    assert [p.text for p in load_corpus(tmp_path).passages] == [
        "See the original paper for details.", "The **transformer** is a model."]


def test_markdown_that_would_swallow_the_rest_and_other_odd_shapes_read_as_meant():
    def read(text, **kwargs):
        document = parse_document(text, "notes", markdown=True, **kwargs)
        return document.title, [(p.section, p.kind, p.text) for p in document.passages]

    # text converted from a page or a paper is text: an unclosed comment, tag or fence in
    # it opens nothing
    assert read("# Web\n\n<!-- starts a comment\n\n## Tags\n\nTags wrap content.\n",
                converted=True)[1][-1] == ("Tags", "paragraph", "Tags wrap content.")
    assert read("# P\n\n```json {\"a\": 1}\n\n<!-- page 2 -->\n\n## Method\n\nWe did it.\n",
                converted=True)[1][-1] == ("Method", "paragraph", "We did it.")
    assert read("# Notes\n\n<script> tags run.\n\n## Defences\n\nEscape it.\n")[1] == [
        ("Notes", "paragraph", "<script> tags run."), ("Defences", "paragraph", "Escape it.")]
    # front matter is settings; items are the parser's, however indented or marked
    assert read("---\ntitle: x\ntags: ai\n---\n# Real\n\n - a\n - b\n\n+ c\n") == (
        "Real", [("Real", "item", "a"), ("Real", "item", "b"), ("Real", "item", "c")])
    # a table's header alone is kept; "**Example:**" introduces its code
    assert read("# T\n\n## S\n\n| only | header |\n|---|---|\n\n**Example:**\n\n```\nrun()\n"
                "```\n\nAfter.\n")[1] == [
        ("S", "paragraph", "| only | header | |---|---|"),
        ("S", "paragraph", "**Example:** ``` run() ```"), ("S", "paragraph", "After.")]


def test_markup_a_reader_never_sees_is_no_passage_and_a_captioned_figure_is_one():
    """Roles (Sphinx, MyST, d2l), template tags (Jekyll), an image without a caption and a
    comment say nothing a member could be answered with; a figure's caption does."""
    text = ("# Notes\n\n## BERT\n:label:`sec_bert`\n\nBERT reads both ways.\n\n"
            "{% include figure.html src=\"bert.png\" %}\n\n![](img/bert.svg)\n:width:`400px`\n\n"
            "![BERT masks a token and predicts it.](img/mask.svg)\n:label:`fig_mask`\n\n"
            "<!-- todo --> {{ page.footer }}\n")
    document = parse_document(text, "notes", markdown=True)
    assert [(p.citation, p.text) for p in document.passages] == [
        ("BERT ¶1", "BERT reads both ways."),
        ("BERT ¶2", "![BERT masks a token and predicts it.](img/mask.svg) :label:`fig_mask`")]
    # many tags and then a word: a paragraph with text, read in linear time
    tags = "# Notes\n\n## Page\n\n" + "{% include a.html %} " * 40 + "Text.\n"
    assert [p.text for p in parse_document(tags, "page", markdown=True).passages] == [
        "{% include a.html %} " * 39 + "{% include a.html %} Text."]
