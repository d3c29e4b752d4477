"""Pages cost a fixed number of SQL queries, whatever the size of the portfolio."""

import pytest

from portfolio.core.pagecache import fragments
from portfolio.extensions import db
from portfolio.seed.synthetic import generate
from portfolio.status.portfolio import row_cache
from tests.conftest import count_queries

PAGES = [
    "/",
    "/programmes/ddns",
    "/programmes/ddns/status",
    "/programmes/ddns/budget",
    "/programmes/ddns/benefits/GH1",
    "/programmes/ddns/risks/",
]


def _counts(app, client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        client.get(url)  # let per-process caches warm
        with app.app_context():
            fragments().clear()  # but draw the page itself: count what drawing it costs
            row_cache().clear()  # the overview's programme figures too
        with count_queries() as n:
            assert client.get(url).status_code == 200, url
        counts[url] = n()
    return counts


@pytest.mark.parametrize("scale", [3])
def test_query_counts_do_not_grow_with_the_portfolio(app, client, login_as, scale):
    app.config["TODAY"] = "2026-11-21"
    login_as("admin")
    small = _counts(app, client)
    generate(scale)
    db.session.expire_all()
    large = _counts(app, client)
    for url in PAGES:
        # 19: the programme page's timeline chart reads the milestones (one query), and the
        # budgets' rows and versions are read beside their lines (one each).
        assert small[url] <= 19, (url, small[url])
        # The overview reads measured values once any listed indicator has a metric (the
        # test's DDNS has none, the synthetic programmes have): one query, whatever their number.
        extra = 1 if url == "/" else 0
        assert large[url] <= small[url] + extra, (url, small[url], large[url])
        assert large[url] >= small[url], (url, small[url], large[url])
