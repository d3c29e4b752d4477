"""Time the Excel builders: the DDNS workbook and a 200-programme portfolio workbook.

Run with `.venv/bin/python benchmarks/bench_excel.py` from the repository root. Each case
runs a few times in this process (after one warm-up run, which loads openpyxl and Babel's
locale data); the script prints the median and maximum wall time, the peak of Python
allocations during one run (tracemalloc), the process's peak resident memory (ru_maxrss,
which also counts the interpreter and the input data) and the file size, each beside its
goal. It is a script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portfolio.budgets.portfolio_workbook import build_portfolio_workbook  # noqa: E402
from portfolio.budgets.workbook import build_budget_workbook  # noqa: E402
from tests.budgets.workbook_factories import (  # noqa: E402
    EXPORTED_AT,
    ddns_workbook,
    synthetic_workbook,
)

MB = 2**20


def measure(name: str, build, runs: int, time_goal: float, memory_goal_mb: float | None):
    build()  # warm-up: imports, locale data, caches
    times, cpu_times = [], []
    for _ in range(runs):
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        content = build()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    gc.collect()
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    median, worst = statistics.median(times), max(times)
    verdict = "ok" if median < time_goal else "OVER GOAL"
    print(f"\n{name}")
    print(f"  wall time   median {median:.3f} s, max {worst:.3f} s over {runs} runs"
          f"   (goal < {time_goal} s: {verdict})")  # fmt: skip
    memory_goal = f"goal < {memory_goal_mb:.0f} MB" if memory_goal_mb else "no goal"
    over = memory_goal_mb and max(peak / MB, max_rss) >= memory_goal_mb
    # CPU time shows the work itself when other processes compete for the cores.
    print(f"  CPU time    median {statistics.median(cpu_times):.3f} s")
    print(f"  memory      tracemalloc peak {peak / MB:.1f} MB, process max RSS {max_rss:.1f} MB"
          f"   ({memory_goal}{': OVER GOAL' if over else ''})")  # fmt: skip
    print(f"  file size   {len(content) / 1024:.1f} kB")


def main() -> None:
    from openpyxl.xml import LXML

    print(f"Python {sys.version.split()[0]}, openpyxl XML writer: {'lxml' if LXML else 'stdlib'}")
    ddns = ddns_workbook()
    measure("DDNS budget workbook (8 sheets)", lambda: build_budget_workbook(ddns), 15, 0.3, None)

    programmes = [synthetic_workbook(i, rows=10, years=10) for i in range(200)]
    measure(
        "Portfolio workbook: 200 programmes × 10 budget rows × 10 years (write-only)",
        lambda: build_portfolio_workbook(programmes, exported_at=EXPORTED_AT, exported_by="bench"),
        5,
        3.0,
        300,
    )


if __name__ == "__main__":
    main()
