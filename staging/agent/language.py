"""Which language a page, a block and a brief are written in, so a brief's English words are
never pasted into a French page.

A page whose tool declares its language (a locale page, say) is in that language; for
anything else the text is identified with py3langid, a maintained fork of langid.py whose
model ships inside the package (no download), restricted to the languages copy is written
in here. Restricted to a handful, it names short marketing lines right where detectors
trained for many languages guess; it is also a twentieth the install size of lingua
(4.5 MB against 96 MB). What it cannot tell with confidence (a two-word heading, a product
name alone) takes the document's language, and failing that the brief's: an undecided
text is treated as the brief's language, as before this check existed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from connectors.document import Document
from connectors.registry import plugins

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

    from staging.agent.brief import CompiledBrief

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
         "nl": "Dutch"}
_CONFIDENT = 0.9  # py3langid's normalised probability; below it a text's language is undecided
_MIN_WORDS = 4  # fewer words than this are not judged on their own: a heading takes its page's language
_SAMPLE = 4000  # characters of a page enough to know its language


def name(code: str) -> str:
    """"French" for "fr": what a reviewer reads."""
    return NAMES.get(code, code)


def locale_of(doc: Document) -> str | None:
    """The language the document's tool declares for it ("fr"), or None: most documents do
    not say, and their text is identified instead (`detect`). A document does not carry its
    tool (its source is a configured name), and each tool reads only its own payload's shape,
    so every tool is asked."""
    return next((code for plugin in plugins() if (code := plugin.capabilities.declared_language(doc))), None)


def of_document(doc: Document) -> str | None:
    """The page's language: the one its tool declares, else what its text reads as."""
    return locale_of(doc) or detect(" \n".join(b.text for b in doc.blocks if b.text)[:_SAMPLE])


def of_brief(brief: CompiledBrief) -> str:
    """The brief's language, from its own prose; English when it is too short to tell."""
    text = " \n".join([brief.title, brief.summary, *brief.key_messages, *(t.retire for t in brief.terms)])
    return detect(text) or "en"


def detect(text: str) -> str | None:
    """The language of `text`, or None when it is too short or the model is not sure."""
    if len(text.split()) < _MIN_WORDS:
        return None
    code, probability = _identifier().classify(text)
    return str(code) if probability >= _CONFIDENT else None


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """Loaded once, on first use (about a second): the CLI starts without it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier
