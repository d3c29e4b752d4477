"""A synthetic SDMX-ML 2.1 data message of any size, for the benchmarks and the evaluation.

`write_message(path, observations, style)` writes `observations` observations as
structure-specific (`style="ss"`) or generic (`style="generic"`) time-series data: series
of 120 monthly observations (2015-01 … 2024-12), keyed REF_AREA × INDICATOR, every 97th
observation missing (`OBS_STATUS="M"`, no value), every 101st confidential
(`OBS_CONF="C"`), values with up to four decimals. Run it directly to write one:
`python benchmarks/sdmx_message.py /tmp/m.xml 1000000 ss`.
"""

from __future__ import annotations

import sys
from pathlib import Path

PERIODS = [f"{year}-{month:02d}" for year in range(2015, 2025) for month in range(1, 13)]

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<message:{root} xmlns:message="
    '"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic" '
    'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
    'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">\n'
    "<message:Header><message:ID>BENCH</message:ID><message:Test>true</message:Test>"
    "<message:Prepared>2026-12-03T12:00:00</message:Prepared>"
    '<message:Sender id="STYRBORD"/>'
    '<message:Structure structureID="STR1" dimensionAtObservation="TIME_PERIOD">'
    '<common:Structure><Ref agencyID="STYRBORD" id="BENCH" version="1.0"/></common:Structure>'
    "</message:Structure></message:Header>\n"
    '<message:DataSet {ref}="STR1">\n'
)
_FOOTER = "</message:DataSet>\n</message:{root}>\n"


def _cell(number: int) -> tuple[str | None, str, str | None]:
    """Return (value, OBS_STATUS, OBS_CONF) of the n-th observation."""
    if number % 97 == 0:
        return None, "M", None
    value = f"{(number * 7919) % 1_000_000 / 100:.4f}".rstrip("0").rstrip(".")
    return value, "A", "C" if number % 101 == 0 else None


def write_message(path: Path, observations: int, style: str = "ss") -> int:
    """Write the message; return its size in bytes."""
    generic = style == "generic"
    root = "GenericTimeSeriesData" if generic else "StructureSpecificTimeSeriesData"
    ref = "structureRef" if generic else "ss:structureRef"
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(_HEADER.format(root=root, ref=ref))
        number = 0
        series = 0
        while number < observations:
            area, indicator = f"R{series // 100:04d}", f"I{series % 100:02d}"
            series += 1
            if generic:
                out.write(
                    "<generic:Series><generic:SeriesKey>"
                    '<generic:Value id="FREQ" value="M"/>'
                    f'<generic:Value id="REF_AREA" value="{area}"/>'
                    f'<generic:Value id="INDICATOR" value="{indicator}"/>'
                    "</generic:SeriesKey><generic:Attributes>"
                    '<generic:Value id="UNIT_MULT" value="0"/>'
                    "</generic:Attributes>\n"
                )
            else:
                out.write(
                    f'<Series FREQ="M" REF_AREA="{area}" INDICATOR="{indicator}" UNIT_MULT="0">\n'
                )
            lines = []
            for period in PERIODS:
                if number >= observations:
                    break
                value, status, conf = _cell(number)
                number += 1
                if generic:
                    parts = [f'<generic:Obs><generic:ObsDimension value="{period}"/>']
                    if value is not None:
                        parts.append(f'<generic:ObsValue value="{value}"/>')
                    parts.append(
                        f'<generic:Attributes><generic:Value id="OBS_STATUS" value="{status}"/>'
                    )
                    if conf:
                        parts.append(f'<generic:Value id="OBS_CONF" value="{conf}"/>')
                    parts.append("</generic:Attributes></generic:Obs>")
                    lines.append("".join(parts))
                else:
                    value_text = f' OBS_VALUE="{value}"' if value is not None else ""
                    conf_text = f' OBS_CONF="{conf}"' if conf else ""
                    lines.append(
                        f'<Obs TIME_PERIOD="{period}"{value_text} OBS_STATUS="{status}"'
                        f"{conf_text}/>"
                    )
            out.write("\n".join(lines))
            out.write("\n</generic:Series>\n" if generic else "\n</Series>\n")
        out.write(_FOOTER.format(root=root))
    return path.stat().st_size


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    size = write_message(target, count, sys.argv[3] if len(sys.argv) > 3 else "ss")
    print(f"{target}: {count:,} observations, {size / 1e6:.1f} MB")
