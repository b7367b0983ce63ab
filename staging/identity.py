"""Who is acting: the names recorded on every approval, apply and revert, checked once here.

A name is what the review gate compares ("is the approver the author?") and what the audit
log shows, so it must be visible and unambiguous: not blank, no control, bidi or zero-width
characters (which make two different names read alike, or one name read as another), and of
a bounded length. Two names are the same person when they match after Unicode NFKC and case
folding, so `Mallory` cannot approve what `mallory` proposed.

Where a name comes from is decided elsewhere: the command line trusts `COPYDESK_ACTOR`, the
config's `actor`, else the OS user, like git trusts `user.name`; the review app takes the
signed-in or proxy-asserted identity (ui/web/identity.py).
"""

from __future__ import annotations

import unicodedata

from connectors.errors import ConfigError
from staging.facts import INVISIBLE_CATEGORIES

MAX_LENGTH = 100



def checked(name: str, *, where: str = "COPYDESK_ACTOR (or actor in copydesk.toml)") -> str:
    """`name`, NFKC-normalised and stripped, or a one-line ConfigError saying what to fix."""
    cleaned = unicodedata.normalize("NFKC", name).strip()
    if not cleaned:
        raise ConfigError(f"The acting person's name is blank; set {where} to your name.")
    if len(cleaned) > MAX_LENGTH:
        raise ConfigError(f"The acting person's name is {len(cleaned)} characters long; set {where} to a name of "
                          f"at most {MAX_LENGTH}.")
    bad = next((ch for ch in cleaned if unicodedata.category(ch) in INVISIBLE_CATEGORIES), None)
    if bad is not None:
        raise ConfigError(f"The acting person's name holds an invisible or control character (U+{ord(bad):04X}); "
                          f"set {where} to a plain name.")
    return cleaned


def key(name: str) -> str:
    """What two names are compared by: the same person whatever the case or Unicode form."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def same(a: str, b: str) -> bool:
    return key(a) == key(b)
