"""The facts in a piece of copy that a rewrite must not change by accident: numbers, link
targets, names and invisible characters.

An edit that swaps one word for another is easy to review; one that also turns "400" into
"4000", adds "www.partner-offers.example" or writes "Globex" where it said "Acme Corp" is
not, and a model that obeys a page's hidden instructions makes exactly those. The agent's
validator (staging.agent.validate) refuses such edits unless the brief itself rewrites the
fact, and every review screen shows `what_else_changed` for every edit, so a person sees
them too.

Numbers are compared as values, not strings: "$1,199" is one number (1199, in dollars),
"40 percent" is "40%", "five minutes" is "5 minutes". Number words are read from a small
table (text2num was tried: it leaves "one" and "two" as words but converts "three", and
reads "hundreds" as 100, so a table is the more predictable choice).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator, TypeVar

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_VALUES = {w: i for i, w in enumerate(_SMALL)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_SCALES = {"hundred": 100, "dozen": 12, "thousand": 10**3, "million": 10**6, "billion": 10**9}
_SUFFIX_SCALES = {"k": 10**3, "K": 10**3, "M": 10**6, "bn": 10**9}
_UNITS = {"%": "%", "percent": "%", "per cent": "%", "pct": "%", "+": "+",
          "ms": "ms", "millisecond": "ms", "s": "s", "sec": "s", "second": "s",
          "min": "min", "minute": "min", "h": "h", "hr": "h", "hour": "h", "day": "day", "week": "week",
          "month": "month", "mo": "month", "quarter": "quarter", "year": "year", "yr": "year",
          "x": "x", "×": "x", "times": "x", "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB",
          "st": "th", "nd": "th", "rd": "th", "th": "th",
          "dollar": "$", "usd": "$", "euro": "€", "eur": "€", "pound": "£", "gbp": "£"}
_CURRENCIES = {"$", "€", "£", "¥"}

_WORD = "|".join(sorted(list(_WORD_VALUES) + list(_SCALES), key=len, reverse=True))
_UNIT = "|".join(re.escape(u) + "s?" for u in sorted(_UNITS, key=len, reverse=True) if u[0].isalpha())
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<currency>[$€£¥]|(?i:usd|eur|gbp)\s?)?"
    r"(?:(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<suffix>k|K|M|bn|st|nd|rd|th)?"
    rf"|(?P<words>(?i:{_WORD})(?:[\s-]+(?i:{_WORD}))*))(?!\w)"
    r"(?:\s(?P<scale>(?i:thousand|million|billion))\b)?"
    rf"(?P<unit>\s?%|\+|[\s-]+(?:[a-z]+\s+)?(?i:{_UNIT})\b|\s?×)?")
_CODE = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]+\b")  # Q4, p95, v4, 2FA: numbers in a word

_SAFE = r"[^\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff<>\"'“”‘’)\]]"
_SCHEME_URL = re.compile(rf"(?i:\b(?:https?|ftp|mailto|tel|sms|javascript|data|file|wss?):){_SAFE}+")
_MARKDOWN_TARGET = re.compile(rf"\]\(\s*({_SAFE}+)")
# Possessive runs: none of them can give back a character the next token would take.
_EMAIL = re.compile(r"[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
_EMAIL_AT_RUN_START = re.compile(r"(?<![\w.+-])" + _EMAIL.pattern)
_DOMAIN = re.compile(rf"(?<![\w@.-])(?i:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9](?![\w@-])(?:/{_SAFE}*)?",
                     re.IGNORECASE)
_TRAILING = ".,;:!?"

_WORDS = re.compile(r"[^\W\d_]+")
_OPENERS = "\"'“‘«([{*_#>"
_SENTENCE_END = ".!?:|…—–-•"
# Words that are capitalised at the start of a sentence or in a title, never names.
FUNCTION_WORDS = frozenset(
    "a an and are as at be but by do for from has have he her his i if in is it its my no not of on or our "
    "she so than that the their them then there these they this those to up us was we were what when where "
    "which who why will with yes you your".split())
# Controls, format characters (bidi overrides, zero-width), private-use, lone surrogates,
# unassigned code points, line and paragraph separators: nothing a person sees as written.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_FILLERS = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0"}  # blank-looking letters and joiners
# No valid phone number is written in fewer characters: "+" and six digits (a 4-digit number
# in Austria, Germany or Iran, +43 / +49 / +98); a US number needs ten. Shorter candidates
# ("000" in "1,000,000", "10" in "10:00") are skipped before phonenumbers parses each one,
# which is what made a 100,000-character run of digits take seconds.
_SHORTEST_PHONE = 7
# phonenumbers parses and validates each longer candidate (~0.1 ms each): a block of 20,000
# years took seconds. Past this many candidates that are not phone numbers it stops looking;
# a phone number added beyond them is still refused, as numbers the page did not have.
_PHONE_TRIES = 1000


@dataclass(frozen=True)
class Number:
    """A number as written (`text`) and what it means (`key`: currency, value, unit)."""

    text: str
    key: tuple[str, str, str]
    start: int


def numbers(text: str) -> list[Number]:
    """Every number in the text, digits or words, in order; codes such as "Q4" count too."""
    found = [_number(m) for m in _NUMBER.finditer(text)]
    taken = [(n.start, n.start + len(n.text)) for n in found]
    for match in _CODE.finditer(text):
        if not any(a <= match.start() < b for a, b in taken):
            found.append(Number(match.group(0), ("", match.group(0).upper(), "code"), match.start()))
    return sorted(found, key=lambda n: n.start)


def _number(match: re.Match[str]) -> Number:
    currency, unit = (match.group("currency") or "").strip().lower(), _unit(match.group("unit"))
    if match.group("digits"):
        value = Decimal(match.group("digits").replace(",", ""))
        suffix = match.group("suffix") or ""
        value *= _SUFFIX_SCALES.get(suffix, 1)
        unit = unit or _UNITS.get(suffix, "")
    else:
        value = Decimal(_words_value(match.group("words").lower()))
    value *= _SCALES.get((match.group("scale") or "").lower(), 1)
    currency = _UNITS.get(currency, currency)
    if unit in _CURRENCIES:
        currency, unit = unit, ""
    return Number(match.group(0).strip(), (currency, format(value.normalize(), "f"), unit), match.start())


def _unit(written: str | None) -> str:
    if not written:
        return ""
    word = written.strip(" -\t\n").lower().split()[-1]
    if word.endswith("s") and word not in _UNITS:
        word = word[:-1]
    return _UNITS.get(word, _UNITS.get(written.strip().lower(), ""))


def _words_value(words: str) -> int:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words):
        if word in _WORD_VALUES:
            current += _WORD_VALUES[word]
        elif word in ("hundred", "dozen"):
            current = max(current, 1) * _SCALES[word]
        else:
            total, current = total + max(current, 1) * _SCALES[word], 0
    return total + current


def targets(text: str) -> list[tuple[str, str]]:
    """Where the text could send a reader, as (kind, target): links and URLs of any scheme,
    Markdown link targets, bare domains (www.x.example, partner-offers.example), e-mail
    addresses and phone numbers."""
    found: list[tuple[str, str]] = [("link", m.group(1)) for m in _MARKDOWN_TARGET.finditer(text)]
    rest = text
    for kind, find in (("link", _SCHEME_URL.finditer), ("e-mail address", _emails), ("link", _DOMAIN.finditer)):
        matches = list(find(rest))
        found.extend((kind, match.group(0).rstrip(_TRAILING)) for match in matches)
        rest = _blanked(rest, matches)
    found.extend(("phone number", number) for number in _phone_numbers(rest))
    return list(dict.fromkeys((kind, target if kind == "link" else target.lower()) for kind, target in found))


def _emails(text: str) -> Iterator[re.Match[str]]:
    """What `_EMAIL.finditer(text)` finds, in linear time.

    A match can start anywhere in a run of local-part characters, but all starts in one run
    share its end (the "@" or not), so after a failed try at the run's first character every
    other start in it fails too. Trying each start made one 100,000-character word take
    minutes. So: try where the previous match ended (finditer's own starting point, maybe in
    the middle of a run), then only where a run begins."""
    at = 0
    while (match := _EMAIL.match(text, at) or _EMAIL_AT_RUN_START.search(text, at)) is not None:
        yield match
        at = match.end()


def _blanked(text: str, matches: list[re.Match[str]]) -> str:
    """`text` with each match replaced by as many spaces (positions stay where they were)."""
    parts, at = [], 0
    for match in matches:
        parts += [text[at:match.start()], " " * (match.end() - match.start())]
        at = match.end()
    return "".join(parts) + text[at:]


def _phone_numbers(text: str) -> Iterator[str]:
    import phonenumbers  # imported here: its metadata takes a tenth of a second to load

    for match in phonenumbers.PhoneNumberMatcher(text, "US", max_tries=_PHONE_TRIES,
                                                  min_candidate_length=_SHORTEST_PHONE):
        yield phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)


def words(text: str) -> list[str]:
    return _WORDS.findall(text)


def names(text: str, known: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Words that name someone or something, with their positions: capitalised words that do
    not start a sentence, words with a capital inside (HelpHive, AWS), and any `known` name."""
    found = []
    for match in _WORDS.finditer(text):
        word = match.group(0)
        if word.islower() or word.lower() in FUNCTION_WORDS:
            continue
        if word in known or any(ch.isupper() for ch in word[1:]) or not _starts_sentence(text, match.start()):
            found.append((match.start(), word))
    return found


def _starts_sentence(text: str, start: int) -> bool:
    """Whether only spaces and openers stand between `start` and a sentence end (or the text's
    start). Walks back from `start` instead of copying the text before it: one copy per word
    made a 100,000-character block of capitalised words quadratic."""
    at = start
    for skipped in (str.isspace, _OPENERS.__contains__, str.isspace):
        while at and skipped(text[at - 1]):
            at -= 1
    return not at or text[at - 1] in _SENTENCE_END


def name_changes(before: str, after: str, known: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Names the edit drops (fewer mentions than before) and capitalised words it brings in
    that the text did not have in any case (a sentence-initial "Then" is not a new name)."""
    had, has = Counter(w for _, w in names(before, known)), Counter(words(after))
    lost = [w for w, n in had.items() if has[w] < n]
    exact, lower = set(words(before)), {w.lower() for w in words(before)}
    new = [w for w in dict.fromkeys(words(after)) if not w.islower() and w not in exact
           and w.lower() not in FUNCTION_WORDS and (w in known or w.lower() not in lower)]
    return lost, new


def invisible(text: str) -> list[str]:
    """Control, bidi, zero-width and other invisible characters (newlines and tabs aside), as U+XXXX."""
    return [f"U+{ord(ch):04X}" for ch in text if ch not in "\n\t"
            and (unicodedata.category(ch) in INVISIBLE_CATEGORIES or ch in _FILLERS)]


def what_else_changed(before: str, after: str) -> str:
    """One line for a reviewer: the numbers, link targets, names and invisible characters an
    edit removes (-) or adds (+), or that it changes none of them."""
    parts = []
    was, now = numbers(before), numbers(after)
    lost, new = _multiset_changes([n.key for n in was], [n.key for n in now])
    texts = {n.key: n.text for n in was} | {n.key: n.text for n in now}
    if lost or new:
        parts.append("numbers " + " ".join([f"-{texts[k]}" for k in lost] + [f"+{texts[k]}" for k in new]))
    lost_targets, new_targets = _multiset_changes(targets(before), targets(after))
    if lost_targets or new_targets:
        parts.append("links " + " ".join([f"-{t}" for _, t in lost_targets] + [f"+{t}" for _, t in new_targets]))
    lost_names, new_names = name_changes(before, after)
    if lost_names or new_names:
        parts.append("names " + " ".join([f"-{w}" for w in lost_names] + [f"+{w}" for w in new_names]))
    hidden = sorted((Counter(invisible(after)) - Counter(invisible(before))).elements())
    if hidden:
        parts.append("invisible characters " + " ".join(f"+{c}" for c in dict.fromkeys(hidden)))
    return "; ".join(parts) if parts else "no numbers, links or names changed"


_Key = TypeVar("_Key", bound=tuple[str, ...])  # what a fact is compared by: a number's key, a link's (kind, target)


def _multiset_changes(before: list[_Key], after: list[_Key]) -> tuple[list[_Key], list[_Key]]:
    had, has = Counter(before), Counter(after)
    return sorted((had - has).elements()), sorted((has - had).elements())
