"""Staging: the git-like core of copydesk (store, pulls, history, diff, changesets and their
review, apply and revert, the agent, sweeps).

Builds connectors from settings and never reaches past them to a tool's API.
"""
