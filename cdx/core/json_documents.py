"""JSON from a place that may be hostile: a manifest, a signature, an index, keys, a
trust store, a package's documents.

`json.loads` raises RecursionError, not ValueError, for a document nested deeper than
the interpreter's recursion limit (200 KB of `[` is enough), so every reader that
turns a ValueError into a coded error would show a traceback instead.
"""

from __future__ import annotations

import json
from typing import Any


def parse_json(data: str | bytes) -> Any:
    """`json.loads(data)`; ValueError for malformed JSON, too deep a nesting included."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
