"""Read what a chart's SVG says: its texts, where they stand, its title and description."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: bytes) -> ET.Element:
    """Parse the SVG (failing the test if it is not well-formed XML) and return its root."""
    # Our own builders' output, not untrusted input: the stdlib parser is fine here.
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == f"{NS}svg"
    return root


def labels(svg: bytes) -> list[str]:
    """Return every text as drawn, a multi-line text joined with spaces into one label.

    Matplotlib writes each line of a text as a <text> of its own inside one <g>.
    """
    found = []
    for group in parse(svg).iter(f"{NS}g"):
        lines = ["".join(t.itertext()) for t in group.findall(f"{NS}text")]
        if lines:
            found.append(" ".join(lines))
    return found


@dataclass(frozen=True)
class Placed:
    text: str
    x: float  # points from the left
    y: float  # points from the top


_TRANSLATE = re.compile(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)")


def placed(svg: bytes) -> list[Placed]:
    """Return each single <text> with its anchor point in SVG points."""
    found = []
    for element in parse(svg).iter(f"{NS}text"):
        if "x" in element.attrib:
            x, y = float(element.attrib["x"]), float(element.attrib["y"])
        else:
            match = _TRANSLATE.search(element.attrib.get("transform", ""))
            assert match, element.attrib
            x, y = float(match.group(1)), float(match.group(2))
        found.append(Placed("".join(element.itertext()), x, y))
    return found


def size(svg: bytes) -> tuple[float, float]:
    """Return the drawing's width and height in points, from its viewBox."""
    _x, _y, width, height = (float(v) for v in parse(svg).attrib["viewBox"].split())
    return width, height


def title_and_desc(svg: bytes) -> tuple[str, str]:
    root = parse(svg)
    return root.find(f"{NS}title").text, root.find(f"{NS}desc").text
