"""Metric sources: adapters that read statistics from outside and normalise them.

`observations` holds the one shape every adapter returns, `adapters` the registry and the
adapters themselves, `services` what the CLI and the web UI call.
"""
