"""The one check of a path inside a package, for verifying it and for catalogues.

A manifest or descriptor is written by a signer who may be careless or hostile; a path
it names is used only after this check, so nothing outside the package is ever read or
written because a package said so.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from cdx.core.errors import UnsafePath
from cdx.core.layout import MEMBER_DIRS, TOP_LEVEL_FILES

MAX_PATH = 1024  # bytes of UTF-8; a file name is further held to 255 by the file system


def safe_member_path(text: object) -> PurePosixPath:
    """`text` as a relative POSIX path inside a package, or raise UnsafePath.

    Allowed: the top-level files of core.layout.TOP_LEVEL_FILES, or a file under one of
    MEMBER_DIRS (`data/`, `reports/`). Refused: anything else, `..` or `.` parts, empty
    parts (`data//x`), absolute paths, backslashes and control characters."""
    if not isinstance(text, str) or not text:
        raise _unsafe(text, "it is not a non-empty text")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PATH:
        raise _unsafe(text, f"it is longer than {MAX_PATH} bytes")
    if "\\" in text or any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        raise _unsafe(text, "it holds a backslash or a control character")
    if text.startswith("/"):
        raise _unsafe(text, "it is absolute")
    parts = text.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise _unsafe(text, "it has an empty, `.` or `..` part")
    if text in TOP_LEVEL_FILES or (len(parts) > 1 and parts[0] in MEMBER_DIRS):
        return PurePosixPath(text)
    where = ", ".join(f"{folder}/" for folder in MEMBER_DIRS)
    raise _unsafe(text, f"it is neither under {where} nor one of {', '.join(TOP_LEVEL_FILES)}")


def _unsafe(text: object, why: str) -> UnsafePath:
    shown = repr(text) if len(repr(text)) <= 120 else repr(text)[:120] + "…"
    return UnsafePath(
        f"the package path {shown} is not allowed: {why}",
        hint="a package holds datapackage.json, provenance.jsonld and files under data/ "
        "and reports/, named by relative paths with `/`; seal it again with cdx",
    )
