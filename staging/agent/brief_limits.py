"""What reading one brief file may cost, and the checks that hold it to that.

A brief arrives from anyone: a file on disk or an upload to the app. A .docx is a zip of
XML, and a zip can declare, or quietly hold, a thousand times its size (a 1 MB file that
inflates to 480 MB of XML took 70 s and 10 GB). So an archive is checked before any parser
sees it: its directory (entries, declared sizes, compression ratios), then every entry read
through a capped stream, which also catches headers that lie (zipfile stops at the declared
size and the CRC no longer matches). Parsing is bounded too: lxml keeps its default depth
and node limits (python-docx never asks for `huge_tree`), pypdf runs with tighter limits
than its defaults, and both stop between paragraphs or pages once the time is spent.

Each library's own errors on a malformed file become one `BriefError` line that says what
to do, never a traceback.
"""

from __future__ import annotations

import io
import time
import zipfile
from contextlib import contextmanager
from typing import Iterator

from connectors.errors import BriefError

MAX_INFLATED = 16 * 1024 * 1024  # all of a .docx's parts, inflated: a long brief's XML is 1-2 MB
MAX_RATIO = 100  # inflated / compressed for any part over RATIO_FLOOR: Word's XML compresses 5-20 times
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 1000  # parts in one .docx: a real one has 10-40
MAX_PAGES = 200  # a brief is a few pages; a PDF of more is not one
MAX_SECONDS = 10.0  # parsing one file, checked between paragraphs and pages
_CHUNK = 64 * 1024
# pypdf's limits (pypdf.Configuration), well below its defaults (75 MB per stream, 2,000,000
# parsing steps per content stream): a brief's page holds a few kB of text.
PDF_LIMITS = {
    "maximum_declared_stream_length": 8_000_000,
    "zlib_maximum_output_length": 8_000_000,
    "lzw_maximum_output_length": 8_000_000,
    "run_length_maximum_output_length": 8_000_000,
    "array_based_stream_maximum_output_length": 8_000_000,
    "brotli_maximum_output_length": 8_000_000,
    "stream_decoding_work_maximum_length": 32_000_000,
    "stream_parsing_work_maximum_count": 500_000,
    "xform_maximum_invocations_per_extraction": 500,
    "page_tree_maximum_entries": 10 * MAX_PAGES,
    "page_tree_maximum_page_entries": 100_000,
}


def check_archive(name: str, data: bytes) -> None:
    """Refuse a .docx whose zip is broken, has too many parts, or declares or actually holds
    more than MAX_INFLATED or a ratio above MAX_RATIO, before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise _too_big(name, f"holds {len(entries):,} parts")
            declared = sum(entry.file_size for entry in entries)
            if declared > MAX_INFLATED:
                raise _too_big(name, f"declares {declared / 1e6:,.0f} MB once unpacked")
            for entry in entries:
                if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                    raise _too_big(name, f"packs {entry.filename} {entry.file_size // max(entry.compress_size, 1):,} "
                                         "times smaller than it unpacks")
            inflated = 0
            for entry in entries:
                with archive.open(entry) as part:
                    while chunk := part.read(_CHUNK):
                        inflated += len(chunk)
                        if inflated > MAX_INFLATED:
                            raise _too_big(name, f"unpacks to more than {MAX_INFLATED // (1024 * 1024)} MB")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        raise unreadable(name, ".docx", error) from error


def _too_big(name: str, what: str) -> BriefError:
    return BriefError(f"{name} {what}: that is not a brief (a zip bomb?). Save the brief again from your word "
                      "processor, or as Markdown.")


def unreadable(name: str, kind: str, error: BaseException) -> BriefError:
    """A library's failure on a malformed file, as one line (the cause stays chained)."""
    if isinstance(error, RecursionError):
        detail = "nested too deeply"
    else:
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
    again = "export it again from your word processor" if kind == ".docx" else "export it again, or save it as Markdown"
    return BriefError(f"{name} is not a readable {kind} ({detail}); {again}.")


class Deadline:
    """Parsing time left for one file; `check` between paragraphs or pages."""

    def __init__(self, name: str, seconds: float = MAX_SECONDS) -> None:
        self.name = name
        self.seconds = seconds
        self._until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._until:
            raise BriefError(f"{self.name} took more than {self.seconds:g} s to read; that is not a brief. "
                             "Save it as Markdown or plain text.")


@contextmanager
def pdf_limits() -> Iterator[None]:
    """pypdf's resource limits lowered to a brief's size for the reads inside."""
    from pypdf import apply_configuration

    with apply_configuration(configuration=None, **PDF_LIMITS):  # None: the current configuration, lowered
        yield
