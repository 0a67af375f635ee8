"""What the last build of a site was made from: a hash per page input, and each version's
summary for the indexes, so a rebuild rewrites only pages whose input changed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = ".cdx-site.json"


def input_hash(value: object) -> str:
    """SHA-256 of the canonical JSON of a page's input."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class BuildState:
    renderer: str = ""  # templates, cdx version and language the pages were made with
    pages: dict[str, str] = field(default_factory=dict)  # page path → input hash
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # c/d/v → summary

    @classmethod
    def load(cls, out: Path, renderer: str) -> BuildState:
        """The state in `out`, or an empty one when missing, unreadable or made otherwise."""
        try:
            data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(renderer)
        if not isinstance(data, dict) or data.get("renderer") != renderer:
            return cls(renderer)
        return cls(renderer, dict(data.get("pages", {})), dict(data.get("summaries", {})))

    def unchanged(self, out: Path, page: str, digest: str) -> bool:
        return self.pages.get(page) == digest and (out / page).is_file()

    def save(self, out: Path) -> None:
        data = {"renderer": self.renderer, "pages": self.pages, "summaries": self.summaries}
        write_atomically(out / STATE_FILE, json.dumps(data, sort_keys=True, indent=1))


def write_atomically(path: Path, text: str) -> None:
    """Write `text` beside `path`, then rename it into place: no half-written page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
