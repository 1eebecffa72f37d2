"""A paper-sized PDF in the corpus: how long it takes to convert, to index, and to start
again with its conversion kept (issue: readings as the group has them).

The paper is generated (fpdf2, from the test extra): about 200 pages in two columns, an
outline of numbered sections, a running header and page numbers, words drawn from a small
vocabulary of the field. It is put beside the summary in a copy of the project, as a group
would drop the paper into corpus/.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from bench.cold_start import time_command

PAGES = 200
SEED = 20261206
WORDS = ("foundation", "models", "data", "scale", "training", "language", "vision",
         "robotics", "reasoning", "interaction", "law", "healthcare", "education", "fairness",
         "misuse", "environment", "legality", "economics", "ethics", "adaptation",
         "evaluation", "systems", "security", "privacy", "robustness", "theory")
ASK = ("-m", "bot", "ask", "what is emergence?")


@dataclass(frozen=True)
class PaperFigures:
    pages: int
    passages: int
    convert_s: float  # the PDF to Markdown, once
    index_s: float  # the whole start in process (index, glossary, risks) with it kept
    cached_start_s: float  # python -m bot ask, best of 3, the conversion kept
    summary_start_s: float  # the same on the summary alone, in the same run

    def notes(self) -> list[str]:
        return [
            f"paper: a generated {self.pages}-page two-column PDF beside the summary "
            f"({self.passages:,} passages): converting it took {self.convert_s:.1f} s, "
            f"fitting everything on it and the summary {self.index_s:.2f} s; "
            f"`python -m bot ask` with its conversion kept {self.cached_start_s:.2f} s "
            f"against {self.summary_start_s:.2f} s on the summary alone "
            f"({self.cached_start_s / self.summary_start_s:.2f}×)."]


class Paper(FPDF):
    """A PDF with a running header (``running``) and a page number at each page's foot, as
    papers have."""

    def __init__(self, running: str) -> None:
        super().__init__()
        self.running = running

    def header(self) -> None:
        self.set_font("helvetica", size=8)
        self.cell(0, 8, self.running, align="C")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.cell(0, 10, str(self.page_no()), align="C")


def write_paper(path: Path, pages: int = PAGES, seed: int = SEED) -> None:
    rng = random.Random(seed)
    pdf = Paper("On the Opportunities and Risks of Foundation Models")
    pdf.set_auto_page_break(True, 20)
    for page in range(pages):
        pdf.add_page()
        if page % 10 == 0:
            title = f"{page // 10 + 1} {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}"
            pdf.set_font("helvetica", "B", 12)
            pdf.start_section(title)
            pdf.cell(0, 8, title)
            pdf.ln(10)
        pdf.set_font("helvetica", size=9)
        top = pdf.get_y()
        for column in (10, 110):
            pdf.set_xy(column, top)
            for _ in range(3):
                sentence = " ".join(rng.choice(WORDS) for _ in range(90))
                pdf.multi_cell(90, 4.5, sentence.capitalize() + ".")
                pdf.set_x(column)
                pdf.ln(2)
                pdf.set_x(column)
    pdf.output(str(path))


def measure(root: Path) -> PaperFigures:
    from bot.config import load_settings
    from bot.core.formats import pdf_to_markdown
    from bot.loading import load_knowledge

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in ("corpus", "language"):
            shutil.copytree(root / name, project / name)
        shutil.copy(root / "config.yml", project / "config.yml")
        paper = project / "corpus" / "paper.pdf"
        write_paper(paper)
        start = time.perf_counter()
        pdf_to_markdown(paper)
        convert_s = time.perf_counter() - start
        settings = load_settings(project / "config.yml")
        load_knowledge(settings)  # converts once more, and keeps the conversion
        start = time.perf_counter()
        knowledge = load_knowledge(settings)
        index_s = time.perf_counter() - start
        cached = min(time_command((*ASK, "--config", str(project / "config.yml")), project)
                     for _ in range(3))
        alone = min(time_command(ASK, root) for _ in range(3))
        return PaperFigures(PAGES, len(knowledge.corpus.passages), convert_s, index_s, cached,
                            alone)
