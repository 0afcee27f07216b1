"""Reading a document's PDF as a person would: its pages, its text, its tables' rows."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader

# A table row as the text layer reads it: place, title, yes, no, abstain, budget[, outcome].
COUNT_ROW = re.compile(r"^(\d+) (\S+) (\d+) (\d+) (\d+) ([\d.]+万元)(?: (\S+))?$")


@dataclass(frozen=True)
class Document:
    pages: int
    width: float
    height: float
    text: str
    title: str

    @property
    def flat(self) -> str:
        """The text without any space or line break: what wraps where does not matter."""
        return re.sub(r"\s+", "", self.text)

    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    def count_rows(self) -> list[tuple]:
        return [m.groups() for m in map(COUNT_ROW.match, self.lines()) if m]


def read_pdf(response) -> Document:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    return Document(pages=len(reader.pages), width=float(box.width), height=float(box.height),
                    text="\n".join(page.extract_text() for page in reader.pages),
                    title=str((reader.metadata or {}).get("/Title", "")))


def is_a4(document: Document) -> bool:
    """210 × 297 mm, in points, to a tenth of a point."""
    return abs(document.width - 595.28) < 0.1 and abs(document.height - 841.89) < 0.1
