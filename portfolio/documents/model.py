"""A document as plain parts, written out as Word (.docx) or PDF by the writers.

The builders (builders.py) turn a programme's data into these parts; the writers know
nothing of programmes. So the Word file and the PDF of one document say the same thing in
the same order: the figures are formatted once, by the builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    # "body", or "note" for a remark in smaller type (a source's caveat, a rule).
    style: str = "body"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Label–value pairs, written as a two-column table without a header."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    # Columns (by position) that hold numbers: right-aligned.
    numeric: frozenset[int] = frozenset()
    # An empty table says so in words rather than as a bare header.
    empty_text: str = ""


Block = Paragraph | Bullets | Facts | Table


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    subtitle: str
    language: str  # "da" or "en"
    # Shown under the title: programme, owner, version, date and the like.
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    # The file name without its extension, e.g. "ddns-gevinstrealiseringsplan-2026-12-03".
    file_stem: str = "document"
    footer: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Every word of the document in reading order (for tests and search)."""
        lines = [self.title, self.subtitle, *(f"{k}: {v}" for k, v in self.facts)]

        def walk(section: Section) -> None:
            lines.append(section.heading)
            for block in section.blocks:
                lines.extend(_block_text(block))
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return "\n".join(lines)


def _block_text(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, Bullets):
        return list(block.items)
    if isinstance(block, Facts):
        return [f"{k}: {v}" for k, v in block.pairs]
    return [" | ".join(block.header), *(" | ".join(row) for row in block.rows)]
