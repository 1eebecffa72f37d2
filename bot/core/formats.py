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
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import docx
from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTCurve, LTTextContainer, LTTextLine
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
HEADING_SIZE = 1.15  # without an outline, a line set this much larger than the text heads
HEADING_WORDS = 15  # ... a section, when it has at most so many words
# A bold font's name says so (LaTeX's: CMBX; Times': -Medi).
_BOLD = re.compile(r"bold|black|heavy|demi|cmbx|-medi", re.IGNORECASE)
MARGIN = 0.1  # a page's top and bottom tenth: where running headers and footers are
BULLET_SIZE = 8.0  # a drawn bullet is a mark at most this many points wide and high
BULLET_GAP = 24.0  # ... whose right edge is at most this far left of its line
_BULLET = re.compile(r"\s*(\*\*)?[•◦▪‣●○■](\*\*)?\s+")  # a bullet set as a glyph


class _Line(NamedTuple):
    """A line of a text box: its text ('**bold**' marked), the size most of its characters
    are set in, whether a bullet opens it, whether it lies in the page's top or bottom
    margin (``MARGIN``) or is its box's only line (where running headers and footers are),
    and where it starts."""

    text: str
    size: float
    item: bool
    margin: bool
    alone: bool
    x0: float


class _Block(NamedTuple):
    """Consecutive lines of one text box (a paragraph, a heading, a list item) and the size
    its first line is set in."""

    text: str
    size: float


def pdf_to_markdown(path: Path) -> str:
    """A PDF's text in reading order, a page marker (``<!-- page N -->``) before each page's
    text so that passages cite their page. Sections come from the outline where the PDF has
    one, else from numbered heading lines and from lines set larger than the text (a web
    page or notes printed to PDF); a line a bullet opens is a list item, bold is '**bold**'
    (a risk's lead-in); running headers, footers and page numbers are dropped line by line
    (a browser prints the date above the page's first heading); a sentence cut by a page
    goes on where it started, words hyphenated across lines are joined, ligatures undone."""
    with path.open("rb") as stream:
        document = PDFDocument(PDFParser(stream))
        outline = _outline(document)
        pages = []
        for layout in extract_pages(stream, laparams=LAParams(line_margin=0.8)):
            bullets = [(mark.x1, (mark.y0 + mark.y1) / 2) for mark in layout
                       if isinstance(mark, LTCurve) and mark.width <= BULLET_SIZE
                       and mark.height <= BULLET_SIZE and abs(mark.width - mark.height) <= 1]
            pages.append([_box_lines(box, bullets, layout.height) for box in layout
                          if isinstance(box, LTTextContainer)])
    # Running lines: in the margins, or a box of their own on documents of three pages or
    # more (a paper's running head may sit below the top tenth).
    running = _running_lines([[_plain(_clean(line.text)) for box in boxes for line in box
                               if line.margin or (line.alone and len(pages) > 2)]
                              for boxes in pages])
    body = _body_size([line for boxes in pages for box in boxes for line in box])
    blocks_by_page = [[block for box in boxes for block in _blocks(box, running, body)]
                      for boxes in pages]
    levels = {} if outline else _heading_levels(
        [block for blocks in blocks_by_page for block in blocks], body)
    blocks: list[str] = []
    last, last_size = -1, 0.0  # the last block of text (not a heading, not a page marker)
    for number, page in enumerate(blocks_by_page, 1):
        blocks.append(f"<!-- page {number} -->")
        opening = len(blocks)  # where the page's first block goes
        titles = outline.get(number, [])
        for text, size in page:
            plain = _plain(text)
            if not plain or plain.isdigit():
                continue
            heading = next((level for level, title in titles if _same(plain, title)), None)
            if heading is None and not outline:
                if m := _NUMBERED_HEADING.match(plain):
                    heading = m.group(1).count(".") + 1
                elif (size in levels and len(plain.split()) <= HEADING_WORDS
                      and plain[-1:] not in ".,;"):  # a sentence is no heading
                    heading = levels[size]
            if heading is not None:
                blocks.append(f"{'#' * min(heading + 1, 6)} {plain}")
                last = -1
            elif last >= 0 and blocks[last].endswith("-") and text[:1].islower():
                blocks[last] = blocks[last][:-1] + text  # a word cut at a box's or page's end
            elif (last >= 0 and len(blocks) == opening and text[:1].islower()
                  and size == last_size and _plain(blocks[last])[-1:] not in ".!?:"):
                # a sentence that goes on on the next page (not a footnote's: set smaller)
                blocks[last] += " " + text
            else:
                blocks.append(text)
                last, last_size = len(blocks) - 1, size
    return "\n\n".join(blocks) + "\n"


def _blocks(lines: list[_Line], running: set[str], body: float) -> Iterator[_Block]:
    """A box's lines, running ones left out, as blocks: a new one where a heading's size
    (``HEADING_SIZE`` times the text's, ``body``) begins or ends (a line of inline code set
    smaller is still its paragraph's), at each bullet, and where a line starts left of the
    list item above it (the paragraph after a list); each list item one '- ' line."""
    kept = [line for line in lines
            if not ((line.margin or line.alone) and _plain(_clean(line.text)) in running)]
    start = 0
    for end in range(1, len(kept) + 1):
        first = kept[start]
        if (end == len(kept) or kept[end].item
                or (kept[end].size != first.size
                    and max(kept[end].size, first.size) >= HEADING_SIZE * body)
                or (first.item and kept[end].x0 < first.x0 - 1)):
            # a bold run over two lines is one ("**homogeni-** / **zation**")
            text = _clean(re.sub(r"\*\*(\s+)\*\*", r"\1",
                                 "".join(line.text for line in kept[start:end])))
            yield _Block(f"- {text}" if first.item else text, first.size)
            start = end


@lru_cache(maxsize=256)
def _is_bold(fontname: str) -> bool:
    return _BOLD.search(fontname) is not None


def _plain(text: str) -> str:
    """A block's words without their bold marks."""
    return text.replace("**", "")


def _body_size(lines: list[_Line]) -> float:
    """The size most of the text's characters are set in."""
    by_size: dict[float, int] = {}
    for line in lines:
        by_size[line.size] = by_size.get(line.size, 0) + len(_plain(line.text))
    return max(by_size, key=lambda size: by_size[size]) if by_size else 0.0


def _heading_levels(blocks: list[_Block], body: float) -> dict[float, int]:
    """Sizes larger than the text's (``body``) that short blocks are set in, largest first:
    size -> heading level (1 for the largest)."""
    sizes = sorted({size for text, size in blocks if size >= HEADING_SIZE * body
                    and len(_plain(text).split()) <= HEADING_WORDS
                    and any(c.isalpha() for c in text)},
                   reverse=True)
    return {size: level for level, size in enumerate(sizes, 1)}


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


def _box_lines(box: LTTextContainer,  # type: ignore[type-arg]
               bullets: list[tuple[float, float]], height: float) -> list[_Line]:
    """A box's lines, each with the size most of its characters are set in (to the half
    point), words set in bold as '**bold**', without footnote markers: digits set smaller
    than the box's text and raised above their line, right after a word ("models²" is
    "models"; "10⁹" and "H₂O" keep their digits). A line is an item when a bullet opens it:
    a glyph ("•") or a small drawn mark just left of it, level with it (``bullets``: each
    mark's right edge and middle height)."""
    lines = [line for line in box if isinstance(line, LTTextLine)]
    sizes = sorted(c.size for line in lines for c in line if isinstance(c, LTChar))
    if not sizes:
        return [_Line(str(box.get_text()), 0.0, False, False, False, box.x0)]
    body = sizes[len(sizes) // 2]
    found = []
    for line in lines:
        kept: list[str] = []
        line_sizes: dict[float, int] = {}
        bold = False
        for char in line:
            text = char.get_text()
            marker = (isinstance(char, LTChar) and text.isdigit()
                      and char.size < FOOTNOTE_SIZE * body
                      and char.y0 > line.y0 + RAISED * body
                      and bool(kept) and not kept[-1][-1:].isdigit())
            if marker:
                continue
            if isinstance(char, LTChar) and not text.isspace():
                if _is_bold(char.fontname) != bold:
                    bold = not bold
                    spaces = []  # a bold run closes at its last word, not after a space
                    while not bold and kept and kept[-1].isspace():
                        spaces.append(kept.pop())
                    kept += ["**", *spaces]
                size = round(char.size * 2) / 2
                line_sizes[size] = line_sizes.get(size, 0) + 1
            kept.append(text)
        text = "".join(kept)
        if bold:  # a bold run still open at the line's end closes there
            text = text.rstrip() + "**\n"
        glyph = _BULLET.match(text)
        if glyph is not None:  # the bullet goes, a bold mark it opened stays
            text = ("**" if glyph.group(1) and not glyph.group(2) else "") + text[glyph.end():]
        item = glyph is not None or any(
            line.x0 - BULLET_GAP <= right <= line.x0 and line.y0 <= middle <= line.y1
            for right, middle in bullets)
        margin = line.y0 >= (1 - MARGIN) * height or line.y1 <= MARGIN * height
        found.append(_Line(text, max(line_sizes, key=lambda s: line_sizes[s])
                           if line_sizes else 0.0, item, margin, len(lines) == 1, line.x0))
    return found


def _clean(text: str) -> str:
    """Lines of text on one line: ligatures undone, a word hyphenated at a line's end
    joined, runs of white space made one."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(\w)-\n(?=[a-z])", r"\1", text)
    return " ".join(text.split())


RUNNING_MAX = 120  # a running header or footer is a short line
FOOTNOTE_SIZE = 0.8  # a footnote marker is set at most this share of the text's size
RAISED = 0.2  # ... and raised at least this share of it above the line


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Short lines repeated on most pages (numbers aside), among each page's candidates:
    running headers and footers. A document of two pages has them on both."""
    if len(pages) < 2:
        return set()
    seen: dict[str, set[int]] = {}
    for number, lines in enumerate(pages):
        for text in lines:
            if len(text) <= RUNNING_MAX:
                seen.setdefault(re.sub(r"\d+", "#", text), set()).add(number)
    least = 2 if len(pages) == 2 else max(3, len(pages) // 2)
    return {text for lines in pages for text in lines if len(text) <= RUNNING_MAX
            and len(seen[re.sub(r"\d+", "#", text)]) >= least}


def _same(text: str, title: str) -> bool:
    """Whether a box is the outline's title, its section number aside ("1 Introduction"
    for "Introduction")."""
    return _unnumbered(text) == _unnumbered(title)


def _unnumbered(text: str) -> str:
    return re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", fold(" ".join(text.split())))
