"""Documents in corpus/ segmented into citable passages.

A passage is what a reader would point at: a paragraph, a list item or a table row, under
the innermost heading above it, numbered within that heading ("Risks ¶2"). Markdown files
state their headings with '#'; plain-text files are segmented by the conventions of notes
pasted from a PDF: short title lines are headings, a block that starts in lower case
continues the paragraph before it, and the blocks after a line ending in ':' are list items.

Notes as people write them: a list item or a table row carries what announces it (the
sentence ending in ':' or the bold line above the list; the table's column names) as its
``lead``; a paragraph that ends in ':' and is followed by another paragraph (an example, a
quoted prompt) is one passage with it; bullets right under a line of text are items of
their own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import logging
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.core.text import fold, split_sentences, squash

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".md", ".txt", ".html", ".htm", ".docx", ".pdf")
# CommonMark with its tables (the GitHub way of writing them), HTML read as text; text
# converted from a page, an export or a paper has no code blocks either.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_CONVERTED = MarkdownIt("commonmark", {"html": False}).enable("table").disable(
    ["fence", "code"])
# A list item's marker, and its sub-items' ("- ", "* ", "+ ", "1. ", "2) ").
_ITEM_MARK = re.compile(r"^\s*(?:[-*+•]|\d{1,9}[.)])\s+")
# YAML front matter (Obsidian, Jekyll): the document's settings, not its text.
_FRONT_MATTER = re.compile(r"\A---\n(?:[\w-]+:.*\n|[ \t-].*\n|\n)*?---\n")
# Bold in a heading ("**Foundation Models**"): citations are set in bold already.
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_BULLET = re.compile(r"^(\s*)(?:[-*•]|\d{1,3}[.)])\s+")  # "- ", "* ", "1. ", "2) "
_PAGE_MARK = re.compile(r"^<!-- page (\d+) -->$")  # what formats.pdf_to_markdown writes
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")
# A display formula, closed: "$$…$$" or an environment ("\begin{aligned}…\end{aligned}");
# not "\[1\]", Markdown's escaped bracket, nor "$$ amounts are in USD.".
_FORMULA = re.compile(r"\$\$.+?\$\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}")
_LIST_START = re.compile(r"^(\(|[-*•]\s|[a-z])")
_METADATA = re.compile(r"^(Author|Authors|Date|Source)\s*:\s*(.+)$", re.IGNORECASE)
# A paragraph of markup a reader never sees as text: roles of Sphinx, MyST or d2l
# (":label:`fig_bert`", ":width:`700px`"), template tags of Jekyll or Jinja ("{% include
# nav.html %}", "{{ page.title }}"), an HTML comment, an image without a caption.
# Each piece is matched atomically: a lazy ".*?" free to stretch to a later closing mark
# would make a paragraph of many tags and one word take exponential time.
_NO_TEXT = re.compile(r"(?:\s*(?>:[\w-]+:`[^`]*`|\{%.*?%\}|\{\{.*?\}\}|<!--.*?-->"
                      r"|!\[\]\([^)]*\)))+\s*")


@dataclass(frozen=True)
class Passage:
    id: str
    document: str
    section: str
    path: tuple[str, ...]
    number: int
    text: str
    kind: str = "paragraph"  # "paragraph" | "item" | "row" | "byline" (the "Author:" line)
    # For a list item: what announces the list ("…three ingredients:", a bold line); for a
    # table row: the table's column names.
    lead: str = ""
    page: int | None = None  # where it starts, in a paper (PDF)

    @property
    def citation(self) -> str:
        page = f", p. {self.page}" if self.page is not None else ""
        return f"{self.section} ¶{self.number}{page}"


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    author: str | None
    sections: tuple[str, ...]
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "passages", tuple(p for d in self.documents for p in d.passages)
        )

    def find(self, quote: str, document: str | None = None) -> Passage | None:
        """The passage containing a verbatim quote (case and spacing ignored), in one
        document or in any."""
        wanted = squash(quote)
        return next((p for p in self.passages if wanted in squash(p.text)
                     and document in (None, p.document)), None)


@dataclass
class _Block:
    kind: str  # "heading" | "paragraph" | "item" | "row" | "byline" | "page" (level: its number)
    text: str
    level: int = 0
    bullet: bool = False
    lead: str = ""  # a table row's column names
    collects: bool = False  # an item ending in ':' gathers the bulleted sub-items after it
    example: bool = False  # code or a quote: what a line ending in ':' shows

    def __post_init__(self) -> None:
        self.collects = self.kind == "item" and self.text.endswith(":")


def document_files(directory: Path, suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES
                   ) -> dict[str, Path]:
    """Document id -> file, for every file of the folder and its subfolders with one of
    the suffixes, in order of path. The id is the path under the folder without its suffix
    ("week2/notes"), or with it where two files would share one ("notes.md", "notes.txt").
    Hidden, backup and editor files (".x", "._x", "#x#", "x~", "~$x") are no documents."""
    found = sorted(p for p in directory.rglob("*") if p.suffix.lower() in suffixes
                   and p.is_file() and not _scratch(p.relative_to(directory)))
    stems = Counter(p.relative_to(directory).with_suffix("").as_posix() for p in found)
    files = {}
    for path in found:
        relative = path.relative_to(directory)
        stem = relative.with_suffix("").as_posix()
        files[stem if stems[stem] == 1 else relative.as_posix()] = path
    return files


def _scratch(relative: Path) -> bool:
    name = relative.name
    return (any(part.startswith(".") for part in relative.parts)
            or name.startswith(("#", "~$")) or name.endswith(("~", "#")))


def load_corpus(directory: Path,
                corrections: Mapping[str, Mapping[str, str]] | None = None,
                cache: Path | None = None) -> Corpus:
    """Every document of the folder (``document_files``) becomes a document, with its own
    corrections (document id -> wrong -> right) fixed in its text; conversions are kept in
    ``cache`` (``read_document``). The document loader (with ``formats``) is the one part of
    the core that opens files: a file it cannot read is skipped with a warning, and a folder
    with no document to answer from is a ValueError naming it."""
    if not directory.is_dir():
        raise ValueError(f"corpus folder not found: {directory}")
    files = document_files(directory)
    if not files:
        raise ValueError(f"{directory}: no documents (.md, .txt, .html, .docx or .pdf files) "
                         "in the corpus folder")
    documents, skipped = [], []
    for doc_id, file in files.items():
        try:
            text, markdown = read_document(file, cache)
            document = parse_document(text, doc_id, markdown=markdown,
                                      converted=file.suffix.lower() not in (".md", ".txt"),
                                      corrections=(corrections or {}).get(doc_id))
        except Exception as exc:  # a corrupt or unreadable file: the rest of the corpus loads
            skipped.append(f"{file.name} ({exc.__class__.__name__}: {exc})")
            log.warning("skipped %s: cannot read it (%s)", file, exc)
            continue
        if not document.passages:
            skipped.append(f"{file.name} (no paragraphs)")
            log.warning("skipped %s: it has no paragraphs to answer from", file)
            continue
        documents.append(document)
    if not documents:
        raise ValueError(f"{directory}: no document to answer from (skipped: "
                         f"{'; '.join(skipped)})")
    return Corpus(tuple(documents))


@functools.cache
def _converter_key() -> bytes:
    """What a conversion depends on besides the file: the readers' own code and the
    versions of the libraries under them. A change to either keys every file anew, so an
    older conversion is never served."""
    versions = ";".join(_version(name) for name in ("pdfminer.six", "python-docx",
                                                    "beautifulsoup4"))
    return hashlib.sha256(Path(__file__).with_name("formats.py").read_bytes()
                          + versions.encode()).digest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "none"


_warned_cache: set[Path] = set()  # a cache folder that could not be written: said once


def read_document(file: Path, cache: Path | None = None) -> tuple[str, bool]:
    """A document's text, and whether it is Markdown: Markdown and plain text as written
    (UTF-8), web pages, exported documents and papers turned into Markdown (``formats``).

    A conversion (a 200-page paper takes seconds) is kept in ``cache`` under the hash of
    the file's bytes, so a restart with the same file reads it back, a changed file is
    converted again, and the folder is safe to delete. A cache that cannot be written is
    only slower."""
    suffix = file.suffix.lower()
    if suffix in (".md", ".txt"):
        return file.read_text(encoding="utf-8"), suffix == ".md"
    raw = file.read_bytes()
    kept = None
    if cache is not None:
        key = hashlib.sha256(raw + suffix.encode() + _converter_key()).hexdigest()
        kept = cache / f"{key}.md"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = kept.read_text(encoding="utf-8")
            if text.strip():  # an empty or broken entry is converted again
                return text, True
    # Imported only to convert: their parsers cost a third of a second at start.
    from bot.core.formats import docx_to_markdown, html_to_markdown, pdf_to_markdown

    if suffix == ".docx":
        text = docx_to_markdown(file)
    elif suffix == ".pdf":
        text = pdf_to_markdown(file)
    else:
        text = html_to_markdown(raw)
    if kept is not None:
        _keep(kept, text)
    return text, True


def _keep(kept: Path, text: str) -> None:
    """Write a conversion whole or not at all, even with two bots starting at once."""
    partial = None
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=kept.parent, suffix=".tmp")
        partial = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        partial.replace(kept)
    except OSError as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        if kept.parent not in _warned_cache:
            _warned_cache.add(kept.parent)
            log.warning("cannot keep conversions in %s (%s): every start converts again",
                        kept.parent, exc)


def parse_document(
    text: str,
    doc_id: str,
    *,
    markdown: bool,
    converted: bool = False,
    corrections: Mapping[str, str] | None = None,
) -> Document:
    """``converted``: Markdown the bot wrote from a page, an export or a paper."""
    text = apply_corrections(text.replace("\r\n", "\n"), corrections or {})
    if markdown:
        text = _FRONT_MATTER.sub("", text)
    blocks = list(_markdown_blocks(text, converted) if markdown else _plain_blocks(text))
    for block in blocks:
        if block.kind == "heading":
            block.text = _BOLD.sub(lambda m: m.group(1) or m.group(2), block.text)
    title = doc_id.rsplit("/", 1)[-1].replace("_", " ").strip()
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = blocks.pop(0).text
    author = None
    if blocks and blocks[0].kind == "paragraph" and (m := _METADATA.match(blocks[0].text)):
        blocks.pop(0)
        if m.group(1).lower().startswith("author"):
            author = m.group(2).strip()
            # The byline stays a passage too, under the title: "who wrote this?" is a
            # question the document answers, with a citation like any other answer.
            blocks.insert(0, _Block("byline", f"Author: {author}"))
    return _assemble(doc_id, title, author, blocks)


def apply_corrections(text: str, corrections: Mapping[str, str]) -> str:
    """Each slip replaced, as literal text, where it stands as a word of its own."""
    for wrong, right in corrections.items():
        literal = right.replace("\\", "\\\\")  # a backslash in the fix is a backslash
        text = re.sub(rf"(?<![\w-]){re.escape(wrong)}(?![\w-])", literal, text)
    return text


def _markdown_blocks(text: str, converted: bool = False) -> Iterator[_Block]:
    """A Markdown file's blocks as CommonMark reads them (markdown-it-py): a heading is its
    line, even with text right under it; a fenced code block is one block, its "# comment"
    lines no headings; a list item is what the parser says it is. Each block's text is its
    source lines as written (marks kept: the passage is quoted verbatim), joined into one
    line. HTML is text (an unclosed "<!--" or "<script>" would swallow the rest); a
    ``converted`` page, paper or export has no code either (its text is whatever the
    document said: a "```" in a PDF's text box opens nothing)."""
    lines = text.split("\n")
    tokens = (_CONVERTED if converted else _MARKDOWN).parse(text)
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue  # inside another block, or a closing token
        source = lines[token.map[0]:token.map[1]]
        if token.type == "heading_open":
            heading = " ".join(tokens[i + 1].content.split())
            if heading:
                yield _Block("heading", heading, int(token.tag[1:]))
        elif token.type == "table_open":
            rows = list(_table_rows([line for line in source if line.strip()]))
            yield from rows or [_Block("paragraph", _join(source))]  # a header alone
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            yield from _list_items(tokens, i, lines)
        elif token.type != "hr":  # a paragraph, a quote, code
            joined = _join(source)
            if mark := _PAGE_MARK.match(joined):
                yield _Block("page", "", int(mark.group(1)))
            elif joined and not _NO_TEXT.fullmatch(joined):
                yield _Block("paragraph", joined, example=token.type in (
                    "fence", "code_block", "blockquote_open"))


def _table_rows(lines: list[str]) -> Iterator[_Block]:
    """Each row of a Markdown table, as written, with the column names as its lead."""
    cells = [cell.strip() for cell in lines[0].strip().strip("|").split("|")]
    names = " · ".join(cells) if any(cells) else ""  # a table with no header row
    for row in lines[2:]:
        if row.strip().strip("|").strip():
            yield _Block("row", row.strip(), lead=names)


def _list_items(tokens: list[Token], start: int, lines: list[str]) -> Iterator[_Block]:
    """The items of the list that opens at ``tokens[start]``; an item's own sub-lists are
    folded into it, their markers dropped."""
    level = tokens[start].level + 1
    for token in tokens[start + 1:]:
        if token.level < level:
            break  # the list's end
        if token.type == "list_item_open" and token.level == level and token.map:
            item = [_ITEM_MARK.sub("", line, count=1)
                    for line in lines[token.map[0]:token.map[1]]]
            if joined := _join(item):
                yield _Block("item", joined, bullet=True)


def _plain_item_blocks(lines: list[str]) -> Iterator[_Block]:
    """Top-level bullets are items; indented bullets are folded into their parent item."""
    current: list[str] = []
    for line in lines:
        m = _BULLET.match(line)
        if m and not m.group(1) and current:
            yield _Block("item", _join(current), bullet=True)
            current = []
        current.append(_BULLET.sub("", line, count=1) if m else line)
    if current:
        yield _Block("item", _join(current), bullet=True)


def _plain_blocks(text: str) -> Iterator[_Block]:
    chunks = list(_chunks(text))
    if chunks and _looks_like_title(chunks[0]):
        title, author = _split_title(chunks.pop(0))
        yield _Block("heading", title, 1)
        if author:
            yield _Block("paragraph", f"Author: {author}")
    in_list = False
    for chunk in chunks:
        lines = chunk.split("\n")
        if _looks_like_heading(chunk):
            in_list = False
            yield _Block("heading", chunk.strip(), 2)
            continue
        if _BULLET.match(lines[0]):
            yield from _plain_item_blocks(lines)
            in_list = True
            continue
        joined = _join(lines)
        if in_list and _LIST_START.match(joined):
            yield _Block("item", joined)
        else:
            in_list = False
            yield _Block("paragraph", joined)
        in_list = in_list or joined.endswith(":")


def _looks_like_title(chunk: str) -> bool:
    title, _ = _split_title(chunk)
    return (
        "\n" not in chunk
        and len(title.split()) <= 15
        and not title.endswith((".", ";", ":", ","))
    )


def _split_title(chunk: str) -> tuple[str, str | None]:
    title, sep, author = chunk.partition(" Author:")
    return title.strip(), author.strip() if sep else None


def _looks_like_heading(chunk: str) -> bool:
    """A short single line with no closing punctuation, starting with a capital."""
    line = chunk.strip()
    if "\n" in line or not line[:1].isupper() or line.endswith((".", ";", ":", ",")):
        return False
    n_words = len(line.split())
    return n_words <= 4 if line.endswith("?") else n_words <= 5


def _assemble(doc_id: str, title: str, author: str | None, blocks: list[_Block]) -> Document:
    paths = _heading_paths(blocks)
    labels = _section_labels(title, paths.values())
    passages: list[Passage] = []
    sections: list[str] = []
    counters: dict[tuple[str, ...], int] = {}
    path: tuple[str, ...] = ()
    last: _Block | None = None
    lead = ""
    page: int | None = None
    for i, block in enumerate(blocks):
        if block.kind == "page":  # a paragraph may go on across it
            page = block.level
            continue
        if block.kind == "heading":
            path = paths[i]
            sections.append(block.text)
            last, lead = None, ""
            continue
        following = next((b for b in blocks[i + 1:] if b.kind != "page"), None)
        if last is not None and _continues(block, last, following):
            last.text = f"{last.text} {block.text}"
            passages[-1] = _passage(passages[-1], last.text)
            continue
        if block.kind == "paragraph":
            lead = _announces(block.text)
        elif block.kind == "row":  # a table ends what the paragraph before it announced
            lead = ""
        label, slug = labels[path]
        number = counters[path] = counters.get(path, 0) + 1
        passages.append(Passage(f"{doc_id}#{slug}-{number}", doc_id, label, path, number,
                                block.text, block.kind,
                                {"item": lead, "row": block.lead}.get(block.kind, ""), page))
        last = block
    return Document(doc_id, title, author, tuple(sections), tuple(passages))


def _plain_paragraph(block: _Block | None) -> bool:
    """A paragraph that is no lead-in of its own: not bold at its start, not a line that
    announces a list."""
    return (block is not None and block.kind == "paragraph"
            and not block.text.startswith(("**", "__")) and not _announces(block.text))


def _announces(text: str) -> str:
    """What a paragraph announces a list with: its last sentence when it ends in ':', or
    the whole of it when it is one bold line ("**Key modules**")."""
    if text.endswith(":"):
        return split_sentences(text)[-1]
    bold = _BOLD.fullmatch(text)
    return (bold.group(1) or bold.group(2)) if bold else ""


def _heading_paths(blocks: list[_Block]) -> dict[int, tuple[str, ...]]:
    """Each heading block's path of headings (a level-1 heading counts as level 2: the
    document's title is the only level above its sections)."""
    paths: dict[int, tuple[str, ...]] = {}
    headings: list[tuple[int, str]] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            level = max(block.level, 2)
            headings = [h for h in headings if h[0] < level] + [(level, block.text)]
            paths[i] = tuple(h[1] for h in headings)
    return paths


def _section_labels(title: str, paths: Iterable[tuple[str, ...]]
                    ) -> dict[tuple[str, ...], tuple[str, str]]:
    """Path -> (the section name a citation shows, the slug ids use). A heading is cited by
    its own name; two headings of one name are told apart by their parents ("Part B ›
    Examples"), and slugs that still collide ("Q&A", "Q A") by a counter."""
    unique = list(dict.fromkeys(paths))
    names = Counter(path[-1] for path in unique)
    labels: dict[tuple[str, ...], tuple[str, str]] = {(): (title, _slug(title))}
    used = {_slug(title)}
    for path in unique:
        label = path[-1] if names[path[-1]] == 1 else " › ".join(path)
        slug = base = _slug(label)
        n = 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        labels[path] = (label, slug)
    return labels


def _continues(block: _Block, previous: _Block, following: _Block | None) -> bool:
    """A paragraph that starts mid-sentence belongs to the one before it, a paragraph that
    is all a lead-in ending in ':' announces (the next block is no paragraph) belongs to
    it, a display formula belongs to the paragraph that leads to it ("…segue que" /
    "$$…$$": alone it is no sentence a member can read), and bulleted sub-items belong to
    the item that announced them with a colon."""
    if block.kind == "item" and block.bullet and previous.collects:
        return True
    if block.kind != "paragraph" or previous.kind != "paragraph":
        return False
    if _FORMULA.match(block.text):
        return True
    if previous.text.endswith(":"):  # a lead-in and the one example it introduces (code or
        # a quote; a paragraph unless more follow, or it opens with a lead-in of its own:
        # "**Reliability**. …")
        return block.example or (_plain_paragraph(block) and not _plain_paragraph(following))
    if block.example and previous.text.rstrip("*_").endswith(":"):  # "**Example:**"
        return True
    return block.text[:1].islower() and not previous.text.endswith((".", "!", "?"))


def _passage(passage: Passage, text: str) -> Passage:
    return dataclasses.replace(passage, text=text)


def _chunks(text: str) -> Iterator[str]:
    for chunk in re.split(r"\n[ \t\u00a0]*\n", text):
        chunk = "\n".join(line.rstrip() for line in chunk.strip("\n").split("\n"))
        if chunk.strip():
            yield chunk.strip()


def _join(lines: Iterable[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "section"
