"""Write a document (model.Document) as a Word file with python-docx.

Headings use Word's own "Heading 1/2/3" styles, so the navigation pane, a table of contents
and LibreOffice's PDF export (tagged, with bookmarks) all see the document's structure; a
table's first row repeats on every page it runs over; the paper is A4 with the page number
in the footer; the text is marked Danish (or English), so spelling and screen readers
use the right language.
"""

from __future__ import annotations

import io

from docx import Document as new_word_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from portfolio.documents.model import Block, Bullets, Document, Facts, Paragraph, Section, Table

LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}
# A4 less the margins (see _set_up_paper).
TEXT_WIDTH_MM = 210 - 2 * 22


def write_docx(document: Document) -> bytes:
    word = new_word_document()
    _set_up_paper(word, document)
    _set_language(word, LANGUAGE_TAGS.get(document.language, "da-DK"))
    properties = word.core_properties
    properties.title = document.title
    properties.subject = document.subtitle
    properties.author = "Styrbord"
    properties.language = LANGUAGE_TAGS.get(document.language, "da-DK")

    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle, style="Subtitle")
    if document.facts:
        _facts(word, document.facts)
    for section in document.sections:
        _section(word, section, level=1)
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()


def _set_up_paper(word, document: Document) -> None:
    paper = word.sections[0]
    paper.page_width, paper.page_height = Mm(210), Mm(297)
    paper.left_margin = paper.right_margin = Mm((210 - TEXT_WIDTH_MM) / 2)
    paper.top_margin, paper.bottom_margin = Mm(20), Mm(20)
    footer = paper.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if document.footer:
        footer.add_run(document.footer + "   ")
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)


def _field(paragraph, instruction: str) -> None:
    """A field Word and LibreOffice fill in when they lay the page out (page numbers)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_language(word, tag: str) -> None:
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:
        return
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), tag)


def _section(word, section: Section, level: int) -> None:
    word.add_heading(section.heading, level=min(level, 4))
    for block in section.blocks:
        _block(word, block)
    for sub in section.subsections:
        _section(word, sub, level + 1)


def _block(word, block: Block) -> None:
    if isinstance(block, Paragraph):
        paragraph = word.add_paragraph(block.text)
        if block.style == "note":
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.italic = True
    elif isinstance(block, Bullets):
        for item in block.items:
            word.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Facts):
        _facts(word, block.pairs)
    else:
        _table(word, block)


def _facts(word, pairs: tuple[tuple[str, str], ...]) -> None:
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in pairs:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        for run in cells[0].paragraphs[0].runs:
            run.bold = True
    _set_widths(table, [Mm(TEXT_WIDTH_MM * 0.32), Mm(TEXT_WIDTH_MM * 0.68)])
    word.add_paragraph()


def _column_widths(block: Table) -> list[Mm]:
    """Give every column room for its longest word (its longest figure, for a number
    column), and share what is left of the line between the text columns by the length
    of what they hold. A word cut in two reads worse than a narrow neighbour."""
    char_mm, padding_mm = 2.1, 4.5
    least: list[float] = []
    shares: list[float] = []
    for position, heading in enumerate(block.header):
        texts = [heading, *(row[position] for row in block.rows)]
        longest_word = max((len(word) for text in texts[1:] for word in text.split()), default=1)
        # The header is bold: its letters are a little wider.
        longest_heading = max((len(word) for word in heading.split()), default=1) * 1.35
        least.append(max(longest_word, longest_heading) * char_mm + padding_mm)
        if position in block.numeric:
            shares.append(0.0)
        else:
            shares.append(float(min(max((len(text) for text in texts), default=1), 60)))
    spare = max(TEXT_WIDTH_MM - sum(least), 0.0)
    whole = sum(shares) or 1.0
    widths = [low + spare * share / whole for low, share in zip(least, shares, strict=True)]
    scale = TEXT_WIDTH_MM / sum(widths)  # below 1 only when the longest words overfill
    return [Mm(w * scale) for w in widths]


def _set_widths(table, widths: list) -> None:
    """Set the widths on the table's grid (which LibreOffice reads) and on every cell
    (which Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _table(word, block: Table) -> None:
    if block.caption:
        word.add_paragraph(block.caption, style="Caption")
    if not block.rows and block.empty_text:
        word.add_paragraph(block.empty_text)
        return
    table = word.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_as_header(header)
    for position, text in enumerate(block.header):
        cell = header.cells[position]
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for position, text in enumerate(row):
            cells[position].text = text
            if position in block.numeric:
                cells[position].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_widths(table, _column_widths(block))
    word.add_paragraph()


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
