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
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from bot.core.text import fold

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_NOT_READING = ["script", "style", "nav", "footer", "aside", "noscript", "form", "template",
                "button", "svg"]
# Elements that hold paragraphs rather than words: any other element is read as part of the
# text around it.
_CONTAINERS = frozenset(("html", "body", "main", "article", "section", "div", "header",
                         "figure", "figcaption", "details", "summary", "dl", "dd", "dt",
                         "center", "li", "td", "th"))


def html_to_markdown(html: str | bytes) -> str:
    """``html``: the page's bytes (their encoding found as a browser would: the page's
    own ``<meta charset>``, else a guess) or its text."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_NOT_READING):
        tag.decompose()
    body = soup.body or soup
    for tag in body.find_all("header", recursive=False):  # the site's banner, not an article's
        tag.decompose()
    for tag in soup("br"):
        tag.replace_with(" ")
    for tag in soup(["strong", "b"]):
        text = _text(tag)
        tag.replace_with(f"**{text}**" if text else "")
    title = _text(soup.title) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    blocks = list(_html_blocks(body))
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
            if child.name not in _CONTAINERS:  # a, em, abbr, mark…: words of the paragraph
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
        return "\n".join(_list_lines(tag, 0))
    if tag.name == "table":
        sections = [tag, *tag.find_all(["thead", "tbody", "tfoot"], recursive=False)]
        rows = [row for section in sections for row in section.find_all("tr", recursive=False)]
        cells = [[_text(cell) for cell in row.find_all(["th", "td"], recursive=False)]
                 for row in rows]
        headed = bool(rows) and rows[0].find("th", recursive=False) is not None
        cells = [row for row in cells if any(row)]
        if cells and not headed:  # no header row: every row is a passage
            cells.insert(0, [""] * len(cells[0]))
        return _table(cells)
    return None


def _list_lines(tag: Tag, depth: int) -> Iterator[str]:
    """A list's items as '- ' lines, a nested list's indented under its item."""
    for item in tag.find_all("li", recursive=False):
        own = []
        for child in item.children:
            if isinstance(child, Tag) and child.name in ("ul", "ol"):
                continue
            own.append(child.get_text() if isinstance(child, Tag) else str(child))
        text = " ".join("".join(own).split())
        if text:
            yield f"{'  ' * depth}- {text}"
        for inner in item.find_all(["ul", "ol"], recursive=False):
            yield from _list_lines(inner, depth + 1)


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
    # Runs, including those inside hyperlinks; neighbouring bold runs are one bold span.
    spans: list[tuple[bool, str]] = []
    for part in paragraph.iter_inner_content():
        for run in part.runs if isinstance(part, Hyperlink) else [part]:
            bold = bool(run.bold) and bool(run.text.strip())
            if spans and spans[-1][0] == bold:
                spans[-1] = (bold, spans[-1][1] + run.text)
            else:
                spans.append((bold, run.text))
    text = "".join(_bold(span) if bold else span for bold, span in spans).strip()
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


def _bold(span: str) -> str:
    """Bold in Markdown, the spaces around it outside the stars ("**the** model")."""
    core = span.strip()
    return span[:len(span) - len(span.lstrip())] + f"**{core}**" + span[len(span.rstrip()):]


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
    except Exception:  # none, or one pdfminer cannot read: the layout gives the sections
        return found
    for level, title, dest, action, _ in entries:
        target = dest if dest is not None else (resolve1(action).get("D") if action else None)
        target = resolve1(target)
        if isinstance(target, bytes | str):  # a named destination (LaTeX's hyperref)
            try:
                target = resolve1(document.get_dest(target))
            except Exception:
                continue
        if isinstance(target, dict):  # a named destination's dictionary
            target = resolve1(target.get("D"))
        if isinstance(target, list) and target and hasattr(target[0], "objid"):
            page = pages.get(target[0].objid)
            if page is not None:
                found.setdefault(page, []).append((level, " ".join(str(title).split())))
    return found


def _box_text(box: LTTextContainer) -> str:  # type: ignore[type-arg]
    """A box's text without its footnote markers: digits set smaller than the box's text
    and raised above its line, right after a word ("models²" is "models"; "10⁹" and "H₂O"
    keep their digits)."""
    lines = [line for line in box if isinstance(line, LTTextLine)]
    sizes = sorted(c.size for line in lines for c in line if isinstance(c, LTChar))
    if not sizes:
        return str(box.get_text())
    body = sizes[len(sizes) // 2]
    kept: list[str] = []
    for line in lines:
        for char in line:
            text = char.get_text()
            marker = (isinstance(char, LTChar) and text.isdigit()
                      and char.size < FOOTNOTE_SIZE * body
                      and char.y0 > line.y0 + RAISED * body
                      and bool(kept) and not kept[-1][-1:].isdigit())
            if not marker:
                kept.append(text)
    return "".join(kept)


def _clean(text: str) -> str:
    """A box's text on one line: ligatures undone, a word hyphenated at a line's end
    joined, runs of white space made one."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(\w)-\n(?=[a-z])", r"\1", text)
    return " ".join(text.split())


RUNNING_MAX = 120  # a running header or footer is a short line
FOOTNOTE_SIZE = 0.8  # a footnote marker is set at most this share of the text's size
RAISED = 0.2  # ... and raised at least this share of it above the line


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
    """Whether a box is the outline's title, its section number aside ("1 Introduction"
    for "Introduction")."""
    return _unnumbered(text) == _unnumbered(title)


def _unnumbered(text: str) -> str:
    return re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", fold(" ".join(text.split())))
