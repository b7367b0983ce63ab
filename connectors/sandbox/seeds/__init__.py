"""The seed workspace the sandboxes serve (Fernhill Labs: a Notion wiki, a Drive of Google Docs,
a Webflow site), shipped inside the package so an installed copydesk serves it from anywhere.

Read through `importlib.resources`, never a path beside the source tree: a wheel lays the files
out in site-packages, not in the repository. Each tool's folder has a README with its format;
MESSAGING.md lists the phrases the seeds repeat.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

SEEDS: Traversable = resources.files(__name__)


def seed_files(folder: Traversable, suffix: str) -> list[Traversable]:
    """The files in `folder` whose names end in `suffix`, in name order (the order seeds load in)."""
    return sorted((entry for entry in folder.iterdir() if entry.name.endswith(suffix)), key=lambda entry: entry.name)
