"""Print how many fuzz cases ran, for the issue's closing note."""

from tests.fuzz.counts import COUNTS


def pytest_terminal_summary(terminalreporter):
    line = COUNTS.summary()
    if line:
        terminalreporter.write_line(line)
