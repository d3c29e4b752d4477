"""Charts for status, budget and benefit pages and for frozen PDF reports.

Each chart is a pure builder (`build_x(data, *, locale) -> bytes`) fed by a frozen
dataclass from `portfolio.charts.data`; `portfolio.charts.cache.render_chart` puts a cache
in front of them. This module imports nothing heavy on purpose: `portfolio.models` imports
`portfolio.charts.models`, and loading the schema must not load matplotlib.
"""
