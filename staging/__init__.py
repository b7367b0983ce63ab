"""Staging: the git-like core of copydesk (store, pulls, history, diff).

Builds connectors from settings and never reaches past them to a tool's API.
"""
