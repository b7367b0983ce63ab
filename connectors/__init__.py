"""Connectors: one plug-in package per tool behind one small protocol, plus local sandboxes of each API.

This is the bottom layer: it never imports `staging` or `ui`, and it never reads the
environment. Callers pass tokens, base URLs and rates explicitly.
"""
