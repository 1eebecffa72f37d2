"""Readings as the group has them, part of the document loader: a web page (.html), an
exported document (.docx) or a paper (.pdf) becomes the Markdown the segmenter reads, with
the same words.

Headings become '#' lines, paragraphs stay paragraphs, list items '- ' lines, table rows
'| a | b |' lines under their header, and bold stays '**bold**' (a risk's lead-in is bold).
Navigation, scripts, styles and forms of a page are dropped: they are not the reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import docx
from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag
from docx.table import Table
from docx.text.paragraph import Paragraph
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from bot.core.text import fold

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_NOT_READING = ["script", "style", "nav", "header", "footer", "aside", "noscript", "form",
                "template", "button", "svg"]


def html_to_markdown(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_NOT_READING):
        tag.decompose()
    for tag in soup("br"):
        tag.replace_with(" ")
    for tag in soup(["strong", "b"]):
        text = _text(tag)
        tag.replace_with(f"**{text}**" if text else "")
    title = _text(soup.title) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    blocks = list(_html_blocks(soup.body or soup))
    if title and not (blocks and blocks[0].startswith("# ")):
        blocks.insert(0, f"# {title}")
    return "\n\n".join(blocks) + "\n"


def _html_blocks(node: Tag) -> Iterator[str]:
    loose: list[str] = []  # text standing directly in a container, as one paragraph
    for child in node.children:
        if isinstance(child, NavigableString):
            loose.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        block = _html_block(child)
        if block is None:
            if child.name in ("a", "em", "i", "span", "code", "sup", "sub", "small", "u"):
                loose.append(str(child.get_text()))
                continue
            yield from _flush(loose)
            yield from _html_blocks(child)
            continue
        yield from _flush(loose)
        if block:
            yield block
    yield from _flush(loose)


def _flush(loose: list[str]) -> Iterator[str]:
    """The text gathered so far as one paragraph (if any), and the gathering emptied."""
    text = " ".join("".join(loose).split())
    loose.clear()
    if text:
        yield text


def _text(tag: Tag) -> str:
    """A tag's words as written, runs of white space made one."""
    return " ".join(tag.get_text().split())


def _html_block(tag: Tag) -> str | None:
    """The Markdown of a block element, or None for a container to read through."""
    text = _text(tag)
    if tag.name in _HEADINGS:
        return f"{'#' * _HEADINGS[tag.name]} {text}" if text else ""
    if tag.name in ("p", "pre"):
        return text
    if tag.name == "blockquote":
        return f"> {text}" if text else ""
    if tag.name in ("ul", "ol"):
        items = [_text(li) for li in tag.find_all("li", recursive=False)]
        return "\n".join(f"- {item}" for item in items if item)
    if tag.name == "table":
        rows = [[_text(cell) for cell in row.find_all(["th", "td"])]
                for row in tag.find_all("tr")]
        return _table([row for row in rows if any(row)])
    return None


def docx_to_markdown(path: Path) -> str:
    document = docx.Document(str(path))
    blocks: list[str] = []
    items: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}tbl"):
            table = Table(element, document)
            block = _table([[cell.text.strip() for cell in row.cells] for row in table.rows])
        elif element.tag.endswith("}p"):
            block = _docx_paragraph(Paragraph(element, document))
        else:
            continue
        if block.startswith("- "):
            items.append(block)
            continue
        if items:
            blocks.append("\n".join(items))
            items = []
        if block:
            blocks.append(block)
    if items:
        blocks.append("\n".join(items))
    return "\n\n".join(blocks) + "\n"


def _docx_paragraph(paragraph: Paragraph) -> str:
    text = "".join(f"**{run.text}**" if run.bold and run.text.strip() else run.text
                   for run in paragraph.runs).strip() or paragraph.text.strip()
    style = paragraph.style.name if paragraph.style is not None else ""
    if not text:
        return ""
    if style == "Title":
        return f"# {paragraph.text.strip()}"
    if style.startswith("Heading"):
        level = style.removeprefix("Heading").strip()
        return f"{'#' * (int(level) if level.isdigit() else 1)} {paragraph.text.strip()}"
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if style.startswith("List") or numbered:
        return f"- {text}"
    return text


def _table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    lines = ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return "\n".join(lines)


# A heading a paper numbers ("2.1 Language"), found when a PDF has no outline.
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+[A-Z][^.!?]{1,80}$")


def pdf_to_markdown(path: Path) -> str:
    """A PDF's text in reading order, a page marker (``<!-- page N -->``) before each page's
    text so that passages cite their page. Sections come from the outline where the PDF has
    one, else from numbered heading lines; running headers, footers and page numbers are
    dropped, words hyphenated across lines are joined, ligatures undone."""
    with path.open("rb") as stream:
        document = PDFDocument(PDFParser(stream))
        outline = _outline(document)
        pages = [[_clean(_box_text(box)) for box in page if isinstance(box, LTTextContainer)]
                 for page in extract_pages(stream, laparams=LAParams(line_margin=0.8))]
    running = _running_lines(pages)
    blocks: list[str] = []
    for number, boxes in enumerate(pages, 1):
        blocks.append(f"<!-- page {number} -->")
        titles = outline.get(number, [])
        for text in boxes:
            if not text or text in running or text.isdigit():
                continue
            heading = next((level for level, title in titles if _same(text, title)), None)
            if heading is None and not outline and (m := _NUMBERED_HEADING.match(text)):
                heading = m.group(1).count(".") + 1
            if heading is not None:
                blocks.append(f"{'#' * min(heading + 1, 6)} {text}")
            elif blocks and blocks[-1].endswith("-") and text[:1].islower():
                blocks[-1] = blocks[-1][:-1] + text  # a word cut at the end of a box
            else:
                blocks.append(text)
    return "\n\n".join(blocks) + "\n"


def _outline(document: PDFDocument) -> dict[int, list[tuple[int, str]]]:
    """Page number -> the (level, title) of the outline's entries that start on it."""
    pages = {page.pageid: n for n, page in enumerate(PDFPage.create_pages(document), 1)}
    found: dict[int, list[tuple[int, str]]] = {}
    try:
        entries = list(document.get_outlines())
    except PDFNoOutlines:
        return found
    for level, title, dest, action, _ in entries:
        target = dest if dest is not None else (resolve1(action).get("D") if action else None)
        target = resolve1(target)
        if isinstance(target, dict):  # a named destination's dictionary
            target = resolve1(target.get("D"))
        if isinstance(target, list) and target and hasattr(target[0], "objid"):
            page = pages.get(target[0].objid)
            if page is not None:
                found.setdefault(page, []).append((level, " ".join(str(title).split())))
    return found


def _box_text(box: LTTextContainer) -> str:  # type: ignore[type-arg]
    """A box's text without its footnote markers: digits set smaller than the box's text
    ("models²" is "models")."""
    chars = [c for line in box if isinstance(line, LTTextLine) for c in line]
    sizes = sorted(c.size for c in chars if isinstance(c, LTChar))
    if not sizes:
        return str(box.get_text())
    body = sizes[len(sizes) // 2]
    return "".join("" if isinstance(c, LTChar) and c.get_text().isdigit()
                   and c.size < FOOTNOTE_SIZE * body else c.get_text() for c in chars)


def _clean(text: str) -> str:
    """A box's text on one line: ligatures undone, a word hyphenated at a line's end
    joined, runs of white space made one."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(\w)-\n(?=[a-z])", r"\1", text)
    return " ".join(text.split())


RUNNING_MAX = 120  # a running header or footer is a short line
FOOTNOTE_SIZE = 0.8  # a footnote marker is set at most this share of the text's size


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Short boxes repeated on most pages (numbers aside): running headers and footers."""
    if len(pages) < 3:
        return set()
    seen: dict[str, set[int]] = {}
    for number, boxes in enumerate(pages):
        for text in boxes:
            if len(text) <= RUNNING_MAX:
                seen.setdefault(re.sub(r"\d+", "#", text), set()).add(number)
    return {text for boxes in pages for text in boxes if len(text) <= RUNNING_MAX
            and len(seen[re.sub(r"\d+", "#", text)]) >= max(3, len(pages) // 2)}


def _same(text: str, title: str) -> bool:
    return fold(" ".join(text.split())) == fold(title)
