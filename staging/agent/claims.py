"""Retired claims said in other words, found without a model.

People rarely paste a retired claim verbatim: "Setup in 5 minutes" comes back as "set up in
five minutes", "a 5-minute setup" or "setup should take 5 minutes". A sentence restates a
claim when it holds every number of the claim (digits or words, "40 percent" = "40%") and
most of its other words in any order and inflection (Snowball stems; "set up" also counts as
"setup"): two thirds of them when the claim has a number, three quarters (at least two)
when it has none. Synonyms ("reduces" for "cuts") are beyond this check: that is what the
Claude engine reads the flagged documents for.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import cast

import snowballstemmer

from staging.agent.passages import sentences

_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|%|\w+", re.UNICODE)
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS |= {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                  "ninety": "90", "hundred": "100"}
# Words that carry no claim: articles, auxiliaries, prepositions, pronouns.
_FILLER = frozenset("""a an the and or but of in on at to for by with from into onto than then as is are was were be
    been being it its this that these those our your their we you they i he she do does did can could will would should
    shall may might must has have had just only not no so very about up down over under out off per""".split())
_STEMMER = snowballstemmer.stemmer("english")


class ClaimCheck:
    """One retired claim, ready to be looked for in sentences."""

    def __init__(self, claim: str) -> None:
        self.claim = claim
        tokens = _tokens(claim)
        self.numbers = {t for t in tokens if _is_number(t)}
        self.words = {t for t in tokens if not _is_number(t) and t not in _FILLER}
        share = 2 / 3 if self.numbers else 3 / 4
        self.needed = min(len(self.words), max(1 if self.numbers else 2, math.ceil(share * len(self.words))))
        # Each number as it may be written: "40" for "40%", "5" or "five" for "5".
        self._spellings = [{digits, *(w for w, n in _NUMBER_WORDS.items() if n == digits)}
                           for digits in (number.rstrip("%") for number in self.numbers)]
        self._exact = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in claim.split()) + r"(?!\w)",
                                 re.IGNORECASE)

    @property
    def checkable(self) -> bool:
        """A claim of one word and no number would match any sentence using that word."""
        return bool(self.numbers) or len(self.words) >= 2

    def stated(self, text: str) -> bool:
        """The claim word for word (case and spacing aside)."""
        return bool(self._exact.search(text))

    def restated(self, text: str) -> bool:
        """Some sentence of `text` makes the claim in other words (and not word for word)."""
        if not self.checkable or self.stated(text) or not self._could_hold(text):
            return False
        return any(self._in_sentence(sentence) for sentence in sentences(text))

    def _could_hold(self, text: str) -> bool:
        """A cheap test before stemming: every number of the claim appears in some form."""
        lowered = text.lower()
        return all(any(spelling in lowered for spelling in spellings) for spellings in self._spellings)

    def _in_sentence(self, sentence: str) -> bool:
        tokens = _tokens(sentence)
        present = set(tokens) | {a + b for a, b in zip(tokens, tokens[1:])}
        return self.numbers <= present and len(self.words & present) >= self.needed


def _tokens(text: str) -> list[str]:
    """Stems, number words as digits, "40 %"/"40 percent" as one token "40%"."""
    raw = [_NUMBER_WORDS.get(t, t) for t in _TOKEN.findall(text.lower())]
    tokens: list[str] = []
    for token in raw:
        if token in ("%", "percent") and tokens and tokens[-1].isdigit():
            tokens[-1] += "%"
        elif not _is_number(token):
            tokens.append(_stem(token))
        else:
            tokens.append(token.replace(",", ""))
    return tokens


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return cast(str, _STEMMER.stemWord(word))  # snowballstemmer ships no type information


def _is_number(token: str) -> bool:
    return token[:1].isdigit()
